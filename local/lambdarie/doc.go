// Package lambdarie runs a built Lambda bootstrap binary under the AWS Lambda
// Runtime Interface Emulator (github.com/aws/aws-lambda-runtime-interface-emulator),
// so that end-to-end tests and `make run` invoke the very binary that is
// deployed, through the real Lambda runtime API.
//
// Start launches aws-lambda-rie on free loopback ports with the bootstrap
// as its command, Invoke posts a payload to the emulator's invocation
// endpoint, and InvokeEvent delivers a CloudFormation custom-resource event
// in the shape of the lifecycle driver's Invoke. Build compiles
// aws-lambda-rie from the module version this repository pins.
//
// The emulator runs only on Linux; the function sees only the environment
// given in Options, never the caller's, so that host credentials cannot
// leak into a test.
package lambdarie
