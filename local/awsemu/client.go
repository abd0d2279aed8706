package awsemu

import (
	"net/http/httptest"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// This file holds what clients of the emulator use: an aws.Config that
// points SDK clients at it, and a server on loopback for tests.

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
	cfg.Region = s.Region()
	return cfg
}

// Close stops the server.
func (s *Server) Close() { s.once.Do(s.srv.Close) }
