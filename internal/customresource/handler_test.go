package customresource_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/cfn"
	"github.com/google/go-cmp/cmp"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

func TestHandleEventResponse(t *testing.T) {
	errBoom := errors.New("boom")
	longID := strings.Repeat("x", customresource.MaxPhysicalIDBytes+1)
	tests := map[string]struct {
		requestType cfn.RequestType
		physicalID  string
		// resourceType, when set, replaces the type the handler serves.
		resourceType string
		res          func(t *testing.T) *fakeResource
		want         func(ev cfn.Event) cfn.Response
	}{
		"create success with data and NoEcho": {
			requestType: cfn.RequestCreate,
			res: func(t *testing.T) *fakeResource {
				return &fakeResource{t: t, create: func(context.Context, customresource.Request) (customresource.Result, error) {
					return customresource.Result{PhysicalResourceID: "arn:aws:secretsmanager:us-east-1:111111111111:secret:s-AbCdEf", Data: map[string]string{"Arn": "a"}, NoEcho: true}, nil
				}}
			},
			want: func(ev cfn.Event) cfn.Response {
				r := echo(ev)
				r.Status, r.PhysicalResourceID, r.NoEcho, r.Data = cfn.StatusSuccess, "arn:aws:secretsmanager:us-east-1:111111111111:secret:s-AbCdEf", true, map[string]any{"Arn": "a"}
				return r
			},
		},
		"create error answers a failed-create marker": {
			requestType: cfn.RequestCreate,
			res: func(t *testing.T) *fakeResource {
				return &fakeResource{t: t, create: func(context.Context, customresource.Request) (customresource.Result, error) {
					return customresource.Result{}, fmt.Errorf("creating secret x: %w", errBoom)
				}}
			},
			want: func(ev cfn.Event) cfn.Response {
				r := echo(ev)
				r.Status, r.PhysicalResourceID, r.Reason = cfn.StatusFailed, customresource.FailedCreateMarker(ev.RequestID), "creating secret x: boom"
				return r
			},
		},
		"create with no physical ID fails": {
			requestType: cfn.RequestCreate,
			res: func(t *testing.T) *fakeResource {
				return &fakeResource{t: t, create: func(context.Context, customresource.Request) (customresource.Result, error) {
					return customresource.Result{}, nil
				}}
			},
			want: func(ev cfn.Event) cfn.Response {
				r := echo(ev)
				r.Status, r.PhysicalResourceID, r.Reason = cfn.StatusFailed, customresource.FailedCreateMarker(ev.RequestID), "internal error: the handler returned no physical resource ID"
				return r
			},
		},
		"update error keeps the physical ID": {
			requestType: cfn.RequestUpdate,
			physicalID:  "old-id",
			res: func(t *testing.T) *fakeResource {
				return &fakeResource{t: t, update: func(context.Context, customresource.Request) (customresource.Result, error) {
					return customresource.Result{PhysicalResourceID: "new-id"}, errBoom
				}}
			},
			want: func(ev cfn.Event) cfn.Response {
				r := echo(ev)
				r.Status, r.PhysicalResourceID, r.Reason = cfn.StatusFailed, "old-id", "boom"
				return r
			},
		},
		"update with no physical ID keeps it": {
			requestType: cfn.RequestUpdate,
			physicalID:  "old-id",
			res: func(t *testing.T) *fakeResource {
				return &fakeResource{t: t, update: func(context.Context, customresource.Request) (customresource.Result, error) {
					return customresource.Result{}, nil
				}}
			},
			want: func(ev cfn.Event) cfn.Response {
				r := echo(ev)
				r.Status, r.PhysicalResourceID = cfn.StatusSuccess, "old-id"
				return r
			},
		},
		"update returning an over-long physical ID fails": {
			requestType: cfn.RequestUpdate,
			physicalID:  "old-id",
			res: func(t *testing.T) *fakeResource {
				return &fakeResource{t: t, update: func(context.Context, customresource.Request) (customresource.Result, error) {
					return customresource.Result{PhysicalResourceID: longID}, nil
				}}
			},
			want: func(ev cfn.Event) cfn.Response {
				r := echo(ev)
				r.Status, r.PhysicalResourceID, r.Reason = cfn.StatusFailed, "old-id", "internal error: the physical resource ID is 1025 bytes; CloudFormation allows at most 1024"
				return r
			},
		},
		"delete error keeps the physical ID": {
			requestType: cfn.RequestDelete,
			physicalID:  "some-id",
			res: func(t *testing.T) *fakeResource {
				return &fakeResource{t: t, delete: func(context.Context, customresource.Request) error { return errBoom }}
			},
			want: func(ev cfn.Event) cfn.Response {
				r := echo(ev)
				r.Status, r.PhysicalResourceID, r.Reason = cfn.StatusFailed, "some-id", "boom"
				return r
			},
		},
		"create of an unsupported type fails": {
			requestType:  cfn.RequestCreate,
			resourceType: "Custom::Other",
			// Nil methods fail the test if the resource is called.
			res: func(t *testing.T) *fakeResource { return &fakeResource{t: t} },
			want: func(ev cfn.Event) cfn.Response {
				r := echo(ev)
				r.Status, r.PhysicalResourceID = cfn.StatusFailed, customresource.FailedCreateMarker(ev.RequestID)
				r.Reason = `unsupported resource type "Custom::Other": this function serves [Custom::Test]`
				return r
			},
		},
		"delete of an unsupported type succeeds and touches nothing": {
			requestType:  cfn.RequestDelete,
			physicalID:   "some-id",
			resourceType: "Custom::Other",
			res:          func(t *testing.T) *fakeResource { return &fakeResource{t: t} },
			want: func(ev cfn.Event) cfn.Response {
				r := echo(ev)
				r.Status, r.PhysicalResourceID = cfn.StatusSuccess, "some-id"
				return r
			},
		},
		"property error says the properties are invalid": {
			requestType: cfn.RequestCreate,
			res: func(t *testing.T) *fakeResource {
				return &fakeResource{t: t, create: func(context.Context, customresource.Request) (customresource.Result, error) {
					p := customresource.NewPropertyReader(map[string]any{"Bogus": "1"})
					p.RequiredString("Name", "a secret name")
					return customresource.Result{}, p.Err()
				}}
			},
			want: func(ev cfn.Event) cfn.Response {
				r := echo(ev)
				r.Status, r.PhysicalResourceID = cfn.StatusFailed, customresource.FailedCreateMarker(ev.RequestID)
				r.Reason = "invalid properties: property Name: is required; allowed: a secret name; property Bogus: unknown property; allowed: Name"
				return r
			},
		},
		"a deadline error says the operation timed out": {
			requestType: cfn.RequestDelete,
			physicalID:  "some-id",
			res: func(t *testing.T) *fakeResource {
				return &fakeResource{t: t, delete: func(context.Context, customresource.Request) error {
					return fmt.Errorf("waiting for endpoint vpce-1 to be deleted: %w", context.DeadlineExceeded)
				}}
			},
			want: func(ev cfn.Event) cfn.Response {
				r := echo(ev)
				r.Status, r.PhysicalResourceID = cfn.StatusFailed, "some-id"
				r.Reason = "the operation timed out: waiting for endpoint vpce-1 to be deleted: context deadline exceeded"
				return r
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			srv := newResponseServer(t)
			h, _ := newTestHandler(tc.res(t))
			ev := newEvent(srv.responseURL(), tc.requestType, tc.physicalID, map[string]any{"Name": "n"})
			if tc.resourceType != "" {
				ev.ResourceType = tc.resourceType
			}
			if err := h.HandleEvent(t.Context(), ev); err != nil {
				t.Fatalf("HandleEvent: %v", err)
			}
			if diff := cmp.Diff(tc.want(ev), srv.only(t), ignoreURL); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHandleEventRequest(t *testing.T) {
	srv := newResponseServer(t)
	var got customresource.Request
	h, _ := newTestHandler(&fakeResource{t: t, update: func(_ context.Context, req customresource.Request) (customresource.Result, error) {
		got = req
		return customresource.Result{}, nil
	}})
	ev := newEvent(srv.responseURL(), cfn.RequestUpdate, "id-1", map[string]any{"ServiceToken": "arn:aws:lambda:us-east-1:111111111111:function:f", "ServiceTimeout": "300", "Name": "new"})
	ev.OldResourceProperties = map[string]any{"ServiceToken": "arn:aws:lambda:us-east-1:111111111111:function:f", "ServiceTimeout": "300", "Name": "old"}
	if err := h.HandleEvent(t.Context(), ev); err != nil {
		t.Fatalf("HandleEvent: %v", err)
	}
	want := customresource.Request{
		Action:             customresource.ActionUpdate,
		RequestID:          ev.RequestID,
		StackID:            ev.StackID,
		LogicalResourceID:  ev.LogicalResourceID,
		PhysicalResourceID: "id-1",
		ResourceType:       testType,
		Properties:         map[string]any{"Name": "new"},
		OldProperties:      map[string]any{"Name": "old"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("request (-want +got):\n%s", diff)
	}
}

func TestHandleEventPanic(t *testing.T) {
	srv := newResponseServer(t)
	h, _ := newTestHandler(&fakeResource{t: t, create: func(context.Context, customresource.Request) (customresource.Result, error) {
		panic("resource bug")
	}})
	ev := newEvent(srv.responseURL(), cfn.RequestCreate, "", nil)
	if err := h.HandleEvent(t.Context(), ev); err != nil {
		t.Fatalf("HandleEvent: %v", err)
	}
	got := srv.only(t)
	if got.Status != cfn.StatusFailed || !customresource.IsFailedCreateMarker(got.PhysicalResourceID) {
		t.Errorf("got status %s, physical ID %q; want FAILED with a failed-create marker", got.Status, got.PhysicalResourceID)
	}
}

func TestHandleEventDeadline(t *testing.T) {
	srv := newResponseServer(t)
	finished := make(chan error, 1)
	h, _ := newTestHandler(&fakeResource{t: t, create: func(ctx context.Context, _ customresource.Request) (customresource.Result, error) {
		<-ctx.Done()
		finished <- ctx.Err()
		// A late success must not become a second response.
		return customresource.Result{PhysicalResourceID: "late"}, nil
	}})
	// The default margin fires after 100 ms, long before the context's own
	// deadline.
	ctx, cancel := context.WithTimeout(t.Context(), customresource.DefaultDeadlineMargin+100*time.Millisecond)
	defer cancel()
	deadline, _ := ctx.Deadline()
	ev := newEvent(srv.responseURL(), cfn.RequestCreate, "", nil)
	if err := h.HandleEvent(ctx, ev); err != nil {
		t.Fatalf("HandleEvent: %v", err)
	}
	if left := time.Until(deadline); left < 10*time.Second {
		t.Errorf("the FAILED response was sent %v before the deadline, want at least 10 s", left)
	}
	select {
	case err := <-finished:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("the resource's context ended with %v, want it cancelled by the handler", err)
		}
	case <-ctx.Done():
		t.Fatal("the resource's context was not cancelled at the deadline margin")
	}
	got := srv.only(t)
	if got.Status != cfn.StatusFailed || !customresource.IsFailedCreateMarker(got.PhysicalResourceID) || !strings.Contains(got.Reason, "timed out") {
		t.Errorf("got status %s, physical ID %q, reason %q; want FAILED, a marker and a timeout reason", got.Status, got.PhysicalResourceID, got.Reason)
	}
}

func TestHandleEventDeleteOfFailedCreateMarker(t *testing.T) {
	srv := newResponseServer(t)
	// A nil delete field fails the test if the resource is called.
	h, _ := newTestHandler(&fakeResource{t: t})
	marker := customresource.FailedCreateMarker("an-earlier-request")
	ev := newEvent(srv.responseURL(), cfn.RequestDelete, marker, nil)
	if err := h.HandleEvent(t.Context(), ev); err != nil {
		t.Fatalf("HandleEvent: %v", err)
	}
	want := echo(ev)
	want.Status, want.PhysicalResourceID = cfn.StatusSuccess, marker
	if diff := cmp.Diff(want, srv.only(t), ignoreURL); diff != "" {
		t.Errorf("response (-want +got):\n%s", diff)
	}
}

func TestIsFailedCreateMarker(t *testing.T) {
	tests := map[string]struct {
		id   string
		want bool
	}{
		"marker":             {id: customresource.FailedCreateMarker("r"), want: true},
		"marker with suffix": {id: customresource.FailedCreateMarker("r") + "x", want: false},
		"arn":                {id: "arn:aws:iam::111111111111:role/redshift-data-api/r", want: false},
		"request ID":         {id: "11111111-2222-3333-4444-555555555555", want: false},
		"empty":              {id: "", want: false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := customresource.IsFailedCreateMarker(tc.id); got != tc.want {
				t.Errorf("IsFailedCreateMarker(%q) = %t, want %t", tc.id, got, tc.want)
			}
		})
	}
}
