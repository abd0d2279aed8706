// Package e2e tests the product end to end: the functions are built as
// Lambda would run them (bootstrap binaries, -tags lambda.norpc), run under
// the AWS Lambda Runtime Interface Emulator (package local/lambdarie) with only
// the standard SDK environment, and driven through CloudFormation's
// requests (package local/lifecycle) against the local AWS emulator
// (package local/awsemu), served on loopback by the test process: the
// functions reach it over HTTP through AWS_ENDPOINT_URL as they would the
// standalone server of local/cmd/awsemu, which runs the same emulator.
// After each test the logs of the functions are checked for the secret's
// password and for ResponseURL signatures.
//
// The event path is tested the same way (events_test.go): the functions
// run with it on, DynamoDB, SQS and EventBridge come from kumo's
// in-process server, and the test delivers SQS batches through the
// emulator's invoke, playing the steps and checks of package
// internal/eventdriven/eventtest that the in-process suite plays too.
//
// The package holds only tests. The first test that needs them builds the
// functions into a temporary directory and aws-lambda-rie once into
// the user's cache directory (or uses the binary named by AWS_LAMBDA_RIE);
// the tests skip where the Go tool is missing or the system is not Linux,
// the only one the runtime interface emulator runs on.
package e2e
