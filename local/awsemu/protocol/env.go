package protocol

import (
	"sync"
	"time"
)

// Env is the state of one emulator that every service shares: the
// emulated region, the clock, the identity registry and each service's
// own state. Handlers reach it through Call.Env.
type Env struct {
	region string
	now    func() time.Time

	mu         sync.Mutex
	identities map[string]Identity // access key ID -> identity

	// state holds each service's own state, keyed by service name,
	// created lazily by State.
	stateMu sync.Mutex
	state   map[string]any
}

// NewEnv returns the shared state of an emulator of region whose clock is
// now, in which each access key of identities authenticates as its
// identity.
func NewEnv(region string, now func() time.Time, identities map[string]Identity) *Env {
	ids := make(map[string]Identity, len(identities))
	for k, id := range identities {
		ids[k] = id
	}
	return &Env{region: region, now: now, identities: ids, state: map[string]any{}}
}

// Region is the emulated region.
func (e *Env) Region() string { return e.region }

// Partition is the ARN partition of the emulated region, the one that
// IAM and STS, global services, put in their ARNs.
func (e *Env) Partition() string { return PartitionOf(e.region) }

// Now is the emulator's clock.
func (e *Env) Now() time.Time { return e.now() }

// RegisterIdentity makes accessKeyID authenticate as id; STS AssumeRole uses
// it for the session credentials it issues.
func (e *Env) RegisterIdentity(accessKeyID string, id Identity) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.identities[accessKeyID] = id
}

// Identity returns the identity that accessKeyID authenticates as, and
// whether the emulator knows that key.
func (e *Env) Identity(accessKeyID string) (Identity, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	id, ok := e.identities[accessKeyID]
	return id, ok
}

// State returns the service state stored under key, creating it with init
// on first use. Services keep their state here so that it lives as long as
// the emulator.
func State[T any](e *Env, key string, init func() *T) *T {
	e.stateMu.Lock()
	defer e.stateMu.Unlock()
	if s, ok := e.state[key]; ok {
		return s.(*T)
	}
	s := init()
	e.state[key] = s
	return s
}
