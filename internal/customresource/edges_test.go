package customresource_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/cfn"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/internal/secret"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
	emustate "github.com/redshift-data-access/redshift-data-access/local/awsemu/snapshot"
)

// TestRuntimeEdges sends requests CloudFormation never sends, to the secret
// resource on the emulator: each gets exactly one answer of at most 4 KB
// with a physical ID of at most 1 KB, and the refused ones change nothing.
func TestRuntimeEdges(t *testing.T) {
	emu := awsemu.Start()
	t.Cleanup(emu.Close)
	cfg := emu.Config(awsemu.AccountA)
	res := secret.New(secretsmanager.NewFromConfig(cfg), cfg.Region)
	props := map[string]any{"Username": "app_user", "WorkgroupName": "analytics-wg"}
	long := strings.Repeat("x", 5000)

	tests := map[string]struct {
		edit       func(map[string]any)
		wantStatus cfn.StatusType
	}{
		// The control: the same request, well-formed, creates the secret.
		"well-formed":                {func(map[string]any) {}, cfn.StatusSuccess},
		"properties not an object":   {func(ev map[string]any) { ev["ResourceProperties"] = "Username=app" }, cfn.StatusFailed},
		"properties an array":        {func(ev map[string]any) { ev["ResourceProperties"] = []any{1} }, cfn.StatusFailed},
		"request ID a number":        {func(ev map[string]any) { ev["RequestId"] = 12345 }, cfn.StatusFailed},
		"request ID an object":       {func(ev map[string]any) { ev["RequestId"] = map[string]any{"a": long} }, cfn.StatusFailed},
		"empty request ID":           {func(ev map[string]any) { ev["RequestId"] = "" }, cfn.StatusFailed},
		"empty stack ID":             {func(ev map[string]any) { ev["StackId"] = "" }, cfn.StatusFailed},
		"empty logical ID":           {func(ev map[string]any) { ev["LogicalResourceId"] = "" }, cfn.StatusFailed},
		"5,000-character request ID": {func(ev map[string]any) { ev["RequestId"] = long }, cfn.StatusFailed},
		"5,000-character stack and logical IDs": {func(ev map[string]any) {
			ev["StackId"], ev["LogicalResourceId"] = long, long
		}, cfn.StatusFailed},
		"update of a 5,000-character physical ID": {func(ev map[string]any) {
			ev["RequestType"], ev["PhysicalResourceId"], ev["OldResourceProperties"] = "Update", long, props
		}, cfn.StatusFailed},
		"delete of an empty physical ID": {func(ev map[string]any) {
			ev["RequestType"], ev["PhysicalResourceId"] = "Delete", ""
		}, cfn.StatusSuccess},
		"delete of a 5,000-character physical ID": {func(ev map[string]any) {
			ev["RequestType"], ev["PhysicalResourceId"] = "Delete", long
		}, cfn.StatusSuccess},
		"delete with a 5,000-character request ID": {func(ev map[string]any) {
			ev["RequestType"], ev["PhysicalResourceId"], ev["RequestId"] = "Delete", "arn:aws:secretsmanager:us-east-1:111111111111:secret:x-AbCdEf", long
		}, cfn.StatusSuccess},
		"delete with properties not an object": {func(ev map[string]any) {
			ev["RequestType"], ev["PhysicalResourceId"], ev["ResourceProperties"] = "Delete", "arn:aws:secretsmanager:us-east-1:111111111111:secret:x-AbCdEf", 7
		}, cfn.StatusFailed},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			srv := newResponseServer(t)
			h, _ := newTestHandler(res)
			ev := map[string]any{
				"RequestType": "Create", "RequestId": "11111111-2222-3333-4444-555555555555", "ResponseURL": srv.responseURL(),
				"ResourceType": testType, "LogicalResourceId": "AppSecret",
				"StackId":            "arn:aws:cloudformation:us-east-1:111111111111:stack/my-stack/0e6f1c10-0000-11ef-8000-0a1b2c3d4e5f",
				"ResourceProperties": props,
			}
			tc.edit(ev)
			raw, err := json.Marshal(ev)
			if err != nil {
				t.Fatal(err)
			}
			before := emustate.Take(t, cfg, nil, nil)
			if err := h.HandleRawEvent(t.Context(), raw); err != nil {
				t.Fatalf("HandleRawEvent: %v", err)
			}
			got := srv.received()
			if len(got) != 1 {
				t.Fatalf("%d answers, want exactly one", len(got))
			}
			if len(got[0].body) > customresource.MaxResponseBytes {
				t.Errorf("the answer is %d bytes, over CloudFormation's %d", len(got[0].body), customresource.MaxResponseBytes)
			}
			resp := srv.only(t)
			if resp.Status != tc.wantStatus {
				t.Errorf("status %s (reason %q), want %s", resp.Status, resp.Reason, tc.wantStatus)
			}
			if resp.PhysicalResourceID == "" || len(resp.PhysicalResourceID) > customresource.MaxPhysicalIDBytes {
				t.Errorf("physical ID of %d bytes, want 1 to %d", len(resp.PhysicalResourceID), customresource.MaxPhysicalIDBytes)
			}
			after := emustate.Take(t, cfg, nil, nil)
			if name == "well-formed" {
				if len(after.Secrets) != len(before.Secrets)+1 {
					t.Errorf("the well-formed Create made %d secrets, want 1", len(after.Secrets)-len(before.Secrets))
				}
				return
			}
			emustate.Unchanged(t, before, after)
		})
	}
}

