package customresource_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/cfn"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

const testType = "Custom::Test"

// ignoreURL skips cfn.Response's unexported ResponseURL, which is never
// part of the body.
var ignoreURL = cmpopts.IgnoreUnexported(cfn.Response{})

// fakeResource is a Resource whose methods are function fields; a nil
// field fails the test when called.
type fakeResource struct {
	t       *testing.T
	create  func(context.Context, customresource.Request) (customresource.Result, error)
	update  func(context.Context, customresource.Request) (customresource.Result, error)
	delete  func(context.Context, customresource.Request) error
	secrets []string
}

var _ customresource.Resource = (*fakeResource)(nil)

func (f *fakeResource) Create(ctx context.Context, req customresource.Request) (customresource.Result, error) {
	if f.create == nil {
		f.t.Errorf("Create called unexpectedly")
		return customresource.Result{}, nil
	}
	return f.create(ctx, req)
}

func (f *fakeResource) Update(ctx context.Context, req customresource.Request) (customresource.Result, error) {
	if f.update == nil {
		f.t.Errorf("Update called unexpectedly")
		return customresource.Result{}, nil
	}
	return f.update(ctx, req)
}

func (f *fakeResource) Delete(ctx context.Context, req customresource.Request) error {
	if f.delete == nil {
		f.t.Errorf("Delete called unexpectedly")
		return nil
	}
	return f.delete(ctx, req)
}

// secretResource adds SecretProperties to a fakeResource.
type secretResource struct{ *fakeResource }

func (s secretResource) SecretProperties() []string { return s.secrets }

// put is one request received by a responseServer.
type put struct {
	method         string
	hasContentType bool
	contentType    string
	body           []byte
}

// responseServer stands in for the S3 ResponseURL. It answers with the
// statuses in order, then 200.
type responseServer struct {
	*httptest.Server
	mu       sync.Mutex
	statuses []int
	puts     []put
}

func newResponseServer(t *testing.T, statuses ...int) *responseServer {
	t.Helper()
	s := &responseServer{statuses: statuses}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		defer s.mu.Unlock()
		_, has := r.Header["Content-Type"]
		s.puts = append(s.puts, put{method: r.Method, hasContentType: has, contentType: r.Header.Get("Content-Type"), body: body})
		status := http.StatusOK
		if len(s.statuses) > 0 {
			status, s.statuses = s.statuses[0], s.statuses[1:]
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(s.Close)
	return s
}

// received returns the PUTs so far.
func (s *responseServer) received() []put {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]put(nil), s.puts...)
}

// responses decodes the PUT bodies.
func (s *responseServer) responses(t *testing.T) []cfn.Response {
	t.Helper()
	var out []cfn.Response
	for _, p := range s.received() {
		var r cfn.Response
		if err := json.Unmarshal(p.body, &r); err != nil {
			t.Fatalf("decoding a response body: %v", err)
		}
		out = append(out, r)
	}
	return out
}

// only returns the single response the server received.
func (s *responseServer) only(t *testing.T) cfn.Response {
	t.Helper()
	rs := s.responses(t)
	if len(rs) != 1 {
		t.Fatalf("got %d responses, want exactly 1", len(rs))
	}
	return rs[0]
}

// responseURL is a loopback ResponseURL with a fake signature.
func (s *responseServer) responseURL() string {
	return s.URL + "/cloudformation-custom-resource-response-useast1/stack%7Crequest?X-Amz-Signature=" + signature
}

// signature is the fake signature in every test ResponseURL; it must never
// show up in logs.
const signature = "5ec7e75164a7u7e0fdeadbeef"

// newEvent returns an event of requestType for testType.
func newEvent(url string, requestType cfn.RequestType, physicalID string, props map[string]any) cfn.Event {
	return cfn.Event{
		RequestType:        requestType,
		RequestID:          "11111111-2222-3333-4444-555555555555",
		ResponseURL:        url,
		ResourceType:       testType,
		PhysicalResourceID: physicalID,
		LogicalResourceID:  "MyResource",
		StackID:            "arn:aws:cloudformation:us-east-1:111111111111:stack/my-stack/0e6f1c10-0000-11ef-8000-0a1b2c3d4e5f",
		ResourceProperties: props,
	}
}

// echo is the response skeleton for ev.
func echo(ev cfn.Event) cfn.Response {
	return cfn.Response{RequestID: ev.RequestID, LogicalResourceID: ev.LogicalResourceID, StackID: ev.StackID}
}

// newTestHandler serves res as testType with fast retries, loopback
// ResponseURLs and logs captured in the returned buffer.
func newTestHandler(res customresource.Resource, opts ...customresource.Option) (*customresource.Handler, *bytes.Buffer) {
	logs := &bytes.Buffer{}
	base := []customresource.Option{
		customresource.WithLogger(slog.New(slog.NewJSONHandler(logs, nil))),
		customresource.WithAllowLocalResponseURL(true),
		customresource.WithBackoff(time.Millisecond, 2*time.Millisecond),
	}
	return customresource.NewHandler(map[string]customresource.Resource{testType: res}, append(base, opts...)...), logs
}
