package eventdriven

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
)

// EventBridge is the part of the EventBridge client the handler uses.
type EventBridge interface {
	PutEvents(ctx context.Context, in *eventbridge.PutEventsInput, opts ...func(*eventbridge.Options)) (*eventbridge.PutEventsOutput, error)
}

// DefaultResultSource is the source of the result events unless
// Config.ResultSource says otherwise.
const DefaultResultSource = "redshift-data-access"

// maxReasonBytes bounds the reason in a result event, well inside
// EventBridge's 256 KiB entry limit.
const maxReasonBytes = 4096

// Config configures a Handler.
type Config struct {
	// Sources are the request sources accepted; empty accepts any.
	Sources []string
	// ResultSource is the source of result events (DefaultResultSource
	// when empty) and EventBusName their bus (the default bus when empty).
	ResultSource string
	EventBusName string
	Logger       *slog.Logger
}

// Handler serves the SQS queue that an EventBridge rule fills with request
// events, and puts a result event on EventBridge for each request.
type Handler struct {
	proc   *Processor
	parser Parser
	bus    EventBridge
	cfg    Config
	log    *slog.Logger
}

// NewHandler returns a handler applying requests with proc and publishing
// results to bus.
func NewHandler(proc *Processor, bus EventBridge, cfg Config) *Handler {
	if cfg.ResultSource == "" {
		cfg.ResultSource = DefaultResultSource
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Handler{
		proc:   proc,
		parser: Parser{Sources: cfg.Sources, ResourceTypes: proc.ResourceTypes(), Secret: proc.SecretProperties()},
		bus:    bus, cfg: cfg, log: log,
	}
}

// HandleSQS processes a batch in order. A message that fails is reported
// in BatchItemFailures for SQS to deliver again, and so is every later
// message of its message group (or of its key, on a standard queue), so
// that the requests of a key never overtake one another.
func (h *Handler) HandleSQS(ctx context.Context, batch events.SQSEvent) (events.SQSEventResponse, error) {
	var resp events.SQSEventResponse
	blocked := map[string]bool{}
	for _, rec := range batch.Records {
		group := rec.Attributes["MessageGroupId"]
		msg, parseErr := h.parser.Parse([]byte(rec.Body))
		if group == "" {
			group = "key:" + msg.Key
		}
		log := h.log.With(slog.String("message_id", rec.MessageId), slog.String("event_id", msg.EventID), slog.String("key", msg.Key))
		if blocked[group] {
			log.InfoContext(ctx, "an earlier request of the message group failed; delivering this one again after it")
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: rec.MessageId})
			continue
		}
		if err := h.handle(ctx, log, msg, parseErr); err != nil {
			log.WarnContext(ctx, "request not answered; SQS delivers it again", slog.String("error", err.Error()))
			blocked[group] = true
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: rec.MessageId})
		}
	}
	return resp, nil
}

// handle answers one message; an error means it must be delivered again.
func (h *Handler) handle(ctx context.Context, log *slog.Logger, msg Message, parseErr error) error {
	var res Result
	if parseErr != nil {
		// It can never succeed: answer FAILED at once.
		log.ErrorContext(ctx, "request event refused", slog.String("error", parseErr.Error()))
		res = failed(Result{EventID: msg.EventID, RequestType: msg.RequestType, Key: msg.Key, ResourceType: msg.ResourceType}, parseErr)
	} else {
		var err error
		if res, err = h.proc.Process(ctx, msg); err != nil {
			return err
		}
	}
	log.InfoContext(ctx, "request answered", slog.String("outcome", string(res.Outcome)), slog.Bool("duplicate", res.Duplicate),
		slog.String("physical_resource_id", res.PhysicalResourceID))
	return h.Publish(ctx, res)
}

// ResultDetail is the detail of a result event.
type ResultDetail struct {
	// RequestEventID is the ID of the request event answered.
	RequestEventID     string            `json:"requestEventId,omitempty"`
	RequestType        RequestType       `json:"requestType,omitempty"`
	Key                string            `json:"key,omitempty"`
	ResourceType       string            `json:"resourceType,omitempty"`
	PhysicalResourceID string            `json:"physicalResourceId,omitempty"`
	Attributes         map[string]string `json:"attributes,omitempty"`
	Reason             string            `json:"reason,omitempty"`
}

// DetailType returns the detail-type of the result event of an outcome.
func DetailType(o Outcome) string {
	switch o {
	case OutcomeProvisioned:
		return DetailTypeProvisioned
	case OutcomeDeleted:
		return DetailTypeDeleted
	}
	return DetailTypeFailed
}

// Publish puts the result event of res on the bus.
func (h *Handler) Publish(ctx context.Context, res Result) error {
	reason := res.Reason
	if len(reason) > maxReasonBytes {
		reason = reason[:maxReasonBytes] + "..."
	}
	detail, err := json.Marshal(ResultDetail{
		RequestEventID: res.EventID, RequestType: res.RequestType, Key: res.Key, ResourceType: res.ResourceType,
		PhysicalResourceID: res.PhysicalResourceID, Attributes: res.Attributes, Reason: reason,
	})
	if err != nil {
		return fmt.Errorf("encoding the result event: %w", err)
	}
	entry := ebtypes.PutEventsRequestEntry{
		Source: aws.String(h.cfg.ResultSource), DetailType: aws.String(DetailType(res.Outcome)), Detail: aws.String(string(detail)),
	}
	if h.cfg.EventBusName != "" {
		entry.EventBusName = aws.String(h.cfg.EventBusName)
	}
	out, err := h.bus.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{entry}})
	if err != nil {
		return fmt.Errorf("putting the result event: %w", err)
	}
	if out.FailedEntryCount > 0 {
		code, msg := "", ""
		if len(out.Entries) > 0 {
			code, msg = aws.ToString(out.Entries[0].ErrorCode), aws.ToString(out.Entries[0].ErrorMessage)
		}
		return fmt.Errorf("putting the result event: %w", &PublishError{Code: code, Message: msg})
	}
	return nil
}

// PublishError is a result event that EventBridge did not accept.
type PublishError struct{ Code, Message string }

func (e *PublishError) Error() string {
	return fmt.Sprintf("EventBridge refused the entry: %s: %s", e.Code, e.Message)
}

var _ error = (*PublishError)(nil)
