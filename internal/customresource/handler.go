package customresource

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"sort"
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
	lambda.Start(NewHandler(resources, envOptions(os.Getenv)...).HandleEvent)
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
	start := time.Now()
	log := h.logger.With(
		slog.String("request_id", event.RequestID),
		slog.String("stack_id", event.StackID),
		slog.String("logical_resource_id", event.LogicalResourceID),
		slog.String("resource_type", event.ResourceType),
		slog.String("action", string(event.RequestType)),
	)
	log.InfoContext(ctx, "request received",
		slog.String("physical_resource_id", event.PhysicalResourceID),
		slog.Any("property_names", propertyNames(event.ResourceProperties)),
	)
	if err := ValidateResponseURL(event.ResponseURL, h.allowLocal); err != nil {
		log.ErrorContext(ctx, "request dropped: the ResponseURL is not a CloudFormation response URL", slog.String("error", err.Error()))
		return nil
	}

	resp := h.respond(ctx, log, event)

	attempts, err := h.send(ctx, event.ResponseURL, resp.body)
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
