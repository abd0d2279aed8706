package bench

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The paths of the Lambda Runtime API that a function's runtime client
// uses.
const (
	pathNext       = "/2018-06-01/runtime/invocation/next"
	pathInvocation = "/2018-06-01/runtime/invocation/"
	pathInitError  = "/2018-06-01/runtime/init/error"
)

// invocationTimeout is the deadline the fake gives its one invocation,
// like a function configured with a one-minute timeout.
const invocationTimeout = time.Minute

// Outcome is what a function answered to the RuntimeAPI's invocation.
type Outcome struct {
	// Kind is "response", "error", or "init-error" when the function
	// failed before it asked for work.
	Kind string
	Body []byte
	At   time.Time
}

// RuntimeAPI is a fake of the Lambda Runtime API on loopback. It hands one
// invocation to the first poll for work and records when that poll came
// and what the function answered; later polls wait until Close, as
// Lambda's do while no request arrives.
type RuntimeAPI struct {
	srv       *httptest.Server
	requestID string
	event     []byte
	stop      chan struct{}
	stopOnce  sync.Once

	polled   chan struct{} // closed at the first poll
	answered chan struct{} // closed at the first answer
	mu       sync.Mutex
	pollAt   time.Time
	outcome  Outcome
}

// NewRuntimeAPI starts a fake Runtime API that delivers event with
// requestID. Close stops it.
func NewRuntimeAPI(requestID string, event []byte) *RuntimeAPI {
	a := &RuntimeAPI{
		requestID: requestID,
		event:     event,
		stop:      make(chan struct{}),
		polled:    make(chan struct{}),
		answered:  make(chan struct{}),
	}
	a.srv = httptest.NewServer(http.HandlerFunc(a.serve))
	return a
}

// Address is the value of AWS_LAMBDA_RUNTIME_API for the function: host
// and port, without a scheme.
func (a *RuntimeAPI) Address() string {
	return strings.TrimPrefix(a.srv.URL, "http://")
}

// Polled is closed when the function first asks for work.
func (a *RuntimeAPI) Polled() <-chan struct{} { return a.polled }

// Answered is closed when the function answers the invocation or reports
// an init error.
func (a *RuntimeAPI) Answered() <-chan struct{} { return a.answered }

// PollAt returns when the function first asked for work; it is valid once
// Polled is closed.
func (a *RuntimeAPI) PollAt() time.Time {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.pollAt
}

// Outcome returns the function's answer; it is valid once Answered is
// closed.
func (a *RuntimeAPI) Outcome() Outcome {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.outcome
}

// Close releases waiting polls and stops the server. Stop the function
// first: a poll in flight holds the server open until its connection
// closes.
func (a *RuntimeAPI) Close() {
	a.stopOnce.Do(func() { close(a.stop) })
	a.srv.Close()
}

func (a *RuntimeAPI) serve(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodGet && r.URL.Path == pathNext:
		a.next(w, r)
	case r.Method == http.MethodPost && r.URL.Path == pathInitError:
		a.answer(w, r, "init-error")
	case r.Method == http.MethodPost && r.URL.Path == pathInvocation+a.requestID+"/response":
		a.answer(w, r, "response")
	case r.Method == http.MethodPost && r.URL.Path == pathInvocation+a.requestID+"/error":
		a.answer(w, r, "error")
	default:
		http.NotFound(w, r)
	}
}

// next serves a poll for work: the invocation to the first, a wait until
// Close or disconnect to every later one.
func (a *RuntimeAPI) next(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	a.mu.Lock()
	first := a.pollAt.IsZero()
	if first {
		a.pollAt = now
		close(a.polled)
	}
	a.mu.Unlock()
	if !first {
		select {
		case <-a.stop:
		case <-r.Context().Done():
		}
		w.WriteHeader(http.StatusGone)
		return
	}
	h := w.Header()
	h.Set("Lambda-Runtime-Aws-Request-Id", a.requestID)
	h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(now.Add(invocationTimeout).UnixMilli(), 10))
	h.Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:111111111111:function:bench")
	h.Set("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000")
	h.Set("Content-Type", "application/json")
	_, _ = w.Write(a.event)
}

// answer records the function's first answer.
func (a *RuntimeAPI) answer(w http.ResponseWriter, r *http.Request, kind string) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 6<<20))
	a.mu.Lock()
	if a.outcome.Kind == "" {
		a.outcome = Outcome{Kind: kind, Body: body, At: time.Now()}
		close(a.answered)
	}
	a.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
}
