package customresource

import (
	"context"
	"errors"
	"fmt"
	"maps"

	"github.com/aws/aws-lambda-go/cfn"
)

// errPanicked is the error a resource that panicked is reported with; the
// panic's stack goes to the log only.
var errPanicked = errors.New("internal error: the handler panicked; see the function's log for details")

// errDeadline is the error of a resource that was still running when the
// deadline margin was reached.
var errDeadline = errors.New("the operation timed out: the handler did not finish before the Lambda deadline")

// outcome is what a resource call produced.
type outcome struct {
	result Result
	err    error
	// running, for a resource still running at the deadline margin, is
	// closed once it has returned (and undone what it made).
	running <-chan struct{}
}

// newRequest adapts a CloudFormation event to a Request. ServiceToken and
// ServiceTimeout are CloudFormation's, not the resource's, and are left out.
func newRequest(event cfn.Event) Request {
	return Request{
		Action:             Action(event.RequestType),
		RequestID:          event.RequestID,
		StackID:            event.StackID,
		LogicalResourceID:  event.LogicalResourceID,
		PhysicalResourceID: event.PhysicalResourceID,
		ResourceType:       event.ResourceType,
		Properties:         withoutProviderProperties(event.ResourceProperties),
		OldProperties:      withoutProviderProperties(event.OldResourceProperties),
	}
}

// providerProperties are the properties CloudFormation itself reads on
// every custom resource: the function to invoke and how long to wait for
// its answer. They reach the function in ResourceProperties but belong to
// no resource.
var providerProperties = []string{"ServiceToken", "ServiceTimeout"}

func withoutProviderProperties(props map[string]any) map[string]any {
	if props == nil {
		return nil
	}
	out := maps.Clone(props)
	for _, k := range providerProperties {
		delete(out, k)
	}
	return out
}

// call dispatches req to the method for its action.
func call(ctx context.Context, res Resource, req Request) outcome {
	switch req.Action {
	case ActionCreate:
		r, err := res.Create(ctx, req)
		return outcome{result: r, err: err}
	case ActionUpdate:
		r, err := res.Update(ctx, req)
		return outcome{result: r, err: err}
	case ActionDelete:
		return outcome{err: res.Delete(ctx, req)}
	}
	return outcome{err: fmt.Errorf("unsupported request type %q: expected Create, Update or Delete", req.Action)}
}

// secretValues returns the non-empty string values of the named properties,
// old and new, so that they can be scrubbed from a Reason.
func secretValues(event cfn.Event, names []string) []string {
	var out []string
	for _, props := range []map[string]any{event.ResourceProperties, event.OldResourceProperties} {
		for _, n := range names {
			if s, ok := props[n].(string); ok && s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}
