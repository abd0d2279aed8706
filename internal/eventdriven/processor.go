package eventdriven

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

// ErrBusy is a request for a key that another request is still being
// applied to. The request is retried, so that the requests of a key apply
// one after the other.
var ErrBusy = errors.New("another request for the key is in progress")

// Result is the outcome of one request, as the result event reports it.
type Result struct {
	EventID            string
	RequestType        RequestType
	Key                string
	ResourceType       string
	Outcome            Outcome
	PhysicalResourceID string
	// Attributes are the resource's attributes; nil when the resource
	// marked them NoEcho.
	Attributes map[string]string
	Reason     string
	// Duplicate is set when the request had been applied before and the
	// result comes from the ledger; the resource was not called.
	Duplicate bool
}

// Processor applies request events to resources, with the ledger as the
// memory that CloudFormation would otherwise be.
type Processor struct {
	ledger    *Ledger
	resources map[string]customresource.Resource
	log       *slog.Logger
	margin    time.Duration
	lease     time.Duration
	now       func() time.Time
}

// DefaultClaimLease is how long a claim blocks the other requests of its
// key. It is well over Lambda's longest invocation, so only a claim whose
// delivery was abandoned (the function died, and SQS moved the request to
// its dead-letter queue) ever outlives it.
const DefaultClaimLease = time.Hour

// WithClaimLease sets the claim lease (DefaultClaimLease unless set).
func WithClaimLease(d time.Duration) ProcessorOption {
	return func(p *Processor) { p.lease = d }
}

// WithClock sets the clock that claims are timed with.
func WithClock(now func() time.Time) ProcessorOption {
	return func(p *Processor) { p.now = now }
}

// ProcessorOption configures a Processor.
type ProcessorOption func(*Processor)

// WithDeadlineMargin sets how long before the invocation's deadline the
// resource's context ends (customresource.DefaultDeadlineMargin unless
// set), leaving that time for the ledger writes that follow.
func WithDeadlineMargin(d time.Duration) ProcessorOption {
	return func(p *Processor) { p.margin = d }
}

// NewProcessor returns a processor for the resources by resource type.
func NewProcessor(ledger *Ledger, resources map[string]customresource.Resource, log *slog.Logger, opts ...ProcessorOption) *Processor {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	p := &Processor{ledger: ledger, resources: resources, log: log, margin: customresource.DefaultDeadlineMargin,
		lease: DefaultClaimLease, now: time.Now}
	for _, o := range opts {
		o(p)
	}
	return p
}

// ResourceTypes returns the resource types served, sorted.
func (p *Processor) ResourceTypes() []string {
	return slices.Sorted(maps.Keys(p.resources))
}

