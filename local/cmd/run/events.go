package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/sivchari/kumo"

	"github.com/redshift-data-access/redshift-data-access/internal/eventdriven"
	"github.com/redshift-data-access/redshift-data-access/internal/secret"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
	"github.com/redshift-data-access/redshift-data-access/local/lambdarie"
	"github.com/redshift-data-access/redshift-data-access/local/prerequisites"
)

// This file plays a key's life by events (docs/eventdriven.md): the secret
// function runs with its event path on, DynamoDB, SQS and EventBridge come
// from kumo's in-process server, and the report shows, after each request,
// the result events and the ledger item read back from kumo and the secret
// read back from the local emulator.

// eventSource is the source of the run's request events.
const eventSource = "com.example.make-run"

// rawInvoke hands a payload of any shape to a function and returns its
// answer.
type rawInvoke func(ctx context.Context, payload []byte) ([]byte, error)

// rawFunctions are functions that take any payload, such as an SQS batch,
// not only CloudFormation requests.
type rawFunctions interface {
	startRaw(ctx context.Context, name string, env map[string]string) (rawInvoke, error)
}

func (r *rieFunctions) startRaw(ctx context.Context, name string, env map[string]string) (rawInvoke, error) {
	f, err := lambdarie.Start(ctx, lambdarie.Options{
		RIEPath:       r.rie,
		BootstrapPath: filepath.Join(r.dir, name, "bootstrap"),
		Env:           env,
		Output:        r.output,
	})
	if err != nil {
		return nil, fmt.Errorf("starting function %s: %w", name, err)
	}
	r.started = append(r.started, f)
	return f.Invoke, nil
}

// eventWorld is kumo with the ledger table, the request queue and the
// rules whose deliveries kumo records, and the secret function reading
// from them.
type eventWorld struct {
	r        *runner
	kumo     *kumo.Server
	ddb      *dynamodb.Client
	sqs      *sqs.Client
	bus      *eventbridge.Client
	sm       *secretsmanager.Client
	table    string
	queueURL string
	invoke   rawInvoke
	// forwarded counts the request deliveries already put on the queue,
	// and shown the result events already reported.
	forwarded, shown int
	// requestRule and resultRule are the rules kumo records deliveries
	// for. Their targets are log groups, which kumo does not call: the run
	// itself forwards the requests to the queue, as the rule's SQS FIFO
	// target would (kumo sends SQS deliveries to a fixed port, not to its
	// in-process server).
	requestRule, resultRule string
}

func newEventWorld(ctx context.Context, r *runner) (*eventWorld, error) {
	fns, ok := r.fns.(rawFunctions)
	if !ok {
		return nil, errors.New("these functions take CloudFormation requests only")
	}
	k := kumo.NewServer()
	cfg := aws.Config{Region: r.srv.Region(), BaseEndpoint: aws.String(k.URL),
		Credentials: credentials.NewStaticCredentialsProvider("make-run", "make-run", "")}
	w := &eventWorld{r: r, kumo: k, ddb: dynamodb.NewFromConfig(cfg), sqs: sqs.NewFromConfig(cfg), bus: eventbridge.NewFromConfig(cfg),
		sm: secretsmanager.NewFromConfig(r.srv.Config(awsemu.AccountA))}
	// kumo's in-process servers share one store: the names are the run's.
	suffix := strings.ToLower(rand.Text()[:8])
	w.table = "make-run-ledger-" + suffix
	if _, err := w.ddb.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String(w.table),
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String(eventdriven.KeyAttribute), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String(eventdriven.KeyAttribute), KeyType: ddbtypes.KeyTypeHash}},
		BillingMode:          ddbtypes.BillingModePayPerRequest,
	}); err != nil {
		k.Close()
		return nil, fmt.Errorf("creating the ledger table in kumo: %w", err)
	}
	q, err := w.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("make-run-secret-requests-" + suffix + ".fifo"),
		Attributes: map[string]string{"FifoQueue": "true", "ContentBasedDeduplication": "false"}})
	if err != nil {
		k.Close()
		return nil, fmt.Errorf("creating the request queue in kumo: %w", err)
	}
	w.queueURL = aws.ToString(q.QueueUrl)
	w.requestRule, w.resultRule = "make-run-requests-"+suffix, "make-run-results-"+suffix
	for rule, pattern := range map[string]string{
		w.requestRule: compactJSON(map[string]any{"source": []string{eventSource}, "detail-type": []string{eventdriven.DetailTypeRequest}}),
		w.resultRule:  compactJSON(map[string]any{"source": []string{eventdriven.DefaultResultSource}}),
	} {
		if _, err := w.bus.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String(rule), EventPattern: aws.String(pattern)}); err != nil {
			k.Close()
			return nil, fmt.Errorf("creating rule %s in kumo: %w", rule, err)
		}
		if _, err := w.bus.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String(rule), Targets: []ebtypes.Target{{
			Id: aws.String("log"), Arn: aws.String(fmt.Sprintf("arn:aws:logs:%s:%s:log-group:/make-run/%s", cfg.Region, awsemu.AccountA, rule)),
		}}}); err != nil {
			k.Close()
			return nil, fmt.Errorf("adding the target of rule %s in kumo: %w", rule, err)
		}
	}
	env := prerequisites.FunctionEnv(r.srv, awsemu.AccountA)
	env[eventdriven.EnvTable] = w.table
	env[eventdriven.EnvSources] = eventSource
	// The SDK's per-service endpoints: the resources on the emulator, the
	// event path on kumo.
	env["AWS_ENDPOINT_URL_DYNAMODB"] = k.URL
	env["AWS_ENDPOINT_URL_EVENTBRIDGE"] = k.URL
	if w.invoke, err = fns.startRaw(ctx, secretFunction, env); err != nil {
		k.Close()
		return nil, err
	}
	return w, nil
}

