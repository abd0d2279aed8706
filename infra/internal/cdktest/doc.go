// Package cdktest holds what the tests of the CDK app and of its construct
// package share: dummy function assets, so that no test needs make build,
// decoding a synthesized template, and reading cdk-nag's findings.
package cdktest
