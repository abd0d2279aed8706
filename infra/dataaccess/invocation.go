package dataaccess

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

// How long CloudFormation and Lambda keep trying to get an answer from a
// function. CloudFormation invokes the functions asynchronously. The runtime
// answers every request before the function's timeout, and fails the
// invocation only when it could not deliver its answer, so that Lambda's
// retry is CloudFormation's one more chance of one. The settings below
// allow exactly that retry and make CloudFormation wait for it, not for its
// default hour:
//
//   - a first invocation takes at most the function's timeout T;
//   - Lambda retries once, about a minute later (asyncRetryDelay);
//   - an event, first or retried, older than T + asyncRetryDelay +
//     asyncQueueSlack is dropped, since it could no longer finish in time;
//   - CloudFormation waits 2T + asyncRetryDelay + asyncQueueSlack.
const (
	// asyncRetryAttempts is how often Lambda retries an invocation that
	// failed.
	asyncRetryAttempts = 1
	// asyncRetryDelayMinutes is Lambda's delay before the first retry of
	// an asynchronous invocation.
	asyncRetryDelayMinutes = 1
	// asyncQueueSlackMinutes covers queueing in Lambda's event queue and
	// cold starts.
	asyncQueueSlackMinutes = 1
)

// maxEventAge is how old an event of the function may be when Lambda runs
// it: older, its run could end after CloudFormation stopped waiting, and
// create something no stack knows about.
func (s functionSpec) maxEventAge() awscdk.Duration {
	return awscdk.Duration_Minutes(jsii.Number(s.timeoutMinutes + asyncRetryDelayMinutes + asyncQueueSlackMinutes))
}

// serviceTimeout is how long CloudFormation waits for the function's
// answer: one invocation, and the one retry that maxEventAge still lets run.
func (s functionSpec) serviceTimeout() awscdk.Duration {
	return awscdk.Duration_Minutes(jsii.Number(2*s.timeoutMinutes + asyncRetryDelayMinutes + asyncQueueSlackMinutes))
}

// serviceTimeoutOf is the serviceTimeout of function fn, or nil (CloudFormation's
// default) for a Function that is not one of the provider's.
func serviceTimeoutOf(fn Function) awscdk.Duration {
	if spec, ok := specOf(fn); ok {
		return spec.serviceTimeout()
	}
	return nil
}
