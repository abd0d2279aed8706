package ec2

import (
	"time"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
)

// DefaultDeletedEndpointVisibility is how long a deleted VPC endpoint
// stays visible in DescribeVpcEndpoints with state "deleted" before it is
// gone, as AWS keeps deleted endpoints listed for a while. The emulator
// measures it on its own clock.
const DefaultDeletedEndpointVisibility = 2 * time.Minute

// endpointBehaviour is how new VPC endpoints move through their states;
// tests configure it through the Emulator's methods below. It lives inside
// state and is guarded by its mutex.
type endpointBehaviour struct {
	// pendingFor is how long a new (or modified) endpoint stays pending
	// before it is available; deletingFor how long a deleted one stays in
	// state deleting before it is deleted.
	pendingFor, deletingFor time.Duration
	deletedVisibleFor       time.Duration
	// failNext holds LastError messages for the next endpoints created:
	// each ends in state failed instead of available.
	failNext []string
	// holdNext is how many of the next endpoints created stay pending until
	// ReleaseEndpoints.
	holdNext int
}

// SetEndpointDelays sets how long new or modified VPC endpoints stay
// pending and deleted ones stay deleting, on the emulator's clock. Both are
// zero by default: an endpoint is returned pending by CreateVpcEndpoint and
// described as available right after.
func SetEndpointDelays(e *protocol.Env, pending, deleting time.Duration) {
	st := stateOf(e)
	st.mu.Lock()
	defer st.mu.Unlock()
	st.pendingFor, st.deletingFor = pending, deleting
}

// SetDeletedEndpointVisibility sets how long deleted VPC endpoints stay
// visible in state deleted (DefaultDeletedEndpointVisibility unless
// set).
func SetDeletedEndpointVisibility(e *protocol.Env, d time.Duration) {
	st := stateOf(e)
	st.mu.Lock()
	defer st.mu.Unlock()
	st.deletedVisibleFor = d
}

// FailNextEndpoint makes the next VPC endpoint created end in state
// failed, after the pending delay, with message as its LastError. Calls
// queue up: each one fails one more endpoint.
func FailNextEndpoint(e *protocol.Env, message string) {
	st := stateOf(e)
	st.mu.Lock()
	defer st.mu.Unlock()
	st.failNext = append(st.failNext, message)
}

// HoldNextEndpointPending keeps the next VPC endpoint created in state
// pending until ReleaseEndpoints, like an endpoint stuck in AWS.
func HoldNextEndpointPending(e *protocol.Env) {
	st := stateOf(e)
	st.mu.Lock()
	defer st.mu.Unlock()
	st.holdNext++
}

// ReleaseEndpoints makes every held VPC endpoint available now.
func ReleaseEndpoints(e *protocol.Env) {
	st := stateOf(e)
	st.mu.Lock()
	defer st.mu.Unlock()
	now := e.Now()
	for _, ep := range st.endpoints {
		if ep.held {
			ep.held, ep.availableAt = false, now
		}
	}
}

// EndpointCount is the number of VPC endpoints that exist and are not
// deleting or deleted, in every account; tests use it to assert that
// nothing was created or that nothing leaked.
func EndpointCount(e *protocol.Env) int {
	st := stateOf(e)
	st.mu.Lock()
	defer st.mu.Unlock()
	now := e.Now()
	n := 0
	for _, ep := range st.endpoints {
		if s := st.endpointState(ep, now); s != "deleting" && s != "deleted" {
			n++
		}
	}
	return n
}

// endpointState computes ep's state at now from its timestamps, so that no
// goroutine has to move endpoints along. st.mu must be held.
func (st *state) endpointState(ep *endpoint, now time.Time) string {
	switch {
	case !ep.deletedAt.IsZero() && now.Before(ep.deletedAt):
		return "deleting"
	case !ep.deletedAt.IsZero():
		return "deleted"
	case ep.held || now.Before(ep.availableAt):
		return "pending"
	case ep.failure != "":
		return "failed"
	}
	return "available"
}

// purgeGone forgets endpoints deleted longer ago than deletedVisibleFor.
// st.mu must be held.
func (st *state) purgeGone(now time.Time) {
	for id, ep := range st.endpoints {
		if !ep.deletedAt.IsZero() && !now.Before(ep.deletedAt.Add(st.deletedVisibleFor)) {
			delete(st.endpoints, id)
			for token, use := range st.tokens {
				if use.endpointID == id {
					delete(st.tokens, token)
				}
			}
		}
	}
}
