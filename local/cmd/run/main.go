package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"
	"time"

	"github.com/google/uuid"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
	"github.com/redshift-data-access/redshift-data-access/local/lambdarie"
	"github.com/redshift-data-access/redshift-data-access/local/lifecycle"
	"github.com/redshift-data-access/redshift-data-access/local/prerequisites"
)

// endpointDelay is how long the emulator keeps a VPC endpoint pending or
// deleting: long enough that the function waits as it would in AWS, short
// enough for a quick run.
const endpointDelay = 300 * time.Millisecond

// rieBuildTimeout bounds building aws-lambda-rie when it is missing: a
// go install that downloads its module.
const rieBuildTimeout = 10 * time.Minute

// runTimeout bounds the whole run, which takes seconds: a function or an
// emulator call that hangs ends it with exit status 2 instead of blocking
// the terminal or CI.
const runTimeout = 10 * time.Minute

// Exit statuses.
const (
	exitFailed   = 1 // a step's outcome differs from what CloudFormation needs
	exitNotReady = 2 // the run could not start or was interrupted
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code := mainWithExit(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

func mainWithExit(ctx context.Context, args []string) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	dir := fs.String("functions", "build/host", "directory with <name>/bootstrap built for this machine")
	riePath := fs.String("rie", "build/tools/aws-lambda-rie", "aws-lambda-rie binary; built with lambdarie.Build when missing")
	verbose := fs.Bool("v", false, "copy the functions' logs to stderr")
	if err := fs.Parse(args); err != nil {
		return exitNotReady
	}
	if runtime.GOOS != "linux" {
		fmt.Fprintf(os.Stderr, "run: the Lambda runtime interface emulator runs only on Linux, not %s\n", runtime.GOOS)
		return exitNotReady
	}
	for _, name := range []string{secretFunction, accessFunction, endpointFunction, dbuserFunction} {
		if _, err := os.Stat(filepath.Join(*dir, name, "bootstrap")); err != nil {
			fmt.Fprintf(os.Stderr, "run: %v; build the functions for this machine first (make build-host)\n", err)
			return exitNotReady
		}
	}
	if _, err := os.Stat(*riePath); errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(os.Stderr, "run: %s is missing; building it\n", *riePath)
		buildCtx, cancel := context.WithTimeout(ctx, rieBuildTimeout)
		built, err := lambdarie.Build(buildCtx, filepath.Dir(*riePath))
		cancel()
		if err != nil {
			fmt.Fprintln(os.Stderr, "run:", err)
			return exitNotReady
		}
		*riePath = built
	}
	logs := io.Discard
	if *verbose {
		logs = os.Stderr
	}
	fns := &rieFunctions{rie: *riePath, dir: *dir, output: logs}
	// The Password of the workgroup secret: random, so that nothing but
	// the emulator's secret store ever holds it.
	runCtx, cancel := context.WithTimeout(ctx, runTimeout)
	defer cancel()
	rows, err := run(runCtx, fns, options{password: "Run-" + rand.Text(), endpointDelay: endpointDelay}, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "run:", err)
		return exitNotReady
	}
	for _, row := range rows {
		if row.failure != "" {
			return exitFailed
		}
	}
	return 0
}

// options are the run's settings that its test changes.
type options struct {
	// password is the Password property of the workgroup secret, a value
	// the report must never show.
	password string
	// endpointDelay is how long VPC endpoints stay pending and deleting.
	endpointDelay time.Duration
}

// runner holds what the scenarios share.
type runner struct {
	srv      *awsemu.Server
	fns      functions
	rep      *report
	world    *prerequisites.World
	password string
	invokers map[string]lifecycle.Invoke // function/account
	drivers  []*lifecycle.Driver
	stacks   map[string]string    // account -> stack ID
	logins   map[string]sqlLogins // account -> the SQL checks' logins, made once
}

