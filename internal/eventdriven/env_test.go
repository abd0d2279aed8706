package eventdriven_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/sivchari/kumo"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/internal/eventdriven"
	"github.com/redshift-data-access/redshift-data-access/internal/eventdriven/eventtest"
	"github.com/redshift-data-access/redshift-data-access/internal/secret"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
)

const (
	requestSource = "com.example.portal"
	// failDescription makes the wrapped secret resource's Update fail
	// after the real Update changed the secret, as a half-done Update
	// would.
	failDescription = "fail-this-update"
)

// envSeq numbers the envs.
var envSeq atomic.Int64

// errInjected is the fault the wrappers inject.
var errInjected = errors.New("injected fault")

// faults fails the Nth call (counting from 1) made through any of the
// wrapped DynamoDB and EventBridge clients; 0 fails none.
type faults struct {
	mu     sync.Mutex
	calls  int
	failAt int
}

func (f *faults) next(op string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.calls == f.failAt {
		return &ddbtypes.ProvisionedThroughputExceededException{Message: aws.String(fmt.Sprintf("%v on call %d (%s)", errInjected, f.calls, op))}
	}
	return nil
}

func (f *faults) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// faultyDynamoDB is the kumo DynamoDB client behind a fault switch.
type faultyDynamoDB struct {
	next   *dynamodb.Client
	faults *faults
}

func (d faultyDynamoDB) GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	if err := d.faults.next("GetItem"); err != nil {
		return nil, err
	}
	return d.next.GetItem(ctx, in, opts...)
}

func (d faultyDynamoDB) PutItem(ctx context.Context, in *dynamodb.PutItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	if err := d.faults.next("PutItem"); err != nil {
		return nil, err
	}
	return d.next.PutItem(ctx, in, opts...)
}

// bus is the kumo EventBridge client behind the fault switch; it keeps
// the result events kumo accepted, since kumo cannot route them anywhere
// a test can read (its SQS delivery goes to a fixed port).
type bus struct {
	next   *eventbridge.Client
	faults *faults
	mu     sync.Mutex
	events []resultEvent
}

type resultEvent struct {
	DetailType string
	Source     string
	Detail     eventdriven.ResultDetail
	Raw        string
}

func (b *bus) PutEvents(ctx context.Context, in *eventbridge.PutEventsInput, opts ...func(*eventbridge.Options)) (*eventbridge.PutEventsOutput, error) {
	if err := b.faults.next("PutEvents"); err != nil {
		return nil, err
	}
	out, err := b.next.PutEvents(ctx, in, opts...)
	if err != nil || out.FailedEntryCount > 0 {
		return out, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, e := range in.Entries {
		ev := resultEvent{DetailType: aws.ToString(e.DetailType), Source: aws.ToString(e.Source), Raw: aws.ToString(e.Detail)}
		if err := json.Unmarshal([]byte(ev.Raw), &ev.Detail); err != nil {
			return nil, fmt.Errorf("result event detail: %w", err)
		}
		b.events = append(b.events, ev)
	}
	return out, nil
}

func (b *bus) all() []resultEvent {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.events)
}

// countingResource wraps the real secret resource: it counts the calls
// and fails an Update to failDescription after making it.
type countingResource struct {
	*secret.Resource
	mu    sync.Mutex
	calls []string
}

func (r *countingResource) record(req customresource.Request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, string(req.Action)+" "+req.RequestID)
}

func (r *countingResource) Create(ctx context.Context, req customresource.Request) (customresource.Result, error) {
	r.record(req)
	return r.Resource.Create(ctx, req)
}

func (r *countingResource) Update(ctx context.Context, req customresource.Request) (customresource.Result, error) {
	r.record(req)
	out, err := r.Resource.Update(ctx, req)
	if err == nil && req.Properties["Description"] == failDescription {
		return customresource.Result{}, fmt.Errorf("update half done: %w", errInjected)
	}
	return out, err
}

func (r *countingResource) Delete(ctx context.Context, req customresource.Request) error {
	r.record(req)
	return r.Resource.Delete(ctx, req)
}

// takeCalls returns the resource calls since the last takeCalls.
func (r *countingResource) takeCalls() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.calls
	r.calls = nil
	return out
}

// env is the event path against kumo (DynamoDB, SQS, EventBridge) and the
// real secret resource against the local emulator.
type env struct {
	t        *testing.T
	table    string
	ddb      *dynamodb.Client
	sqs      *sqs.Client
	queueURL string
	sm       *secretsmanager.Client
	faults   *faults
	bus      *bus
	res      *countingResource
	handler  *eventdriven.Handler
	proc     *eventdriven.Processor
	ledger   *eventdriven.Ledger
	logs     *bytes.Buffer
	// made are the physical IDs every result event named.
	made map[string]bool
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvWith(t, nil)
}