// delivered reads the deliveries kumo recorded for rule.
func (w *eventWorld) delivered(ctx context.Context, rule string) ([]kumoDelivery, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, w.kumo.URL+"/kumo/eventbridge/delivered-events", nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("reading kumo's deliveries: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("reading kumo's deliveries: HTTP %d: %v", resp.StatusCode, err)
	}
	var all []kumoDelivery
	if err := json.Unmarshal(body, &all); err != nil {
		return nil, fmt.Errorf("decoding kumo's deliveries: %w", err)
	}
	var out []kumoDelivery
	for _, d := range all {
		if d.RuleName == rule {
			out = append(out, d)
		}
	}
	return out, nil
}

// kumoDelivery is an event kumo matched to a rule's target.
type kumoDelivery struct {
	EventID    string `json:"EventId"`
	Source     string `json:"Source"`
	DetailType string `json:"DetailType"`
	Detail     string `json:"Detail"`
	RuleName   string `json:"RuleName"`
}

// put puts one request event on the bus, as a pipeline would, and returns
// its event ID.
func (w *eventWorld) put(ctx context.Context, rt eventdriven.RequestType, key string, props map[string]any) (string, error) {
	detail := compactJSON(eventdriven.Detail{RequestType: rt, ResourceType: secret.ResourceType, Key: key, Properties: props})
	w.r.rep.printf("  put-events: %s %s %s\n", rt, key, detail)
	out, err := w.bus.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{{
		Source: aws.String(eventSource), DetailType: aws.String(eventdriven.DetailTypeRequest), Detail: aws.String(detail),
	}}})
	if err != nil {
		return "", fmt.Errorf("putting the request event: %w", err)
	}
	if out.FailedEntryCount > 0 || len(out.Entries) != 1 {
		return "", fmt.Errorf("kumo refused the request event: %+v", out.Entries)
	}
	id := aws.ToString(out.Entries[0].EventId)
	w.r.rep.printf("              event ID %s\n", id)
	return id, nil
}

// forward sends the request deliveries not yet sent to the FIFO queue, as
// the rule's target would: message group = the key, deduplication ID =
// the event ID (suffix, when set, makes a redelivery after the
// deduplication window).
func (w *eventWorld) forward(ctx context.Context, only, suffix string) error {
	ds, err := w.delivered(ctx, w.requestRule)
	if err != nil {
		return err
	}
	for _, d := range ds[w.forwarded:] {
		if err := w.send(ctx, d, suffix); err != nil {
			return err
		}
	}
	w.forwarded = len(ds)
	if only != "" {
		for _, d := range ds {
			if d.EventID == only {
				return w.send(ctx, d, suffix)
			}
		}
		return fmt.Errorf("no delivery of event %s recorded", only)
	}
	return nil
}

