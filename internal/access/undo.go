package access

import (
	"context"
	"fmt"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

// undo runs fn to remove what a failing Create made, and returns cause,
// with the undo's own failure added when there is one. The undo runs in
// customresource.CleanupContext.
func undo(ctx context.Context, cause error, what string, fn func(context.Context) error) error {
	cctx, cancel := customresource.CleanupContext(ctx)
	defer cancel()
	if err := fn(cctx); err != nil {
		return fmt.Errorf("%w; undoing %s also failed: %w", cause, what, err)
	}
	return cause
}
