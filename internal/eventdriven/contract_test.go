package eventdriven_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/redshift-data-access/redshift-data-access/internal/eventdriven"
	"github.com/redshift-data-access/redshift-data-access/internal/eventdriven/eventtest"
)

const lifecycleKey = "team-a/analyst-secret"

// step is one request of a key's life and what it must leave.
type step struct {
	name    string
	eventID string
	// redeliver sends eventID again under another deduplication ID, as a
	// delivery after SQS's deduplication window would be.
	redeliver bool
	request   eventdriven.RequestType
	props     map[string]any
	// detailType is the result event every answer of the step must be.
	detailType string
	want       func(ids map[string]string) want
	// noResourceCalls: the step must be answered without the resource.
	noResourceCalls bool
	// replaces names the step whose physical ID this step's must differ from.
	replaces string
}

func lifecycle() []step {
	base := map[string]any{"ClusterIdentifier": "analytics-cluster", "Username": "app_user", "Database": "dev", "Description": "v1"}
	inPlace := with(base, map[string]any{"Description": "v2"})
	replaced := with(inPlace, map[string]any{"Name": "team-a/analyst-v2"})
	provisioned := func(of string, props map[string]any, o eventdriven.Outcome) func(map[string]string) want {
		return func(ids map[string]string) want {
			return want{status: eventdriven.StatusProvisioned, physicalID: ids[of], props: props, outcome: o}
		}
	}
	deleted := func(map[string]string) want {
		return want{status: eventdriven.StatusAbsent, outcome: eventdriven.OutcomeDeleted}
	}
	return []step{
		{name: "create", eventID: "ev-1", request: eventdriven.RequestApply, props: base,
			detailType: eventdriven.DetailTypeProvisioned, want: provisioned("create", base, eventdriven.OutcomeProvisioned)},
		{name: "duplicate", eventID: "ev-1", redeliver: true, request: eventdriven.RequestApply, props: base, noResourceCalls: true,
			detailType: eventdriven.DetailTypeProvisioned, want: provisioned("create", base, eventdriven.OutcomeProvisioned)},
		{name: "update in place", eventID: "ev-2", request: eventdriven.RequestApply, props: inPlace,
			detailType: eventdriven.DetailTypeProvisioned, want: provisioned("create", inPlace, eventdriven.OutcomeProvisioned)},
		{name: "replacement", eventID: "ev-3", request: eventdriven.RequestApply, props: replaced, replaces: "create",
			detailType: eventdriven.DetailTypeProvisioned, want: provisioned("replacement", replaced, eventdriven.OutcomeProvisioned)},
		{name: "failed update", eventID: "ev-4", request: eventdriven.RequestApply, props: with(replaced, map[string]any{"Description": failDescription}),
			detailType: eventdriven.DetailTypeFailed, want: provisioned("replacement", replaced, eventdriven.OutcomeFailed)},
		{name: "delete", eventID: "ev-5", request: eventdriven.RequestDelete,
			detailType: eventdriven.DetailTypeDeleted, want: deleted},
		{name: "delete again", eventID: "ev-6", request: eventdriven.RequestDelete, noResourceCalls: true,
			detailType: eventdriven.DetailTypeDeleted, want: deleted},
	}
}

