package customresource

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sort"
	"strings"

	"github.com/aws/aws-lambda-go/cfn"
)

// MalformedRequestError is the answer to a request whose fields have the
// wrong JSON types (for example ResourceProperties that is not an object,
// or a RequestId that is not a string): it is answered FAILED, without
// calling any resource.
type MalformedRequestError struct {
	// Fields names each field with the wrong type, and what it was.
	Fields []string
}

func (e *MalformedRequestError) Error() string {
	return "malformed request, nothing was changed: " + strings.Join(e.Fields, "; ")
}

// RequestError is the answer to a request that lacks an identifier
// CloudFormation always sends, or has one longer than CloudFormation
// issues; nothing was changed.
type RequestError struct {
	Field, Problem string
}

func (e *RequestError) Error() string {
	return fmt.Sprintf("invalid request: %s %s; nothing was changed", e.Field, e.Problem)
}

// maxEchoedIDBytes bounds RequestId, StackId and LogicalResourceId: far
// above what CloudFormation sends (a UUID, a stack ARN, a logical ID of at
// most 255 characters), and small enough for the response, which echoes
// all three, to stay within MaxResponseBytes.
const maxEchoedIDBytes = 512

// checkIdentifiers fails for an empty or over-long RequestId, StackId or
// LogicalResourceId: generated names, tokens and ownership tags derive from
// them, so a request without them must not create anything.
func checkIdentifiers(event cfn.Event) error {
	for _, f := range []struct{ name, value string }{
		{"RequestId", event.RequestID},
		{"StackId", event.StackID},
		{"LogicalResourceId", event.LogicalResourceID},
	} {
		switch {
		case f.value == "":
			return &RequestError{Field: f.name, Problem: "is empty; CloudFormation always sends one"}
		case len(f.value) > maxEchoedIDBytes:
			return &RequestError{Field: f.name, Problem: fmt.Sprintf("is %d bytes; at most %d are accepted", len(f.value), maxEchoedIDBytes)}
		}
	}
	return nil
}

// eventStringFields are the cfn.Event fields a response needs, by JSON name.
var eventStringFields = []string{"RequestType", "ResponseURL", "StackId", "RequestId", "ResourceType", "LogicalResourceId", "PhysicalResourceId"}

// decodeEvent decodes a request. When it does not fit cfn.Event, it is
// decoded leniently, enough to answer it: each string field that holds
// another JSON value keeps that value's JSON text, and the properties that
// are not objects are dropped; the error is then a *MalformedRequestError
// naming the fields. ok is false only for a payload that is not a JSON
// object at all, which names no ResponseURL.
func decodeEvent(raw []byte) (event cfn.Event, malformed error, ok bool) {
	if err := json.Unmarshal(raw, &event); err == nil {
		return event, nil, true
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return cfn.Event{}, nil, false
	}
	var bad []string
	str := func(name string) string {
		v, present := fields[name]
		if !present {
			return ""
		}
		var s string
		if err := json.Unmarshal(v, &s); err == nil {
			return s
		}
		bad = append(bad, fmt.Sprintf("%s is %s, not a string", name, jsonKind(v)))
		var compact bytes.Buffer
		if json.Compact(&compact, v) != nil {
			return string(v)
		}
		return compact.String()
	}
	values := map[string]string{}
	for _, name := range eventStringFields {
		values[name] = str(name)
	}
	props := func(name string) map[string]any {
		v, present := fields[name]
		if !present {
			return nil
		}
		var m map[string]any
		if err := json.Unmarshal(v, &m); err != nil {
			bad = append(bad, fmt.Sprintf("%s is %s, not an object", name, jsonKind(v)))
			return nil
		}
		return m
	}
	event = cfn.Event{
		RequestType:           cfn.RequestType(values["RequestType"]),
		ResponseURL:           values["ResponseURL"],
		StackID:               values["StackId"],
		RequestID:             values["RequestId"],
		ResourceType:          values["ResourceType"],
		LogicalResourceID:     values["LogicalResourceId"],
		PhysicalResourceID:    values["PhysicalResourceId"],
		ResourceProperties:    props("ResourceProperties"),
		OldResourceProperties: props("OldResourceProperties"),
	}
	if len(bad) == 0 {
		// Some other field (never read) has a wrong type.
		bad = append(bad, "a field has the wrong JSON type")
	}
	sort.Strings(bad)
	return event, &MalformedRequestError{Fields: bad}, true
}

// jsonKind names the kind of a JSON value.
func jsonKind(v json.RawMessage) string {
	t := bytes.TrimSpace(v)
	if len(t) == 0 {
		return "empty"
	}
	switch t[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// HandleRawEvent is HandleEvent for a request not yet decoded, which is
// what Start serves: a request whose fields have the wrong JSON types is
// still answered, FAILED, when it names a ResponseURL.
func (h *Handler) HandleRawEvent(ctx context.Context, raw json.RawMessage) error {
	event, malformed, ok := decodeEvent(raw)
	if !ok {
		h.logger.ErrorContext(ctx, "request dropped: the payload is not a JSON object, so it names no ResponseURL")
		return nil
	}
	return h.handle(ctx, event, malformed)
}

// logAttrs are the identifiers logged with every message of a request.
func logAttrs(event cfn.Event) []any {
	return []any{
		slog.String("request_id", event.RequestID),
		slog.String("stack_id", event.StackID),
		slog.String("logical_resource_id", event.LogicalResourceID),
		slog.String("resource_type", event.ResourceType),
		slog.String("action", string(event.RequestType)),
	}
}
