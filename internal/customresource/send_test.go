package customresource_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/cfn"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

// flakyClient fails its first failures calls with a network error shaped
// like net/http's (a *url.Error carrying the URL), then uses next.
type flakyClient struct {
	failures int
	next     customresource.HTTPClient
}

func (c *flakyClient) Do(req *http.Request) (*http.Response, error) {
	if c.failures > 0 {
		c.failures--
		return nil, &url.Error{Op: "Put", URL: req.URL.String(), Err: errors.New("connection reset by peer")}
	}
	return c.next.Do(req)
}

func TestHandleEventSendRetries(t *testing.T) {
	tests := map[string]struct {
		statuses        []int
		networkFailures int
		wantPuts        int
		wantErr         bool
	}{
		"200 at once":                     {wantPuts: 1},
		"500 four times then 200":         {statuses: []int{500, 500, 500, 500}, wantPuts: 5},
		"403 is not retried":              {statuses: []int{403}, wantPuts: 1},
		"404 is not retried":              {statuses: []int{404}, wantPuts: 1},
		"5xx on every attempt":            {statuses: []int{500, 502, 503, 500, 500}, wantPuts: 5, wantErr: true},
		"network errors then 200":         {networkFailures: 2, wantPuts: 1},
		"network errors on every attempt": {networkFailures: 5, wantPuts: 0, wantErr: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			srv := newResponseServer(t, tc.statuses...)
			client := &flakyClient{failures: tc.networkFailures, next: http.DefaultClient}
			h, logs := newTestHandler(&fakeResource{t: t, delete: func(context.Context, customresource.Request) error { return nil }},
				customresource.WithHTTPClient(client))
			err := h.HandleEvent(t.Context(), newEvent(srv.responseURL(), cfn.RequestDelete, "id", nil))
			if gotErr := err != nil; gotErr != tc.wantErr {
				t.Errorf("HandleEvent error = %v, want error: %t", err, tc.wantErr)
			}
			if got := len(srv.received()); got != tc.wantPuts {
				t.Errorf("got %d PUTs, want %d", got, tc.wantPuts)
			}
			if err != nil && strings.Contains(err.Error(), signature) {
				t.Error("the returned error contains the ResponseURL's signature")
			}
			if strings.Contains(logs.String(), signature) {
				t.Error("the logs contain the ResponseURL's signature")
			}
		})
	}
}

func TestHandleEventPutHasNoContentType(t *testing.T) {
	srv := newResponseServer(t)
	h, _ := newTestHandler(&fakeResource{t: t, delete: func(context.Context, customresource.Request) error { return nil }})
	if err := h.HandleEvent(t.Context(), newEvent(srv.responseURL(), cfn.RequestDelete, "id", nil)); err != nil {
		t.Fatalf("HandleEvent: %v", err)
	}
	for _, p := range srv.received() {
		if p.method != http.MethodPut || p.hasContentType {
			t.Errorf("got %s with Content-Type %q (set: %t); want PUT without Content-Type, as the pre-signed URL was signed", p.method, p.contentType, p.hasContentType)
		}
	}
}

// TestHandleEventSendEndsBeforeTheDeadline hangs both the resource and
// the ResponseURL: the FAILED response's PUTs must give up, and HandleEvent
// return, before the invocation's deadline, while Lambda still runs it.
func TestHandleEventSendEndsBeforeTheDeadline(t *testing.T) {
	release := make(chan struct{})
	stalled := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		<-release
	}))
	defer stalled.Close()
	defer close(release)
	h, _ := newTestHandler(&fakeResource{t: t, create: func(ctx context.Context, _ customresource.Request) (customresource.Result, error) {
		<-ctx.Done()
		return customresource.Result{}, ctx.Err()
	}}, customresource.WithDeadlineMargin(1400*time.Millisecond))
	ctx, cancel := context.WithTimeout(t.Context(), 1500*time.Millisecond)
	defer cancel()
	deadline, _ := ctx.Deadline()
	ev := newEvent(stalled.URL+"/cloudformation-custom-resource-response-useast1/r?X-Amz-Signature="+signature, cfn.RequestCreate, "", nil)

	err := h.HandleEvent(ctx, ev)
	if returned := time.Now(); !returned.Before(deadline) {
		t.Errorf("HandleEvent returned %v after the invocation's deadline; want before it", returned.Sub(deadline))
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("HandleEvent error = %v, want the send's deadline", err)
	}
}
