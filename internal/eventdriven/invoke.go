package eventdriven

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/aws/aws-lambda-go/cfn"
	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

// The environment variables that turn the event path of a function on.
const (
	// EnvTable is the ledger table; without it the function serves
	// CloudFormation only.
	EnvTable = "EVENT_DRIVEN_TABLE"
	// EnvSources are the accepted request sources, comma-separated; empty
	// accepts any.
	EnvSources = "EVENT_DRIVEN_SOURCES"
	// EnvResultBus and EnvResultSource are the bus and source of the
	// result events (the default bus and DefaultResultSource when empty).
	EnvResultBus    = "EVENT_DRIVEN_RESULT_BUS"
	EnvResultSource = "EVENT_DRIVEN_RESULT_SOURCE"
)

// ErrNotConfigured is an SQS batch or request event reaching a function
// whose event path is off (EnvTable unset). The batch fails, so SQS keeps
// the messages and moves them to its dead-letter queue.
var ErrNotConfigured = errors.New("event-driven provisioning is not configured for this function: " + EnvTable + " is not set")

// Invoker answers every payload a function receives: a CloudFormation
// custom resource request, an SQS batch of request events, or a request
// event EventBridge sends straight to the function.
type Invoker struct {
	// CloudFormation answers custom resource requests.
	CloudFormation func(context.Context, cfn.Event) error
	// CloudFormationRaw, when set, answers a custom resource request that
	// does not decode into a cfn.Event (see
	// customresource.Handler.HandleRawEvent); without it such a request
	// is logged and dropped.
	CloudFormationRaw func(context.Context, json.RawMessage) error
	// Events answers request events; nil when the event path is off.
	Events *Handler
	Logger *slog.Logger
}

// payloadShape has the fields that tell the payloads apart.
type payloadShape struct {
	Records []struct {
		EventSource string `json:"eventSource"`
	} `json:"Records"`
	RequestType string `json:"RequestType"`
	ResponseURL string `json:"ResponseURL"`
	DetailType  string `json:"detail-type"`
	ID          string `json:"id"`
}

// Invoke is the function lambda.Start serves. A payload it cannot place
// is logged (with its field names, never values) and answered with a
// Failed result event when the event path is on; it is not retried, since
// no retry can make it readable.
func (i *Invoker) Invoke(ctx context.Context, payload json.RawMessage) (any, error) {
	log := i.Logger
	if log == nil {
		log = slog.Default()
	}
	var shape payloadShape
	shapeErr := json.Unmarshal(payload, &shape)
	switch {
	case shapeErr == nil && len(shape.Records) > 0 && allSQS(shape.Records):
		if i.Events == nil {
			log.ErrorContext(ctx, "SQS batch received but the event path is off", slog.String("error", ErrNotConfigured.Error()))
			return nil, ErrNotConfigured
		}
		var batch events.SQSEvent
		if err := json.Unmarshal(payload, &batch); err != nil {
			return nil, fmt.Errorf("decoding the SQS batch: %w", err)
		}
		return i.Events.HandleSQS(ctx, batch)
	case shapeErr == nil && shape.RequestType != "" && shape.ResponseURL != "":
		var event cfn.Event
		if err := json.Unmarshal(payload, &event); err != nil {
			if i.CloudFormationRaw != nil {
				return nil, i.CloudFormationRaw(ctx, payload)
			}
			// A request with a ResponseURL is CloudFormation's; without
			// an event it cannot be answered.
			log.ErrorContext(ctx, "CloudFormation request cannot be decoded", slog.String("error", err.Error()))
			return nil, nil
		}
		return nil, i.CloudFormation(ctx, event)
	case shapeErr == nil && shape.DetailType != "":
		if i.Events == nil {
			log.ErrorContext(ctx, "request event received but the event path is off", slog.String("error", ErrNotConfigured.Error()))
			return nil, ErrNotConfigured
		}
		// Straight from an EventBridge rule: a one-record batch, retried by
		// Lambda's asynchronous retries when it fails.
		resp, err := i.Events.HandleSQS(ctx, events.SQSEvent{Records: []events.SQSMessage{{MessageId: shape.ID, Body: string(payload)}}})
		if err == nil && len(resp.BatchItemFailures) > 0 {
			err = fmt.Errorf("request event %s not answered; see the log", shape.ID)
		}
		return nil, err
	}
	reason := fmt.Sprintf("the payload is neither a CloudFormation request, an SQS batch nor a %q event", DetailTypeRequest)
	log.ErrorContext(ctx, "payload not recognised; answering FAILED", slog.String("reason", reason), slog.Any("fields", fieldNames(payload)))
	if i.Events == nil {
		return nil, nil
	}
	if err := i.Events.Publish(ctx, Result{Outcome: OutcomeFailed, Reason: reason}); err != nil {
		log.ErrorContext(ctx, "the Failed result event could not be put", slog.String("error", err.Error()))
	}
	return nil, nil
}

func allSQS(records []struct {
	EventSource string `json:"eventSource"`
}) bool {
	for _, r := range records {
		if r.EventSource != "aws:sqs" {
			return false
		}
	}
	return true
}

// fieldNames returns the top-level field names of a JSON object, sorted.
func fieldNames(payload json.RawMessage) []string {
	var m map[string]json.RawMessage
	if json.Unmarshal(payload, &m) != nil {
		return nil
	}
	return slices.Sorted(maps.Keys(m))
}

// NewInvoker builds the invoker of resources from the environment: the
// CloudFormation handler always, the event path when EnvTable is set.
func NewInvoker(cfg aws.Config, resources map[string]customresource.Resource, getenv func(string) string) *Invoker {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	// The same settings customresource.Start reads from the environment.
	cf := customresource.NewHandler(resources,
		customresource.WithAllowLocalResponseURL(getenv(customresource.EnvAllowLocalResponseURL) == "true"),
		customresource.WithLogger(log))
	inv := &Invoker{CloudFormation: cf.HandleEvent, CloudFormationRaw: cf.HandleRawEvent, Logger: log}
	table := getenv(EnvTable)
	if table == "" {
		return inv
	}
	var sources []string
	for s := range strings.SplitSeq(getenv(EnvSources), ",") {
		if s = strings.TrimSpace(s); s != "" {
			sources = append(sources, s)
		}
	}
	proc := NewProcessor(NewLedger(dynamodb.NewFromConfig(cfg), table), resources, log)
	inv.Events = NewHandler(proc, eventbridge.NewFromConfig(cfg), Config{
		Sources: sources, ResultSource: getenv(EnvResultSource), EventBusName: getenv(EnvResultBus), Logger: log,
	})
	return inv
}

// Start serves resources as a Lambda function that accepts CloudFormation
// requests and, when EnvTable is set, its queue's SQS batches of request
// events.
func Start(cfg aws.Config, resources map[string]customresource.Resource) {
	lambda.Start(NewInvoker(cfg, resources, os.Getenv).Invoke)
}
