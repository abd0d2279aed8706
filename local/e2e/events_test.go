package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/sivchari/kumo"

	"github.com/redshift-data-access/redshift-data-access/internal/eventdriven"
	"github.com/redshift-data-access/redshift-data-access/internal/eventdriven/eventtest"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
	"github.com/redshift-data-access/redshift-data-access/local/lambdarie"
	"github.com/redshift-data-access/redshift-data-access/local/prerequisites"
)

// This file runs the event path's contract against the built functions:
// each function runs under the runtime interface emulator with its event
// path on, the resources on the local emulator, and DynamoDB, SQS and
// EventBridge on kumo's in-process server, reached through the SDK's
// per-service endpoint variables. The test plays the event source
// mapping: SQS batches (events.SQSEvent) go to the function through the
// emulator's invoke, and after every step the ledger item read from kumo
// and the real resources read from the emulator must agree.

// eventSource is the source of the suite's request events.
const eventSource = "com.example.e2e"

// fault is how the DynamoDB endpoint in front of kumo refuses requests.
type fault int

const (
	noFault fault = iota
	// throttled answers ProvisionedThroughputExceededException, which the
	// functions' SDK retries within the delivery.
	throttled
	// failing answers AccessDeniedException, which the SDK does not
	// retry: the delivery fails and the queue delivers it again.
	failing
)

// throttle refuses some DynamoDB requests before they reach kumo.
type throttle struct {
	mu sync.Mutex
	// fail is how many of the next requests to refuse, and how.
	fail int
	how  fault
	// refused counts the requests refused.
	refused int
}

func (th *throttle) arm(n int, how fault) {
	th.mu.Lock()
	defer th.mu.Unlock()
	th.fail, th.how = n, how
}

func (th *throttle) take() (fault, bool) {
	th.mu.Lock()
	defer th.mu.Unlock()
	if th.fail == 0 {
		return noFault, false
	}
	th.fail--
	th.refused++
	return th.how, true
}

func (th *throttle) count() int {
	th.mu.Lock()
	defer th.mu.Unlock()
	return th.refused
}

// eventWorld is kumo with the ledger table, the request queue, a rule
// whose deliveries kumo records for the result events, and a DynamoDB
// endpoint in front of kumo that can throttle.
type eventWorld struct {
	t        *testing.T
	kumo     *kumo.Server
	ddb      *dynamodb.Client
	sqs      *sqs.Client
	table    string
	queueURL string
	rule     string
	throttle *throttle
	ddbURL   string
	// seen counts the result events already read.
	seen int
}

var eventWorldSeq struct {
	mu sync.Mutex
	n  int
}

func newEventWorld(t *testing.T) *eventWorld {
	t.Helper()
	ctx := t.Context()
	k := kumo.NewServer()
	t.Cleanup(k.Close)
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(k.URL),
		Credentials: credentials.NewStaticCredentialsProvider("e2e", "e2e", "")}
	eventWorldSeq.mu.Lock()
	eventWorldSeq.n++
	suffix := fmt.Sprint(eventWorldSeq.n)
	eventWorldSeq.mu.Unlock()
	w := &eventWorld{t: t, kumo: k, ddb: dynamodb.NewFromConfig(cfg), sqs: sqs.NewFromConfig(cfg),
		table: "e2e-ledger-" + suffix, rule: "e2e-results-" + suffix, throttle: &throttle{}}
	if err := eventtest.CreateLedgerTable(ctx, w.ddb, w.table); err != nil {
		t.Fatal(err)
	}
	queueURL, err := eventtest.CreateQueue(ctx, w.sqs, "e2e-requests-"+suffix+".fifo")
	if err != nil {
		t.Fatal(err)
	}
	w.queueURL = queueURL
	// kumo records what a rule matched; its target, a log group, is never
	// called.
	bus := eventbridge.NewFromConfig(cfg)
	pattern, _ := json.Marshal(map[string]any{"source": []string{eventdriven.DefaultResultSource}})
	if _, err := bus.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String(w.rule), EventPattern: aws.String(string(pattern))}); err != nil {
		t.Fatalf("PutRule: %v", err)
	}
	if _, err := bus.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String(w.rule), Targets: []ebtypes.Target{{
		Id: aws.String("log"), Arn: aws.String("arn:aws:logs:us-east-1:" + awsemu.AccountA + ":log-group:/e2e/" + w.rule),
	}}}); err != nil {
		t.Fatalf("PutTargets: %v", err)
	}
	target, err := url.Parse(k.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	front := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if how, ok := w.throttle.take(); ok {
			code := "ProvisionedThroughputExceededException"
			if how == failing {
				code = "AccessDeniedException"
			}
			rw.Header().Set("Content-Type", "application/x-amz-json-1.0")
			rw.Header().Set("X-Amzn-Errortype", code)
			rw.WriteHeader(http.StatusBadRequest)
			io.WriteString(rw, `{"__type":"com.amazonaws.dynamodb.v20120810#`+code+`","message":"refused by the test"}`)
			return
		}
		proxy.ServeHTTP(rw, r)
	}))
	t.Cleanup(front.Close)
	w.ddbURL = front.URL
	return w
}

