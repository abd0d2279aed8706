package customresource

import (
	"testing"
	"time"
)

func TestBackoffDelay(t *testing.T) {
	b := backoff{first: 100 * time.Millisecond, max: time.Second}
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
				d := b.delay(tc.retry)
				if d < tc.min || d > tc.max {
					t.Fatalf("delay(%d) = %v, want between %v and %v", tc.retry, d, tc.min, tc.max)
				}
				seen[d] = true
			}
			// Fifty equal draws from a range of millions of nanoseconds
			// mean there is no jitter.
			if len(seen) == 1 {
				t.Errorf("delay(%d) returned the same value 50 times; want jitter", tc.retry)
			}
		})
	}
}