// newEnvWith serves extra resource types beside the secret.
func newEnvWith(t *testing.T, extra map[string]customresource.Resource) *env {
	t.Helper()
	ctx := context.Background()
	k := kumo.NewServer()
	t.Cleanup(k.Close)
	kcfg := aws.Config{
		Region: "us-east-1", BaseEndpoint: aws.String(k.URL),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
	}
	emu := awsemu.Start()
	t.Cleanup(emu.Close)
	// kumo's servers share one store, so every env has its own table and
	// queue.
	envSeq.Add(1)
	suffix := fmt.Sprintf("%d", envSeq.Load())
	e := &env{t: t, table: "provisioning-ledger-" + suffix, faults: &faults{}, logs: &bytes.Buffer{}, made: map[string]bool{}}
	e.ddb = dynamodb.NewFromConfig(kcfg)
	// The fault-injected clients make one attempt per call, so that one
	// injected fault is one failed call the adapter sees.
	one := func(o *dynamodb.Options) { o.RetryMaxAttempts = 1 }
	if err := eventtest.CreateLedgerTable(ctx, e.ddb, e.table); err != nil {
		t.Fatal(err)
	}
	e.sqs = sqs.NewFromConfig(kcfg)
	url, err := eventtest.CreateQueue(ctx, e.sqs, "provisioning-requests-"+suffix+".fifo")
	if err != nil {
		t.Fatal(err)
	}
	e.queueURL = url
	e.bus = &bus{next: eventbridge.NewFromConfig(kcfg, func(o *eventbridge.Options) { o.RetryMaxAttempts = 1 }), faults: e.faults}
	ecfg := emu.Config(awsemu.AccountA)
	e.sm = secretsmanager.NewFromConfig(ecfg)
	e.res = &countingResource{Resource: secret.New(e.sm, ecfg.Region)}
	ledger := eventdriven.NewLedger(faultyDynamoDB{next: dynamodb.NewFromConfig(kcfg, one), faults: e.faults}, e.table)
	log := slog.New(slog.NewJSONHandler(e.logs, nil))
	resources := map[string]customresource.Resource{secret.ResourceType: e.res}
	maps.Copy(resources, extra)
	proc := eventdriven.NewProcessor(ledger, resources, log)
	e.proc, e.ledger = proc, ledger
	e.handler = eventdriven.NewHandler(proc, e.bus, eventdriven.Config{Sources: []string{requestSource}, Logger: log})
	return e
}

// requestEvent is the EventBridge event of a request, as a rule delivers
// it to SQS.
func requestEvent(id string, rt eventdriven.RequestType, key string, props map[string]any) string {
	detail, _ := json.Marshal(eventdriven.Detail{RequestType: rt, ResourceType: secret.ResourceType, Key: key, Properties: props})
	b, _ := json.Marshal(eventdriven.Envelope{
		Version: "0", ID: id, DetailType: eventdriven.DetailTypeRequest, Source: requestSource,
		Account: awsemu.AccountA, Region: "us-east-1", Detail: detail,
	})
	return string(b)
}

// send puts a request on the FIFO queue as the EventBridge rule would:
// message group = key, deduplication ID = event ID (dedup lets a test
// redeliver an event under another deduplication ID).
func (e *env) send(body, group, dedup string) {
	e.t.Helper()
	if err := eventtest.Send(context.Background(), e.sqs, e.queueURL, body, group, dedup); err != nil {
		e.t.Fatal(err)
	}
}

