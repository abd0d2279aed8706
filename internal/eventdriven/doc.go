// Package eventdriven drives the custom resources from EventBridge events
// instead of CloudFormation: a request event (Apply or Delete of a key)
// becomes the same trigger-agnostic customresource.Request, a DynamoDB
// ledger remembers what CloudFormation would remember for a stack (the
// physical ID and the last applied properties of each key), and the outcome
// is put back on EventBridge as a result event.
//
// The adapter does for a key what CloudFormation does for a stack: an Apply
// of a new key is a Create, of a known key an Update with the stored
// properties as OldProperties; after a replacement it deletes the old
// physical ID; after a failed Update it sends the rollback Update; a failed
// Create leaves nothing behind; a Delete of an unknown key succeeds.
//
// Requests arrive through an SQS queue (FIFO, message group = key, so that
// the requests of one key apply in order). A request that can never succeed
// is answered with a Failed result event at once; a failure of the adapter's
// own calls (DynamoDB, EventBridge) or a concurrent delivery for the same
// key is reported as a batch item failure, so SQS delivers it again.
package eventdriven
