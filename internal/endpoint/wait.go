package endpoint

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/redshift-data-access/redshift-data-access/internal/awserr"
	"github.com/redshift-data-access/redshift-data-access/internal/customresource"

	"github.com/redshift-data-access/redshift-data-access/internal/retry"
)

// Polling of an endpoint's state: jittered exponential backoff from
// waitFirstInterval to waitMaxInterval. Interface endpoints usually take
// one to three minutes to become available and about as long to delete.
const (
	waitFirstInterval = 2 * time.Second
	waitMaxInterval   = 15 * time.Second
	// waitReserve is how long before the context deadline a wait gives up.
	// It covers the runtime's margin plus the whole customresource.CleanupTimeout and some
	// slack, so that deleting an endpoint Create will not wait for any more
	// ends before the runtime answers with its generic timeout, and the
	// resource's own reason is the one CloudFormation gets.
	waitReserve = customresource.DefaultDeadlineMargin + customresource.CleanupTimeout + 5*time.Second
	// waitLimit bounds a wait when the context has no deadline.
	waitLimit = 10 * time.Minute
	// notFoundGrace is how long a new endpoint may still be unknown to
	// DescribeVpcEndpoints, which is eventually consistent.
	notFoundGrace = 30 * time.Second
)

// waitTiming holds the constants above; tests shorten them.
type waitTiming struct {
	first, max, reserve, limit, notFoundGrace time.Duration
}

var defaultWaitTiming = waitTiming{first: waitFirstInterval, max: waitMaxInterval, reserve: waitReserve, limit: waitLimit, notFoundGrace: notFoundGrace}

// Endpoint states as EC2 sends them. They are lowercase on the wire, while
// the SDK's types.State constants are capitalised, so states are compared
// case-insensitively.
const (
	stateAvailable = "available"
	statePending   = "pending"
	stateFailed    = "failed"
	stateRejected  = "rejected"
	// stateExpired is an endpoint whose connection request the service
	// owner never accepted; like rejected, it does not change again.
	stateExpired  = "expired"
	stateDeleting = "deleting"
	stateDeleted  = "deleted"
)

func stateOf(ep types.VpcEndpoint) string { return strings.ToLower(string(ep.State)) }

// NotFoundError is returned when a VPC endpoint does not exist: the
// product's one not-found error, see awserr.
type NotFoundError = awserr.NotFoundError

// FailedError is returned when an endpoint ends in state failed, rejected
// or expired, with EC2's LastError (or FailureReason).
type FailedError struct {
	ID, State, Code, Message string
}

func (e *FailedError) Error() string {
	msg := fmt.Sprintf("VPC endpoint %s is %s", e.ID, e.State)
	if e.Message != "" {
		msg += ": " + e.Message
	}
	if e.Code != "" {
		msg += " (" + e.Code + ")"
	}
	return msg
}

// TimeoutError is returned when an endpoint did not reach the wanted state
// within the time the invocation has.
type TimeoutError struct {
	ID, State, Want string
	Waited          time.Duration
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("VPC endpoint %s still %s after %s, waiting to be %s", e.ID, e.State, e.Waited.Round(time.Second), e.Want)
}

// find returns the endpoint id, or a *NotFoundError.
func (r *Resource) find(ctx context.Context, id string) (types.VpcEndpoint, error) {
	out, err := r.ec2.DescribeVpcEndpoints(ctx, &ec2.DescribeVpcEndpointsInput{VpcEndpointIds: []string{id}})
	if awserr.IsNotFound(err) {
		return types.VpcEndpoint{}, &NotFoundError{Kind: "VPC endpoint", ID: id, Err: err}
	}
	if err != nil {
		return types.VpcEndpoint{}, fmt.Errorf("describing VPC endpoint %s: %w", id, err)
	}
	for _, ep := range out.VpcEndpoints {
		if aws.ToString(ep.VpcEndpointId) == id {
			return ep, nil
		}
	}
	return types.VpcEndpoint{}, &NotFoundError{Kind: "VPC endpoint", ID: id}
}

// waitAvailable polls endpoint id until it is available. It fails with a
// *FailedError on failed, rejected or expired, and with a *TimeoutError when the
// context deadline (less the reserve) comes first.
func (r *Resource) waitAvailable(ctx context.Context, id string) (types.VpcEndpoint, error) {
	start := time.Now()
	var ep types.VpcEndpoint
	state := statePending
	err := r.poll(ctx, func() (bool, error) {
		var err error
		ep, err = r.find(ctx, id)
		var notFound *NotFoundError
		if errors.As(err, &notFound) && time.Since(start) < r.timing.notFoundGrace {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		state = stateOf(ep)
		switch state {
		case stateAvailable:
			return true, nil
		case stateFailed, stateRejected, stateExpired:
			// FailureReason is EC2's newer field for the same; LastError,
			// when present, also has a code.
			f := &FailedError{ID: id, State: state, Message: aws.ToString(ep.FailureReason)}
			if ep.LastError != nil {
				f.Code, f.Message = aws.ToString(ep.LastError.Code), aws.ToString(ep.LastError.Message)
			}
			return false, f
		case stateDeleting, stateDeleted:
			return false, &FailedError{ID: id, State: state, Message: "it is being deleted"}
		}
		return false, nil
	})
	if errors.Is(err, errWaitTimedOut) {
		return ep, &TimeoutError{ID: id, State: state, Want: stateAvailable, Waited: time.Since(start)}
	}
	return ep, err
}

// waitGone polls endpoint id until it is deleted or unknown.
func (r *Resource) waitGone(ctx context.Context, id string) error {
	start := time.Now()
	state := stateDeleting
	err := r.poll(ctx, func() (bool, error) {
		ep, err := r.find(ctx, id)
		var notFound *NotFoundError
		if errors.As(err, &notFound) {
			return true, nil
		}
		if err != nil {
			return false, err
		}
		state = stateOf(ep)
		return state == stateDeleted, nil
	})
	if errors.Is(err, errWaitTimedOut) {
		return &TimeoutError{ID: id, State: state, Want: stateDeleted, Waited: time.Since(start)}
	}
	return err
}

var errWaitTimedOut = errors.New("wait timed out")

// errNotYet is what poll's attempts fail with while check is not done.
var errNotYet = errors.New("not yet")

// poll calls check with exponential backoff until it reports done or an
// error, or until the next attempt would end after the wait's deadline:
// the context deadline less the reserve, or waitLimit from now.
func (r *Resource) poll(ctx context.Context, check func() (bool, error)) error {
	policy := retry.Policy{
		Backoff:   retry.Backoff{First: r.timing.first, Max: r.timing.max},
		Budget:    r.timing.limit,
		Reserve:   r.timing.reserve,
		Retryable: func(err error) bool { return errors.Is(err, errNotYet) },
	}
	_, err := retry.Do(ctx, policy, func(context.Context) error {
		done, err := check()
		if err == nil && !done {
			return errNotYet
		}
		return err
	})
	switch {
	case retry.IsExhausted(err):
		return errWaitTimedOut
	case errors.Is(err, errNotYet):
		return fmt.Errorf("waiting for the VPC endpoint: %w", ctx.Err())
	}
	return err
}
