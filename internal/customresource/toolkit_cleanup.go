package customresource

import (
	"context"
	"time"
)

// CleanupTimeout bounds the undo of what a failing Create made. A failed
// Create answers CloudFormation with a marker that no Delete ever cleans
// up, so the request itself must remove what it made or put back what it
// changed. The undo may start when the request's context has just ended
// (that may be why the Create failed), so it must fit, with the response
// PUT, in DefaultDeadlineMargin.
const CleanupTimeout = 10 * time.Second

// CleanupContext returns the context for such an undo: detached from
// ctx's cancellation and deadline, keeping its values, and bounded by
// CleanupTimeout.
func CleanupContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), CleanupTimeout)
}
