// Command awsemu serves the local AWS emulator (package
// local/awsemu) on a loopback address, for `make run`, for end-to-end tests
// of the built functions and for a person with the AWS CLI.
//
// Usage:
//
//	awsemu [-addr 127.0.0.1:4566] [-region us-east-1] [-statement-delay 50ms] [-allow-non-loopback]
//
// On start it prints the endpoint URL and the environment that points the
// AWS CLI and SDKs at it. The emulator's state lives as long as the
// process; SIGINT or SIGTERM shut it down gracefully.
//
// The emulator checks no signatures and grants every request, so it refuses
// to listen on anything but loopback unless -allow-non-loopback is given.
package main
