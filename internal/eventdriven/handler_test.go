package eventdriven_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/internal/eventdriven"
)

// TestRefusedAtOnce: a request that can never succeed is answered with a
// Failed result event on its first delivery and not retried, and leaves no
// ledger item and no resource call.
func TestRefusedAtOnce(t *testing.T) {
	tests := map[string]struct {
		body string
		key  string
	}{
		"Password in properties": {
			body: requestEvent("ev-p", eventdriven.RequestApply, "team-c/with-password",
				map[string]any{"ClusterIdentifier": "c", "Username": "u", "Password": "Canary-Password-123"}),
			key: "team-c/with-password",
		},
		"not JSON":    {body: `{"detail-type": `},
		"invalid key": {body: requestEvent("ev-k", eventdriven.RequestApply, "team c", map[string]any{"ClusterIdentifier": "c", "Username": "u"}), key: "team c"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			e.send(tc.body, "group", "dedup")
			if failures := e.drain(); failures != 0 {
				t.Errorf("%d failed deliveries, want the request answered on its first", failures)
			}
			seen := 0
			results := e.results(&seen)
			if len(results) != 1 || results[0].DetailType != eventdriven.DetailTypeFailed || results[0].Detail.Reason == "" {
				t.Fatalf("results %v, want one Failed event with a reason", results)
			}
			if results[0].Detail.Key != tc.key {
				t.Errorf("result key %q, want %q", results[0].Detail.Key, tc.key)
			}
			if calls := e.res.takeCalls(); len(calls) > 0 {
				t.Errorf("resource calls %v, want none", calls)
			}
			if tc.key != "" && len(e.item(tc.key)) != 0 {
				t.Errorf("a ledger item was written for a refused request")
			}
			if strings.Contains(results[0].Raw, "Canary-Password-123") || strings.Contains(e.logs.String(), "Canary-Password-123") {
				t.Error("the password reached a result event or the log")
			}
		})
	}
}

// TestFailedCreateLeavesNothing: a Create the resource refuses is a Failed
// result, no secret, and a ledger item recording the key as absent; the
// next Apply of the key creates it.
func TestFailedCreateLeavesNothing(t *testing.T) {
	e := newEnv(t)
	const key = "team-d/bad"
	good := map[string]any{"ClusterIdentifier": "c", "Username": "app_user"}
	e.send(requestEvent("ev-1", eventdriven.RequestApply, key, with(good, map[string]any{"PasswordLength": "7"})), key, "ev-1")
	if failures := e.drain(); failures != 0 {
		t.Errorf("%d failed deliveries: an invalid property must not be retried", failures)
	}
	seen := 0
	if r := e.results(&seen); len(r) != 1 || r[0].DetailType != eventdriven.DetailTypeFailed || !strings.Contains(r[0].Detail.Reason, "PasswordLength") {
		t.Fatalf("results %v, want one Failed naming PasswordLength", r)
	}
	e.check("failed create", key, want{status: eventdriven.StatusAbsent, outcome: eventdriven.OutcomeFailed})

	e.send(requestEvent("ev-2", eventdriven.RequestApply, key, good), key, "ev-2")
	e.drain()
	r := e.results(&seen)
	if len(r) != 1 || r[0].DetailType != eventdriven.DetailTypeProvisioned {
		t.Fatalf("results %v, want Provisioned", r)
	}
	e.check("create after failed create", key, want{status: eventdriven.StatusProvisioned, physicalID: r[0].Detail.PhysicalResourceID,
		props: good, outcome: eventdriven.OutcomeProvisioned})
}

// TestNoSecretInLedger: the generated password is in the secret only,
// never in the ledger item, the result events or the log.
func TestNoSecretInLedger(t *testing.T) {
	e := newEnv(t)
	const key = "team-e/secret"
	e.send(requestEvent("ev-1", eventdriven.RequestApply, key, map[string]any{"WorkgroupName": "analytics-wg", "Username": "app_user"}), key, "ev-1")
	e.drain()
	seen := 0
	r := e.results(&seen)
	if len(r) != 1 || r[0].DetailType != eventdriven.DetailTypeProvisioned {
		t.Fatalf("results %v, want Provisioned", r)
	}
	v, err := e.sm.GetSecretValue(context.Background(), &secretsmanager.GetSecretValueInput{SecretId: aws.String(r[0].Detail.PhysicalResourceID)})
	if err != nil {
		t.Fatal(err)
	}
	var value map[string]any
	if err := json.Unmarshal([]byte(aws.ToString(v.SecretString)), &value); err != nil {
		t.Fatal(err)
	}
	password, _ := value["password"].(string)
	if password == "" {
		t.Fatalf("secret value has no password: keys %v", len(value))
	}
	item, _ := json.Marshal(e.item(key))
	if containsAny(string(item), password) || containsAny(r[0].Raw, password) || containsAny(e.logs.String(), password) {
		t.Error("the generated password reached the ledger, a result event or the log")
	}
}