// start runs the built function name with its event path on this world.
func (w *eventWorld) start(srv *awsemu.Server, name string) *lambdarie.Function {
	w.t.Helper()
	env := prerequisites.FunctionEnv(srv, awsemu.AccountA)
	env[eventdriven.EnvTable] = w.table
	env[eventdriven.EnvSources] = eventSource
	env["AWS_ENDPOINT_URL_DYNAMODB"] = w.ddbURL
	env["AWS_ENDPOINT_URL_EVENTBRIDGE"] = w.kumo.URL
	return startFunctionEnv(w.t, name, env)
}

// sendBody puts a request event on the FIFO queue as the EventBridge
// rule would.
func (w *eventWorld) sendBody(body, key, dedup string) {
	w.t.Helper()
	if err := eventtest.Send(w.t.Context(), w.sqs, w.queueURL, body, key, dedup); err != nil {
		w.t.Fatal(err)
	}
}

// drain plays the event source mapping against f until the queue is
// empty, and returns how many deliveries the function reported failed.
func (w *eventWorld) drain(f *lambdarie.Function) int {
	w.t.Helper()
	n, err := eventtest.Drain(w.t.Context(), w.sqs, w.queueURL, "us-east-1", invokeSQS(f))
	if err != nil {
		w.t.Fatal(err)
	}
	return n
}

// invokeSQS hands SQS batches to the built function through the runtime
// interface emulator's invoke.
func invokeSQS(f *lambdarie.Function) eventtest.Handle {
	return func(ctx context.Context, batch events.SQSEvent) (events.SQSEventResponse, error) {
		var resp events.SQSEventResponse
		payload, err := json.Marshal(batch)
		if err != nil {
			return resp, err
		}
		answer, err := f.Invoke(ctx, payload)
		if err != nil {
			return resp, err
		}
		if err := json.Unmarshal(answer, &resp); err != nil {
			return resp, fmt.Errorf("the answer %s is not an SQS batch response: %w", answer, err)
		}
		return resp, nil
	}
}

