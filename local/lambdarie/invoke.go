package lambdarie

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/aws/aws-lambda-go/cfn"
)

// invokeGrace is how much longer than the function timeout Invoke waits
// for the emulator's answer when ctx has no deadline.
const invokeGrace = 10 * time.Second

// maxResponseBytes is Lambda's limit for a synchronous response.
const maxResponseBytes = 6 << 20

// FunctionError is an error that the function's handler returned (or a
// panic or timeout the runtime reported), as Lambda reports it.
type FunctionError struct {
	Type    string `json:"errorType"`
	Message string `json:"errorMessage"`
}

// Error renders the error with the runtime's error type and message.
func (e *FunctionError) Error() string { return "function error " + e.Type + ": " + e.Message }

// Invoke runs the function once with payload and returns its response. A
// failed handler gives a *FunctionError. The emulator answers a failed
// invocation with HTTP 200 like a successful one, so Invoke recognises the
// runtime's error document: a JSON object of errorType, errorMessage and
// optionally stackTrace.
func (f *Function) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, f.timeout+invokeGrace)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.url+invocationPath, bytes.NewReader(payload))
	if err != nil {
		return nil, fmt.Errorf("invoking the function at %s: %w", f.url, err)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("invoking the function at %s: %w", f.url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading the response of the function at %s: %w", f.url, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("invoking the function at %s: HTTP %d: %s", f.url, resp.StatusCode, bytes.TrimSpace(body))
	}
	if fe := functionError(body); fe != nil {
		return nil, fe
	}
	return body, nil
}

// functionError returns the error document in body, or nil when body is
// not one.
func functionError(body []byte) *FunctionError {
	var doc map[string]json.RawMessage
	if json.Unmarshal(body, &doc) != nil {
		return nil
	}
	if _, ok := doc["errorType"]; !ok {
		return nil
	}
	if _, ok := doc["errorMessage"]; !ok {
		return nil
	}
	for k := range doc {
		if k != "errorType" && k != "errorMessage" && k != "stackTrace" {
			return nil
		}
	}
	var fe FunctionError
	if json.Unmarshal(body, &fe) != nil {
		return nil
	}
	return &fe
}

// InvokeEvent delivers a CloudFormation custom-resource event, as the
// lifecycle driver's Invoke does; the function answers CloudFormation
// through the event's ResponseURL, not through its return value.
func (f *Function) InvokeEvent(ctx context.Context, event cfn.Event) error {
	payload, err := json.Marshal(event)
	if err != nil {
		return fmt.Errorf("encoding %s event %s for %s: %w", event.RequestType, event.RequestID, event.LogicalResourceID, err)
	}
	if _, err := f.Invoke(ctx, payload); err != nil {
		return fmt.Errorf("delivering %s event %s for %s: %w", event.RequestType, event.RequestID, event.LogicalResourceID, err)
	}
	return nil
}
