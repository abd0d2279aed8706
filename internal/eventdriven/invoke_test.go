package eventdriven_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"testing"

	"github.com/aws/aws-lambda-go/cfn"
	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/internal/eventdriven"
	"github.com/redshift-data-access/redshift-data-access/internal/secret"
)

// invoker serves e's event path and records the CloudFormation requests.
func invoker(e *env) (*eventdriven.Invoker, *[]cfn.Event) {
	var got []cfn.Event
	inv := &eventdriven.Invoker{
		CloudFormation: func(_ context.Context, ev cfn.Event) error { got = append(got, ev); return nil },
		Events:         e.handler,
		Logger:         slog.New(slog.NewJSONHandler(e.logs, nil)),
	}
	return inv, &got
}

func TestInvokeShapes(t *testing.T) {
	props := map[string]any{"WorkgroupName": "analytics-wg", "Username": "app_user"}
	cfnPayload, _ := json.Marshal(cfn.Event{
		RequestType: cfn.RequestCreate, RequestID: "req-1", ResponseURL: "https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x",
		ResourceType: secret.ResourceType, LogicalResourceID: "AppSecret", StackID: "arn:aws:cloudformation:us-east-1:111111111111:stack/s/g",
	})
	sqsPayload, _ := json.Marshal(events.SQSEvent{Records: []events.SQSMessage{{
		MessageId: "m1", EventSource: "aws:sqs", Body: requestEvent("ev-1", eventdriven.RequestApply, "team-g/sqs", props),
	}}})
	direct := []byte(requestEvent("ev-2", eventdriven.RequestApply, "team-g/direct", props))

	t.Run("CloudFormation", func(t *testing.T) {
		e := newEnv(t)
		inv, got := invoker(e)
		if _, err := inv.Invoke(context.Background(), cfnPayload); err != nil {
			t.Fatal(err)
		}
		if len(*got) != 1 || (*got)[0].RequestID != "req-1" || (*got)[0].LogicalResourceID != "AppSecret" {
			t.Errorf("CloudFormation requests %+v, want req-1", *got)
		}
		if calls := e.res.takeCalls(); len(calls) > 0 || len(e.bus.all()) > 0 {
			t.Errorf("the event path ran for a CloudFormation request: %v", calls)
		}
	})
	for name, tc := range map[string]struct {
		payload []byte
		key     string
	}{"SQS": {sqsPayload, "team-g/sqs"}, "EventBridge": {direct, "team-g/direct"}} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			inv, got := invoker(e)
			out, err := inv.Invoke(context.Background(), tc.payload)
			if err != nil {
				t.Fatal(err)
			}
			if resp, ok := out.(events.SQSEventResponse); name == "SQS" && (!ok || len(resp.BatchItemFailures) > 0) {
				t.Errorf("answer %#v, want an SQSEventResponse without failures", out)
			}
			if len(*got) > 0 {
				t.Errorf("a request event reached the CloudFormation handler")
			}
			seen := 0
			r := e.results(&seen)
			if len(r) != 1 || r[0].DetailType != eventdriven.DetailTypeProvisioned || r[0].Detail.Key != tc.key {
				t.Fatalf("results %v, want Provisioned for %s", r, tc.key)
			}
			e.check(name, tc.key, want{status: eventdriven.StatusProvisioned, physicalID: r[0].Detail.PhysicalResourceID, props: props, outcome: eventdriven.OutcomeProvisioned})
		})
	}
	t.Run("unrecognised", func(t *testing.T) {
		e := newEnv(t)
		inv, got := invoker(e)
		if _, err := inv.Invoke(context.Background(), []byte(`{"hello": "world"}`)); err != nil {
			t.Fatalf("Invoke: %v, want nil: a retry cannot help", err)
		}
		r := e.bus.all()
		if len(*got) > 0 || len(r) != 1 || r[0].DetailType != eventdriven.DetailTypeFailed || r[0].Detail.Reason == "" {
			t.Errorf("results %v, want one Failed with a reason", r)
		}
	})
	t.Run("event path off", func(t *testing.T) {
		inv := &eventdriven.Invoker{CloudFormation: func(context.Context, cfn.Event) error { return nil }, Logger: slog.New(slog.DiscardHandler)}
		if _, err := inv.Invoke(context.Background(), sqsPayload); !errors.Is(err, eventdriven.ErrNotConfigured) {
			t.Errorf("Invoke = %v, want ErrNotConfigured so SQS keeps the messages", err)
		}
	})
}

func TestNewInvokerFromEnvironment(t *testing.T) {
	resources := map[string]customresource.Resource{secret.ResourceType: secret.New(nil, "us-east-1")}
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	if inv := eventdriven.NewInvoker(aws.Config{Region: "us-east-1"}, resources, getenv); inv.Events != nil || inv.CloudFormation == nil {
		t.Errorf("without %s: Events %v, want nil and a CloudFormation handler", eventdriven.EnvTable, inv.Events)
	}
	env[eventdriven.EnvTable] = "ledger"
	if inv := eventdriven.NewInvoker(aws.Config{Region: "us-east-1"}, resources, getenv); inv.Events == nil {
		t.Errorf("with %s: no event path", eventdriven.EnvTable)
	}
}

// TestInvokeHandsAMalformedCloudFormationRequestOnRaw: a request with a
// ResponseURL whose RequestId is not a string decodes into no cfn.Event;
// it goes to CloudFormationRaw, which answers it, not to the event path.
func TestInvokeHandsAMalformedCloudFormationRequestOnRaw(t *testing.T) {
	e := newEnv(t)
	inv, got := invoker(e)
	var raw []json.RawMessage
	inv.CloudFormationRaw = func(_ context.Context, p json.RawMessage) error { raw = append(raw, p); return nil }
	payload := []byte(`{"RequestType":"Create","RequestId":7,"ResponseURL":"https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x","ResourceType":"` +
		secret.ResourceType + `","LogicalResourceId":"AppSecret","StackId":"arn:aws:cloudformation:us-east-1:111111111111:stack/s/g","ResourceProperties":"x"}`)
	if _, err := inv.Invoke(context.Background(), payload); err != nil {
		t.Fatal(err)
	}
	if len(raw) != 1 || len(*got) != 0 {
		t.Errorf("raw requests %d, decoded %d; want the one request raw", len(raw), len(*got))
	}
	if calls := e.res.takeCalls(); len(calls) > 0 || len(e.bus.all()) > 0 {
		t.Errorf("the event path ran for a CloudFormation request: %v", calls)
	}
}
