package retry

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestBackoffDelay(t *testing.T) {
	b := Backoff{First: 100 * time.Millisecond, Max: time.Second}
	tests := map[string]struct {
		retry    int
		min, max time.Duration
	}{
		"first retry":  {retry: 1, min: 50 * time.Millisecond, max: 100 * time.Millisecond},
		"second retry": {retry: 2, min: 100 * time.Millisecond, max: 200 * time.Millisecond},
		"fourth retry": {retry: 4, min: 400 * time.Millisecond, max: 800 * time.Millisecond},
		"capped":       {retry: 10, min: 500 * time.Millisecond, max: time.Second},
		"no overflow":  {retry: 40, min: 500 * time.Millisecond, max: time.Second},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			seen := map[time.Duration]bool{}
			for range 50 {
				d := b.Delay(tc.retry)
				if d < tc.min || d > tc.max {
					t.Fatalf("Delay(%d) = %v, want between %v and %v", tc.retry, d, tc.min, tc.max)
				}
				seen[d] = true
			}
			// Fifty equal draws from a range of millions of nanoseconds
			// mean there is no jitter.
			if len(seen) == 1 {
				t.Errorf("Delay(%d) returned the same value 50 times; want jitter", tc.retry)
			}
		})
	}
}

var (
	errTransient = errors.New("transient")
	errFatal     = errors.New("fatal")
)

func fast() Backoff { return Backoff{First: time.Microsecond, Max: time.Microsecond} }

func TestDo(t *testing.T) {
	transient := func(err error) bool { return errors.Is(err, errTransient) }
	tests := map[string]struct {
		policy        Policy
		results       []error // f's answers in turn; the last repeats
		wantCalls     int
		wantErr       error
		wantExhausted bool
	}{
		"success first":          {policy: Policy{Backoff: fast(), Attempts: 3, Retryable: transient}, results: []error{nil}, wantCalls: 1},
		"success after retries":  {policy: Policy{Backoff: fast(), Attempts: 3, Retryable: transient}, results: []error{errTransient, errTransient, nil}, wantCalls: 3},
		"not retryable":          {policy: Policy{Backoff: fast(), Attempts: 3, Retryable: transient}, results: []error{errTransient, errFatal}, wantCalls: 2, wantErr: errFatal},
		"attempts run out":       {policy: Policy{Backoff: fast(), Attempts: 4, Retryable: transient}, results: []error{errTransient}, wantCalls: 4, wantErr: errTransient, wantExhausted: true},
		"nil classifier retries": {policy: Policy{Backoff: fast(), Attempts: 2}, results: []error{errFatal}, wantCalls: 2, wantErr: errFatal, wantExhausted: true},
		// A wait longer than the budget is not started.
		"budget shorter than a wait": {policy: Policy{Backoff: Backoff{First: time.Hour, Max: time.Hour}, Budget: time.Minute, Retryable: transient}, results: []error{errTransient}, wantCalls: 1, wantErr: errTransient, wantExhausted: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			calls := 0
			n, err := Do(context.Background(), tc.policy, func(context.Context) error {
				r := tc.results[min(calls, len(tc.results)-1)]
				calls++
				return r
			})
			if n != tc.wantCalls || calls != tc.wantCalls {
				t.Errorf("Do made %d calls (reported %d), want %d", calls, n, tc.wantCalls)
			}
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil) != (err == nil) {
				t.Errorf("error = %v, want %v", err, tc.wantErr)
			}
			if IsExhausted(err) != tc.wantExhausted {
				t.Errorf("IsExhausted(%v) = %t, want %t", err, IsExhausted(err), tc.wantExhausted)
			}
		})
	}
}

// TestDoDeadline checks that the context's deadline less the reserve
// bounds the loop: no wait is started that would end past it.
func TestDoDeadline(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	p := Policy{Backoff: Backoff{First: 10 * time.Minute, Max: 10 * time.Minute}, Reserve: 55 * time.Minute}
	n, err := Do(ctx, p, func(context.Context) error { return errTransient })
	if n != 1 || !IsExhausted(err) || !errors.Is(err, errTransient) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Do = %d, %v; want 1 call and an ExhaustedError wrapping the last error and the deadline", n, err)
	}
}

// TestDoCancelled checks that a context ending during a wait ends the loop
// with the context's error and the last error.
func TestDoCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	p := Policy{Backoff: Backoff{First: time.Hour, Max: time.Hour}}
	n, err := Do(ctx, p, func(context.Context) error { cancel(); return errTransient })
	if n != 1 || !errors.Is(err, context.Canceled) || !errors.Is(err, errTransient) {
		t.Errorf("Do = %d, %v; want 1 call and an error wrapping context.Canceled and the last error", n, err)
	}
}
