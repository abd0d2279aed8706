// Package bench measures the product's performance budgets (docs/bench.md):
// the cold start, zipped size and peak memory of each Lambda function, and
// the number of AWS API calls each resource makes per action, side by side
// with the Node.js handler of the CDK provider framework on the same
// machine.
//
// The package holds the measuring instruments; the benchmarks that use
// them are in its _test.go files and run with make bench:
//
//   - Counter wraps the local AWS emulator and records every request's
//     service and operation, so that a test can count the calls of an
//     action and tell mutating calls from reads.
//   - Build compiles a function the way the Makefile does, and ZipSize
//     packages it the way a Lambda deployment does.
//   - ColdStart runs a built bootstrap against RuntimeAPI, a fake of the
//     Lambda Runtime API on loopback, and measures the time from exec to
//     the function's first poll for work and its peak resident memory after
//     one invocation.
//   - FindProviderFramework and NodeStart measure the Node.js handler of
//     the CDK provider framework the same way: with its AWS SDK clients
//     where node finds them (ProviderFrameworkSDK), and with them stubbed,
//     a lower bound that runs on any machine with node.
//
// See docs/bench.md for the method and the numbers measured.
package bench
