package customresource

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"runtime/debug"
	"time"

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
}

// respond runs the resource named by the event and returns the encoded
// response. It always returns a response, whatever the resource does.
func (h *Handler) respond(ctx context.Context, log *slog.Logger, event cfn.Event) response {
	req := newRequest(event)
	if req.Action == ActionDelete && IsFailedCreateMarker(req.PhysicalResourceID) {
		log.InfoContext(ctx, "delete of a failed create's marker: nothing to delete")
		return h.encode(event, outcome{result: Result{PhysicalResourceID: req.PhysicalResourceID}}, nil)
	}
	res, ok := h.resources[event.ResourceType]
	if !ok && req.Action == ActionDelete {
		// This function never created a resource of this type, so there is
		// nothing to delete; FAILED would only block the stack's deletion.
		log.WarnContext(ctx, "delete of an unsupported resource type: nothing to delete", slog.Any("supported_types", h.supportedTypes()))
		return h.encode(event, outcome{result: Result{PhysicalResourceID: req.PhysicalResourceID}}, nil)
	}
	if !ok {
		err := fmt.Errorf("unsupported resource type %q: this function serves %v", event.ResourceType, h.supportedTypes())
		return h.encode(event, outcome{err: err}, nil)
	}
	var secrets []string
	if s, ok := res.(SecretProperties); ok {
		secrets = secretValues(event, s.SecretProperties())
	}
	o := h.run(ctx, log, res, req)
	resp := h.encode(event, o, secrets)
	// An over-long physical ID names nothing the resource could delete, so
	// only a replacement whose attributes did not fit is undone.
	if replacement := o.result.PhysicalResourceID; req.Action == ActionUpdate && o.err == nil && resp.Status == cfn.StatusFailed &&
		replacement != "" && replacement != req.PhysicalResourceID && len(replacement) <= MaxPhysicalIDBytes {
		return h.encode(event, outcome{err: h.undoReplacement(ctx, log, res, req, replacement, resp.Reason)}, secrets)
	}
	return resp
}

// undoReplacement deletes the replacement an Update made when its response
// cannot say so (its attributes break CloudFormation's size limit). CloudFormation keeps the old physical ID after a FAILED Update
// and would never send a Delete for the new one, so the runtime deletes it
// before answering, and returns the error to answer with.
func (h *Handler) undoReplacement(ctx context.Context, log *slog.Logger, res Resource, req Request, replacement, reason string) error {
	del := req
	del.Action = ActionDelete
	del.PhysicalResourceID = replacement
	log.WarnContext(ctx, "the update's response cannot be sent; deleting the replacement it made", slog.String("replacement_physical_resource_id", replacement))
	if o := h.run(ctx, log, res, del); o.err != nil {
		return fmt.Errorf("%s; deleting the replacement %s failed too, delete it by hand: %w", reason, replacement, o.err)
	}
	return fmt.Errorf("%s; the replacement %s was deleted again and the resource is unchanged", reason, replacement)
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

// run calls the resource in its own goroutine and waits for it, for the
// invocation's context to end, or for the deadline margin, whichever comes
// first. At the margin the resource's context is cancelled and run returns
// errDeadline; a result that arrives later is dropped, so that only one
// response is ever sent.
func (h *Handler) run(ctx context.Context, log *slog.Logger, res Resource, req Request) outcome {
	resCtx, cancel := context.WithCancel(ctx)
	defer cancel()

	done := make(chan outcome, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				// The panic value may hold anything, including property
				// values; log its type and the stack only.
				log.Error("resource panicked", slog.String("panic_type", fmt.Sprintf("%T", p)), slog.String("stack", string(debug.Stack())))
				done <- outcome{err: errPanicked}
			}
		}()
		done <- call(resCtx, res, req)
	}()

	var timeout <-chan time.Time
	if deadline, ok := ctx.Deadline(); ok {
		t := time.NewTimer(time.Until(deadline.Add(-h.margin)))
		defer t.Stop()
		timeout = t.C
	}
	select {
	case o := <-done:
		return o
	case <-timeout:
		log.ErrorContext(ctx, "resource still running at the deadline margin; answering FAILED", slog.Duration("margin", h.margin))
		return outcome{err: errDeadline}
	}
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
