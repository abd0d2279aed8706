package customresource

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/cfn"
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/redshift-data-access/redshift-data-access/internal/retry"
)

// DefaultDeadlineMargin is how long before the Lambda deadline the handler
// gives up on a resource and answers FAILED. CloudFormation waits up to an
// hour for a response that never comes; 15 seconds leaves room for the
// retried PUT (rule: at least 10 seconds).
const DefaultDeadlineMargin = 15 * time.Second

// EnvAllowLocalResponseURL names the environment variable that, set to
// "true", lets Start send responses to http:// URLs on loopback hosts, for
// local runs against a lifecycle driver. It is off by default.
const EnvAllowLocalResponseURL = "CUSTOM_RESOURCE_ALLOW_LOCAL_RESPONSE_URL"

// HTTPClient sends the response PUT. *http.Client implements it; tests pass
// their own.
type HTTPClient interface {
	Do(req *http.Request) (*http.Response, error)
}

var _ HTTPClient = (*http.Client)(nil)

// Handler serves CloudFormation custom resource requests for one or more
// resource types. Build it with NewHandler; lambda.Start calls HandleEvent.
type Handler struct {
	resources  map[string]Resource
	logger     *slog.Logger
	client     HTTPClient
	allowLocal bool
	margin     time.Duration
	backoff    retry.Backoff
}

// Option configures a Handler.
type Option func(*Handler)

// WithLogger sets the structured logger. The default writes JSON to
// stderr, where Lambda forwards it to CloudWatch Logs.
func WithLogger(l *slog.Logger) Option {
	return func(h *Handler) { h.logger = l }
}

// WithHTTPClient sets the client that PUTs responses.
func WithHTTPClient(c HTTPClient) Option {
	return func(h *Handler) { h.client = c }
}

// WithAllowLocalResponseURL allows ResponseURLs with http or https on
// loopback hosts (127.0.0.1, ::1, localhost), besides CloudFormation's S3
// response buckets. Only local runs and tests turn it on.
func WithAllowLocalResponseURL(allow bool) Option {
	return func(h *Handler) { h.allowLocal = allow }
}

// WithDeadlineMargin sets how long before the context deadline the handler
// stops waiting for the resource and answers FAILED.
func WithDeadlineMargin(d time.Duration) Option {
	return func(h *Handler) { h.margin = d }
}

// WithBackoff sets the delay before the first retry of the response PUT and
// the cap of the exponential backoff.
func WithBackoff(first, max time.Duration) Option {
	return func(h *Handler) { h.backoff = retry.Backoff{First: first, Max: max} }
}

// NewHandler returns a handler for resources, keyed by ResourceType (for
// example "Custom::RedshiftDataApiSecret").
func NewHandler(resources map[string]Resource, opts ...Option) *Handler {
	h := &Handler{
		resources: resources,
		logger:    slog.New(slog.NewJSONHandler(os.Stderr, nil)),
		client:    newDefaultHTTPClient(),
		margin:    DefaultDeadlineMargin,
		backoff:   defaultBackoff,
	}
	for _, o := range opts {
		o(h)
	}
	return h
}

// Start serves resources as a Lambda function, with a JSON logger on stderr
// and the local ResponseURL override from EnvAllowLocalResponseURL.
func Start(resources map[string]Resource) {
	lambda.Start(NewHandler(resources, envOptions(os.Getenv)...).HandleRawEvent)
}

// envOptions reads the handler's settings from the environment. Only the
// exact value "true" turns the local ResponseURL override on.
func envOptions(getenv func(string) string) []Option {
	return []Option{WithAllowLocalResponseURL(getenv(EnvAllowLocalResponseURL) == "true")}
}

// supportedTypes lists the resource types the handler serves, sorted.
func (h *Handler) supportedTypes() []string {
	types := make([]string, 0, len(h.resources))
	for t := range h.resources {
		types = append(types, t)
	}
	sort.Strings(types)
	return types
}