func (w *eventWorld) send(ctx context.Context, d kumoDelivery, suffix string) error {
	var detail eventdriven.Detail
	if err := json.Unmarshal([]byte(d.Detail), &detail); err != nil {
		return fmt.Errorf("decoding the detail of event %s: %w", d.EventID, err)
	}
	body := compactJSON(eventdriven.Envelope{Version: "0", ID: d.EventID, DetailType: d.DetailType, Source: d.Source,
		Account: awsemu.AccountA, Region: w.r.srv.Region(), Time: time.Now().UTC().Truncate(time.Second), Detail: json.RawMessage(d.Detail)})
	_, err := w.sqs.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(w.queueURL), MessageBody: aws.String(body),
		MessageGroupId: aws.String(detail.Key), MessageDeduplicationId: aws.String(d.EventID + suffix)})
	if err != nil {
		return fmt.Errorf("sending event %s to the queue: %w", d.EventID, err)
	}
	return nil
}

// drain plays the event source mapping: batches of up to ten messages to
// the function, the successes deleted, the batch item failures visible
// again at once, until the queue is empty.
func (w *eventWorld) drain(ctx context.Context) error {
	for range 50 {
		out, err := w.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(w.queueURL), MaxNumberOfMessages: 10,
			MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameAll}})
		if err != nil {
			return fmt.Errorf("receiving from the queue: %w", err)
		}
		if len(out.Messages) == 0 {
			return nil
		}
		var batch events.SQSEvent
		for _, m := range out.Messages {
			batch.Records = append(batch.Records, events.SQSMessage{MessageId: aws.ToString(m.MessageId), ReceiptHandle: aws.ToString(m.ReceiptHandle),
				Body: aws.ToString(m.Body), Attributes: m.Attributes, EventSource: "aws:sqs", AWSRegion: w.r.srv.Region()})
		}
		payload, err := json.Marshal(batch)
		if err != nil {
			return err
		}
		answer, err := w.invoke(ctx, payload)
		if err != nil {
			return fmt.Errorf("invoking the secret function with a batch of %d: %w", len(batch.Records), err)
		}
		var resp events.SQSEventResponse
		if err := json.Unmarshal(answer, &resp); err != nil {
			return fmt.Errorf("the function's answer %s is not an SQS batch response: %w", answer, err)
		}
		failed := map[string]bool{}
		for _, f := range resp.BatchItemFailures {
			failed[f.ItemIdentifier] = true
		}
		w.r.rep.printf("  SQS batch: %d message(s), %d reported as batch item failures\n", len(batch.Records), len(failed))
		for _, m := range batch.Records {
			if failed[m.MessageId] {
				_, err = w.sqs.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(w.queueURL), ReceiptHandle: aws.String(m.ReceiptHandle)})
			} else {
				_, err = w.sqs.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(w.queueURL), ReceiptHandle: aws.String(m.ReceiptHandle)})
			}
			if err != nil {
				return fmt.Errorf("settling message %s: %w", m.MessageId, err)
			}
		}
	}
	return errors.New("the queue did not empty after 50 batches")
}

// results reports the result events since the last call.
func (w *eventWorld) results(ctx context.Context) ([]eventdriven.ResultDetail, []string, error) {
	ds, err := w.delivered(ctx, w.resultRule)
	if err != nil {
		return nil, nil, err
	}
	var details []eventdriven.ResultDetail
	var types []string
	for _, d := range ds[w.shown:] {
		var rd eventdriven.ResultDetail
		if err := json.Unmarshal([]byte(d.Detail), &rd); err != nil {
			return nil, nil, fmt.Errorf("decoding result event %s: %w", d.EventID, err)
		}
		w.r.rep.printf("  result:   %s\n            %s\n", d.DetailType, d.Detail)
		details, types = append(details, rd), append(types, d.DetailType)
	}
	w.shown = len(ds)
	return details, types, nil
}

// ledgerItem is a key's ledger item as kumo holds it.
type ledgerItem map[string]string

// ledger reads and reports the key's ledger item.
func (w *eventWorld) ledger(ctx context.Context, key string) (ledgerItem, error) {
	item, err := w.readLedger(ctx, key)
	if err != nil {
		return nil, err
	}
	w.r.rep.printf("  ledger:   %s\n", key)
	if len(item) == 0 {
		w.r.rep.printf("            (no item)\n")
	}
	for _, name := range slices.Sorted(maps.Keys(item)) {
		w.r.rep.printf("            %s: %s\n", name, item[name])
	}
	return item, nil
}

