package dataaccess

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/redshift-data-access/redshift-data-access/infra/internal/cdktest"
	"github.com/redshift-data-access/redshift-data-access/internal/eventdriven"
)

// eventFixture is a stack with the provider driven by events, synthesized
// once with the cdk-nag checks.
type eventFixture struct {
	stack awscdk.Stack
	tpl   cfnTemplate
	err   error
}

var loadEventFixture = synthOnce(func() *eventFixture {
	app := newTestApp()
	f := &eventFixture{stack: awscdk.NewStack(app, jsii.String("EventDriven"), nil)}
	NewEventDrivenProvisioning(f.stack, "Events", &EventDrivenProvisioningProps{
		Sources:         jsii.Strings("com.example.portal", "com.example.vending"),
		MaxReceiveCount: jsii.Number(4),
	})
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
	f.tpl, f.err = decodeTemplate(f.stack)
	return f
})

func getEventFixture(t *testing.T) *eventFixture {
	t.Helper()
	f := loadEventFixture()
	if f.err != nil {
		t.Fatal(f.err)
	}
	return f
}

func TestEventDrivenNoNagFindings(t *testing.T) {
	f := getEventFixture(t)
	for _, finding := range cdktest.NagFindings(f.stack) {
		t.Errorf("unsuppressed cdk-nag finding: %s", finding)
	}
}

func TestEventDrivenTable(t *testing.T) {
	tables := getEventFixture(t).tpl.ofType("AWS::DynamoDB::Table")
	if len(tables) != 1 {
		t.Fatalf("%d tables, want one ledger", len(tables))
	}
	for id, tbl := range tables {
		p := tbl.Properties
		if got := flatten(p["KeySchema"]); got != `{"AttributeName":"`+eventdriven.KeyAttribute+`","KeyType":"HASH"}` {
			t.Errorf("%s: KeySchema %s, want the ledger's partition key %s", id, got, eventdriven.KeyAttribute)
		}
		if got := flatten(p["AttributeDefinitions"]); got != `{"AttributeName":"`+eventdriven.KeyAttribute+`","AttributeType":"S"}` {
			t.Errorf("%s: AttributeDefinitions %s, want a string key", id, got)
		}
		if p["BillingMode"] != "PAY_PER_REQUEST" {
			t.Errorf("%s: BillingMode %v", id, p["BillingMode"])
		}
		if got := flatten(p["PointInTimeRecoverySpecification"]); !strings.Contains(got, `"PointInTimeRecoveryEnabled":true`) {
			t.Errorf("%s: PointInTimeRecoverySpecification %s, want it enabled", id, got)
		}
		if got := flatten(p["SSESpecification"]); !strings.Contains(got, `"SSEEnabled":true`) {
			t.Errorf("%s: SSESpecification %s, want encryption", id, got)
		}
		if p["DeletionProtectionEnabled"] != true || tbl.DeletionPolicy != "Retain" {
			t.Errorf("%s: DeletionProtectionEnabled %v, DeletionPolicy %q; want the ledger protected and retained", id, p["DeletionProtectionEnabled"], tbl.DeletionPolicy)
		}
	}
}

func TestEventDrivenQueues(t *testing.T) {
	tpl := getEventFixture(t).tpl
	queues := tpl.ofType("AWS::SQS::Queue")
	var requests, dlqs []string
	for id, q := range queues {
		p := q.Properties
		if p["FifoQueue"] != true {
			t.Errorf("%s: not a FIFO queue", id)
		}
		if p["SqsManagedSseEnabled"] != true {
			t.Errorf("%s: SqsManagedSseEnabled %v, want encryption", id, p["SqsManagedSseEnabled"])
		}
		redrive, ok := p["RedrivePolicy"].(map[string]any)
		if !ok {
			dlqs = append(dlqs, id)
			continue
		}
		requests = append(requests, id)
		if p["ContentBasedDeduplication"] != false {
			t.Errorf("%s: ContentBasedDeduplication %v, want off: deduplication is by event ID", id, p["ContentBasedDeduplication"])
		}
		if flatten(redrive["maxReceiveCount"]) != "4" {
			t.Errorf("%s: maxReceiveCount %v, want the prop's 4", id, redrive["maxReceiveCount"])
		}
		target := flatten(redrive["deadLetterTargetArn"])
		if dlq := strings.TrimSuffix(strings.TrimPrefix(target, "${"), ".Arn}"); queues[dlq].Type != "AWS::SQS::Queue" || queues[dlq].Properties["RedrivePolicy"] != nil {
			t.Errorf("%s: dead-letter target %s is not one of the dead-letter queues", id, target)
		}
	}
	if len(requests) != len(Functions()) || len(dlqs) != len(Functions()) {
		t.Errorf("request queues %v and dead-letter queues %v, want one of each per function", requests, dlqs)
	}
	// Every queue refuses requests without TLS.
	secured := map[string]bool{}
	for id, pol := range tpl.ofType("AWS::SQS::QueuePolicy") {
		doc := flatten(pol.Properties["PolicyDocument"])
		if strings.Contains(doc, `"aws:SecureTransport":"false"`) && strings.Contains(doc, `"Effect":"Deny"`) {
			for _, q := range strings.Split(flatten(pol.Properties["Queues"]), ",") {
				secured[strings.TrimSuffix(strings.TrimPrefix(q, "${"), "}")] = true
			}
		} else {
			t.Logf("%s: %s", id, doc)
		}
	}
	for id := range queues {
		if !secured[id] {
			t.Errorf("queue %s has no policy denying requests without TLS", id)
		}
	}
}

