// Package moto runs moto (https://github.com/getmoto/moto), an AWS
// emulator we did not write, on loopback for tests, so that the contract
// suites also run against a second reading of the AWS APIs.
//
// Use(t) returns the test binary's moto server, started on first use on a
// free loopback port and reset for t. The server stops when the test binary
// exits: it watches its standard input, a pipe the binary holds open.
//
// When python3 or moto is missing, Use skips the test with a message that
// says how to install moto; with CI=true in the environment it fails the
// test instead, so that CI cannot pass with the oracle skipped.
package moto

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Version is the moto release the tests and the divergence table (in
// local/oracle) were written against. Use fails when a different release
// is installed: the divergences recorded for one release say nothing
// about another.
const Version = "5.2.1"

// Install is how to get moto, for skip and failure messages.
const Install = "pip install 'moto[server]==" + Version + "'"

// Region is the region of every Config.
const Region = "us-east-1"

// The accounts tests use. moto keeps the state of each account apart; a
// request names its account in the x-moto-account-id header.
const (
	AccountA = "111111111111"
	AccountB = "222222222222"
)

// startTimeout bounds how long Start waits for moto to answer. It is a
// guard against a server that never comes up, not a measurement.
const startTimeout = 2 * time.Minute

// ErrUnavailable is returned by Start when python3 or moto is missing or
// is not the pinned release.
var ErrUnavailable = errors.New("moto is not available")

// Server is a moto server on loopback.
type Server struct {
	// URL is the server's base URL, http://127.0.0.1:PORT.
	URL   string
	cmd   *exec.Cmd
	stdin io.WriteCloser
	done  chan struct{}
	once  sync.Once
}

// watchdog runs moto's server and exits when its standard input closes,
// that is when the process that started it is gone, however it ended.
const watchdog = `
import os, sys, threading
def watch():
    sys.stdin.buffer.read()
    os._exit(0)
threading.Thread(target=watch, daemon=True).start()
from moto.server import main
main(sys.argv[1:])
`

// Available reports, as an error wrapping ErrUnavailable, why moto cannot
// run here; nil when the pinned release is installed.
func Available() error {
	py, err := exec.LookPath("python3")
	if err != nil {
		return fmt.Errorf("%w: python3 is not on PATH; install Python 3 and %s", ErrUnavailable, Install)
	}
	out, err := exec.Command(py, "-c", "import moto.server, flask, werkzeug; import moto; print(moto.__version__)").Output()
	if err != nil {
		return fmt.Errorf("%w: python3 cannot import moto's server (%v); %s", ErrUnavailable, err, Install)
	}
	if v := strings.TrimSpace(string(out)); v != Version {
		return fmt.Errorf("%w: moto %s is installed, the tests pin %s; %s", ErrUnavailable, v, Version, Install)
	}
	return nil
}

// Start starts a moto server on a free loopback port and waits until it
// answers. Close stops it.
func Start(ctx context.Context) (*Server, error) {
	if err := Available(); err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("python3", "-c", watchdog, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	// moto's request log goes nowhere: it would print every call of every
	// test. Its errors at startup show up as a server that never answers.
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	// No account override from the environment: tests choose the account
	// of each request.
	cmd.Env = withoutVar(os.Environ(), "MOTO_ACCOUNT_ID")
	// AWS managed policies exist in every account; moto creates them
	// only when asked to. The Managed grants attach one of them.
	cmd.Env = append(withoutVar(cmd.Env, "MOTO_IAM_LOAD_MANAGED_POLICIES"), "MOTO_IAM_LOAD_MANAGED_POLICIES=true")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting moto: %w", err)
	}
	s := &Server{URL: "http://127.0.0.1:" + strconv.Itoa(port), cmd: cmd, stdin: stdin, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(s.done) }()
	if err := s.wait(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func withoutVar(env []string, name string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return out
}

// freePort asks the kernel for a free loopback port. Another process may
// take it before moto binds it; Start then fails, naming the port.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// wait polls moto's reset endpoint until it answers.
func (s *Server) wait(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	for {
		if err := s.Reset(ctx); err == nil {
			return nil
		}
		select {
		case <-s.done:
			return fmt.Errorf("moto on %s exited before answering (is the port taken?)", s.URL)
		case <-ctx.Done():
			return fmt.Errorf("moto on %s did not answer: %w", s.URL, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Reset forgets every resource of every account and region.
func (s *Server) Reset(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/moto-api/reset", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("moto reset: HTTP %d", resp.StatusCode)
	}
	return nil
}

// Close stops the server and waits for it to exit.
func (s *Server) Close() {
	s.once.Do(func() {
		_ = s.stdin.Close()
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.done
		}
	})
}

// Config returns a configuration whose clients call this server as
// account, in Region. Retries are kept, with short backoff: moto answers
// some calls with transient errors as AWS does.
func (s *Server) Config(account string) aws.Config {
	return aws.Config{
		Region:       Region,
		BaseEndpoint: aws.String(s.URL),
		// moto checks no signature; the key only has to look like one.
		Credentials: credentials.NewStaticCredentialsProvider("AKIAMOTO"+account, "moto-secret-key", ""),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxBackoff = 50 * time.Millisecond
				o.Backoff = retry.NewExponentialJitterBackoff(50 * time.Millisecond)
			})
		},
		APIOptions: []func(*middleware.Stack) error{accountHeader(account)},
	}
}

// accountHeader names the account of every request, as moto reads it.
func accountHeader(account string) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Build.Add(middleware.BuildMiddlewareFunc("motoAccount", func(ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler) (middleware.BuildOutput, middleware.Metadata, error) {
			if req, ok := in.Request.(*smithyhttp.Request); ok {
				req.Header.Set("x-moto-account-id", account)
			}
			return next.HandleBuild(ctx, in)
		}), middleware.After)
	}
}

var shared struct {
	mu  sync.Mutex
	srv *Server
	err error
}

// Use returns the test binary's moto server, reset for t. It starts the
// server on first use. It skips t when moto is unavailable, or fails it
// when the environment has CI=true.
func Use(t testing.TB) *Server {
	t.Helper()
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.srv == nil && shared.err == nil {
		// Another process may take the free port before moto binds it:
		// a few attempts, each on a new port.
		for range 3 {
			shared.srv, shared.err = Start(context.Background())
			if shared.err == nil || errors.Is(shared.err, ErrUnavailable) {
				break
			}
		}
	}
	if shared.err != nil {
		Unavailable(t, shared.err)
	}
	if err := shared.srv.Reset(t.Context()); err != nil {
		t.Fatalf("resetting moto: %v", err)
	}
	return shared.srv
}

// Unavailable skips t because of err, or fails it when CI=true.
func Unavailable(t testing.TB, err error) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%v (CI=true: the moto oracle must run in CI)", err)
	}
	t.Skipf("skipping the moto oracle: %v", err)
}
