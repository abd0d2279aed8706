package customresource_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/cfn"
	"github.com/google/go-cmp/cmp"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

// canary is a password that must appear nowhere but in the request.
const canary = "Canary-Pa55word-7f3e9a"

func TestHandleEventKeepsSecretsOut(t *testing.T) {
	tests := map[string]struct {
		create func(context.Context, customresource.Request) (customresource.Result, error)
	}{
		"success": {
			create: func(context.Context, customresource.Request) (customresource.Result, error) {
				return customresource.Result{PhysicalResourceID: "id"}, nil
			},
		},
		"an error that quotes the secret": {
			create: func(_ context.Context, req customresource.Request) (customresource.Result, error) {
				return customresource.Result{}, fmt.Errorf("password %v rejected", req.Properties["MasterPassword"])
			},
		},
		"a panic with the secret": {
			create: func(_ context.Context, req customresource.Request) (customresource.Result, error) {
				panic(req.Properties["MasterPassword"])
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			srv := newResponseServer(t)
			res := secretResource{&fakeResource{t: t, create: tc.create, secrets: []string{"MasterPassword"}}}
			h, logs := newTestHandler(res)
			ev := newEvent(srv.responseURL(), cfn.RequestCreate, "", map[string]any{"Username": "admin", "MasterPassword": canary})
			if err := h.HandleEvent(t.Context(), ev); err != nil {
				t.Fatalf("HandleEvent: %v", err)
			}
			if strings.Contains(logs.String(), canary) {
				t.Error("the logs contain the secret property's value")
			}
			for _, p := range srv.received() {
				if strings.Contains(string(p.body), canary) {
					t.Error("the response contains the secret property's value")
				}
			}
		})
	}
}

func TestHandleEventLogFields(t *testing.T) {
	srv := newResponseServer(t)
	h, logs := newTestHandler(&fakeResource{t: t, update: func(context.Context, customresource.Request) (customresource.Result, error) {
		return customresource.Result{PhysicalResourceID: "id-2"}, nil
	}})
	ev := newEvent(srv.responseURL(), cfn.RequestUpdate, "id-1", map[string]any{"Name": "n"})
	if err := h.HandleEvent(t.Context(), ev); err != nil {
		t.Fatalf("HandleEvent: %v", err)
	}
	var sent map[string]any
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line is not JSON: %v", err)
		}
		if rec["msg"] == "response sent" {
			sent = rec
		}
	}
	if sent == nil {
		t.Fatal("no \"response sent\" log record")
	}
	want := map[string]any{
		"request_id":           ev.RequestID,
		"stack_id":             ev.StackID,
		"logical_resource_id":  ev.LogicalResourceID,
		"resource_type":        testType,
		"action":               "Update",
		"status":               "SUCCESS",
		"physical_resource_id": "id-2",
		"attempts":             float64(1),
	}
	got := map[string]any{}
	for k := range want {
		got[k] = sent[k]
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("log fields (-want +got):\n%s", diff)
	}
	if _, ok := sent["duration_ms"]; !ok {
		t.Error("no duration_ms in the log record")
	}
	if strings.Contains(logs.String(), "cloudformation-custom-resource-response") || strings.Contains(logs.String(), signature) {
		t.Error("the logs contain the ResponseURL")
	}
}

// recordingClient records whether it was called.
type recordingClient struct{ called bool }

func (c *recordingClient) Do(*http.Request) (*http.Response, error) {
	c.called = true
	return nil, errors.New("must not be called")
}

func TestHandleEventForeignResponseURL(t *testing.T) {
	const foreign = "https://attacker.example.com/collect?X-Amz-Signature=" + signature
	client := &recordingClient{}
	// Nil methods fail the test if the resource is called.
	h, logs := newTestHandler(&fakeResource{t: t}, customresource.WithHTTPClient(client))
	if err := h.HandleEvent(t.Context(), newEvent(foreign, cfn.RequestCreate, "", nil)); err != nil {
		t.Errorf("HandleEvent: %v; want nil, so that Lambda does not retry", err)
	}
	if client.called {
		t.Error("the foreign ResponseURL was contacted")
	}
	if strings.Contains(logs.String(), "attacker.example.com") || strings.Contains(logs.String(), signature) {
		t.Error("the logs contain the ResponseURL")
	}
	if !strings.Contains(logs.String(), `"level":"ERROR"`) {
		t.Error("no error was logged for the dropped request")
	}
}