// HandleEvent answers one CloudFormation request: it runs the resource and
// PUTs exactly one response to the ResponseURL. It returns nil for every
// request it answered, so that Lambda does not retry the invocation; it
// returns an error only when the response could not be delivered after
// retries, because then a retried invocation is CloudFormation's only
// chance of an answer. A ResponseURL that is not CloudFormation's is never
// contacted: the request is logged and dropped.
func (h *Handler) HandleEvent(ctx context.Context, event cfn.Event) error {
	return h.handle(ctx, event, nil)
}

// handle is HandleEvent; a non-nil malformed is the answer to a request
// that decodeEvent could only read leniently.
func (h *Handler) handle(ctx context.Context, event cfn.Event, malformed error) error {
	start := time.Now()
	log := h.logger.With(logAttrs(event)...)
	log.InfoContext(ctx, "request received",
		slog.String("physical_resource_id", event.PhysicalResourceID),
		slog.Any("property_names", propertyNames(event.ResourceProperties)),
	)
	if err := ValidateResponseURL(event.ResponseURL, h.allowLocal); err != nil {
		log.ErrorContext(ctx, "request dropped: the ResponseURL is not a CloudFormation response URL", slog.String("error", err.Error()))
		return nil
	}

	resp := h.respond(ctx, log, event, malformed)

	attempts, err := h.send(ctx, event.ResponseURL, resp.body)
	if resp.running != nil {
		// The answer is out; the resource, cancelled at the margin, is
		// undoing what it made. Lambda freezes the process once the
		// handler returns, so wait for it, up to the deadline.
		select {
		case <-resp.running:
		case <-ctx.Done():
			log.ErrorContext(ctx, "the resource was still running at the deadline; what it made may remain")
		}
	}
	attrs := []any{
		slog.String("status", string(resp.Status)),
		slog.String("physical_resource_id", resp.PhysicalResourceID),
		slog.Int64("duration_ms", time.Since(start).Milliseconds()),
		slog.Int("attempts", attempts),
	}
	if resp.Reason != "" {
		attrs = append(attrs, slog.String("reason", resp.Reason))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
		log.ErrorContext(ctx, "response not delivered", attrs...)
		if isPermanent(err) {
			return nil
		}
		return err
	}
	log.InfoContext(ctx, "response sent", attrs...)
	return nil
}

