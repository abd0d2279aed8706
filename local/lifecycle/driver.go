package lifecycle

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"

	"github.com/aws/aws-lambda-go/cfn"
	"github.com/google/uuid"
)

// Invoke delivers one event to the function under test. In-process it is
// (*customresource.Handler).HandleEvent; for a built function it posts the
// event to a Lambda runtime emulator.
type Invoke func(ctx context.Context, event cfn.Event) error

// ErrResponseCount is returned when a request got no response or more
// than one.
var ErrResponseCount = errors.New("expected exactly one response")

// Recorded is one response PUT received on a ResponseURL.
type Recorded struct {
	Response cfn.Response
	// Body is the raw request body.
	Body []byte
	// ContentType is the request's Content-Type header, which
	// CloudFormation's pre-signed URLs require to be empty.
	ContentType string
}

// Driver sends CloudFormation-shaped requests for one logical resource of
// one stack to a function and collects the responses. Its methods are safe
// for use by one test at a time.
type Driver struct {
	// ResourceType, StackID, LogicalResourceID and ServiceToken are copied
	// into every event. NewDriver sets them; a test may change them.
	ResourceType      string
	StackID           string
	LogicalResourceID string
	ServiceToken      string

	invoke Invoke
	server *httptest.Server

	mu        sync.Mutex
	issued    map[string]string // request ID -> ResponseURL path and query
	responses []Recorded
	// failPuts PUTs still to answer with failStatus, as S3 in an outage.
	failPuts   int
	failStatus int
}

// NewDriver starts a loopback server for the ResponseURLs of resourceType's
// events, delivered with invoke. Close stops it.
func NewDriver(resourceType string, invoke Invoke) (*Driver, error) {
	if resourceType == "" || invoke == nil {
		return nil, errors.New("lifecycle: a resource type and an invoke function are required")
	}
	d := &Driver{
		ResourceType:      resourceType,
		StackID:           "arn:aws:cloudformation:us-east-1:111111111111:stack/lifecycle-test/" + uuid.NewString(),
		LogicalResourceID: "Resource",
		ServiceToken:      "arn:aws:lambda:us-east-1:111111111111:function:lifecycle-test",
		invoke:            invoke,
		issued:            map[string]string{},
	}
	d.server = httptest.NewServer(http.HandlerFunc(d.receive))
	return d, nil
}

// Close stops the ResponseURL server.
func (d *Driver) Close() {
	d.server.Close()
}

// NewEvent builds an event with a fresh RequestId and its own ResponseURL.
// ServiceToken is added to the properties as CloudFormation does.
func (d *Driver) NewEvent(requestType cfn.RequestType, physicalID string, oldProps, props map[string]any) cfn.Event {
	requestID := uuid.NewString()
	// A bucket-shaped path and a fake signature, so that a handler that
	// mangles or logs the URL shows up in the recording and the logs.
	path := "/cloudformation-custom-resource-response-useast1/" + url.PathEscape(d.StackID+"|"+d.LogicalResourceID+"|"+requestID)
	query := "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=7200&X-Amz-SignedHeaders=host&X-Amz-Signature=" + randomHex(32)
	d.mu.Lock()
	d.issued[requestID] = path + "?" + query
	d.mu.Unlock()
	ev := cfn.Event{
		RequestType:        requestType,
		RequestID:          requestID,
		ResponseURL:        d.server.URL + path + "?" + query,
		ResourceType:       d.ResourceType,
		PhysicalResourceID: physicalID,
		LogicalResourceID:  d.LogicalResourceID,
		StackID:            d.StackID,
		ResourceProperties: d.withServiceToken(props),
	}
	if requestType == cfn.RequestUpdate {
		ev.OldResourceProperties = d.withServiceToken(oldProps)
	}
	return ev
}

func (d *Driver) withServiceToken(props map[string]any) map[string]any {
	out := make(map[string]any, len(props)+1)
	for k, v := range props {
		out[k] = v
	}
	out["ServiceToken"] = d.ServiceToken
	return out
}

// Create sends a Create with props.
func (d *Driver) Create(ctx context.Context, props map[string]any) (cfn.Response, error) {
	return d.Send(ctx, d.NewEvent(cfn.RequestCreate, "", nil, props))
}

// Update sends an Update of physicalID from oldProps to props.
func (d *Driver) Update(ctx context.Context, physicalID string, oldProps, props map[string]any) (cfn.Response, error) {
	return d.Send(ctx, d.NewEvent(cfn.RequestUpdate, physicalID, oldProps, props))
}

// Delete sends a Delete of physicalID, with the properties it was created
// or last updated with.
func (d *Driver) Delete(ctx context.Context, physicalID string, props map[string]any) (cfn.Response, error) {
	return d.Send(ctx, d.NewEvent(cfn.RequestDelete, physicalID, nil, props))
}

// Send invokes the function with event and returns the one response it
// PUT for event's RequestId during this invocation. It fails with
// ErrResponseCount when none or more than one arrived, and when the
// function returned an error, which would make Lambda retry.
func (d *Driver) Send(ctx context.Context, event cfn.Event) (cfn.Response, error) {
	d.mu.Lock()
	before := len(d.responses)
	d.mu.Unlock()

	if err := d.invoke(ctx, event); err != nil {
		return cfn.Response{}, fmt.Errorf("invoking %s %s (request %s): %w", event.RequestType, event.ResourceType, event.RequestID, err)
	}

	d.mu.Lock()
	defer d.mu.Unlock()
	var got []cfn.Response
	for _, r := range d.responses[before:] {
		if r.Response.RequestID == event.RequestID {
			got = append(got, r.Response)
		}
	}
	if len(got) != 1 {
		return cfn.Response{}, fmt.Errorf("%s %s (request %s): got %d responses: %w", event.RequestType, event.ResourceType, event.RequestID, len(got), ErrResponseCount)
	}
	return got[0], nil
}

// FailPuts makes the ResponseURL server answer the next n response PUTs
// with status (a 5xx, say) and store nothing, as S3 does in an outage; the
// function under test must retry them.
func (d *Driver) FailPuts(n, status int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.failPuts, d.failStatus = n, status
}

// Responses returns every response received so far, in order.
func (d *Driver) Responses() []Recorded {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]Recorded(nil), d.responses...)
}

// receive records a response PUT. Like S3 with a pre-signed URL, it
// answers 200 to a PUT on the exact URL issued for the response's request,
// signature included, and 403 to anything else; FailPuts makes it fail
// issued PUTs first.
func (d *Driver) receive(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil || r.Method != http.MethodPut {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	var resp cfn.Response
	if err := json.Unmarshal(body, &resp); err != nil {
		http.Error(w, "body is not a response", http.StatusBadRequest)
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if issued, ok := d.issued[resp.RequestID]; !ok || r.RequestURI != issued {
		http.Error(w, "access denied", http.StatusForbidden)
		return
	}
	if d.failPuts > 0 {
		d.failPuts--
		http.Error(w, "injected failure", d.failStatus)
		return
	}
	d.responses = append(d.responses, Recorded{
		Response:    resp,
		Body:        body,
		ContentType: r.Header.Get("Content-Type"),
	})
	w.WriteHeader(http.StatusOK)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
