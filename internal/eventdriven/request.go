package eventdriven

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

// DetailTypeRequest is the detail-type of a request event.
const DetailTypeRequest = "Redshift Data API Resource Request"

// The detail-types of the result events.
const (
	DetailTypeProvisioned = "Redshift Data API Resource Provisioned"
	DetailTypeDeleted     = "Redshift Data API Resource Deleted"
	DetailTypeFailed      = "Redshift Data API Resource Failed"
)

// RequestType is what a request event asks for a key.
type RequestType string

// The request types.
const (
	// RequestApply asks for the desired state: a Create when the key is
	// new, an Update otherwise.
	RequestApply RequestType = "Apply"
	// RequestDelete removes the key's resource; an unknown key is success.
	RequestDelete RequestType = "Delete"
)

// resourceTypePrefix starts every resource type the adapter serves.
const resourceTypePrefix = "Custom::RedshiftDataApi"

// MaxKeyLength is the longest key a request may carry, in bytes.
const MaxKeyLength = 128

// keyPattern is what a key may hold: letters, digits and the separators a
// pipeline uses to make a key readable (team-a/analyst-access).
var keyPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/-]*$`)

// forbiddenProperties are refused in every request event: events are
// logged and archived, and their properties are stored in the ledger, so
// they never carry a secret value.
var forbiddenProperties = []string{"Password"}

// Envelope is an EventBridge event as an EventBridge rule delivers it to
// an SQS queue.
type Envelope struct {
	Version    string          `json:"version"`
	ID         string          `json:"id"`
	DetailType string          `json:"detail-type"`
	Source     string          `json:"source"`
	Account    string          `json:"account"`
	Time       time.Time       `json:"time"`
	Region     string          `json:"region"`
	Resources  []string        `json:"resources"`
	Detail     json.RawMessage `json:"detail"`
}

// Detail is the detail of a request event.
type Detail struct {
	RequestType  RequestType    `json:"requestType"`
	ResourceType string         `json:"resourceType"`
	Key          string         `json:"key"`
	Properties   map[string]any `json:"properties,omitempty"`
}

// Message is a parsed and validated request event.
type Message struct {
	// EventID is the EventBridge event ID: the request ID, the same in
	// every delivery of the event.
	EventID string
	Source  string
	Account string
	Region  string
	Detail
}

// InvalidRequestError is a request event that can never succeed: it is
// answered with a Failed result event at once and not retried.
type InvalidRequestError struct {
	// Field names what is wrong: an envelope field (detail-type, id),
	// a detail field (detail.key) or a property (detail.properties.Password).
	Field string
	// Problem says what is wrong with it.
	Problem string
	// Allowed says what the field accepts.
	Allowed string
	// Err is the underlying cause, for example a JSON syntax error or a
	// resource's PropertyError.
	Err error
}

func (e *InvalidRequestError) Error() string {
	msg := fmt.Sprintf("invalid request event: %s: %s", e.Field, e.Problem)
	if e.Allowed != "" {
		msg += "; allowed: " + e.Allowed
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *InvalidRequestError) Unwrap() error { return e.Err }

// IsPermanent reports whether err is an error that a retry cannot fix: an
// invalid request event or a resource's invalid property.
func IsPermanent(err error) bool {
	var ie *InvalidRequestError
	return errors.As(err, &ie) || customresource.IsInvalidInput(err)
}

// Parser validates request events.
type Parser struct {
	// Sources are the event sources accepted; empty accepts any.
	Sources []string
	// ResourceTypes are the resource types served.
	ResourceTypes []string
	// Secret names properties refused in events besides Password, for
	// example those a resource's SecretProperties returns.
	Secret []string
}

// Parse decodes and validates one request event. A partial Message (with
// what could be read of the key and resource type) comes back with the
// error, so that the Failed result event can name them.
func (p Parser) Parse(body []byte) (Message, error) {
	var env Envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return Message{}, &InvalidRequestError{Field: "event", Problem: "not a JSON EventBridge event", Err: err}
	}
	msg := Message{EventID: env.ID, Source: env.Source, Account: env.Account, Region: env.Region}
	if len(env.Detail) > 0 {
		// Read what can be read first, so that the Failed result names the
		// key even when the envelope is wrong.
		if err := json.Unmarshal(env.Detail, &msg.Detail); err != nil {
			return msg, &InvalidRequestError{Field: "detail", Problem: "not a JSON object of requestType, resourceType, key and properties", Err: err}
		}
	}
	if env.DetailType != DetailTypeRequest {
		return msg, &InvalidRequestError{Field: "detail-type", Problem: fmt.Sprintf("%q is not a request", env.DetailType), Allowed: fmt.Sprintf("%q", DetailTypeRequest)}
	}
	if env.ID == "" {
		return msg, &InvalidRequestError{Field: "id", Problem: "missing: the event ID is the request ID", Allowed: "the ID EventBridge gives the event"}
	}
	if len(p.Sources) > 0 && !slices.Contains(p.Sources, env.Source) {
		return msg, &InvalidRequestError{Field: "source", Problem: fmt.Sprintf("%q is not an accepted source", env.Source), Allowed: strings.Join(p.Sources, ", ")}
	}
	if len(env.Detail) == 0 {
		return msg, &InvalidRequestError{Field: "detail", Problem: "missing", Allowed: "an object of requestType, resourceType, key and properties"}
	}
	if err := p.validateDetail(msg.Detail); err != nil {
		return msg, err
	}
	return msg, nil
}

func (p Parser) validateDetail(d Detail) error {
	switch d.RequestType {
	case RequestApply, RequestDelete:
	default:
		return &InvalidRequestError{Field: "detail.requestType", Problem: fmt.Sprintf("%q is not a request type", d.RequestType), Allowed: "Apply, Delete"}
	}
	if !strings.HasPrefix(d.ResourceType, resourceTypePrefix) || !slices.Contains(p.ResourceTypes, d.ResourceType) {
		return &InvalidRequestError{Field: "detail.resourceType", Problem: fmt.Sprintf("%q is not served here", d.ResourceType), Allowed: strings.Join(p.ResourceTypes, ", ")}
	}
	if err := ValidateKey(d.Key); err != nil {
		return err
	}
	for _, name := range append(slices.Clone(forbiddenProperties), p.Secret...) {
		if _, ok := d.Properties[name]; ok {
			return &InvalidRequestError{Field: "detail.properties." + name, Problem: "secret values are refused in events, which are logged and archived",
				Allowed: "leave it out: the resource generates the value"}
		}
	}
	return nil
}

// ValidateKey checks a key: 1 to MaxKeyLength letters, digits, '.', '_',
// '/' and '-', starting with a letter or digit.
func ValidateKey(key string) error {
	allowed := fmt.Sprintf("1 to %d letters, digits, '.', '_', '/' and '-', starting with a letter or digit", MaxKeyLength)
	switch {
	case key == "":
		return &InvalidRequestError{Field: "detail.key", Problem: "missing", Allowed: allowed}
	case len(key) > MaxKeyLength:
		return &InvalidRequestError{Field: "detail.key", Problem: fmt.Sprintf("%d bytes long", len(key)), Allowed: allowed}
	case !keyPattern.MatchString(key):
		return &InvalidRequestError{Field: "detail.key", Problem: fmt.Sprintf("%q holds a character that is not allowed", key), Allowed: allowed}
	}
	return nil
}

// StackIDPrefix is the StackID of every request the adapter builds. A
// CloudFormation stack ID is an arn:...:cloudformation:... ARN, and stack
// names and logical IDs never hold '_', which every resource keeps in the
// names it generates; so no name or stack-id tag made for a key can be one
// that CloudFormation made for a stack.
const StackIDPrefix = "event_driven"

// StackID is the synthetic stack ID of the requests for keys: what the
// resources put in their stack-id tags and the stack part of generated
// names. It is the same for every key: the key is the logical ID.
func StackID() string { return StackIDPrefix }

// LogicalResourceID is the logical ID of a key's requests. A CloudFormation
// logical ID is alphanumeric; the key is used as it is, and the resources
// replace the characters their names cannot hold.
func LogicalResourceID(key string) string { return key }
