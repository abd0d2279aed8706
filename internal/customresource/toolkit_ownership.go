package customresource

import "fmt"

// The tags every resource this product creates carries: the stack and the
// logical ID of the custom resource that created it. A replacement gets
// the same two values as the resource it replaces (both come from the
// same stack and logical ID), so both stay recognisable.
const (
	TagStackID   = "redshift-data-access:stack-id"
	TagLogicalID = "redshift-data-access:logical-id"
)

// OwnerTags are the two ownership tags for what req creates.
func OwnerTags(req Request) map[string]string {
	return map[string]string{TagStackID: req.StackID, TagLogicalID: req.LogicalResourceID}
}

// OwnedBy reports whether tags mark a resource as created by req's custom
// resource: its stack-id and logical-id tags name req's stack and logical
// ID. This is the one ownership rule of every resource type: an Update or
// Delete acts only on what OwnedBy accepts. A request without a stack or
// logical ID owns nothing.
func OwnedBy(tags map[string]string, req Request) bool {
	if req.StackID == "" || req.LogicalResourceID == "" {
		return false
	}
	stack, okStack := tags[TagStackID]
	logical, okLogical := tags[TagLogicalID]
	return okStack && okLogical && stack == req.StackID && logical == req.LogicalResourceID
}

// NotOwnedError is the error of an Update whose physical ID names a
// resource that this custom resource did not create (OwnedBy refuses its
// tags). A Delete of such a resource is success and changes nothing.
type NotOwnedError struct {
	// Kind says what the resource is, for example "secret".
	Kind string
	// ID is the physical ID of the request.
	ID string
	// StackID and LogicalResourceID are the request's.
	StackID, LogicalResourceID string
}

func (e *NotOwnedError) Error() string {
	return fmt.Sprintf("%s %s was not created by this resource: its %s and %s tags do not name stack %s and logical ID %s, so it is left unchanged",
		e.Kind, e.ID, TagStackID, TagLogicalID, e.StackID, e.LogicalResourceID)
}

// NotOwned returns the *NotOwnedError of req for a resource of kind.
func NotOwned(kind string, req Request) *NotOwnedError {
	return &NotOwnedError{Kind: kind, ID: req.PhysicalResourceID, StackID: req.StackID, LogicalResourceID: req.LogicalResourceID}
}
