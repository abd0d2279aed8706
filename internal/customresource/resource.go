package customresource

import (
	"context"
)

// Action is what the trigger asks of a resource.
type Action string

// The actions a Resource serves.
const (
	ActionCreate Action = "Create"
	ActionUpdate Action = "Update"
	ActionDelete Action = "Delete"
)

// Request is one trigger-agnostic request for a resource. The CloudFormation
// adapter builds it from a cfn.Event; an event-driven adapter builds it from
// its own message.
type Request struct {
	Action Action
	// RequestID identifies this request; a duplicate delivery carries the
	// same RequestID. Resources derive generated names and idempotency
	// tokens from it.
	RequestID string
	// StackID is the CloudFormation stack ARN (or the trigger's equivalent).
	StackID string
	// LogicalResourceID is the resource's name in its template.
	LogicalResourceID string
	// PhysicalResourceID is empty on Create; on Update and Delete it is the
	// ID a previous Create or Update returned.
	PhysicalResourceID string
	// ResourceType is the custom resource type, for example
	// Custom::RedshiftDataApiSecret.
	ResourceType string
	// Properties are the resource properties, without ServiceToken and
	// ServiceTimeout.
	Properties map[string]any
	// OldProperties are the previous properties on Update.
	OldProperties map[string]any
}

// Result is what a successful Create or Update returns.
type Result struct {
	// PhysicalResourceID identifies the resource. On Update, a value other
	// than the request's physical ID tells CloudFormation that the resource
	// was replaced.
	PhysicalResourceID string
	// Data holds the attributes that Fn::GetAtt reads.
	Data map[string]string
	// NoEcho masks Data in CloudFormation's console and API output.
	NoEcho bool
}

// Resource implements one custom resource type. Every method must be
// idempotent: CloudFormation may deliver a request more than once, and
// retries, rollbacks and replacement cleanup reuse the same methods.
type Resource interface {
	Create(ctx context.Context, req Request) (Result, error)
	Update(ctx context.Context, req Request) (Result, error)
	// Delete removes the resource named by req.PhysicalResourceID. A
	// resource that is already gone, or an ID this resource never issued,
	// is success.
	Delete(ctx context.Context, req Request) error
}

// SecretProperties is implemented by resources with properties whose values
// must never be logged; the runtime redacts them.
type SecretProperties interface {
	SecretProperties() []string
}
