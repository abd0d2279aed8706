package access

import (
	"context"
	"fmt"
	"time"
)

// invalidPrincipalTimeout bounds how long a trust policy that IAM rejects
// with "Invalid principal in policy" is retried: a principal created moments
// ago in another account takes a while to become visible to IAM.
const invalidPrincipalTimeout = 2 * time.Minute

// Backoff of retryInvalidPrincipal.
const (
	invalidPrincipalFirstDelay = time.Second
	invalidPrincipalMaxDelay   = 10 * time.Second
)

// retryInvalidPrincipal calls f until it no longer fails with IAM's
// "Invalid principal in policy", for at most r.principalWait and never past
// ctx. Any other error, and the last one at the bound, is returned.
func (r *CrossAccountRole) retryInvalidPrincipal(ctx context.Context, f func() error) error {
	deadline := time.Now().Add(r.principalWait)
	delay := invalidPrincipalFirstDelay
	for {
		err := f()
		if !isInvalidPrincipal(err) {
			return err
		}
		wait := min(delay, time.Until(deadline))
		if wait <= 0 {
			return fmt.Errorf("a trusted principal stayed invalid for IAM for %s (it may not exist, or not be visible yet): %w", r.principalWait, err)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("waiting for a trusted principal to become valid: %w (last error: %w)", ctx.Err(), err)
		case <-t.C:
		}
		delay = min(2*delay, invalidPrincipalMaxDelay)
	}
}
