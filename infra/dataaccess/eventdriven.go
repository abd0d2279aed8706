package dataaccess

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdaeventsources"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/redshift-data-access/redshift-data-access/internal/eventdriven"
)

// DefaultMaxReceiveCount is how often SQS delivers a request event before
// it moves it to the dead-letter queue, unless
// EventDrivenProvisioningProps.MaxReceiveCount says otherwise.
const DefaultMaxReceiveCount = 5

// EventDrivenProvisioningProps configures NewEventDrivenProvisioning.
type EventDrivenProvisioningProps struct {
	// Provider is the provider whose functions apply the requests; it must
	// be one made in this app (NewProvider or ProviderOf), not an
	// ImportedProvider. Default: ProviderOf(scope).
	Provider *Provider
	// Sources are the EventBridge sources whose request events are
	// accepted (for example "com.example.portal"). Required: the rule and
	// the functions accept no other source.
	Sources *[]*string
	// RequestBus is the bus the pipelines put request events on, and
	// ResultBus the bus the result events go to. Default: the account's
	// default bus.
	RequestBus awsevents.IEventBus
	ResultBus  awsevents.IEventBus
	// ResultSource is the source of the result events. Default:
	// "redshift-data-access".
	ResultSource *string
	// MaxReceiveCount is how often a request is delivered before it moves
	// to the dead-letter queue. Default: DefaultMaxReceiveCount.
	MaxReceiveCount *float64
	// Functions are the functions to drive by events. Default: every
	// function of the provider.
	Functions []Function
}

// EventDrivenProvisioning drives the provider's functions from EventBridge
// request events: per function, a rule routes the request events of its
// resource types to a FIFO queue (message group = the request's key), and
// the function consumes the queue; a shared DynamoDB table is the ledger
// of keys. See docs/eventdriven.md for the event schemas.
type EventDrivenProvisioning struct {
	constructs.Construct
	// Table is the ledger of keys.
	Table awsdynamodb.Table
	// Queues and DeadLetterQueues are each function's request queue and
	// its dead-letter queue; Rules the rules that fill the queues.
	Queues           map[Function]awssqs.Queue
	DeadLetterQueues map[Function]awssqs.Queue
	Rules            map[Function]awsevents.Rule
}

// functionResourceTypes are the resource types each function serves, which
// its rule routes to it.
func functionResourceTypes(fn Function) []string {
	switch fn {
	case FunctionSecret:
		return []string{SecretResourceType}
	case FunctionAccess:
		return []string{AccessResourceType, CrossAccountRoleResourceType}
	case FunctionEndpoint:
		return []string{EndpointResourceType}
	case FunctionDBUser:
		return []string{DatabaseUserResourceType}
	}
	return nil
}

