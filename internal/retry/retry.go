// Package retry is the product's one bounded retry loop, for the few named
// cases where an answer is expected to change with time: a response PUT
// that met a network error or a 5xx, a VPC endpoint that is not yet
// available, a trust policy whose principal IAM does not see yet.
// Throttling is not retried here: that is the SDK retryer's.
//
// A Policy names its budget (attempts, time, or both), the classifier of
// the errors worth another attempt, and how long before the context's
// deadline to give up. Backoff is exponential with jitter.
package retry

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// Backoff is jittered exponential backoff.
type Backoff struct {
	First, Max time.Duration
}

// Delay is the wait before retry n (1 for the first retry): a random
// duration between half and all of First*2^(n-1), capped at Max. The
// jitter spreads the retries of functions that failed together.
func (b Backoff) Delay(n int) time.Duration {
	d := b.First
	for i := 1; i < n && d < b.Max; i++ {
		d *= 2
	}
	d = min(d, b.Max)
	if d <= 1 {
		return d
	}
	return d/2 + rand.N(d/2)
}

// Policy bounds a retry loop.
type Policy struct {
	Backoff Backoff
	// Attempts bounds the calls; 0 is no bound.
	Attempts int
	// Budget bounds the time from the first call; 0 is no bound.
	Budget time.Duration
	// Reserve is how long before the context's deadline the loop stops.
	Reserve time.Duration
	// Retryable says whether an error is worth another attempt; nil
	// retries every error.
	Retryable func(error) bool
}

// ExhaustedError is returned by Do when the budget ran out (attempts, time,
// or the context deadline less the reserve) while f still failed with a
// retryable error, which it wraps.
type ExhaustedError struct {
	Attempts int
	Elapsed  time.Duration
	Err      error
	// Deadline says that the context's deadline (less the reserve), not
	// the policy's own budget, ended the loop; the error then also wraps
	// context.DeadlineExceeded.
	Deadline bool
}

func (e *ExhaustedError) Error() string {
	msg := fmt.Sprintf("giving up after %d attempts in %s", e.Attempts, e.Elapsed.Round(time.Millisecond))
	if e.Deadline {
		msg += " before the context's deadline"
	}
	return msg + ": " + e.Err.Error()
}

func (e *ExhaustedError) Unwrap() []error {
	if e.Deadline {
		return []error{e.Err, context.DeadlineExceeded}
	}
	return []error{e.Err}
}

// Do calls f until it succeeds or fails with an error p.Retryable rejects,
// waiting p.Backoff between calls. It stops with an *ExhaustedError when
// another wait would end past the budget or past ctx's deadline less
// p.Reserve, and with an error wrapping ctx.Err() (and the last error) when
// ctx ends during a wait. It returns the number of calls made.
func Do(ctx context.Context, p Policy, f func(context.Context) error) (int, error) {
	start := time.Now()
	var deadline time.Time
	if p.Budget > 0 {
		deadline = start.Add(p.Budget)
	}
	fromContext := false
	if d, ok := ctx.Deadline(); ok && (deadline.IsZero() || d.Add(-p.Reserve).Before(deadline)) {
		deadline, fromContext = d.Add(-p.Reserve), true
	}
	for attempt := 1; ; attempt++ {
		err := f(ctx)
		if err == nil || (p.Retryable != nil && !p.Retryable(err)) {
			return attempt, err
		}
		wait := p.Backoff.Delay(attempt)
		if p.Attempts > 0 && attempt >= p.Attempts {
			return attempt, &ExhaustedError{Attempts: attempt, Elapsed: time.Since(start), Err: err}
		}
		if !deadline.IsZero() && !time.Now().Add(wait).Before(deadline) {
			return attempt, &ExhaustedError{Attempts: attempt, Elapsed: time.Since(start), Err: err, Deadline: fromContext}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return attempt, fmt.Errorf("%w (last error: %w)", ctx.Err(), err)
		case <-t.C:
		}
	}
}

// IsExhausted reports whether err is an *ExhaustedError.
func IsExhausted(err error) bool {
	var e *ExhaustedError
	return errors.As(err, &e)
}