// run starts the emulator, sets up the prerequisites, runs every scenario
// and writes the report to out. It returns the summary's rows, whose
// failure says where a step's outcome differed from what CloudFormation
// needs; an error means the run could not start or was interrupted.
func run(ctx context.Context, fns functions, o options, out io.Writer) ([]summaryRow, error) {
	srv := awsemu.Start()
	defer srv.Close()
	srv.SetVPCEndpointDelays(o.endpointDelay, o.endpointDelay)

	rep := newReport(out, secretPropertyNames())
	rep.addSecret(o.password)
	rep.printf("local AWS emulator at %s, region %s, accounts %s (A) and %s (B)\n", srv.URL, srv.Region(), awsemu.AccountA, awsemu.AccountB)
	w, err := setUp(ctx, srv, rep)
	if err != nil {
		return nil, fmt.Errorf("setting up the prerequisites: %w", err)
	}
	r := &runner{srv: srv, fns: fns, rep: rep, world: w, password: o.password, invokers: map[string]lifecycle.Invoke{}, stacks: map[string]string{}}
	defer r.close()
	for _, s := range scenarios() {
		r.runScenario(ctx, s)
		if ctx.Err() != nil {
			return nil, fmt.Errorf("running %s: %w", s.title, ctx.Err())
		}
	}
	rep.summary()
	rows := make([]summaryRow, len(rep.rows))
	for i, row := range rep.rows {
		rows[i] = *row
	}
	return rows, nil
}

// runScenario runs s in its own section. A failure that no resource or
// check recorded, such as a function that did not start, gets a row of
// its own.
func (r *runner) runScenario(ctx context.Context, s scenario) {
	r.rep.section(s.title)
	before := len(r.rep.rows)
	err := s.run(ctx, r)
	if err == nil {
		return
	}
	for _, row := range r.rep.rows[before:] {
		if row.failure != "" {
			return
		}
	}
	r.rep.row(s.title).failure = err.Error()
	r.rep.outcome(err)
}

// newResource starts tracking a logical resource of the account's stack,
// served by function fn running with the account's credentials.
func (r *runner) newResource(ctx context.Context, name, resourceType, fn, account, logicalID string, read stateReader) (*resource, error) {
	invoke, err := r.invoker(ctx, fn, account)
	if err != nil {
		return nil, err
	}
	d, err := lifecycle.NewDriver(resourceType, invoke)
	if err != nil {
		return nil, fmt.Errorf("starting the lifecycle driver for %s: %w", logicalID, err)
	}
	r.drivers = append(r.drivers, d)
	d.StackID = r.stackID(account)
	d.LogicalResourceID = logicalID
	d.ServiceToken = fmt.Sprintf("arn:aws:lambda:%s:%s:function:redshift-data-access-%s", r.srv.Region(), account, fn)
	return &resource{rep: r.rep, row: r.rep.row(name), driver: d, read: read}, nil
}

// invoker starts function fn for account once and returns how to invoke
// it.
func (r *runner) invoker(ctx context.Context, fn, account string) (lifecycle.Invoke, error) {
	key := fn + "/" + account
	if inv, ok := r.invokers[key]; ok {
		return inv, nil
	}
	inv, err := r.fns.start(ctx, fn, prerequisites.FunctionEnv(r.srv, account))
	if err != nil {
		return nil, fmt.Errorf("starting function %s for account %s: %w", fn, account, err)
	}
	r.invokers[key] = inv
	return inv, nil
}

// stackID is the ID of the one stack per account that the run's resources
// belong to.
func (r *runner) stackID(account string) string {
	if id, ok := r.stacks[account]; ok {
		return id
	}
	id := fmt.Sprintf("arn:aws:cloudformation:%s:%s:stack/make-run/%s", r.srv.Region(), account, uuid.NewString())
	r.stacks[account] = id
	return id
}

func (r *runner) close() {
	for _, d := range r.drivers {
		d.Close()
	}
	if err := r.fns.close(); err != nil {
		r.rep.printf("stopping the functions: %v\n", err)
	}
}
