package awsemu

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Account IDs of the two accounts the emulator serves. AccountA is the
// default account; AccountB owns resources in cross-account scenarios.
const (
	AccountA = "111111111111"
	AccountB = "222222222222"
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
type Identity struct {
	Account string
	// Arn is the caller's ARN as STS GetCallerIdentity reports it, for
	// example arn:aws:iam::111111111111:root or
	// arn:aws:sts::222222222222:assumed-role/Name/session.
	Arn string
	// UserID is GetCallerIdentity's UserId.
	UserID string
	// RoleArn is the IAM role ARN behind an assumed-role session.
	RoleArn string
}

// Call is one decoded API request, as a service handler sees it.
type Call struct {
	Service   string // signing name: iam, sts, secretsmanager, ec2, redshift, redshift-serverless, redshift-data, events
	Operation string // for example CreateRole
	Region    string
	Caller    Identity
	RequestID string
	// Query holds the form parameters of query-protocol requests
	// (IAM, STS, EC2, Redshift).
	Query QueryParams
	// Body is the JSON body of JSON-protocol requests.
	Body []byte
	// Emulator gives handlers access to shared state, such as the
	// clock and the identity registry.
	Emulator *Emulator
}

// Account is the caller's account ID.
func (c *Call) Account() string { return c.Caller.Account }

// Partition is the ARN partition of the request's region.
func (c *Call) Partition() string { return partitionOf(c.Region) }

// partitionOf is the ARN partition of region: aws-cn for the China
// regions, aws-us-gov for GovCloud, aws otherwise.
func partitionOf(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

// Service is what a service implementation registers: a handler for each
// operation. The handler returns the result shape (an XML-tagged struct for
// query protocols, a JSON-tagged value for JSON protocols) or an error,
// preferably *APIError.
type Service struct {
	// Name is the signing name, which the SDK puts in the credential
	// scope of the Authorization header.
	Name string
	// Protocol is how requests and responses are encoded.
	Protocol Protocol
	// Namespace is the XML namespace of query responses.
	Namespace string
	// Operations maps operation names to handlers.
	Operations map[string]Handler
}

// Handler serves one operation.
type Handler func(c *Call) (any, error)

// Protocol is an AWS wire protocol.
type Protocol int

// The wire protocols the emulator speaks.
const (
	ProtocolQuery    Protocol = iota // awsQuery: IAM, STS, Redshift
	ProtocolEC2Query                 // ec2Query: EC2
	ProtocolJSON11                   // awsJson1_1: Secrets Manager, Redshift Serverless, Redshift Data, EventBridge
)

// Emulator is an in-memory AWS that speaks the real wire protocols. It is
// an http.Handler: serve it with httptest.NewServer in tests or
// http.ListenAndServe on loopback for the standalone server.
type Emulator struct {
	region string
	now    func() time.Time

	mu         sync.Mutex
	services   map[string]*Service
	identities map[string]Identity // access key ID -> identity
	faults     []*faultEntry

	// state holds each service's own state, keyed by service name,
	// created lazily by State.
	stateMu sync.Mutex
	state   map[string]any
}

// Option configures an Emulator.
type Option func(*Emulator)

// WithRegion sets the region the emulator reports in ARNs and DNS names.
func WithRegion(region string) Option { return func(e *Emulator) { e.region = region } }

// WithClock replaces the wall clock, for tests of timed state changes.
func WithClock(now func() time.Time) Option { return func(e *Emulator) { e.now = now } }

// registry holds the services that register themselves in init functions
// of this package, one file per service.
var registry = map[string]func(e *Emulator) *Service{}

func register(name string, build func(e *Emulator) *Service) { registry[name] = build }

// New returns an emulator with every service of this package.
func New(opts ...Option) *Emulator {
	e := &Emulator{
		region:   DefaultRegion,
		now:      time.Now,
		services: map[string]*Service{},
		state:    map[string]any{},
	}
	for _, o := range opts {
		o(e)
	}
	// IAM and STS are global within a partition, so the administrators'
	// ARNs are in the emulated region's partition.
	e.identities = map[string]Identity{
		AccessKeyA: rootIdentity(e.Partition(), AccountA),
		AccessKeyB: rootIdentity(e.Partition(), AccountB),
	}
	for name, build := range registry {
		e.services[name] = build(e)
	}
	return e
}

func rootIdentity(partition, account string) Identity {
	return Identity{Account: account, Arn: "arn:" + partition + ":iam::" + account + ":root", UserID: account}
}

// Region is the emulated region.
func (e *Emulator) Region() string { return e.region }

// Partition is the ARN partition of the emulated region, the one that
// IAM and STS, global services, put in their ARNs.
func (e *Emulator) Partition() string { return partitionOf(e.region) }

// Now is the emulator's clock.
func (e *Emulator) Now() time.Time { return e.now() }

// State returns the service state stored under key, creating it with init
// on first use. Services keep their state here so that it lives as long as
// the emulator.
func State[T any](e *Emulator, key string, init func() *T) *T {
	e.stateMu.Lock()
	defer e.stateMu.Unlock()
	if s, ok := e.state[key]; ok {
		return s.(*T)
	}
	s := init()
	e.state[key] = s
	return s
}

// RegisterIdentity makes accessKeyID authenticate as id; STS AssumeRole uses
// it for the session credentials it issues.
func (e *Emulator) RegisterIdentity(accessKeyID string, id Identity) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.identities[accessKeyID] = id
}

// ConfigMaxBackoff caps the SDK's backoff between retries in Config. The
// standard retryer waits a random time of up to 2^attempt seconds (20 at
// most) between attempts; against an in-process emulator that only slows
// down the tests that inject throttling or 5xx faults.
const ConfigMaxBackoff = 100 * time.Millisecond

// Config returns an aws.Config whose clients talk to the emulator at url as
// the administrator of account (AccountA or AccountB).
//
// Throttling and 5xx faults are injected on purpose, so the clients keep
// the SDK's standard retryer with its default of three attempts, and
// handlers see what they would see in AWS; only the backoff between
// attempts is shortened to at most ConfigMaxBackoff. RetryMaxAttempts on
// the result, or in a client's options, still sets the number of attempts.
func Config(url, account string) aws.Config {
	key := AccessKeyA
	if account == AccountB {
		key = AccessKeyB
	}
	return aws.Config{
		Region:       DefaultRegion,
		BaseEndpoint: aws.String(url),
		Credentials:  credentials.NewStaticCredentialsProvider(key, SecretKey, ""),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxBackoff = ConfigMaxBackoff
				o.Backoff = retry.NewExponentialJitterBackoff(ConfigMaxBackoff)
			})
		},
	}
}