// SecretProperties returns the properties any served resource declares
// secret; request events carrying them are refused.
func (p *Processor) SecretProperties() []string {
	var out []string
	for _, r := range p.resources {
		if s, ok := r.(customresource.SecretProperties); ok {
			out = append(out, s.SecretProperties()...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Process applies msg. The Result is the answer to send; an error means
// the request was not answered and must be delivered again (a ledger call
// failed, another delivery won a race, or the key is busy).
func (p *Processor) Process(ctx context.Context, msg Message) (Result, error) {
	res := Result{EventID: msg.EventID, RequestType: msg.RequestType, Key: msg.Key, ResourceType: msg.ResourceType}
	resource, ok := p.resources[msg.ResourceType]
	if !ok {
		return failed(res, fmt.Errorf("unsupported resource type %q: this function serves %v", msg.ResourceType, p.ResourceTypes())), nil
	}
	e, err := p.ledger.Get(ctx, msg.Key)
	if err != nil {
		return Result{}, err
	}
	if e != nil && slices.Contains(e.RecentEventIDs, msg.EventID) {
		return duplicate(res, e), nil
	}
	if e != nil && e.Pending != nil && e.Pending.EventID != msg.EventID {
		if err := p.finishAbandoned(ctx, e); err != nil {
			return Result{}, fmt.Errorf("key %q: request %s waits for request %s: %w", msg.Key, msg.EventID, e.Pending.EventID, err)
		}
		// The key is free again: apply this request to what it left.
		return p.Process(ctx, msg)
	}
	if e != nil && e.PhysicalID != "" && e.ResourceType != msg.ResourceType {
		return failed(res, fmt.Errorf("key %q holds a %s; a key's resource type cannot change: delete the key first", msg.Key, e.ResourceType)), nil
	}
	if e == nil && msg.RequestType == RequestDelete {
		// Nothing was ever made for the key.
		res.Outcome = OutcomeDeleted
		return res, nil
	}
	if e == nil {
		e = &Entry{Key: msg.Key, ResourceType: msg.ResourceType, Status: StatusAbsent}
	}
	if e.Pending == nil {
		// Claim the key: a delivery that dies from here on is resumed by
		// the next delivery of this event, and any other is refused.
		e.Pending = &Pending{EventID: msg.EventID, RequestType: msg.RequestType, ResourceType: msg.ResourceType,
			Properties: msg.Properties, StatusBefore: e.Status, ClaimedAt: p.now().Unix()}
		e.Status = StatusInProgress
		if err := p.ledger.Put(ctx, e); err != nil {
			return Result{}, err
		}
	}
	return p.resume(ctx, resource, e, res)
}

// resume carries out the request e is claimed for.
func (p *Processor) resume(ctx context.Context, resource customresource.Resource, e *Entry, res Result) (Result, error) {
	log := p.log.With(slog.String("key", e.Key), slog.String("event_id", e.Pending.EventID), slog.String("resource_type", e.Pending.ResourceType))
	if e.Pending.RequestType == RequestDelete {
		return p.delete(ctx, log, resource, e, res)
	}
	return p.apply(ctx, log, resource, e, res)
}

// finishAbandoned carries out, as its own delivery would have, the request
// e is claimed for when its claim is older than the lease; until then it
// is ErrBusy. The abandoned request's result is logged: its result event
// was never put, and only a delivery of it would put one.
func (p *Processor) finishAbandoned(ctx context.Context, e *Entry) error {
	pend := e.Pending
	claimed := time.Unix(pend.ClaimedAt, 0)
	if p.now().Sub(claimed) < p.lease {
		return ErrBusy
	}
	resource, ok := p.resources[pend.ResourceType]
	if !ok {
		return fmt.Errorf("the abandoned request's resource type %q is not served here: %w", pend.ResourceType, ErrBusy)
	}
	p.log.WarnContext(ctx, "finishing an abandoned request before the next one", slog.String("key", e.Key),
		slog.String("abandoned_event_id", pend.EventID), slog.Time("claimed_at", claimed))
	res, err := p.resume(ctx, resource, e, Result{EventID: pend.EventID, RequestType: pend.RequestType, Key: e.Key, ResourceType: pend.ResourceType})
	if err != nil {
		return err
	}
	p.log.InfoContext(ctx, "abandoned request finished", slog.String("key", e.Key), slog.String("abandoned_event_id", pend.EventID),
		slog.String("outcome", string(res.Outcome)), slog.String("reason", res.Reason))
	return nil
}

// request builds the resource request of the key's entry.
func request(e *Entry, action customresource.Action, requestID string) customresource.Request {
	return customresource.Request{
		Action: action, RequestID: requestID, StackID: StackID(), LogicalResourceID: LogicalResourceID(e.Key),
		PhysicalResourceID: e.PhysicalID, ResourceType: e.Pending.ResourceType,
	}
}

func (p *Processor) apply(ctx context.Context, log *slog.Logger, r customresource.Resource, e *Entry, res Result) (Result, error) {
	pend := e.Pending
	if pend.Cleanup != "" {
		return p.cleanup(ctx, log, r, e, res)
	}
	if e.PhysicalID == "" {
		req := request(e, customresource.ActionCreate, pend.EventID)
		req.Properties = pend.Properties
		out, err := p.call(ctx, r, req)
		if ierr := interrupted(ctx, err); ierr != nil {
			return Result{}, ierr
		}
		if err != nil {
			// The resource undid what it made: the key stays absent.
			log.WarnContext(ctx, "create failed", slog.String("error", err.Error()))
			return p.finish(ctx, e, res, func(e *Entry) {
				e.Status = pend.StatusBefore
				e.Outcome, e.Reason = OutcomeFailed, err.Error()
			})
		}
		return p.finish(ctx, e, res, func(e *Entry) { provisioned(e, out, pend.Properties) })
	}
	req := request(e, customresource.ActionUpdate, pend.EventID)
	req.Properties, req.OldProperties = pend.Properties, e.Properties
	out, err := p.call(ctx, r, req)
	if ierr := interrupted(ctx, err); ierr != nil {
		return Result{}, ierr
	}
	if err != nil {
		return p.rollback(ctx, log, r, e, res, err)
	}
	if out.PhysicalResourceID == "" || out.PhysicalResourceID == e.PhysicalID {
		out.PhysicalResourceID = e.PhysicalID
		return p.finish(ctx, e, res, func(e *Entry) { provisioned(e, out, pend.Properties) })
	}
	// A replacement: record the new resource and the old one still to be
	// deleted before deleting it, so that a delivery dying now still
	// deletes it, and never deletes the new one.
	log.InfoContext(ctx, "update replaced the resource", slog.String("old_physical_resource_id", e.PhysicalID),
		slog.String("physical_resource_id", out.PhysicalResourceID))
	pend.Cleanup, pend.CleanupProperties = e.PhysicalID, e.Properties
	provisioned(e, out, pend.Properties)
	e.Status = StatusInProgress
	if err := p.ledger.Put(ctx, e); err != nil {
		return Result{}, err
	}
	return p.cleanup(ctx, log, r, e, res)
}

// cleanup deletes the physical ID a replacement superseded, as
// CloudFormation does once a stack update completes. As there, a failed
// cleanup does not fail the request: the reason says what was left.
func (p *Processor) cleanup(ctx context.Context, log *slog.Logger, r customresource.Resource, e *Entry, res Result) (Result, error) {
	pend := e.Pending
	req := request(e, customresource.ActionDelete, pend.EventID+"/cleanup")
	req.PhysicalResourceID, req.Properties = pend.Cleanup, pend.CleanupProperties
	reason := ""
	_, err := p.call(ctx, r, req)
	if ierr := interrupted(ctx, err); ierr != nil {
		return Result{}, ierr
	}
	if err != nil {
		log.ErrorContext(ctx, "deleting the replaced resource failed", slog.String("old_physical_resource_id", pend.Cleanup), slog.String("error", err.Error()))
		reason = fmt.Sprintf("the replaced resource %s could not be deleted; delete it by hand: %v", pend.Cleanup, err)
	}
	return p.finish(ctx, e, res, func(e *Entry) {
		e.Status, e.Outcome, e.Reason = StatusProvisioned, OutcomeProvisioned, reason
	})
}

// rollback answers a failed Update: the Update back to the last applied
// properties, as CloudFormation's rollback sends. An Update refused for
// invalid properties changed nothing and needs none.
func (p *Processor) rollback(ctx context.Context, log *slog.Logger, r customresource.Resource, e *Entry, res Result, cause error) (Result, error) {
	log.WarnContext(ctx, "update failed", slog.String("error", cause.Error()))
	if customresource.IsInvalidInput(cause) {
		return p.finish(ctx, e, res, func(e *Entry) {
			e.Status, e.Outcome, e.Reason = e.Pending.StatusBefore, OutcomeFailed, cause.Error()
		})
	}
	req := request(e, customresource.ActionUpdate, e.Pending.EventID+"/rollback")
	req.Properties, req.OldProperties = e.Properties, e.Pending.Properties
	out, err := p.call(ctx, r, req)
	if ierr := interrupted(ctx, err); ierr != nil {
		return Result{}, ierr
	}
	if err != nil {
		log.ErrorContext(ctx, "rollback update failed", slog.String("error", err.Error()))
		return p.finish(ctx, e, res, func(e *Entry) {
			e.Status, e.Outcome = StatusRollbackFailed, OutcomeFailed
			e.Reason = fmt.Sprintf("%v; the rollback to the last applied properties failed too: %v", cause, err)
		})
	}
	if out.PhysicalResourceID != "" && out.PhysicalResourceID != e.PhysicalID {
		// A rollback that replaces breaks the resource contract; keep the
		// ledger true to what exists.
		log.ErrorContext(ctx, "rollback update returned another physical ID", slog.String("physical_resource_id", out.PhysicalResourceID))
		return p.finish(ctx, e, res, func(e *Entry) {
			e.PhysicalID, e.Status, e.Outcome = out.PhysicalResourceID, StatusRollbackFailed, OutcomeFailed
			e.Reason = fmt.Sprintf("%v; the rollback replaced the resource with %s", cause, out.PhysicalResourceID)
		})
	}
	return p.finish(ctx, e, res, func(e *Entry) {
		e.Status, e.Outcome = StatusProvisioned, OutcomeFailed
		e.Reason = fmt.Sprintf("%v; rolled back to the last applied properties", cause)
	})
}

func (p *Processor) delete(ctx context.Context, log *slog.Logger, r customresource.Resource, e *Entry, res Result) (Result, error) {
	if e.PhysicalID == "" {
		return p.finish(ctx, e, res, func(e *Entry) { e.Status, e.Outcome, e.Reason = StatusAbsent, OutcomeDeleted, "" })
	}
	req := request(e, customresource.ActionDelete, e.Pending.EventID)
	req.Properties = e.Properties
	_, err := p.call(ctx, r, req)
	if ierr := interrupted(ctx, err); ierr != nil {
		return Result{}, ierr
	}
	if err != nil {
		log.WarnContext(ctx, "delete failed", slog.String("error", err.Error()))
		return p.finish(ctx, e, res, func(e *Entry) {
			e.Status, e.Outcome, e.Reason = e.Pending.StatusBefore, OutcomeFailed, err.Error()
		})
	}
	return p.finish(ctx, e, res, func(e *Entry) {
		e.Status, e.Outcome, e.Reason = StatusAbsent, OutcomeDeleted, ""
		e.PhysicalID, e.Properties, e.Attributes, e.NoEcho = "", nil, nil, false
	})
}

// interrupted is the error to retry with when a resource call failed
// because the invocation's context ended (the Lambda deadline, or the
// runtime shutting down): that failure says nothing about the request, so
// the claim is kept and the next delivery resumes it.
func interrupted(ctx context.Context, err error) error {
	if err == nil || (ctx.Err() == nil && !errors.Is(err, errMargin)) {
		return nil
	}
	return fmt.Errorf("the resource call was interrupted; the next delivery resumes it: %w", errors.Join(ctx.Err(), err))
}

// provisioned records a successful Create or Update in e.
func provisioned(e *Entry, out customresource.Result, props map[string]any) {
	e.PhysicalID, e.Properties, e.ResourceType = out.PhysicalResourceID, props, e.Pending.ResourceType
	e.NoEcho = out.NoEcho
	e.Attributes = nil
	if !out.NoEcho {
		e.Attributes = out.Data
	}
	e.Status, e.Outcome, e.Reason = StatusProvisioned, OutcomeProvisioned, ""
}

// finish applies set to e, releases the claim and writes the item; the
// result is read back from the item, as a duplicate's would be.
func (p *Processor) finish(ctx context.Context, e *Entry, res Result, set func(*Entry)) (Result, error) {
	pend := e.Pending
	physicalBefore := e.PhysicalID
	set(e)
	e.LastEventID, e.LastRequestType = pend.EventID, pend.RequestType
	e.RecentEventIDs = append(e.RecentEventIDs, pend.EventID)
	if n := len(e.RecentEventIDs); n > maxRecentEvents {
		e.RecentEventIDs = slices.Clone(e.RecentEventIDs[n-maxRecentEvents:])
	}
	e.Pending = nil
	if err := p.ledger.Put(ctx, e); err != nil {
		return Result{}, err
	}
	out := fromEntry(res, e)
	if out.Outcome == OutcomeDeleted && out.PhysicalResourceID == "" {
		out.PhysicalResourceID = physicalBefore
	}
	return out, nil
}

// fromEntry is the result the entry records for its last request.
func fromEntry(res Result, e *Entry) Result {
	res.Outcome, res.Reason, res.PhysicalResourceID = e.Outcome, e.Reason, e.PhysicalID
	if !e.NoEcho {
		res.Attributes = maps.Clone(e.Attributes)
	}
	return res
}

// duplicate answers a request the ledger has seen. The last request's
// result is in the item; an older one was overtaken by later requests and
// is acknowledged with the key's current state.
func duplicate(res Result, e *Entry) Result {
	res = fromEntry(res, e)
	res.Duplicate = true
	if e.LastEventID != res.EventID {
		res.Reason = fmt.Sprintf("request %s was applied before and overtaken by request %s; nothing was done", res.EventID, e.LastEventID)
		if e.PhysicalID == "" {
			res.Outcome = OutcomeDeleted
		} else {
			res.Outcome = OutcomeProvisioned
		}
	}
	return res
}

func failed(res Result, err error) Result {
	res.Outcome, res.Reason = OutcomeFailed, err.Error()
	return res
}

// errMargin marks a resource call that the deadline margin cut short.
var errMargin = errors.New("the resource call reached the deadline margin")

// errPanicked is the error of a resource that panicked.
var errPanicked = errors.New("internal error: the resource panicked; see the function's log")

// call dispatches req to its method, with a context that ends the
// deadline margin before ctx; a panic becomes an error, so that a
// bad request cannot crash the function over and over.
func (p *Processor) call(ctx context.Context, r customresource.Resource, req customresource.Request) (out customresource.Result, err error) {
	if deadline, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, deadline.Add(-p.margin))
		defer cancel()
		defer func() {
			// Cut short by the margin: not an answer, like an invocation
			// that ended.
			if err != nil && ctx.Err() != nil {
				err = fmt.Errorf("%w: %w", errMargin, err)
			}
		}()
	}
	defer func() {
		if v := recover(); v != nil {
			out, err = customresource.Result{}, fmt.Errorf("%w (%T)", errPanicked, v)
		}
	}()
	switch req.Action {
	case customresource.ActionCreate:
		return r.Create(ctx, req)
	case customresource.ActionUpdate:
		return r.Update(ctx, req)
	default:
		return customresource.Result{}, r.Delete(ctx, req)
	}
}
