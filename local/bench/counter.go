package bench

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
)

// Call is one AWS API request: the service's signing name and the
// operation, for example iam:AttachRolePolicy.
type Call struct {
	Service   string
	Operation string
}

// String returns service:operation.
func (c Call) String() string { return c.Service + ":" + c.Operation }

// readOnlyPrefixes start the names of the AWS operations that never change
// state. Every other operation counts as mutating, so that an operation
// this list does not know is reported rather than overlooked.
var readOnlyPrefixes = []string{"Get", "List", "Describe"}

// Mutating reports whether the call may change state in the account.
func (c Call) Mutating() bool {
	for _, p := range readOnlyPrefixes {
		if strings.HasPrefix(c.Operation, p) {
			return false
		}
	}
	return true
}

// credentialScope finds the service in a SigV4 Authorization header.
var credentialScope = regexp.MustCompile(`Credential=[^/,\s]+/\d{8}/[^/]+/([^/]+)/aws4_request`)

// maxBody bounds how much of a query-protocol request body Counter reads
// to find the Action; the emulator itself accepts 16 MiB.
const maxBody = 16 << 20

// Counter is an http.Handler that records the service and operation of
// every AWS request before it passes the request on. Wrap the local
// emulator with it: httptest.NewServer(bench.NewCounter(awsemu.New())).
// It is safe for concurrent use.
type Counter struct {
	next  http.Handler
	mu    sync.Mutex
	calls []Call
}

// NewCounter returns a Counter in front of next.
func NewCounter(next http.Handler) *Counter {
	return &Counter{next: next}
}

// ServeHTTP records the request's call and serves it with the wrapped
// handler. The operation comes from X-Amz-Target (JSON protocols) or the
// Action parameter (query protocols); requests with neither, such as the
// emulator's admin endpoints, are not counted.
func (c *Counter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if call, ok := identify(r); ok {
		c.mu.Lock()
		c.calls = append(c.calls, call)
		c.mu.Unlock()
	}
	c.next.ServeHTTP(w, r)
}

// identify finds the call r makes. It reads a query-protocol body and
// puts it back for the next handler.
func identify(r *http.Request) (Call, bool) {
	var call Call
	if m := credentialScope.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		call.Service = m[1]
	}
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		_, call.Operation, _ = strings.Cut(target, ".")
		return call, call.Operation != ""
	}
	call.Operation = r.URL.Query().Get("Action")
	if call.Operation == "" && r.Body != nil {
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
		r.Body = io.NopCloser(bytes.NewReader(body))
		if err == nil {
			if form, err := url.ParseQuery(string(body)); err == nil {
				call.Operation = form.Get("Action")
			}
		}
	}
	return call, call.Operation != ""
}

// Calls returns the calls recorded since the last Reset, in order.
func (c *Counter) Calls() []Call {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Call(nil), c.calls...)
}

// Reset forgets the calls recorded so far.
func (c *Counter) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = nil
}

// Mutations returns the calls of calls that may change state.
func Mutations(calls []Call) []Call {
	var out []Call
	for _, call := range calls {
		if call.Mutating() {
			out = append(out, call)
		}
	}
	return out
}

// Tally returns how often each call occurs in calls, keyed by
// service:operation.
func Tally(calls []Call) map[string]int {
	n := map[string]int{}
	for _, call := range calls {
		n[call.String()]++
	}
	return n
}