// NewEventDrivenProvisioning adds the event path to the provider's
// functions. It panics on invalid props (no Sources, an unknown Function),
// since no template can be synthesized from them.
//
//	dataaccess.NewEventDrivenProvisioning(stack, "Events", &dataaccess.EventDrivenProvisioningProps{
//		Sources: jsii.Strings("com.example.portal"),
//	})
func NewEventDrivenProvisioning(scope constructs.Construct, id string, props *EventDrivenProvisioningProps) *EventDrivenProvisioning {
	if props == nil {
		props = &EventDrivenProvisioningProps{}
	}
	if props.Sources == nil || len(*props.Sources) == 0 {
		panic("dataaccess: EventDrivenProvisioningProps.Sources is required: name the EventBridge sources of the request events, for example com.example.portal")
	}
	var sources []string
	for _, s := range *props.Sources {
		if s == nil || *s == "" || strings.Contains(*s, ",") {
			panic("dataaccess: EventDrivenProvisioningProps.Sources: every source must be a non-empty EventBridge source without ','")
		}
		sources = append(sources, *s)
	}
	provider := props.Provider
	if provider == nil {
		provider = ProviderOf(scope)
	}
	fns := props.Functions
	if len(fns) == 0 {
		fns = Functions()
	}
	maxReceive := float64(DefaultMaxReceiveCount)
	if props.MaxReceiveCount != nil {
		maxReceive = *props.MaxReceiveCount
	}
	resultSource := eventdriven.DefaultResultSource
	if props.ResultSource != nil && *props.ResultSource != "" {
		resultSource = *props.ResultSource
	}
	resultBus := props.ResultBus
	if resultBus == nil {
		resultBus = awsevents.EventBus_FromEventBusName(scope, jsii.String(id+"ResultBus"), jsii.String("default"))
	}

	e := &EventDrivenProvisioning{
		Construct:        constructs.NewConstruct(scope, jsii.String(id)),
		Queues:           map[Function]awssqs.Queue{},
		DeadLetterQueues: map[Function]awssqs.Queue{},
		Rules:            map[Function]awsevents.Rule{},
	}
	e.Table = awsdynamodb.NewTable(e.Construct, jsii.String("Ledger"), &awsdynamodb.TableProps{
		PartitionKey: &awsdynamodb.Attribute{Name: jsii.String(eventdriven.KeyAttribute), Type: awsdynamodb.AttributeType_STRING},
		BillingMode:  awsdynamodb.BillingMode_PAY_PER_REQUEST,
		PointInTimeRecoverySpecification: &awsdynamodb.PointInTimeRecoverySpecification{
			PointInTimeRecoveryEnabled: jsii.Bool(true),
		},
		Encryption:         awsdynamodb.TableEncryption_AWS_MANAGED,
		DeletionProtection: jsii.Bool(true),
		// The ledger is the only record of what was made for each key.
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})

	for _, fn := range fns {
		spec, ok := specOf(fn)
		types := functionResourceTypes(fn)
		if !ok || len(types) == 0 {
			panic(fmt.Sprintf("dataaccess: EventDrivenProvisioningProps.Functions: %q is not a function of the provider; allowed: %v", fn, Functions()))
		}
		function := provider.Function(fn)
		if function == nil {
			panic(fmt.Sprintf("dataaccess: the provider has no %s function", fn))
		}
		dlq := awssqs.NewQueue(e.Construct, jsii.String(spec.id+"DeadLetterQueue"), &awssqs.QueueProps{
			Fifo:            jsii.Bool(true),
			Encryption:      awssqs.QueueEncryption_SQS_MANAGED,
			EnforceSSL:      jsii.Bool(true),
			RetentionPeriod: awscdk.Duration_Days(jsii.Number(14)),
		})
		// Visibility: six times the function's timeout, as Lambda advises
		// for a queue it consumes, so that a running delivery is never
		// handed to a second invocation.
		queue := awssqs.NewQueue(e.Construct, jsii.String(spec.id+"Queue"), &awssqs.QueueProps{
			Fifo: jsii.Bool(true),
			// Deduplication is by EventBridge event ID, so that the same
			// request put twice is one message, and two requests with the
			// same body are two.
			ContentBasedDeduplication: jsii.Bool(false),
			Encryption:                awssqs.QueueEncryption_SQS_MANAGED,
			EnforceSSL:                jsii.Bool(true),
			VisibilityTimeout:         awscdk.Duration_Minutes(jsii.Number(6 * spec.timeoutMinutes)),
			RetentionPeriod:           awscdk.Duration_Days(jsii.Number(4)),
			DeadLetterQueue:           &awssqs.DeadLetterQueue{Queue: dlq, MaxReceiveCount: jsii.Number(maxReceive)},
		})
		rule := awsevents.NewRule(e.Construct, jsii.String(spec.id+"Requests"), &awsevents.RuleProps{
			Description: jsii.String(fmt.Sprintf("Request events for %s, to the %s function's queue.", strings.Join(types, " and "), fn)),
			EventBus:    props.RequestBus,
			EventPattern: &awsevents.EventPattern{
				Source:     jsii.Strings(sources...),
				DetailType: jsii.Strings(eventdriven.DetailTypeRequest),
				Detail:     &map[string]any{"resourceType": types},
			},
		})
		// Message group = the key, so that SQS hands a key's requests to
		// the function one at a time and in order.
		rule.AddTarget(awseventstargets.NewSqsQueue(queue, &awseventstargets.SqsQueueProps{
			MessageGroupId: awsevents.EventField_FromPath(jsii.String("$.detail.key")),
		}))
		function.AddEventSource(awslambdaeventsources.NewSqsEventSource(queue, &awslambdaeventsources.SqsEventSourceProps{
			BatchSize:               jsii.Number(10),
			ReportBatchItemFailures: jsii.Bool(true),
		}))
		function.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String("EventDrivenLedger"),
			Actions:   jsii.Strings("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"),
			Resources: &[]*string{e.Table.TableArn()},
		}))
		function.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String("EventDrivenResults"),
			Actions:   jsii.Strings("events:PutEvents"),
			Resources: &[]*string{resultBus.EventBusArn()},
		}))
		function.AddEnvironment(jsii.String(eventdriven.EnvTable), e.Table.TableName(), nil)
		function.AddEnvironment(jsii.String(eventdriven.EnvSources), jsii.String(strings.Join(sources, ",")), nil)
		function.AddEnvironment(jsii.String(eventdriven.EnvResultBus), resultBus.EventBusName(), nil)
		function.AddEnvironment(jsii.String(eventdriven.EnvResultSource), jsii.String(resultSource), nil)
		e.Queues[fn], e.DeadLetterQueues[fn], e.Rules[fn] = queue, dlq, rule
	}
	return e
}
