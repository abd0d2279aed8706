package access

import (
	"context"
	"fmt"
	"time"
)

// cleanupTimeout bounds the undo of a half-done Create. A failed Create
// answers CloudFormation with a marker that no Delete ever cleans up, so
// what the failed request made must be removed by the request itself. The
// undo runs even when the request's context has ended (it may be why the
// Create failed), but not for longer than this.
const cleanupTimeout = 20 * time.Second

// undo runs fn to remove what a failing Create made, and returns cause,
// with the undo's own failure added when there is one.
func undo(ctx context.Context, cause error, what string, fn func(context.Context) error) error {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	if err := fn(cctx); err != nil {
		return fmt.Errorf("%w; undoing %s also failed: %w", cause, what, err)
	}
	return cause
}