// runLifecycle plays the steps through the queue, checking the ledger,
// the secrets and the result events after each.
func runLifecycle(t *testing.T, e *env) {
	t.Helper()
	ids := map[string]string{}
	seen := 0
	for _, s := range lifecycle() {
		dedup := s.eventID
		if s.redeliver {
			dedup += "/redelivered"
		}
		e.res.takeCalls()
		e.send(requestEvent(s.eventID, s.request, lifecycleKey, s.props), lifecycleKey, dedup)
		e.drain()
		calls := e.res.takeCalls()
		results := e.results(&seen)
		if len(results) == 0 {
			t.Fatalf("%s: no result event", s.name)
		}
		for _, r := range results {
			if r.DetailType != s.detailType || r.Detail.RequestEventID != s.eventID || r.Detail.Key != lifecycleKey {
				t.Errorf("%s: result event %s %s, want %s for request %s of key %s", s.name, r.DetailType, r.Raw, s.detailType, s.eventID, lifecycleKey)
			}
			if r.Source != eventdriven.DefaultResultSource {
				t.Errorf("%s: result source %q, want %q", s.name, r.Source, eventdriven.DefaultResultSource)
			}
		}
		last := results[len(results)-1].Detail
		if s.detailType == eventdriven.DetailTypeProvisioned {
			ids[s.name] = last.PhysicalResourceID
			if last.Attributes["Arn"] != last.PhysicalResourceID || last.Attributes["TagKey"] == "" {
				t.Errorf("%s: result attributes %v, want the secret's Arn and TagKey", s.name, last.Attributes)
			}
			// A generated name derives from the key as a stack's from its
			// stack and logical ID, under the synthetic stack part.
			if wantName := "redshift-data-api/" + eventdriven.StackIDPrefix + "/team-a-analyst-secret-"; s.props["Name"] == nil && !strings.HasPrefix(last.Attributes["Name"], wantName) {
				t.Errorf("%s: generated name %q, want it to start with %q", s.name, last.Attributes["Name"], wantName)
			}
		}
		if s.detailType == eventdriven.DetailTypeFailed && !strings.Contains(last.Reason, "rolled back") {
			t.Errorf("%s: reason %q, want it to say the update was rolled back", s.name, last.Reason)
		}
		if s.replaces != "" && ids[s.name] == ids[s.replaces] {
			t.Errorf("%s: physical ID %s unchanged, want a replacement", s.name, ids[s.name])
		}
		if s.noResourceCalls && len(calls) > 0 {
			t.Errorf("%s: resource calls %v, want none: the ledger answers", s.name, calls)
		}
		w := s.want(ids)
		e.check(s.name, lifecycleKey, w)
		for _, r := range results {
			if w.physicalID != "" && r.Detail.PhysicalResourceID != w.physicalID {
				t.Errorf("%s: result names %s, the ledger %s", s.name, r.Detail.PhysicalResourceID, w.physicalID)
			}
		}
		if t.Failed() {
			t.Fatalf("stopping after step %s; resource calls %v", s.name, calls)
		}
	}
}

func TestContract(t *testing.T) {
	e := newEnv(t)
	runLifecycle(t, e)
	if e.faults.count() == 0 {
		t.Fatal("no DynamoDB or EventBridge call went through the wrapped clients")
	}
}

// TestContractFaults fails each DynamoDB and EventBridge call of the
// lifecycle in turn, once: the failed delivery is retried and every step
// still ends where it does without faults.
func TestContractFaults(t *testing.T) {
	clean := newEnv(t)
	runLifecycle(t, clean)
	total := clean.faults.count()
	for n := 1; n <= total; n++ {
		t.Run(fmt.Sprintf("call %d of %d", n, total), func(t *testing.T) {
			e := newEnv(t)
			e.faults.failAt = n
			runLifecycle(t, e)
			if e.faults.count() < n {
				t.Fatalf("only %d calls: the fault on call %d was never injected", e.faults.count(), n)
			}
		})
	}
}

// TestConcurrentDeliveries hands the same request, and a second request
// for the same new key, to concurrent invocations: one delivery wins each
// claim, the others are retried, and one secret exists in the end.
func TestConcurrentDeliveries(t *testing.T) {
	e := newEnv(t)
	const key = "team-b/concurrent"
	props := map[string]any{"WorkgroupName": "analytics-wg", "Username": "app_user", "Description": "first"}
	second := with(props, map[string]any{"Description": "second"})
	records := []events.SQSMessage{
		{MessageId: "m1", Body: requestEvent("ev-a", eventdriven.RequestApply, key, props)},
		{MessageId: "m2", Body: requestEvent("ev-a", eventdriven.RequestApply, key, props)},
		{MessageId: "m3", Body: requestEvent("ev-a", eventdriven.RequestApply, key, props)},
		{MessageId: "m4", Body: requestEvent("ev-b", eventdriven.RequestApply, key, second)},
	}
	// One invocation per delivery, all at once.
	handles := make([]eventtest.Handle, len(records))
	for i := range handles {
		handles[i] = e.handler.HandleSQS
	}
	if err := eventtest.DeliverConcurrently(context.Background(), handles, records); err != nil {
		t.Fatal(err)
	}
	seen := 0
	results := e.results(&seen)
	ids := map[string]bool{}
	for _, r := range results {
		if r.DetailType != eventdriven.DetailTypeProvisioned {
			t.Errorf("result %s %s, want Provisioned", r.DetailType, r.Raw)
		}
		ids[r.Detail.PhysicalResourceID] = true
	}
	if len(ids) != 1 {
		t.Fatalf("results name physical IDs %v, want one", ids)
	}
	item := e.item(key)
	last := attrS(item, "LastEventId")
	wantProps := props
	if last == "ev-b" {
		wantProps = second
	}
	for id := range ids {
		e.check("concurrent", key, want{status: eventdriven.StatusProvisioned, physicalID: id, props: wantProps, outcome: eventdriven.OutcomeProvisioned})
	}
}
