package dbuser

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/redshiftdata"
	rdtypes "github.com/aws/aws-sdk-go-v2/service/redshiftdata/types"
)

// Polling of a statement: the first DescribeStatement after
// firstPollDelay, then each delay doubled up to maxPollDelay, until the
// statement ends or the context does.
const (
	firstPollDelay = 100 * time.Millisecond
	maxPollDelay   = 2 * time.Second
	// cleanupTimeout bounds the cancel and the undo that follow a request
	// whose context has ended.
	cleanupTimeout = 20 * time.Second
)

// StatementError is a statement that Redshift ran and refused; Message is
// Redshift's error, which names the problem (a missing object, a user that
// exists or does not).
type StatementError struct {
	ID      string
	Status  string
	Message string
}

func (e *StatementError) Error() string {
	return fmt.Sprintf("statement %s %s: %s", e.ID, e.Status, e.Message)
}

// StillRunningError is a statement that had not ended by the request's
// deadline; it was cancelled.
type StillRunningError struct {
	ID string
	// Cancelled reports whether CancelStatement took: then nothing of the
	// statement took effect.
	Cancelled bool
}

func (e *StillRunningError) Error() string {
	if e.Cancelled {
		return fmt.Sprintf("statement %s was still running at the deadline and was cancelled; nothing was changed", e.ID)
	}
	return fmt.Sprintf("statement %s was still running at the deadline and could not be cancelled", e.ID)
}

// waitStatement polls the statement id until it is FINISHED, FAILED or
// ABORTED. A statement that ends otherwise than FINISHED is a
// *StatementError. When ctx ends first, the statement is cancelled and
// the error is a *StillRunningError, unless the statement finished in the
// meantime.
func waitStatement(ctx context.Context, data DataClient, id string) error {
	delay := firstPollDelay
	for {
		timer := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			timer.Stop()
			return cancelStatement(ctx, data, id)
		case <-timer.C:
		}
		d, err := data.DescribeStatement(ctx, &redshiftdata.DescribeStatementInput{Id: aws.String(id)})
		if err != nil {
			if ctx.Err() != nil {
				return cancelStatement(ctx, data, id)
			}
			return fmt.Errorf("describing statement %s: %w", id, err)
		}
		switch d.Status {
		case rdtypes.StatusStringFinished:
			return nil
		case rdtypes.StatusStringFailed, rdtypes.StatusStringAborted:
			return &StatementError{ID: id, Status: string(d.Status), Message: aws.ToString(d.Error)}
		}
		delay = min(2*delay, maxPollDelay)
	}
}

// cancelStatement cancels id after ctx ended. A statement that finished
// just before is success.
func cancelStatement(ctx context.Context, data DataClient, id string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	_, err := data.CancelStatement(ctx, &redshiftdata.CancelStatementInput{Id: aws.String(id)})
	if err == nil {
		return &StillRunningError{ID: id, Cancelled: true}
	}
	d, derr := data.DescribeStatement(ctx, &redshiftdata.DescribeStatementInput{Id: aws.String(id)})
	if derr == nil {
		switch d.Status {
		case rdtypes.StatusStringFinished:
			return nil
		case rdtypes.StatusStringFailed, rdtypes.StatusStringAborted:
			return &StatementError{ID: id, Status: string(d.Status), Message: aws.ToString(d.Error)}
		}
	}
	return errors.Join(&StillRunningError{ID: id}, err)
}