// drain plays the Lambda event source mapping until the queue is empty
// and returns how many deliveries failed.
func (e *env) drain() int {
	e.t.Helper()
	n, err := eventtest.Drain(context.Background(), e.sqs, e.queueURL, "us-east-1", e.handler.HandleSQS)
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// item reads the key's ledger item straight from kumo, past the faults.
func (e *env) item(key string) map[string]ddbtypes.AttributeValue {
	e.t.Helper()
	out, err := e.ddb.GetItem(context.Background(), &dynamodb.GetItemInput{
		TableName: aws.String(e.table), ConsistentRead: aws.Bool(true),
		Key: map[string]ddbtypes.AttributeValue{eventdriven.KeyAttribute: &ddbtypes.AttributeValueMemberS{Value: key}},
	})
	if err != nil {
		e.t.Fatalf("GetItem: %v", err)
	}
	return out.Item
}

func attrS(item map[string]ddbtypes.AttributeValue, name string) string {
	if v, ok := item[name].(*ddbtypes.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

// liveSecrets returns the secrets not scheduled for deletion that carry
// the adapter's stack-id tag and key's logical-id tag, by ARN.
func (e *env) liveSecrets(key string) map[string]*smtypes.SecretListEntry {
	e.t.Helper()
	out := map[string]*smtypes.SecretListEntry{}
	p := secretsmanager.NewListSecretsPaginator(e.sm, &secretsmanager.ListSecretsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			e.t.Fatalf("ListSecrets: %v", err)
		}
		for i, s := range page.SecretList {
			tags := map[string]string{}
			for _, t := range s.Tags {
				tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
			if tags[secret.TagStackID] == eventdriven.StackIDPrefix && tags[secret.TagLogicalID] == key && s.DeletedDate == nil {
				out[aws.ToString(s.ARN)] = &page.SecretList[i]
			}
		}
	}
	return out
}

// want is what a step must leave for a key.
type want struct {
	status     eventdriven.Status
	physicalID string         // "" when no resource may exist
	props      map[string]any // the last applied properties
	outcome    eventdriven.Outcome
}

// check reads the ledger item and the real secrets and fails unless they
// agree with each other and with w: the item names the live secret with
// the last applied properties, and every other secret ever made for the
// key is deleted.
func (e *env) check(step, key string, w want) {
	e.t.Helper()
	item := e.item(key)
	if len(item) == 0 {
		e.t.Fatalf("%s: no ledger item for %q", step, key)
	}
	if got := attrS(item, "Status"); got != string(w.status) {
		e.t.Errorf("%s: ledger Status = %q, want %q", step, got, w.status)
	}
	if got := attrS(item, "Outcome"); got != string(w.outcome) {
		e.t.Errorf("%s: ledger Outcome = %q, want %q (reason %q)", step, got, w.outcome, attrS(item, "Reason"))
	}
	if got := attrS(item, "Pending"); got != "" {
		e.t.Errorf("%s: ledger item still claimed: %s", step, got)
	}
	id := attrS(item, "PhysicalResourceId")
	if id != w.physicalID {
		e.t.Errorf("%s: ledger PhysicalResourceId = %q, want %q", step, id, w.physicalID)
	}
	var props map[string]any
	if p := attrS(item, "Properties"); p != "" {
		if err := json.Unmarshal([]byte(p), &props); err != nil {
			e.t.Fatalf("%s: ledger Properties: %v", step, err)
		}
	}
	if !equalJSON(props, w.props) {
		e.t.Errorf("%s: ledger Properties = %v, want %v", step, props, w.props)
	}
	live := e.liveSecrets(key)
	switch {
	case w.physicalID == "" && len(live) > 0:
		e.t.Errorf("%s: secrets %v are live for a key the ledger holds none for", step, slices.Collect(maps.Keys(live)))
	case w.physicalID != "" && (len(live) != 1 || live[id] == nil):
		e.t.Errorf("%s: live secrets for the key %v, want only %s, the one the ledger names", step, slices.Collect(maps.Keys(live)), id)
	case w.physicalID != "":
		d := live[id]
		if got, want := aws.ToString(d.Description), fmt.Sprint(w.props["Description"]); w.props["Description"] != nil && got != want {
			e.t.Errorf("%s: secret Description = %q, want %q (the last applied properties)", step, got, want)
		}
		if got, want := aws.ToString(d.Name), fmt.Sprint(w.props["Name"]); w.props["Name"] != nil && got != want {
			e.t.Errorf("%s: secret Name = %q, want %q (the last applied properties)", step, got, want)
		}
	}
	if id != "" && !e.made[id] {
		e.t.Errorf("%s: the ledger names %s, which no result event named", step, id)
	}
}

func equalJSON(a, b map[string]any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// results returns the result events since the previous call, recording
// the physical IDs they name.
func (e *env) results(seen *int) []resultEvent {
	all := e.bus.all()
	out := all[*seen:]
	*seen = len(all)
	for _, r := range out {
		if r.Detail.PhysicalResourceID != "" {
			e.made[r.Detail.PhysicalResourceID] = true
		}
	}
	return out
}

func with(props map[string]any, changes map[string]any) map[string]any {
	out := maps.Clone(props)
	for k, v := range changes {
		out[k] = v
	}
	return out
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if sub != "" && strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
