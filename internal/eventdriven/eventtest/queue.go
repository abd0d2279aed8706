package eventtest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/redshift-data-access/redshift-data-access/internal/eventdriven"
)

// CreateLedgerTable creates a ledger table: one item per key, the key
// the partition key.
func CreateLedgerTable(ctx context.Context, ddb *dynamodb.Client, name string) error {
	_, err := ddb.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String(eventdriven.KeyAttribute), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String(eventdriven.KeyAttribute), KeyType: ddbtypes.KeyTypeHash}},
		BillingMode:          ddbtypes.BillingModePayPerRequest,
	})
	if err != nil {
		return fmt.Errorf("creating ledger table %s: %w", name, err)
	}
	return nil
}

// CreateQueue creates the FIFO request queue name (ending in .fifo) and
// returns its URL.
func CreateQueue(ctx context.Context, c *sqs.Client, name string) (string, error) {
	q, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: map[string]string{"FifoQueue": "true"}})
	if err != nil {
		return "", fmt.Errorf("creating queue %s: %w", name, err)
	}
	return aws.ToString(q.QueueUrl), nil
}

// Send puts a request event on the FIFO queue as the EventBridge rule
// would: message group = key, deduplication ID = dedup.
func Send(ctx context.Context, c *sqs.Client, queueURL, body, key, dedup string) error {
	if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(queueURL), MessageBody: aws.String(body),
		MessageGroupId: aws.String(key), MessageDeduplicationId: aws.String(dedup)}); err != nil {
		return fmt.Errorf("sending to the queue: %w", err)
	}
	return nil
}

// Handle is a function's answer to an SQS batch.
type Handle func(ctx context.Context, batch events.SQSEvent) (events.SQSEventResponse, error)

// ErrNeverEmpty is Drain's error when the queue does not empty.
var ErrNeverEmpty = errors.New("the queue did not empty after 100 batches: a request never converges")

// Drain plays the Lambda event source mapping: it receives batches of up
// to ten messages, hands them to handle, deletes what succeeded and makes
// the batch item failures visible again at once, until the queue is
// empty. It returns how many deliveries handle reported failed. An error
// of handle, which would fail the whole batch, is returned.
func Drain(ctx context.Context, c *sqs.Client, queueURL, region string, handle Handle) (int, error) {
	failures := 0
	for range 100 {
		out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
			QueueUrl: aws.String(queueURL), MaxNumberOfMessages: 10,
			MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameAll},
		})
		if err != nil {
			return failures, fmt.Errorf("receiving from the queue: %w", err)
		}
		if len(out.Messages) == 0 {
			return failures, nil
		}
		var batch events.SQSEvent
		for _, m := range out.Messages {
			attrs := maps.Clone(m.Attributes)
			if attrs == nil {
				attrs = map[string]string{}
			}
			batch.Records = append(batch.Records, events.SQSMessage{
				MessageId: aws.ToString(m.MessageId), ReceiptHandle: aws.ToString(m.ReceiptHandle), Body: aws.ToString(m.Body),
				Attributes: attrs, EventSource: "aws:sqs", AWSRegion: region,
			})
		}
		resp, err := handle(ctx, batch)
		if err != nil {
			return failures, fmt.Errorf("handling a batch of %d, which fails the whole batch: %w", len(batch.Records), err)
		}
		failed := map[string]bool{}
		for _, f := range resp.BatchItemFailures {
			failed[f.ItemIdentifier] = true
		}
		failures += len(failed)
		for _, r := range batch.Records {
			if failed[r.MessageId] {
				_, err = c.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{
					QueueUrl: aws.String(queueURL), ReceiptHandle: aws.String(r.ReceiptHandle), VisibilityTimeout: 0})
			} else {
				_, err = c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(queueURL), ReceiptHandle: aws.String(r.ReceiptHandle)})
			}
			if err != nil {
				return failures, fmt.Errorf("settling message %s: %w", r.MessageId, err)
			}
		}
	}
	return failures, ErrNeverEmpty
}

// DeliverConcurrently plays concurrent invocations: round after round,
// message i of those pending goes to handles[i%len(handles)], each
// handle's share in one batch and all handles at once, and the batch item
// failures are delivered again, until none fail. It gives up after 20
// rounds.
func DeliverConcurrently(ctx context.Context, handles []Handle, pending []events.SQSMessage) error {
	for round := 0; len(pending) > 0; round++ {
		if round == 20 {
			return fmt.Errorf("deliveries still failing after %d rounds: %v", round, pending)
		}
		var (
			wg     sync.WaitGroup
			mu     sync.Mutex
			failed []events.SQSMessage
			errs   []error
		)
		for i, handle := range handles {
			var batch events.SQSEvent
			for j, m := range pending {
				if j%len(handles) == i {
					batch.Records = append(batch.Records, m)
				}
			}
			if len(batch.Records) == 0 {
				continue
			}
			wg.Go(func() {
				resp, err := handle(ctx, batch)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					errs = append(errs, err)
					return
				}
				ids := map[string]bool{}
				for _, it := range resp.BatchItemFailures {
					ids[it.ItemIdentifier] = true
				}
				for _, m := range batch.Records {
					if ids[m.MessageId] {
						failed = append(failed, m)
					}
				}
			})
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return err
		}
		pending = failed
	}
	return nil
}
