// Package awsconfig loads the aws.Config of the provider's Lambda
// functions: the SDK's standard environment (region, credentials chain,
// AWS_ENDPOINT_URL) with a retry budget sized to the function's deadline
// instead of the SDK's default of three attempts.
//
// CloudFormation creates a stack's independent resources in parallel, and
// IAM throttles an account's calls ("Rate exceeded"). A resource that gives
// up after three attempts fails, and CloudFormation rolls the whole stack
// back, although the account's rate would have served the call a few
// seconds later. So the functions retry throttling (and the SDK's other
// retryable errors) until the context ends: the customresource runtime
// cancels it a deadline margin (customresource.DefaultDeadlineMargin)
// before the Lambda deadline, in time to answer FAILED.
package awsconfig

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

// Function is one of the provider's Lambda functions; its value is the
// function's timeout, as infra/dataaccess/functions.go configures it.
type Function time.Duration

// The provider's functions. Keep their timeouts equal to those in
// infra/dataaccess/functions.go.
const (
	Access   = Function(5 * time.Minute)
	Secret   = Function(5 * time.Minute)
	Endpoint = Function(15 * time.Minute)
	DBUser   = Function(5 * time.Minute)
)

// MaxBackoff caps the wait between two attempts. The wait is drawn at
// random between zero and min(MaxBackoff, 2^(attempt-1) seconds) ("full
// jitter"), so that the grants of one stack, throttled together, spread
// their retries over the account's rate instead of coming back at once.
// Five seconds keeps a throttled call close behind the rate: a longer cap
// would leave the account's rate idle while the calls sleep.
const MaxBackoff = 5 * time.Second

// Budget is a retry budget: the longest a call is retried, the cap of the
// wait between attempts and the wait's base (the cap of the first wait).
type Budget struct {
	Window     time.Duration
	MaxBackoff time.Duration
	Base       time.Duration
}

// BudgetOf is the retry budget of fn: retries for the function's timeout
// less the runtime's deadline margin, the time in which a resource may
// still succeed.
func BudgetOf(fn Function) Budget {
	return Budget{
		Window:     time.Duration(fn) - customresource.DefaultDeadlineMargin,
		MaxBackoff: MaxBackoff,
		Base:       time.Second,
	}
}

// MaxAttempts is the number of attempts that fill b's window when every
// wait is the mean of its full-jitter draw (half the cap), plus the first
// attempt. It is an upper bound on the attempts a call makes in practice,
// not what ends them: the context, cancelled at the runtime's deadline
// margin, ends a call that is still being throttled, and the attempt limit
// only stops a call whose waits came out short by chance from running
// unboundedly against an unlimited context.
func (b Budget) MaxAttempts() int {
	mean := b.MaxBackoff / 2
	if mean <= 0 {
		return 1
	}
	return 1 + int((b.Window+mean-1)/mean)
}

// Retryer returns the SDK standard retryer with budget b.
//
// It has no client-side retry quota (ratelimit.None). The standard
// retryer's token bucket (retry.NewTokenRateLimit, 500 tokens, 5 per
// retry) fails a retry at once with "retry quota exceeded" when the bucket
// is empty, which is what a burst of throttled calls empties it into: it
// protects a service from retry storms in an outage, but here it would turn
// a throttled stack into failed resources and a rollback, which is what the
// retry budget is there to avoid. The storm is bounded without it: each
// invocation retries only until its deadline margin, with full-jitter
// backoff, and throttling answers are cheap for the service.
func (b Budget) Retryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = b.MaxAttempts()
		o.MaxBackoff = b.MaxBackoff
		o.Backoff = fullJitter{base: b.Base, max: b.MaxBackoff}
		o.RateLimiter = ratelimit.None
	})
}

// fullJitter waits a random time in [0, min(max, base*2^(attempt-1))).
type fullJitter struct {
	base, max time.Duration
}

func (j fullJitter) BackoffDelay(attempt int, _ error) (time.Duration, error) {
	ceiling := j.max
	if attempt >= 1 && attempt < 32 {
		if d := j.base << (attempt - 1); d > 0 && d < ceiling {
			ceiling = d
		}
	}
	if ceiling <= 0 {
		return 0, nil
	}
	return rand.N(ceiling), nil
}

// Load loads the standard AWS configuration of the environment (region,
// credentials, AWS_ENDPOINT_URL and the rest of the SDK's settings) with
// fn's retry budget.
func Load(ctx context.Context, fn Function) (aws.Config, error) {
	b := BudgetOf(fn)
	return config.LoadDefaultConfig(ctx, config.WithRetryer(b.Retryer))
}
