// Package customresource is the runtime that serves CloudFormation custom
// resources from a Lambda function: it adapts cfn.Event requests to the
// trigger-agnostic Resource interface, guarantees exactly one response per
// request (on error, panic and at the Lambda deadline), sends it to the
// pre-signed ResponseURL within CloudFormation's limits, and logs each
// request as structured JSON without secrets or the ResponseURL.
//
// It also holds what every resource shares: property parsing with errors
// that name the property (PropertyReader), and deterministic generated names
// and idempotency tokens (GeneratedName, IdempotencyToken).
package customresource