// results returns the result events since the last call.
func (w *eventWorld) results() []eventtest.Result {
	w.t.Helper()
	req, err := http.NewRequestWithContext(w.t.Context(), http.MethodGet, w.kumo.URL+"/kumo/eventbridge/delivered-events", nil)
	if err != nil {
		w.t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatalf("reading kumo's deliveries: %v", err)
	}
	defer resp.Body.Close()
	var all []struct {
		DetailType string `json:"DetailType"`
		Detail     string `json:"Detail"`
		RuleName   string `json:"RuleName"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&all); err != nil {
		w.t.Fatalf("decoding kumo's deliveries: %v", err)
	}
	var mine []eventtest.Result
	for _, d := range all {
		if d.RuleName != w.rule {
			continue
		}
		r := eventtest.Result{DetailType: d.DetailType, Raw: d.Detail}
		if err := json.Unmarshal([]byte(d.Detail), &r.Detail); err != nil {
			w.t.Fatalf("result event detail %s: %v", d.Detail, err)
		}
		mine = append(mine, r)
	}
	out := mine[w.seen:]
	w.seen = len(mine)
	return out
}

// item reads the key's ledger item straight from kumo, past the throttle.
func (w *eventWorld) item(key string) map[string]string {
	w.t.Helper()
	out, err := w.ddb.GetItem(w.t.Context(), &dynamodb.GetItemInput{TableName: aws.String(w.table), ConsistentRead: aws.Bool(true),
		Key: map[string]ddbtypes.AttributeValue{eventdriven.KeyAttribute: &ddbtypes.AttributeValueMemberS{Value: key}}})
	if err != nil {
		w.t.Fatalf("GetItem: %v", err)
	}
	item := map[string]string{}
	for k, v := range out.Item {
		if s, ok := v.(*ddbtypes.AttributeValueMemberS); ok {
			item[k] = s.Value
		}
	}
	return item
}

// eventCase is one resource type's event-path contract for the binaries.
type eventCase struct {
	resourceType, function string
	// create, inPlace and replace are the properties of the create, the
	// update in place and the update needing replacement; failed is a
	// change of replace whose update fails.
	create, inPlace, replace, failed map[string]any
	// rollback says the failed update fails at the resource, so that the
	// adapter sends the rollback update; otherwise it is refused as
	// invalid properties, which change nothing and need none, and the
	// reason names failedProperty.
	rollback       bool
	failedProperty string
	exists         func(ctx context.Context, id string) (bool, error)
}

func eventCases(w *fixture) map[string]eventCase {
	dbuser := map[string]any{"ClusterIdentifier": prerequisites.ClusterID, "Database": prerequisites.Database, "AdminDbUser": "awsuser", "UserName": "event_user"}
	dbuserV2 := with(dbuser, map[string]any{"UserName": "event_user_v2", "Roles": []any{sampleRBACRole}})
	access := map[string]any{"Roles": []any{prerequisites.CallerRole}, "Clusters": []any{prerequisites.ClusterID}}
	accessV2 := with(access, map[string]any{"Databases": []any{"dev"}, "PolicyName": "e2e-event-data-api"})
	endpointV2 := map[string]any{"VpcId": w.OtherVPC, "SubnetIds": []any{w.OtherSubnet}}
	// Events never carry a Password: the secret generates one.
	secret := map[string]any{"ClusterIdentifier": prerequisites.ClusterID, "Username": "event_user", "RecoveryWindowInDays": "0"}
	secretV2 := with(secret, map[string]any{"Name": "e2e/event-secret-v2"})
	return map[string]eventCase{
		// The password secret does not exist: reading it fails after the
		// properties were accepted, and the rollback disables the password
		// again.
		dbuserType: {resourceType: dbuserType, function: "dbuser", exists: w.dbuserExists, rollback: true,
			create:  dbuser,
			inPlace: with(dbuser, map[string]any{"Roles": []any{sampleRBACRole}}),
			replace: dbuserV2,
			failed:  with(dbuserV2, map[string]any{"PasswordSecretArn": "arn:aws:secretsmanager:us-east-1:" + awsemu.AccountA + ":secret:e2e/no-such-password-AbCdEf"}),
		},
		accessType: {resourceType: accessType, function: "access", exists: w.policyExists, failedProperty: "Roles",
			create:  access,
			inPlace: with(access, map[string]any{"Databases": []any{"dev"}}),
			replace: accessV2,
			failed:  with(accessV2, map[string]any{"Roles": []any{prerequisites.CallerRole, "noSuchRole"}}),
		},
		endpointType: {resourceType: endpointType, function: "endpoint", exists: w.endpointExists, failedProperty: "SecurityGroupIds",
			create:  map[string]any{"VpcId": w.VPC, "SubnetIds": []any{w.SubnetA}},
			inPlace: map[string]any{"VpcId": w.VPC, "SubnetIds": []any{w.SubnetA, w.SubnetB}, "SecurityGroupIds": []any{w.SecurityGroup}},
			replace: endpointV2,
			failed:  with(endpointV2, map[string]any{"SecurityGroupIds": []any{"sg-0000000000000dead"}}),
		},
		secretType: {resourceType: secretType, function: "secret", exists: w.secretExists, failedProperty: "PasswordLength",
			create:  secret,
			inPlace: with(secret, map[string]any{"Description": "updated"}),
			replace: secretV2,
			failed:  with(secretV2, map[string]any{"PasswordLength": "7"}),
		},
	}
}

// runEventLifecycle plays a key's life through the queue to the built
// function and checks, after every step, the result events, the ledger
// item and the real resources: the item names the one resource that
// exists, and every other physical ID a result event named is gone. With
// a fault, the first DynamoDB requests of every step are refused that way.
func runEventLifecycle(t *testing.T, w *fixture, c eventCase, how fault) {
	t.Helper()
	ew := newEventWorld(t)
	f := ew.start(w.srv, c.function)
	const key = "team-e2e/event-contract"
	tr := eventtest.NewTracker(c.resourceType, key)
	if !c.rollback {
		tr.FailedReason = func(reason string) error {
			if strings.Contains(reason, "roll") || !strings.Contains(reason, "property "+c.failedProperty) {
				return fmt.Errorf("reason %q, want it to refuse property %s without a rollback", reason, c.failedProperty)
			}
			return nil
		}
	}
	for _, s := range eventtest.Lifecycle(c.create, c.inPlace, c.replace, c.failed) {
		before := ew.throttle.count()
		switch how {
		case throttled:
			ew.throttle.arm(1, throttled)
		case failing:
			ew.throttle.arm(1, failing)
		}
		ew.sendBody(eventtest.RequestEvent(eventSource, awsemu.AccountA, "us-east-1", c.resourceType, s.EventID, s.Request, key, s.Props), key, s.DedupID())
		failures := ew.drain(f)
		if how == failing && failures == 0 {
			t.Errorf("%s: no delivery failed although a DynamoDB call failed", s.Name)
		}
		if how == throttled && failures != 0 {
			t.Errorf("%s: %d deliveries failed; the SDK should have retried the throttled calls", s.Name, failures)
		}
		if refused := ew.throttle.count() - before; how != noFault && refused == 0 {
			t.Errorf("%s: no DynamoDB request was refused", s.Name)
		}
		for _, err := range tr.Check(t.Context(), s, ew.results(), ew.item(key), c.exists) {
			t.Error(err)
		}
		if t.Failed() {
			t.Fatalf("stopping after step %s", s.Name)
		}
	}
}

// TestEventContract runs the event path's lifecycle against every built
// function that serves the resource types of eventCases.
func TestEventContract(t *testing.T) {
	requireBinaries(t)
	w := newFixture(t)
	for name, c := range eventCases(w) {
		t.Run(name, func(t *testing.T) { runEventLifecycle(t, w, c, noFault) })
	}
}

// TestEventContractFaults runs the lifecycle again with the first
// DynamoDB requests of every step throttled (retried by the SDK inside the
// delivery) or failing (the delivery fails and the queue retries it):
// each step still ends where it does without faults.
func TestEventContractFaults(t *testing.T) {
	requireBinaries(t)
	for name, how := range map[string]fault{"throttled": throttled, "failing": failing} {
		t.Run(name, func(t *testing.T) {
			w := newFixture(t)
			for name, c := range eventCases(w) {
				t.Run(name, func(t *testing.T) { runEventLifecycle(t, w, c, how) })
			}
		})
	}
}

// TestEventConcurrentDeliveries hands three deliveries of one request and
// a second request for the same new key to two instances of each built
// function at once, as two concurrent Lambda invocations would: one
// delivery wins each claim, the others are retried, and one resource
// exists in the end, the one the ledger names.
func TestEventConcurrentDeliveries(t *testing.T) {
	requireBinaries(t)
	w := newFixture(t)
	for name, c := range eventCases(w) {
		t.Run(name, func(t *testing.T) {
			ew := newEventWorld(t)
			fns := []*lambdarie.Function{ew.start(w.srv, c.function), ew.start(w.srv, c.function)}
			const key = "team-e2e/concurrent"
			body := func(eventID string, props map[string]any) string {
				return eventtest.RequestEvent(eventSource, awsemu.AccountA, "us-east-1", c.resourceType, eventID, eventdriven.RequestApply, key, props)
			}
			pending := []events.SQSMessage{
				{MessageId: "m1", Body: body("ev-a", c.create), EventSource: "aws:sqs", AWSRegion: "us-east-1"},
				{MessageId: "m2", Body: body("ev-a", c.create), EventSource: "aws:sqs", AWSRegion: "us-east-1"},
				{MessageId: "m3", Body: body("ev-a", c.create), EventSource: "aws:sqs", AWSRegion: "us-east-1"},
				{MessageId: "m4", Body: body("ev-b", c.inPlace), EventSource: "aws:sqs", AWSRegion: "us-east-1"},
			}
			if err := eventtest.DeliverConcurrently(t.Context(), []eventtest.Handle{invokeSQS(fns[0]), invokeSQS(fns[1])}, pending); err != nil {
				t.Fatal(err)
			}
			ids := map[string]bool{}
			for _, r := range ew.results() {
				if r.DetailType != eventdriven.DetailTypeProvisioned {
					t.Errorf("result %s %s, want Provisioned", r.DetailType, r.Raw)
				}
				ids[r.Detail.PhysicalResourceID] = true
			}
			if len(ids) != 1 {
				t.Fatalf("results name physical IDs %v, want one", ids)
			}
			item := ew.item(key)
			id := item["PhysicalResourceId"]
			if !ids[id] || item["Status"] != string(eventdriven.StatusProvisioned) || item["Pending"] != "" {
				t.Errorf("ledger names %q with Status %q and Pending %q, want %v provisioned and unclaimed", id, item["Status"], item["Pending"], ids)
			}
			want := c.create
			if item["LastEventId"] == "ev-b" {
				want = c.inPlace
			}
			var props map[string]any
			if err := json.Unmarshal([]byte(item["Properties"]), &props); err != nil || eventtest.JSON(props) != eventtest.JSON(want) {
				t.Errorf("ledger Properties %v (%v), want those of %s: %v", props, err, item["LastEventId"], want)
			}
			if ok, err := c.exists(t.Context(), id); err != nil || !ok {
				t.Errorf("%s exists = %v (%v), want the resource the ledger names", id, ok, err)
			}
		})
	}
}
