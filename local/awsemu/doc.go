// Package awsemu is an in-memory AWS for tests and for `make run`: it
// speaks the real wire protocols, so unmodified aws-sdk-go-v2 clients and
// the AWS CLI (with --endpoint-url) work against it.
//
// It emulates the operations the custom resources call, with AWS's
// semantics and error codes: IAM and STS (query/XML), EC2 (ec2 query),
// Redshift (query/XML), and Secrets Manager, Redshift Serverless and the
// Redshift Data API (JSON 1.1). Two accounts, AccountA and AccountB, keep
// separate state; the access keys AccessKeyA and AccessKeyB act as their
// administrators, and STS AssumeRole issues keys for role sessions.
//
// In a test:
//
//	srv := awsemu.Start()
//	defer srv.Close()
//	client := iam.NewFromConfig(srv.Config(awsemu.AccountA))
//
// Tests inject faults per service and operation (InjectFault, Throttle,
// ServerError, added latency), delay the visibility of new IAM principals
// (SetIAMPropagationDelay) and control time (WithClock). The command
// local/cmd/awsemu serves an emulator on loopback; docs/emulator.md shows
// the AWS CLI against it.
//
// Each service lives in its own files and registers itself in an init
// function with its signing name, protocol and operation handlers;
// emulator.go and protocol.go decode requests and encode results and
// errors for every service.
package awsemu
