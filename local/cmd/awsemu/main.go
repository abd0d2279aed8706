package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
)

// shutdownTimeout bounds how long in-flight requests may take to finish
// after a signal.
const shutdownTimeout = 5 * time.Second

// readHeaderTimeout protects the server from clients that never finish
// their headers.
const readHeaderTimeout = 10 * time.Second

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "awsemu:", err)
		os.Exit(1)
	}
}

// options are the command-line flags.
type options struct {
	addr             string
	region           string
	statementDelay   time.Duration
	allowNonLoopback bool
}

func parseFlags(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("awsemu", flag.ContinueOnError)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:4566", "host:port to listen on (port 0 picks a free port)")
	fs.StringVar(&o.region, "region", awsemu.DefaultRegion, "region the emulator reports in ARNs and DNS names")
	fs.DurationVar(&o.statementDelay, "statement-delay", 50*time.Millisecond, "time a Redshift Data API statement stays in each of SUBMITTED and STARTED")
	fs.BoolVar(&o.allowNonLoopback, "allow-non-loopback", false, "allow an address other than loopback; the emulator authorizes every request")
	if err := fs.Parse(args); err != nil {
		return options{}, err
	}
	if fs.NArg() > 0 {
		return options{}, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	return o, nil
}

// run serves the emulator until ctx ends, then shuts it down gracefully.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	o, err := parseFlags(args)
	if err != nil {
		return err
	}
	ln, err := listen(o)
	if err != nil {
		return err
	}
	srv := newServer(o)
	printEnvironment(stdout, "http://"+ln.Addr().String(), o.region)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serving on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutting down %s: %w", ln.Addr(), err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serving on %s: %w", ln.Addr(), err)
	}
	fmt.Fprintln(stdout, "awsemu: stopped")
	return nil
}

// errNotLoopback is returned for a listen address off loopback without
// -allow-non-loopback.
var errNotLoopback = errors.New("address is not loopback")

// listen opens the listener after checking that the address is loopback.
func listen(o options) (net.Listener, error) {
	host, _, err := net.SplitHostPort(o.addr)
	if err != nil {
		return nil, fmt.Errorf("parsing -addr %q: %w", o.addr, err)
	}
	if !o.allowNonLoopback && !isLoopback(host) {
		return nil, fmt.Errorf("listening on %q: %w; the emulator authorizes every request, pass -allow-non-loopback to serve it anyway", o.addr, errNotLoopback)
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", o.addr, err)
	}
	return ln, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// newServer returns the HTTP server of a new emulator.
func newServer(o options) *http.Server {
	emu := awsemu.New(awsemu.WithRegion(o.region), awsemu.WithStatementDelay(o.statementDelay))
	return &http.Server{Handler: emu, ReadHeaderTimeout: readHeaderTimeout}
}

// printEnvironment prints the URL and the environment that points the AWS
// CLI and SDKs at the emulator as account A's administrator.
func printEnvironment(w io.Writer, url, region string) {
	fmt.Fprintf(w, "awsemu: local AWS emulator listening on %s\n", url)
	fmt.Fprintf(w, "# Point the AWS CLI and SDKs at it (account %s):\n", awsemu.AccountA)
	fmt.Fprintf(w, "export AWS_ENDPOINT_URL=%s\n", url)
	fmt.Fprintf(w, "export AWS_ACCESS_KEY_ID=%s\n", awsemu.AccessKeyA)
	fmt.Fprintf(w, "export AWS_SECRET_ACCESS_KEY=%s\n", awsemu.SecretKey)
	fmt.Fprintf(w, "export AWS_REGION=%s\n", region)
	fmt.Fprintf(w, "# For account %s use AWS_ACCESS_KEY_ID=%s.\n", awsemu.AccountB, awsemu.AccessKeyB)
}
