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
//
// The runtime cancels ctx DefaultDeadlineMargin before the Lambda
// deadline and answers FAILED at once; a method that waits must give up,
// and undo its work, before then.
type Resource interface {
	// Create makes the resource and returns its physical ID. A Create that
	// fails must undo what it made before returning its error: the runtime
	// then answers with a failed-create marker, not with any ID in the
	// Result, and the Delete that CloudFormation sends for the marker never
	// reaches the resource.
	Create(ctx context.Context, req Request) (Result, error)
	// Update changes the resource in place and returns the same physical
	// ID, or an empty one, or makes a replacement and returns its new ID.
	// It never deletes the old resource: CloudFormation sends a Delete for
	// the old ID once the stack update succeeds, or for the new one when it
	// rolls back. A failed Update is answered with the request's physical
	// ID, so an Update that fails after making a replacement must undo it.
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
