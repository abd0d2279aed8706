package access

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/internal/retry"
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
	policy := retry.Policy{
		Backoff:   retry.Backoff{First: invalidPrincipalFirstDelay, Max: invalidPrincipalMaxDelay},
		Budget:    r.principalWait,
		Retryable: isInvalidPrincipal,
	}
	_, err := retry.Do(ctx, policy, func(context.Context) error { return f() })
	var exhausted *retry.ExhaustedError
	switch {
	case errors.As(err, &exhausted) && exhausted.Deadline:
		return fmt.Errorf("waiting for a trusted principal to become valid: %w", err)
	case errors.As(err, &exhausted):
		// Name the property, so that the Reason says what to fix.
		return errors.Join(&customresource.PropertyError{
			Property: "TrustedPrincipalArns",
			Problem:  fmt.Sprintf("a trusted principal stayed invalid for IAM for %s (it may not exist, or not be visible yet)", r.principalWait),
			Allowed:  "existing roles or accounts",
		}, exhausted.Err)
	case err != nil && ctx.Err() != nil && isInvalidPrincipal(err):
		return fmt.Errorf("waiting for a trusted principal to become valid: %w", err)
	}
	return err
}
