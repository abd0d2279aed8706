package customresource_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/cfn"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

func TestHandleEventBodyLimit(t *testing.T) {
	bigData := map[string]string{}
	for _, k := range []string{"A", "B", "C", "D", "E"} {
		bigData[k] = strings.Repeat("v", 1000)
	}
	tests := map[string]struct {
		create       func(context.Context, customresource.Request) (customresource.Result, error)
		wantStatus   cfn.StatusType
		wantID       string
		reasonPrefix string
	}{
		"oversized reason is shortened": {
			create: func(context.Context, customresource.Request) (customresource.Result, error) {
				return customresource.Result{}, errors.New("start " + strings.Repeat("x", 10000))
			},
			wantStatus:   cfn.StatusFailed,
			reasonPrefix: "start xxx",
		},
		"oversized multi-byte reason stays valid UTF-8": {
			create: func(context.Context, customresource.Request) (customresource.Result, error) {
				return customresource.Result{}, errors.New(strings.Repeat("é€", 3000))
			},
			wantStatus:   cfn.StatusFailed,
			reasonPrefix: "é€é€",
		},
		"oversized data fails and keeps the physical ID": {
			create: func(context.Context, customresource.Request) (customresource.Result, error) {
				return customresource.Result{PhysicalResourceID: "created-id", Data: bigData}, nil
			},
			wantStatus:   cfn.StatusFailed,
			wantID:       "created-id",
			reasonPrefix: "the attributes (Data) do not fit",
		},
		"data that fits is sent": {
			create: func(context.Context, customresource.Request) (customresource.Result, error) {
				return customresource.Result{PhysicalResourceID: "created-id", Data: map[string]string{"A": strings.Repeat("v", 3000)}}, nil
			},
			wantStatus: cfn.StatusSuccess,
			wantID:     "created-id",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			srv := newResponseServer(t)
			h, _ := newTestHandler(&fakeResource{t: t, create: tc.create})
			ev := newEvent(srv.responseURL(), cfn.RequestCreate, "", nil)
			if err := h.HandleEvent(t.Context(), ev); err != nil {
				t.Fatalf("HandleEvent: %v", err)
			}
			puts := srv.received()
			if len(puts) != 1 {
				t.Fatalf("got %d PUTs, want 1", len(puts))
			}
			if n := len(puts[0].body); n > customresource.MaxResponseBytes {
				t.Errorf("body is %d bytes, the limit is %d", n, customresource.MaxResponseBytes)
			}
			got := srv.only(t)
			wantID := tc.wantID
			if wantID == "" {
				wantID = customresource.FailedCreateMarker(ev.RequestID)
			}
			if got.Status != tc.wantStatus || got.PhysicalResourceID != wantID {
				t.Errorf("got status %s, physical ID %q; want %s, %q", got.Status, got.PhysicalResourceID, tc.wantStatus, wantID)
			}
			if !strings.HasPrefix(got.Reason, tc.reasonPrefix) || !utf8.ValidString(got.Reason) {
				t.Errorf("reason %.60q... does not start with %q or is not valid UTF-8", got.Reason, tc.reasonPrefix)
			}
			if tc.wantStatus == cfn.StatusFailed && got.Data != nil {
				t.Errorf("a FAILED response carries Data")
			}
		})
	}
}

func TestHandleEventUndoesAReplacementItCannotReport(t *testing.T) {
	bigData := map[string]string{"A": strings.Repeat("v", 5000)}
	tests := map[string]struct {
		deleteErr  error
		wantReason string
	}{
		"the replacement is deleted": {wantReason: "was deleted again"},
		"the delete fails too":       {deleteErr: errors.New("access denied"), wantReason: "delete it by hand"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			srv := newResponseServer(t)
			var deleted []string
			h, _ := newTestHandler(&fakeResource{t: t,
				update: func(context.Context, customresource.Request) (customresource.Result, error) {
					return customresource.Result{PhysicalResourceID: "new-id", Data: bigData}, nil
				},
				delete: func(_ context.Context, req customresource.Request) error {
					deleted = append(deleted, req.PhysicalResourceID)
					return tc.deleteErr
				},
			})
			ev := newEvent(srv.responseURL(), cfn.RequestUpdate, "old-id", map[string]any{"Name": "new"})
			if err := h.HandleEvent(t.Context(), ev); err != nil {
				t.Fatalf("HandleEvent: %v", err)
			}
			got := srv.only(t)
			if got.Status != cfn.StatusFailed || got.PhysicalResourceID != "old-id" {
				t.Errorf("got status %s, physical ID %q; want FAILED with the old ID, which CloudFormation keeps", got.Status, got.PhysicalResourceID)
			}
			if len(deleted) != 1 || deleted[0] != "new-id" {
				t.Errorf("deleted %q, want exactly the replacement new-id", deleted)
			}
			if !strings.Contains(got.Reason, tc.wantReason) {
				t.Errorf("reason %q does not say %q", got.Reason, tc.wantReason)
			}
		})
	}
}