// readLedger reads the key's ledger item.
func (w *eventWorld) readLedger(ctx context.Context, key string) (ledgerItem, error) {
	out, err := w.ddb.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(w.table), ConsistentRead: aws.Bool(true),
		Key: map[string]ddbtypes.AttributeValue{eventdriven.KeyAttribute: &ddbtypes.AttributeValueMemberS{Value: key}}})
	if err != nil {
		return nil, fmt.Errorf("reading the ledger item of %s: %w", key, err)
	}
	item := ledgerItem{}
	for name, v := range out.Item {
		switch x := v.(type) {
		case *ddbtypes.AttributeValueMemberS:
			item[name] = x.Value
		case *ddbtypes.AttributeValueMemberN:
			item[name] = x.Value
		case *ddbtypes.AttributeValueMemberBOOL:
			item[name] = strconv.FormatBool(x.Value)
		case *ddbtypes.AttributeValueMemberL:
			var ids []string
			for _, e := range x.Value {
				if s, ok := e.(*ddbtypes.AttributeValueMemberS); ok {
					ids = append(ids, s.Value)
				}
			}
			item[name] = strings.Join(ids, ",")
		case *ddbtypes.AttributeValueMemberM:
			m := map[string]string{}
			for k, e := range x.Value {
				if s, ok := e.(*ddbtypes.AttributeValueMemberS); ok {
					m[k] = s.Value
				}
			}
			item[name] = sortedPairs(m)
		}
	}
	return item, nil
}

// eventStep is one request of the scenario and what it must leave.
type eventStep struct {
	name string
	// keys are the keys the step's requests are for, in parallel.
	keys    []string
	request eventdriven.RequestType
	props   map[string]any
	// redeliver sends the previous request of the key again instead of
	// a new one.
	redeliver bool
	// fault is injected into the emulator before the step.
	fault *awsemu.Fault
	// want is the result event's detail-type, wantStatus the ledger
	// status; replaced says the physical ID must change, and same that it
	// must not.
	want       string
	wantStatus eventdriven.Status
	replaced   bool
	same       bool
}

func eventLifecycle(ctx context.Context, r *runner) error {
	row := r.rep.row("event-driven secret (key team-a/analyst-secret)")
	parallel := r.rep.row("event-driven secrets (two keys in parallel)")
	w, err := newEventWorld(ctx, r)
	if err != nil {
		row.failure, parallel.failure = err.Error(), err.Error()
		r.rep.outcome(err)
		return err
	}
	defer w.kumo.Close()
	const key = "team-a/analyst-secret"
	base := map[string]any{"WorkgroupName": prerequisites.WorkgroupName, "Username": "analyst", "Database": "dev", "RecoveryWindowInDays": "0"}
	inPlace := with(base, map[string]any{"Description": "Data API secret of team A's analysts"})
	replaced := with(inPlace, map[string]any{"Name": "redshift-data-api/team-a/analyst-v2"})
	failing := with(replaced, map[string]any{"Description": "half applied", "Tags": []any{map[string]any{"Key": "team", "Value": "a"}}})
	keyB, keyC := "team-b/loader-secret", "team-c/reader-secret"
	fault := awsemu.Fault{Service: "secretsmanager", Operation: "TagResource", Code: "AccessDeniedException",
		Message: "injected by make run", Status: http.StatusBadRequest, Times: 1}
	apply, del := eventdriven.RequestApply, eventdriven.RequestDelete
	provisioned, deleted, failed := eventdriven.DetailTypeProvisioned, eventdriven.DetailTypeDeleted, eventdriven.DetailTypeFailed
	up, absent := eventdriven.StatusProvisioned, eventdriven.StatusAbsent
	one, two := []string{key}, []string{keyB, keyC}
	groups := []struct {
		row   *summaryRow
		steps []eventStep
	}{
		{row, []eventStep{
			{name: "Apply (create)", keys: one, request: apply, props: base, want: provisioned, wantStatus: up},
			{name: "the same event delivered again (answered from the ledger)", keys: one, redeliver: true, want: provisioned, wantStatus: up, same: true},
			{name: "Apply (update in place)", keys: one, request: apply, props: inPlace, want: provisioned, wantStatus: up, same: true},
			{name: "Apply needing replacement (the old secret is deleted after)", keys: one, request: apply, props: replaced, want: provisioned, wantStatus: up, replaced: true},
			{name: "Apply failing half-way (TagResource fails) and its rollback", keys: one, request: apply, props: failing, fault: &fault, want: failed, wantStatus: up, same: true},
			{name: "Delete", keys: one, request: del, want: deleted, wantStatus: absent},
			{name: "Delete again", keys: one, request: del, want: deleted, wantStatus: absent},
		}},
		{parallel, []eventStep{
			{name: "Apply for two keys at once", keys: two, request: apply, props: base, want: provisioned, wantStatus: up},
			{name: "Delete of both keys at once", keys: two, request: del, want: deleted, wantStatus: absent},
		}},
	}
	last := map[string]string{}     // key -> its last request's event ID
	physical := map[string]string{} // key -> the physical ID the ledger named
	made := map[string]bool{}       // every physical ID a result named
	// A step that fails ends its group: the later steps of a key assume
	// what it should have left.
	var errs []error
	for _, g := range groups {
		for _, s := range g.steps {
			r.rep.step(g.row, s.name)
			if err := w.play(ctx, s, last, physical, made); err != nil {
				g.row.failure = fmt.Sprintf("%s: %v", s.name, err)
				r.rep.outcome(err)
				errs = append(errs, err)
				break
			}
			r.rep.printf("  outcome:  as the event path needs\n")
		}
	}
	return errors.Join(errs...)
}