// Server is an emulator listening on loopback.
type Server struct {
	*Emulator
	URL  string
	srv  *httptest.Server
	once sync.Once
}

// Start serves a new emulator on a random loopback port.
func Start(opts ...Option) *Server {
	e := New(opts...)
	ts := httptest.NewServer(e)
	return &Server{Emulator: e, URL: ts.URL, srv: ts}
}

// Config is Config(s.URL, account) with the server's region.
func (s *Server) Config(account string) aws.Config {
	cfg := Config(s.URL, account)
	cfg.Region = s.region
	return cfg
}

// Close stops the server.
func (s *Server) Close() { s.once.Do(s.srv.Close) }

var credentialScope = regexp.MustCompile(`Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request`)

// jsonTargetServices maps X-Amz-Target prefixes to signing names, for
// unsigned JSON requests.
var jsonTargetServices = map[string]string{
	"secretsmanager":     "secretsmanager",
	"RedshiftServerless": "redshift-serverless",
	"RedshiftData":       "redshift-data",
	"AWSEvents":          "events",
}

// queryVersionServices maps the Version parameter of query-protocol
// requests to signing names, for unsigned requests such as those of
// `aws --no-sign-request`.
var queryVersionServices = map[string]string{
	"2010-05-08": "iam",
	"2011-06-15": "sts",
	"2016-11-15": "ec2",
	"2012-12-01": "redshift",
}

// ServeHTTP decodes the request, applies injected faults and dispatches to
// the service's handler.
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
	c := &Call{Region: e.region, RequestID: newRequestID(), Emulator: e}
	accessKey := ""
	if m := credentialScope.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		accessKey, c.Region, c.Service = m[1], m[2], m[3]
	}
	c.Caller = e.identity(accessKey)

	target := r.Header.Get("X-Amz-Target")
	var proto Protocol
	if target != "" {
		prefix, op, _ := strings.Cut(target, ".")
		if c.Service == "" {
			c.Service = jsonTargetServices[prefix]
		}
		c.Operation = op
		c.Body = body
		proto = ProtocolJSON11
	} else {
		q, err := parseQuery(body, r.URL.RawQuery)
		if err != nil {
			http.Error(w, "parsing form: "+err.Error(), http.StatusBadRequest)
			return
		}
		c.Query = q
		c.Operation = q.Get("Action")
		if c.Service == "" {
			c.Service = queryVersionServices[q.Get("Version")]
		}
		proto = ProtocolQuery
	}
	svc := e.services[c.Service]
	if svc == nil {
		writeError(w, proto, "", c, &APIError{Status: 400, Code: "UnknownService", Message: fmt.Sprintf("the local emulator does not implement service %q; requests name it in the credential scope of a SigV4 Authorization header, an X-Amz-Target header or a query Version", c.Service)})
		return
	}
	proto = svc.Protocol
	if err := e.applyFaults(r.Context(), c); err != nil {
		writeError(w, proto, svc.Namespace, c, err)
		return
	}
	h := svc.Operations[c.Operation]
	if h == nil {
		code := "InvalidAction"
		if proto == ProtocolJSON11 {
			code = "UnknownOperationException"
		}
		writeError(w, proto, svc.Namespace, c, &APIError{Status: 400, Code: code, Message: fmt.Sprintf("the local emulator does not implement %s:%s", c.Service, c.Operation)})
		return
	}
	out, err := h(c)
	if err != nil {
		writeError(w, proto, svc.Namespace, c, err)
		return
	}
	writeResult(w, proto, svc.Namespace, c, out)
}

func (e *Emulator) identity(accessKey string) Identity {
	e.mu.Lock()
	defer e.mu.Unlock()
	if id, ok := e.identities[accessKey]; ok {
		return id
	}
	return e.identities[AccessKeyA]
}

func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
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