// TestHandleRawEventEchoesANumericRequestID: the echo is the number's JSON
// text, and the reason names the field.
func TestHandleRawEventEchoesANumericRequestID(t *testing.T) {
	srv := newResponseServer(t)
	h, _ := newTestHandler(&fakeResource{t: t})
	raw := `{"RequestType":"Create","RequestId":12345,"ResponseURL":"` + srv.responseURL() + `","ResourceType":"` + testType +
		`","LogicalResourceId":"L","StackId":"arn:aws:cloudformation:us-east-1:111111111111:stack/s/1","ResourceProperties":{}}`
	if err := h.HandleRawEvent(t.Context(), json.RawMessage(raw)); err != nil {
		t.Fatal(err)
	}
	resp := srv.only(t)
	if resp.Status != cfn.StatusFailed || resp.RequestID != "12345" || !strings.Contains(resp.Reason, "RequestId") {
		t.Errorf("response %+v, want FAILED for request 12345 naming RequestId", resp)
	}
}

// TestHandleRawEventDropsANonObject: a payload that is not a JSON object
// names no ResponseURL; nothing is sent and no resource is called.
func TestHandleRawEventDropsANonObject(t *testing.T) {
	srv := newResponseServer(t)
	h, _ := newTestHandler(&fakeResource{t: t})
	if err := h.HandleRawEvent(t.Context(), json.RawMessage(`["`+srv.responseURL()+`"]`)); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.received()); n != 0 {
		t.Errorf("%d answers to a payload that is not an object", n)
	}
}

// TestDeadlineAnswerThenCleanup: CreateSecret is still in flight at the
// deadline margin. The runtime answers FAILED first, then waits for the
// resource to undo what the call made before it returns (Lambda freezes
// the process after that), so that nothing is left behind.
func TestDeadlineAnswerThenCleanup(t *testing.T) {
	emu := awsemu.Start()
	t.Cleanup(emu.Close)
	cfg := emu.Config(awsemu.AccountA)
	res := secret.New(secretsmanager.NewFromConfig(cfg), cfg.Region)
	srv := newResponseServer(t)
	// The margin leaves the resource's undo most of the invocation.
	h, _ := newTestHandler(res, customresource.WithDeadlineMargin(9*time.Second))
	before := emustate.Take(t, cfg, nil, nil)
	emu.InjectFault(awsemu.Fault{Service: "secretsmanager", Operation: "CreateSecret", Latency: time.Minute, Times: 1})
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	ev := newEvent(srv.responseURL(), cfn.RequestCreate, "", map[string]any{"Username": "app_user", "WorkgroupName": "analytics-wg"})
	if err := h.HandleEvent(ctx, ev); err != nil {
		t.Fatalf("HandleEvent: %v", err)
	}
	if resp := srv.only(t); resp.Status != cfn.StatusFailed {
		t.Errorf("status %s, want FAILED", resp.Status)
	}
	if emu.FaultHits("secretsmanager", "CreateSecret") != 1 {
		t.Fatal("the slow CreateSecret was never sent")
	}
	emustate.Unchanged(t, before, emustate.Take(t, cfg, nil, nil))
}