// play runs one step and checks the result events, the ledger and the
// secrets against it.
func (w *eventWorld) play(ctx context.Context, s eventStep, last, physical map[string]string, made map[string]bool) error {
	if s.fault != nil {
		w.r.srv.InjectFault(*s.fault)
	}
	before := map[string]ledgerItem{}
	for _, key := range s.keys {
		if s.redeliver {
			w.r.rep.printf("  redelivery of event %s, as SQS delivers it after its deduplication window\n", last[key])
			item, err := w.readLedger(ctx, key)
			if err != nil {
				return err
			}
			before[key] = item
			if err := w.forward(ctx, last[key], "/redelivered"); err != nil {
				return err
			}
			continue
		}
		id, err := w.put(ctx, s.request, key, s.props)
		if err != nil {
			return err
		}
		last[key] = id
	}
	if !s.redeliver {
		if err := w.forward(ctx, "", ""); err != nil {
			return err
		}
	}
	if err := w.drain(ctx); err != nil {
		return err
	}
	details, types, err := w.results(ctx)
	if err != nil {
		return err
	}
	if len(details) != len(s.keys) {
		return fmt.Errorf("%d result events, want %d", len(details), len(s.keys))
	}
	for i, d := range details {
		if types[i] != s.want || d.RequestEventID != last[d.Key] {
			return fmt.Errorf("result %s for request %s of %s, want %s for request %s", types[i], d.RequestEventID, d.Key, s.want, last[d.Key])
		}
		if types[i] == eventdriven.DetailTypeFailed && !strings.Contains(d.Reason, "rolled back") {
			return fmt.Errorf("the Failed result says %q, want a rollback", d.Reason)
		}
		if d.PhysicalResourceID != "" {
			made[d.PhysicalResourceID] = true
		}
	}
	for _, key := range s.keys {
		item, err := w.ledger(ctx, key)
		if err != nil {
			return err
		}
		if item["Status"] != string(s.wantStatus) || item["Pending"] != "" {
			return fmt.Errorf("ledger Status %q (Pending %q), want %s", item["Status"], item["Pending"], s.wantStatus)
		}
		if s.redeliver && item["Version"] != before[key]["Version"] {
			return fmt.Errorf("the duplicate wrote the ledger (Version %s to %s)", before[key]["Version"], item["Version"])
		}
		id := item["PhysicalResourceId"]
		switch {
		case s.replaced && (id == physical[key] || id == ""):
			return fmt.Errorf("physical ID %q, want a new one", id)
		case s.same && id != physical[key]:
			return fmt.Errorf("physical ID %q, want %s unchanged", id, physical[key])
		}
		physical[key] = id
	}
	// The real secrets: the ones the ledger names exist, every other one
	// a result named is scheduled for deletion or gone.
	read := secretState(w.sm)
	live := map[string]bool{}
	for _, id := range physical {
		live[id] = id != ""
	}
	for _, id := range slices.Sorted(maps.Keys(made)) {
		lines, exists, err := read(ctx, id)
		if err != nil {
			return err
		}
		w.r.rep.state(id, lines)
		if exists != live[id] {
			return fmt.Errorf("secret %s exists = %v, the ledger says %v", id, exists, live[id])
		}
	}
	return nil
}