// propertyNames lists the names of props, sorted: the runtime logs names
// only, never values, so no secret property can leak through the log.
func propertyNames(props map[string]any) []string {
	names := make([]string, 0, len(props))
	for k := range props {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// respond runs the resource named by the event and returns the encoded
// response. It always returns a response, whatever the resource does.
func (h *Handler) respond(ctx context.Context, log *slog.Logger, event cfn.Event, malformed error) response {
	if malformed != nil {
		log.ErrorContext(ctx, "malformed request; answering FAILED", slog.String("error", malformed.Error()))
		return h.encode(event, outcome{err: malformed}, nil)
	}
	req := newRequest(event)
	if req.Action == ActionDelete && IsFailedCreateMarker(req.PhysicalResourceID) {
		log.InfoContext(ctx, "delete of a failed create's marker: nothing to delete")
		return h.encode(event, outcome{result: Result{PhysicalResourceID: req.PhysicalResourceID}}, nil)
	}
	if req.Action == ActionDelete && (req.PhysicalResourceID == "" || len(req.PhysicalResourceID) > MaxPhysicalIDBytes) {
		// No resource ever answered such an ID, so nothing has it. The
		// response's ID must be non-empty and at most 1 KB: a marker.
		log.WarnContext(ctx, "delete of a physical ID no resource issues: nothing to delete", slog.Int("physical_resource_id_bytes", len(req.PhysicalResourceID)))
		return h.encode(event, outcome{result: Result{PhysicalResourceID: FailedCreateMarker(event.RequestID)}}, nil)
	}
	if err := checkIdentifiers(event); err != nil {
		if req.Action == ActionDelete {
			// A Create without the identifiers is refused, and every
			// resource's ownership records name them: nothing to delete.
			log.WarnContext(ctx, "delete of a request without its identifiers: nothing to delete", slog.String("error", err.Error()))
			return h.encode(event, outcome{result: Result{PhysicalResourceID: req.PhysicalResourceID}}, nil)
		}
		log.ErrorContext(ctx, "request refused", slog.String("error", err.Error()))
		return h.encode(event, outcome{err: err}, nil)
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
	resp.running = o.running
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

// run calls the resource in its own goroutine and waits for it, for the
// invocation's context to end, or for the deadline margin, whichever comes
// first. At the margin the resource's context is cancelled and run returns
// errDeadline; a result that arrives later is dropped, so that only one
// response is ever sent.
func (h *Handler) run(ctx context.Context, log *slog.Logger, res Resource, req Request) outcome {
	resCtx, cancel := context.WithCancel(ctx)
	defer cancel()

	done := make(chan outcome, 1)
	returned := make(chan struct{})
	go func() {
		defer close(returned)
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
		return outcome{err: errDeadline, running: returned}
	}
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
	if event.RequestType == cfn.RequestCreate || failedID == "" || len(failedID) > MaxPhysicalIDBytes {
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
	// Only echoed request fields are left: a request CloudFormation never
	// sends (checkIdentifiers refuses it). Cut the longest until it fits.
	for len(body) > MaxResponseBytes {
		longest := &r.RequestID
		for _, f := range []*string{&r.StackID, &r.LogicalResourceID, &r.PhysicalResourceID} {
			if len(*f) > len(*longest) {
				longest = f
			}
		}
		*longest = strings.ToValidUTF8((*longest)[:len(*longest)/2], "")
		body = marshal(r)
	}
	return response{Response: r, body: body}
}

// send PUTs body to responseURL, retrying network errors and 5xx with
// jittered backoff up to maxSendAttempts, and never 4xx. The send as a
// whole ends sendReserve (or half the margin) before ctx's deadline. It
// returns the number of attempts made. Its errors never contain the URL.
func (h *Handler) send(ctx context.Context, responseURL string, body []byte) (int, error) {
	if deadline, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, deadline.Add(-min(sendReserve, h.margin/2)))
		defer cancel()
	}
	policy := retry.Policy{
		Backoff:   h.backoff,
		Attempts:  maxSendAttempts,
		Retryable: func(err error) bool { return !isPermanent(err) },
	}
	attempts, err := retry.Do(ctx, policy, func(ctx context.Context) error { return h.put(ctx, responseURL, body) })
	var exhausted *retry.ExhaustedError
	switch {
	case errors.As(err, &exhausted) && exhausted.Deadline:
		return attempts, fmt.Errorf("sending the response: %w", err)
	case errors.As(err, &exhausted):
		return attempts, fmt.Errorf("sending the response: giving up after %d attempts: %w", attempts, exhausted.Err)
	case err != nil && ctx.Err() != nil:
		return attempts, fmt.Errorf("sending the response: %w", err)
	}
	return attempts, err
}

// put makes one attempt, bounded by sendAttemptTimeout whatever the
// client. Like cfn.Response.Send it sets no Content-Type: the pre-signed
// URL was signed without one.
func (h *Handler) put(ctx context.Context, responseURL string, body []byte) error {
	ctx, cancel := context.WithTimeout(ctx, sendAttemptTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, responseURL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("building the response request: %w", withoutURL(err))
	}
	req.Header.Del("Content-Type")
	res, err := h.client.Do(req)
	if err != nil {
		return fmt.Errorf("putting the response: %w", withoutURL(err))
	}
	defer res.Body.Close()
	// Drain the body so the connection can be reused by a retry.
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	if res.StatusCode != http.StatusOK {
		return &statusError{code: res.StatusCode}
	}
	return nil
}