func TestEventDrivenRulesAndMappings(t *testing.T) {
	tpl := getEventFixture(t).tpl
	rules := tpl.ofType("AWS::Events::Rule")
	var routed []string
	for id, r := range rules {
		pattern, _ := r.Properties["EventPattern"].(map[string]any)
		if got := flatten(pattern["source"]); got != "com.example.portal,com.example.vending" {
			t.Errorf("%s: source %s, want the configured sources", id, got)
		}
		if got := flatten(pattern["detail-type"]); got != eventdriven.DetailTypeRequest {
			t.Errorf("%s: detail-type %s", id, got)
		}
		detail, _ := pattern["detail"].(map[string]any)
		routed = append(routed, strings.Split(flatten(detail["resourceType"]), ",")...)
		targets, _ := r.Properties["Targets"].([]any)
		if len(targets) != 1 {
			t.Fatalf("%s: %d targets, want its queue", id, len(targets))
		}
		target, _ := targets[0].(map[string]any)
		if got := flatten(target["SqsParameters"]); got != `{"MessageGroupId":"$.detail.key"}` {
			t.Errorf("%s: SqsParameters %s, want the key as message group", id, got)
		}
	}
	slices.Sort(routed)
	want := []string{AccessResourceType, CrossAccountRoleResourceType, EndpointResourceType, SecretResourceType, DatabaseUserResourceType}
	slices.Sort(want)
	if !slices.Equal(routed, want) {
		t.Errorf("the rules route %v, want each resource type once: %v", routed, want)
	}
	mappings := tpl.ofType("AWS::Lambda::EventSourceMapping")
	if len(mappings) != len(Functions()) {
		t.Errorf("%d event source mappings, want one per function", len(mappings))
	}
	for id, m := range mappings {
		if got := flatten(m.Properties["FunctionResponseTypes"]); got != "ReportBatchItemFailures" {
			t.Errorf("%s: FunctionResponseTypes %s, want ReportBatchItemFailures", id, got)
		}
	}
	for id, fn := range tpl.ofType("AWS::Lambda::Function") {
		env, _ := fn.Properties["Environment"].(map[string]any)
		vars, _ := env["Variables"].(map[string]any)
		for _, name := range []string{eventdriven.EnvTable, eventdriven.EnvResultBus} {
			if vars[name] == nil {
				t.Errorf("%s: no %s in %v", id, name, vars)
			}
		}
		if vars[eventdriven.EnvSources] != "com.example.portal,com.example.vending" || vars[eventdriven.EnvResultSource] != eventdriven.DefaultResultSource {
			t.Errorf("%s: sources %v and result source %v", id, vars[eventdriven.EnvSources], vars[eventdriven.EnvResultSource])
		}
	}
}

// TestEventDrivenPermissions checks what the event path adds to the
// functions' roles: the ledger's item calls on the table only, PutEvents
// on the result bus only, and the consumption of the function's own queue.
func TestEventDrivenPermissions(t *testing.T) {
	tpl := getEventFixture(t).tpl
	policies := tpl.ofType("AWS::IAM::Policy")
	if len(policies) != len(Functions()) {
		t.Fatalf("%d added policies, want one per function", len(policies))
	}
	for id, pol := range policies {
		doc, _ := pol.Properties["PolicyDocument"].(map[string]any)
		stmts, _ := doc["Statement"].([]any)
		var queue string
		for _, s := range stmts {
			st, _ := s.(map[string]any)
			list := strings.Split(flatten(st["Action"]), ",")
			slices.Sort(list)
			actions, res := strings.Join(list, ","), flatten(st["Resource"])
			switch {
			case strings.HasPrefix(actions, "dynamodb:"):
				if actions != "dynamodb:DeleteItem,dynamodb:GetItem,dynamodb:PutItem,dynamodb:UpdateItem" || !strings.HasPrefix(res, "${EventsLedger") {
					t.Errorf("%s: %s on %s, want the item calls on the ledger", id, actions, res)
				}
			case strings.HasPrefix(actions, "events:"):
				if actions != "events:PutEvents" || !strings.HasSuffix(res, ":event-bus/default") {
					t.Errorf("%s: %s on %s, want PutEvents on the default bus", id, actions, res)
				}
			case strings.HasPrefix(actions, "sqs:"):
				if !strings.Contains(actions, "sqs:ReceiveMessage") || !strings.Contains(actions, "sqs:DeleteMessage") || strings.Contains(actions, "sqs:SendMessage") {
					t.Errorf("%s: %s, want the consumer's calls only", id, actions)
				}
				queue = res
			default:
				t.Errorf("%s: unexpected statement %s on %s", id, actions, res)
			}
			if strings.Contains(res, "*") {
				t.Errorf("%s: %s on a wildcard %s", id, actions, res)
			}
		}
		if !strings.HasPrefix(queue, "${Events") || !strings.Contains(queue, "Queue") || strings.Contains(queue, "DeadLetter") {
			t.Errorf("%s: consumes %q, want its request queue", id, queue)
		}
	}
}

// TestEventDrivenIsOptIn checks that a provider without the construct has
// none of it: no mapping, no table, no event-path environment.
func TestEventDrivenIsOptIn(t *testing.T) {
	tpl := getFixture(t).templates[getFixture(t).constructs]
	for _, typ := range []string{"AWS::Lambda::EventSourceMapping", "AWS::DynamoDB::Table", "AWS::SQS::Queue", "AWS::Events::Rule"} {
		if n := len(tpl.ofType(typ)); n > 0 {
			t.Errorf("%d %s without NewEventDrivenProvisioning", n, typ)
		}
	}
	for id, fn := range tpl.ofType("AWS::Lambda::Function") {
		if strings.Contains(flatten(fn.Properties["Environment"]), eventdriven.EnvTable) {
			t.Errorf("%s: %s set without NewEventDrivenProvisioning", id, eventdriven.EnvTable)
		}
	}
}