// TestBatchOrderPerGroup: when a request of a message group fails, the
// later requests of that group in the batch are handed back unprocessed,
// and the other groups go on.
func TestBatchOrderPerGroup(t *testing.T) {
	e := newEnv(t)
	props := map[string]any{"WorkgroupName": "analytics-wg", "Username": "app_user"}
	rec := func(id, event, key string) events.SQSMessage {
		return events.SQSMessage{MessageId: id, Body: requestEvent(event, eventdriven.RequestApply, key, props),
			Attributes: map[string]string{"MessageGroupId": key}}
	}
	batch := events.SQSEvent{Records: []events.SQSMessage{
		rec("m1", "ev-1", "group-a"), rec("m2", "ev-2", "group-b"), rec("m3", "ev-3", "group-a"),
	}}
	// The first ledger call (m1's GetItem) fails.
	e.faults.failAt = 1
	resp, err := e.handler.HandleSQS(context.Background(), batch)
	if err != nil {
		t.Fatal(err)
	}
	var failed []string
	for _, f := range resp.BatchItemFailures {
		failed = append(failed, f.ItemIdentifier)
	}
	if strings.Join(failed, ",") != "m1,m3" {
		t.Errorf("batch item failures %v, want m1 and m3 (group-a), not m2", failed)
	}
	if calls := e.res.takeCalls(); len(calls) != 1 || calls[0] != "Create ev-2" {
		t.Errorf("resource calls %v, want only group-b's Create", calls)
	}
}

// noEchoResource is a resource whose attributes are secret (NoEcho).
type noEchoResource struct{ calls int }

const noEchoType = "Custom::RedshiftDataApiTestNoEcho"

func (r *noEchoResource) Create(_ context.Context, req customresource.Request) (customresource.Result, error) {
	r.calls++
	return customresource.Result{PhysicalResourceID: "noecho-" + req.RequestID, Data: map[string]string{"Token": "Canary-Token-789"}, NoEcho: true}, nil
}

func (r *noEchoResource) Update(_ context.Context, req customresource.Request) (customresource.Result, error) {
	r.calls++
	return customresource.Result{PhysicalResourceID: req.PhysicalResourceID, Data: map[string]string{"Token": "Canary-Token-789"}, NoEcho: true}, nil
}

func (r *noEchoResource) Delete(context.Context, customresource.Request) error { r.calls++; return nil }

// TestNoEcho: the attributes of a NoEcho result reach neither the result
// events nor the ledger, also when a duplicate is answered from it.
func TestNoEcho(t *testing.T) {
	res := &noEchoResource{}
	e := newEnvWith(t, map[string]customresource.Resource{noEchoType: res})
	body := func() string {
		detail, _ := json.Marshal(eventdriven.Detail{RequestType: eventdriven.RequestApply, ResourceType: noEchoType, Key: "team-f/noecho"})
		b, _ := json.Marshal(eventdriven.Envelope{ID: "ev-1", DetailType: eventdriven.DetailTypeRequest, Source: requestSource, Detail: detail})
		return string(b)
	}()
	e.send(body, "g", "d1")
	e.send(body, "g", "d2")
	e.drain()
	seen := 0
	r := e.results(&seen)
	if len(r) != 2 {
		t.Fatalf("results %v, want the answer and the duplicate's", r)
	}
	for _, ev := range r {
		if ev.DetailType != eventdriven.DetailTypeProvisioned || ev.Detail.PhysicalResourceID != "noecho-ev-1" || len(ev.Detail.Attributes) != 0 {
			t.Errorf("result %s %s, want Provisioned noecho-ev-1 without attributes", ev.DetailType, ev.Raw)
		}
	}
	if res.calls != 1 {
		t.Errorf("%d resource calls, want 1: the duplicate is answered from the ledger", res.calls)
	}
	item, _ := json.Marshal(e.item("team-f/noecho"))
	if strings.Contains(string(item), "Canary-Token-789") {
		t.Errorf("the ledger holds a NoEcho attribute: %s", item)
	}
}
