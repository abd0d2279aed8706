package awsemu

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
)

// RateLimit is a token-bucket limit on the calls one account makes to one
// service, as AWS throttles an account's API calls: the bucket holds up to
// Burst calls and refills at Rate calls per second of the emulator's
// clock; a call that finds it empty fails with the service's throttling
// error (IAM: Throttling "Rate exceeded", HTTP 400) and uses no token.
type RateLimit struct {
	// Service is the signing name of the service (iam, sts, ec2, ...).
	Service string  `json:"service"`
	Rate    float64 `json:"rate"`
	Burst   int     `json:"burst"`
}

// IAMRateLimit is the emulator's default for IAM. AWS does not publish the
// rate at which IAM throttles an account's calls; 10 calls per second with
// a burst of 20 is an assumption, in the range that users report seeing
// ("Rate exceeded" from IAM once a deployment makes a few tens of calls at
// once). Benchmarks and tests that depend on the exact value set their own.
var IAMRateLimit = RateLimit{Service: "iam", Rate: 10, Burst: 20}

// WithRateLimit turns on the rate limit l for l.Service. Without it no
// service is rate limited.
func WithRateLimit(l RateLimit) Option {
	return func(o *options) { o.rateLimits = append(o.rateLimits, l) }
}

// bucket is the token bucket of one account and service.
type bucket struct {
	tokens float64
	at     time.Time
}

type bucketKey struct{ service, account string }

// SetRateLimit turns on (or replaces) the rate limit of l.Service; every
// account's bucket starts full. A Rate or Burst that is not positive turns
// the limit of that service off.
func (e *Emulator) SetRateLimit(l RateLimit) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.limits == nil {
		e.limits = map[string]RateLimit{}
	}
	for k := range e.buckets {
		if k.service == l.Service {
			delete(e.buckets, k)
		}
	}
	if l.Rate <= 0 || l.Burst <= 0 {
		delete(e.limits, l.Service)
		return
	}
	e.limits[l.Service] = l
}

// ClearRateLimits turns every rate limit off.
func (e *Emulator) ClearRateLimits() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.limits, e.buckets = nil, nil
}

// RateLimited reports how many calls to service the rate limit has
// throttled so far, in every account.
func (e *Emulator) RateLimited(service string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.throttled[service]
}

// Calls reports how many calls to service the emulator has received so
// far, throttled or not, in every account.
func (e *Emulator) Calls(service string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.calls[service]
}

// applyRateLimit takes a token from the bucket of the caller's account for
// c.Service, or answers the service's throttling error when it is empty.
func (e *Emulator) applyRateLimit(c *protocol.Call) error {
	now := e.Now()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.calls == nil {
		e.calls = map[string]int{}
	}
	e.calls[c.Service]++
	l, ok := e.limits[c.Service]
	if !ok {
		return nil
	}
	if e.buckets == nil {
		e.buckets = map[bucketKey]*bucket{}
	}
	k := bucketKey{c.Service, c.Caller.Account}
	b := e.buckets[k]
	if b == nil {
		b = &bucket{tokens: float64(l.Burst), at: now}
		e.buckets[k] = b
	}
	if elapsed := now.Sub(b.at); elapsed > 0 {
		b.tokens = min(float64(l.Burst), b.tokens+elapsed.Seconds()*l.Rate)
		b.at = now
	}
	if b.tokens < 1 {
		if e.throttled == nil {
			e.throttled = map[string]int{}
		}
		e.throttled[c.Service]++
		f := Throttle(c.Service, c.Operation, 1)
		return &protocol.APIError{Status: f.Status, Code: f.Code, Message: f.Message}
	}
	b.tokens--
	return nil
}

// serveRateLimits is the control API's /_emulator/ratelimits: POST a
// RateLimit to set it, DELETE to turn every limit off.
func (e *Emulator) serveRateLimits(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodPost:
		var l RateLimit
		if err := json.NewDecoder(r.Body).Decode(&l); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if l.Service == "" {
			http.Error(w, fmt.Sprintf("rate limit %+v: service is required (the signing name, for example iam)", l), http.StatusBadRequest)
			return
		}
		e.SetRateLimit(l)
		w.WriteHeader(http.StatusNoContent)
	case http.MethodDelete:
		e.ClearRateLimits()
		w.WriteHeader(http.StatusNoContent)
	default:
		http.Error(w, "use POST or DELETE", http.StatusMethodNotAllowed)
	}
}
