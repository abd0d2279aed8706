package awsemu

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
)

// Fault is an injected failure or delay for matching requests.
type Fault struct {
	// Service and Operation select requests; empty matches any.
	Service   string `json:"service,omitempty"`
	Operation string `json:"operation,omitempty"`
	// Latency delays the request before it is served (or fails).
	Latency time.Duration `json:"latency,omitempty"`
	// Code, when set, fails the request with this error code instead of
	// serving it, for example Throttling, ThrottlingException,
	// RequestLimitExceeded, ServiceFailure or InternalError.
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
	// Status is the HTTP status of the injected error; 400 when zero for a
	// throttling code, 500 otherwise.
	Status int `json:"status,omitempty"`
	// Times limits how many requests the fault applies to; zero means
	// every matching request until it is removed.
	Times int `json:"times,omitempty"`
}

type faultEntry struct {
	Fault
	hits int
}

// Throttle is a Fault that throttles the next n calls of service:operation
// with the error code that service uses.
func Throttle(service, operation string, n int) Fault {
	code := "Throttling"
	switch protocolOf(service) {
	case protocol.EC2Query:
		code = "RequestLimitExceeded"
	case protocol.JSON11:
		code = "ThrottlingException"
	}
	return Fault{Service: service, Operation: operation, Code: code, Status: http.StatusBadRequest, Message: "Rate exceeded", Times: n}
}

// ServerError is a Fault that fails the next n calls of service:operation
// with HTTP 500.
func ServerError(service, operation string, n int) Fault {
	code := "ServiceFailure"
	switch protocolOf(service) {
	case protocol.EC2Query:
		code = "InternalError"
	case protocol.JSON11:
		code = "InternalServiceError"
	}
	return Fault{Service: service, Operation: operation, Code: code, Status: http.StatusInternalServerError, Message: "injected server error", Times: n}
}

// protocolOf is the wire protocol of the service with signing name name in
// the table of services, whose error codes differ; query for an unknown
// name.
func protocolOf(name string) protocol.Protocol {
	for _, svc := range services {
		if svc.Name == name {
			return svc.Protocol
		}
	}
	return protocol.Query
}

// InjectFault adds f and returns a function that removes it.
func (e *Emulator) InjectFault(f Fault) (remove func()) {
	fe := &faultEntry{Fault: f}
	e.mu.Lock()
	e.faults = append(e.faults, fe)
	e.mu.Unlock()
	return func() {
		e.mu.Lock()
		defer e.mu.Unlock()
		for i, x := range e.faults {
			if x == fe {
				e.faults = append(e.faults[:i], e.faults[i+1:]...)
				return
			}
		}
	}
}

// ClearFaults removes every injected fault.
func (e *Emulator) ClearFaults() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = nil
}

// FaultHits reports how many requests the faults matching service:operation
// have affected so far.
func (e *Emulator) FaultHits(service, operation string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, f := range e.faults {
		if f.Service == service && f.Operation == operation {
			n += f.hits
		}
	}
	return n
}

func (e *Emulator) applyFaults(ctx context.Context, c *protocol.Call) error {
	e.mu.Lock()
	var latency time.Duration
	var fail *protocol.APIError
	for _, f := range e.faults {
		if (f.Service != "" && f.Service != c.Service) || (f.Operation != "" && f.Operation != c.Operation) {
			continue
		}
		if f.Times > 0 && f.hits >= f.Times {
			continue
		}
		// A request fails once: later failing faults keep their turn
		// for the next request.
		if f.Code != "" && fail != nil {
			continue
		}
		f.hits++
		latency += f.Latency
		if f.Code != "" && fail == nil {
			status := f.Status
			if status == 0 {
				status = http.StatusInternalServerError
			}
			fail = &protocol.APIError{Status: status, Code: f.Code, Message: f.Message, Receiver: status >= 500}
		}
	}
	e.mu.Unlock()
	waitOrDone(ctx, latency)
	if fail != nil {
		return fail
	}
	return nil
}

// adminPrefix is the path of the emulator's own control API, used by the
// standalone server's clients (make run, end-to-end tests) to inject
// faults. AWS SDK requests always go to "/".
const adminPrefix = "/_emulator/"

func (e *Emulator) serveAdmin(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case adminPrefix + "faults":
		switch r.Method {
		case http.MethodPost:
			var f Fault
			if err := json.NewDecoder(r.Body).Decode(&f); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			e.InjectFault(f)
			w.WriteHeader(http.StatusNoContent)
		case http.MethodDelete:
			e.ClearFaults()
			w.WriteHeader(http.StatusNoContent)
		default:
			http.Error(w, "use POST or DELETE", http.StatusMethodNotAllowed)
		}
	case adminPrefix + "ratelimits":
		e.serveRateLimits(w, r)
	case adminPrefix + "health":
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"ok"}`))
	default:
		http.NotFound(w, r)
	}
}
