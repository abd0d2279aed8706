package customresource

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/cfn"
)

// CloudFormation's limits on a response.
const (
	// MaxResponseBytes is the largest response body CloudFormation accepts.
	MaxResponseBytes = 4096
	// MaxPhysicalIDBytes is the longest PhysicalResourceId (1 KB).
	MaxPhysicalIDBytes = 1024
)

// truncatedSuffix ends a Reason that was shortened to fit the body limit.
const truncatedSuffix = " ... (truncated)"

// response is a cfn.Response with its encoded body.
type response struct {
	cfn.Response
	body []byte
}

// encode turns the outcome of a request into the response CloudFormation
// expects: request fields echoed verbatim, a physical ID that is never empty
// and at most 1 KB, and a body of at most MaxResponseBytes.
func (h *Handler) encode(event cfn.Event, o outcome, secrets []string) response {
	r := cfn.Response{
		Status:            cfn.StatusSuccess,
		RequestID:         event.RequestID,
		LogicalResourceID: event.LogicalResourceID,
		StackID:           event.StackID,
	}
	// On failure CloudFormation keeps the physical ID it knows; a failed
	// Create has none, so it gets a marker the following Delete recognises.
	failedID := event.PhysicalResourceID
	if event.RequestType == cfn.RequestCreate || failedID == "" {
		failedID = FailedCreateMarker(event.RequestID)
	}
	fail := func(err error) {
		r.Status = cfn.StatusFailed
		r.Reason = scrub(reason(err), secrets)
		r.Data, r.NoEcho = nil, false
		if r.PhysicalResourceID == "" {
			r.PhysicalResourceID = failedID
		}
	}

	id := o.result.PhysicalResourceID
	if id == "" && event.RequestType != cfn.RequestCreate {
		// Update and Delete keep the ID they were given unless the resource
		// says otherwise.
		id = event.PhysicalResourceID
	}
	switch {
	case o.err != nil:
		fail(o.err)
	case id == "":
		fail(errors.New("internal error: the handler returned no physical resource ID"))
	case len(id) > MaxPhysicalIDBytes:
		fail(fmt.Errorf("internal error: the physical resource ID is %d bytes; CloudFormation allows at most %d", len(id), MaxPhysicalIDBytes))
	default:
		r.PhysicalResourceID = id
		r.NoEcho = o.result.NoEcho
		if len(o.result.Data) > 0 {
			r.Data = make(map[string]any, len(o.result.Data))
			for k, v := range o.result.Data {
				r.Data[k] = v
			}
		}
	}

	body := marshal(r)
	if len(body) > MaxResponseBytes && r.Data != nil {
		// Keep the resource's physical ID: the resource exists, and the
		// Delete that CloudFormation sends after this FAILED must find it.
		fail(fmt.Errorf("the attributes (Data) do not fit in a CloudFormation response: the body would be %d bytes, the limit is %d", len(body), MaxResponseBytes))
		body = marshal(r)
	}
	for len(body) > MaxResponseBytes && r.Reason != "" {
		r.Reason = shorten(r.Reason, len(body)-MaxResponseBytes)
		body = marshal(r)
	}
	return response{Response: r, body: body}
}

// marshal encodes r. A cfn.Response holds only strings, a bool and string
// values, so encoding cannot fail.
func marshal(r cfn.Response) []byte {
	b, err := json.Marshal(r)
	if err != nil {
		panic(fmt.Sprintf("encoding a cfn.Response: %v", err))
	}
	return b
}

// shorten cuts at least excess bytes from reason, on a rune boundary, and
// marks the cut.
func shorten(reason string, excess int) string {
	keep := len(reason) - excess - len(truncatedSuffix)
	if keep <= 0 {
		// Only the echoed request fields are left; nothing else can give.
		return ""
	}
	for keep > 0 && !utf8.RuneStart(reason[keep]) {
		keep--
	}
	return reason[:keep] + truncatedSuffix
}

// reason renders err for a CloudFormation user: on one line, with invalid
// properties and timeouts said as such.
func reason(err error) string {
	msg := strings.ReplaceAll(err.Error(), "\n", "; ")
	switch {
	case IsInvalidInput(err):
		return "invalid properties: " + msg
	case errors.Is(err, context.DeadlineExceeded):
		return "the operation timed out: " + msg
	}
	return msg
}

// scrub replaces every secret value in s.
func scrub(s string, secrets []string) string {
	for _, v := range secrets {
		s = strings.ReplaceAll(s, v, "[REDACTED]")
	}
	return s
}
