package awsemu

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu/redshiftdata"
)

// Account IDs of the two accounts the emulator serves. AccountA is the
// default account; AccountB owns resources in cross-account scenarios.
const (
	AccountA = protocol.AccountA
	AccountB = protocol.AccountB
)

// DefaultRegion is the region the emulator reports when none is configured.
const DefaultRegion = "us-east-1"

// Access keys of the two accounts' administrator identities. Any other access
// key that the emulator did not issue itself (through sts:AssumeRole) acts
// as the administrator of AccountA, so that a person's AWS CLI works against
// the standalone server with whatever credentials it has.
const (
	AccessKeyA = "AKIALOCALACCOUNTAAAA"
	AccessKeyB = "AKIALOCALACCOUNTBBBB"
	// SecretKey is the secret access key of both administrator identities.
	// The emulator does not verify signatures.
	SecretKey = "local-emulator-secret-key"
)

// Identity is the principal behind a request.
type Identity = protocol.Identity

// Emulator is an in-memory AWS that speaks the real wire protocols. It is
// an http.Handler: serve it with httptest.NewServer in tests or
// http.ListenAndServe on loopback for the standalone server.
type Emulator struct {
	// Env is the state that the services share: region, clock,
	// identities and each service's own state.
	*protocol.Env

	services map[string]*protocol.Service // by signing name
	targets  map[string]string            // X-Amz-Target prefix -> signing name
	versions map[string]string            // query Version -> signing name

	mu     sync.Mutex
	faults []*faultEntry
	// Rate limits (ratelimit.go): the limit of each service, the
	// token bucket of each account and service, and counts of calls and
	// throttled calls per service.
	limits    map[string]RateLimit
	buckets   map[bucketKey]*bucket
	calls     map[string]int
	throttled map[string]int
}

// Option configures an Emulator.
type Option func(*options)

type options struct {
	region         string
	now            func() time.Time
	statementDelay *time.Duration
	rateLimits     []RateLimit
}

// WithRegion sets the region the emulator reports in ARNs and DNS names.
func WithRegion(region string) Option { return func(o *options) { o.region = region } }

// WithClock replaces the wall clock, for tests of timed state changes.
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// WithStatementDelay sets how long each Data API statement stays in each of
// the states SUBMITTED and STARTED before it finishes. Zero finishes
// statements at once.
func WithStatementDelay(d time.Duration) Option {
	return func(o *options) { o.statementDelay = &d }
}

// New returns an emulator that serves every service of the table in
// services.go.
func New(opts ...Option) *Emulator {
	o := options{region: DefaultRegion, now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	// IAM and STS are global within a partition, so the administrators'
	// ARNs are in the emulated region's partition.
	partition := protocol.PartitionOf(o.region)
	e := &Emulator{
		Env: protocol.NewEnv(o.region, o.now, map[string]Identity{
			AccessKeyA: protocol.RootIdentity(partition, AccountA),
			AccessKeyB: protocol.RootIdentity(partition, AccountB),
		}),
		services: map[string]*protocol.Service{},
		targets:  map[string]string{},
		versions: map[string]string{},
	}
	for _, svc := range services {
		e.services[svc.Name] = svc
		if svc.TargetPrefix != "" {
			e.targets[svc.TargetPrefix] = svc.Name
		}
		if svc.Version != "" {
			e.versions[svc.Version] = svc.Name
		}
	}
	for _, l := range o.rateLimits {
		e.SetRateLimit(l)
	}
	if o.statementDelay != nil {
		redshiftdata.SetStatementDelay(e.Env, *o.statementDelay)
	}
	return e
}

var credentialScope = regexp.MustCompile(`Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request`)

// ServeHTTP decodes the request, applies rate limits and injected faults
// and dispatches to the service's handler. A signed request names its service in the
// credential scope of its Authorization header; an unsigned one is routed
// by its X-Amz-Target prefix (JSON protocols) or its Version parameter
// (query protocols).
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, adminPrefix) {
		e.serveAdmin(w, r)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 16<<20))
	if err != nil {
		http.Error(w, "reading body: "+err.Error(), http.StatusBadRequest)
		return
	}
	c := &protocol.Call{Region: e.Region(), RequestID: protocol.NewRequestID(), Env: e.Env}
	accessKey := ""
	if m := credentialScope.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		accessKey, c.Region, c.Service = m[1], m[2], m[3]
	}
	c.Caller = e.identity(accessKey)

	target := r.Header.Get("X-Amz-Target")
	var proto protocol.Protocol
	if target != "" {
		prefix, op, _ := strings.Cut(target, ".")
		if c.Service == "" {
			c.Service = e.targets[prefix]
		}
		c.Operation = op
		c.Body = body
		proto = protocol.JSON11
	} else {
		q, err := protocol.ParseQuery(body, r.URL.RawQuery)
		if err != nil {
			http.Error(w, "parsing form: "+err.Error(), http.StatusBadRequest)
			return
		}
		c.Query = q
		c.Operation = q.Get("Action")
		if c.Service == "" {
			c.Service = e.versions[q.Get("Version")]
		}
		proto = protocol.Query
	}
	svc := e.services[c.Service]
	if svc == nil {
		protocol.WriteError(w, proto, "", c, &protocol.APIError{Status: 400, Code: "UnknownService", Message: fmt.Sprintf("the local emulator does not implement service %q; requests name it in the credential scope of a SigV4 Authorization header, an X-Amz-Target header or a query Version", c.Service)})
		return
	}
	proto = svc.Protocol
	if err := e.applyRateLimit(c); err != nil {
		protocol.WriteError(w, proto, svc.Namespace, c, err)
		return
	}
	if err := e.applyFaults(r.Context(), c); err != nil {
		protocol.WriteError(w, proto, svc.Namespace, c, err)
		return
	}
	h := svc.Operations[c.Operation]
	if h == nil {
		code := "InvalidAction"
		if proto == protocol.JSON11 {
			code = "UnknownOperationException"
		}
		protocol.WriteError(w, proto, svc.Namespace, c, &protocol.APIError{Status: 400, Code: code, Message: fmt.Sprintf("the local emulator does not implement %s:%s", c.Service, c.Operation)})
		return
	}
	out, err := h(c)
	if err != nil {
		protocol.WriteError(w, proto, svc.Namespace, c, err)
		return
	}
	protocol.WriteResult(w, proto, svc.Namespace, c, out)
}

// identity is the identity that accessKey authenticates as: one the
// emulator issued, or else the administrator of AccountA.
func (e *Emulator) identity(accessKey string) Identity {
	if id, ok := e.Env.Identity(accessKey); ok {
		return id
	}
	id, _ := e.Env.Identity(AccessKeyA)
	return id
}

// waitOrDone sleeps for d unless ctx ends first.
func waitOrDone(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
