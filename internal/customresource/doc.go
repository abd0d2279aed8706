// Package customresource is the runtime that serves CloudFormation custom
// resources from a Lambda function: it adapts cfn.Event requests to the
// trigger-agnostic Resource interface, guarantees exactly one response per
// request (on error, panic and at the Lambda deadline), sends it to the
// pre-signed ResponseURL within CloudFormation's limits, and logs each
// request as structured JSON without secrets or the ResponseURL.
//
// The package has two halves, told apart by file name:
//
//   - The runtime: handler.go (Handler and all its methods), run.go,
//     response.go, send.go, responseurl.go, marker.go, and resource.go (the
//     Request, Result and Resource contract a resource implements).
//   - The resource author's toolkit, in the toolkit_*.go files: property
//     parsing with errors that name the property (PropertyReader,
//     PropertyError), deterministic generated names, request hashes and
//     idempotency tokens (GeneratedName, RequestHash, IdempotencyToken), and
//     the context for undoing a failed Create (CleanupContext).
//
// ARNs and stack IDs are read with package awsarn, AWS errors classified
// with package awserr, and retries bounded with package retry.
package customresource
