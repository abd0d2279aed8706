package bench

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"

	"github.com/aws/aws-lambda-go/cfn"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

// benchStackID is the stack every benchmark request claims to come from.
const benchStackID = "arn:aws:cloudformation:us-east-1:111111111111:stack/bench/0e6f1c10-0000-11ef-8000-0a1b2c3d4e5f"

// ResponseSink stands in for CloudFormation's response bucket on loopback:
// it records the responses PUT to the URLs it issues.
type ResponseSink struct {
	srv       *httptest.Server
	mu        sync.Mutex
	responses []cfn.Response
}

// NewResponseSink starts a sink. Close stops it.
func NewResponseSink() *ResponseSink {
	s := &ResponseSink{}
	s.srv = httptest.NewServer(http.HandlerFunc(s.receive))
	return s
}

// URL returns a ResponseURL for requestID, shaped like CloudFormation's
// path-style URLs but on loopback, so that a function accepts it only
// with customresource.EnvAllowLocalResponseURL set to true.
func (s *ResponseSink) URL(requestID string) string {
	return s.srv.URL + "/cloudformation-custom-resource-response-useast1/" + requestID
}

// Responses returns the responses received so far.
func (s *ResponseSink) Responses() []cfn.Response {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]cfn.Response(nil), s.responses...)
}

// Close stops the sink.
func (s *ResponseSink) Close() { s.srv.Close() }

func (s *ResponseSink) receive(w http.ResponseWriter, r *http.Request) {
	var resp cfn.Response
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil || r.Method != http.MethodPut || json.Unmarshal(body, &resp) != nil {
		http.Error(w, "expected a PUT of a JSON custom resource response", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.responses = append(s.responses, resp)
	s.mu.Unlock()
}

// FailedCreateDelete returns the Delete that CloudFormation sends while
// rolling back a Create that failed. Its physical ID is the failed
// Create's marker, which the runtime answers with SUCCESS and no AWS
// call: the request costs only the function's own start and one response.
func FailedCreateDelete(resourceType, requestID, responseURL string) cfn.Event {
	return cfn.Event{
		RequestType:        cfn.RequestDelete,
		RequestID:          requestID,
		ResponseURL:        responseURL,
		ResourceType:       resourceType,
		PhysicalResourceID: customresource.FailedCreateMarker(requestID),
		LogicalResourceID:  "Bench",
		StackID:            benchStackID,
		ResourceProperties: map[string]any{"ServiceToken": "arn:aws:lambda:us-east-1:111111111111:function:bench"},
	}
}
