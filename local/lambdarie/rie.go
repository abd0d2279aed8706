package lambdarie

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"syscall"
	"time"
)

// Bounds of Start and Close.
const (
	// startTimeout bounds how long Start waits for the emulator to accept
	// connections.
	startTimeout = 10 * time.Second
	// readyPollInterval is how often Start tries to connect meanwhile.
	readyPollInterval = 20 * time.Millisecond
	// startAttempts bounds how often Start picks new ports when the
	// emulator exits at once, which happens when another process took a
	// port between picking and binding it.
	startAttempts = 3
	// closeTimeout bounds how long Close waits for the processes to exit
	// after killing them.
	closeTimeout = 5 * time.Second
	// defaultTimeout is the function timeout when Options.Timeout is zero.
	defaultTimeout = 60 * time.Second
)

// invocationPath is where the emulator accepts invocations.
const invocationPath = "/2015-03-31/functions/function/invocations"

// Options configure Start.
type Options struct {
	// RIEPath is the aws-lambda-rie binary, for example from Build.
	RIEPath string
	// BootstrapPath is the function's bootstrap binary, built for the
	// host's GOOS and GOARCH.
	BootstrapPath string
	// Env is the function's whole environment (AWS_REGION,
	// AWS_ENDPOINT_URL, credentials, ...); the caller's environment is
	// not inherited.
	Env map[string]string
	// Timeout is the function timeout, which sets the deadline of the
	// handler's context; it is rounded up to whole seconds. Zero means
	// one minute.
	Timeout time.Duration
	// Output receives the emulator's and the function's logs; nil
	// discards them.
	Output io.Writer
}

// Function is a bootstrap binary running under the emulator.
type Function struct {
	url     string
	timeout time.Duration
	cmd     *exec.Cmd
	exited  chan struct{} // closed when the emulator process has exited
	waitErr error         // the emulator's exit status, set before exited closes
	client  *http.Client
}

// ErrExited is returned by Start when the emulator exits before it accepts
// invocations.
var ErrExited = errors.New("the Lambda runtime interface emulator exited")

// Start runs the bootstrap under the emulator on free loopback ports and
// waits until the emulator accepts connections. The function itself
// starts on the first invocation, as in Lambda. Close the Function when
// done.
func Start(ctx context.Context, o Options) (*Function, error) {
	for _, p := range []string{o.RIEPath, o.BootstrapPath} {
		if _, err := os.Stat(p); err != nil {
			return nil, fmt.Errorf("starting the Lambda runtime interface emulator: %w", err)
		}
	}
	if o.Timeout == 0 {
		o.Timeout = defaultTimeout
	}
	var err error
	for range startAttempts {
		var f *Function
		f, err = start(ctx, o)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, ErrExited) {
			return nil, err
		}
	}
	return nil, err
}

func start(ctx context.Context, o Options) (*Function, error) {
	addrs, err := freeAddrs(2)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(o.RIEPath,
		"--runtime-interface-emulator-address", addrs[0],
		"--runtime-api-address", addrs[1],
		o.BootstrapPath)
	cmd.Env = environment(o)
	cmd.Stdout, cmd.Stderr = o.Output, o.Output
	// A process group of its own lets Close kill the bootstrap, which the
	// emulator starts as its child, together with the emulator. Pdeathsig
	// kills the emulator when this process dies without calling Close (a
	// test binary's timeout panic, a kill); the bootstrap then loses its
	// runtime API and exits.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", o.RIEPath, err)
	}
	f := &Function{
		url:     "http://" + addrs[0],
		timeout: o.Timeout,
		cmd:     cmd,
		exited:  make(chan struct{}),
		client:  &http.Client{},
	}
	go func() {
		f.waitErr = cmd.Wait()
		close(f.exited)
	}()
	if err := f.waitReady(ctx, addrs[0]); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// environment returns the function's environment: what Lambda would set,
// overridden by o.Env.
func environment(o Options) []string {
	seconds := int64((o.Timeout + time.Second - 1) / time.Second)
	env := map[string]string{
		"AWS_LAMBDA_FUNCTION_TIMEOUT":     strconv.FormatInt(seconds, 10),
		"AWS_LAMBDA_FUNCTION_NAME":        "function",
		"AWS_LAMBDA_FUNCTION_VERSION":     "$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
		"LOG_LEVEL":                       "error",
	}
	maps.Copy(env, o.Env)
	out := make([]string, 0, len(env))
	for _, k := range slices.Sorted(maps.Keys(env)) {
		out = append(out, k+"="+env[k])
	}
	return out
}

// freeAddrs returns n loopback addresses with ports that were free a
// moment ago.
func freeAddrs(n int) ([]string, error) {
	var addrs []string
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("finding a free loopback port: %w", err)
		}
		addrs = append(addrs, ln.Addr().String())
		// Keep each listener open until all are picked, so that the
		// ports differ.
		defer ln.Close()
	}
	return addrs, nil
}

// waitReady polls until the emulator accepts connections on addr, the
// emulator exits, ctx ends, or startTimeout passes.
func (f *Function) waitReady(ctx context.Context, addr string) error {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	tick := time.NewTicker(readyPollInterval)
	defer tick.Stop()
	var d net.Dialer
	for {
		conn, err := d.DialContext(ctx, "tcp", addr)
		if err == nil {
			conn.Close()
			return nil
		}
		select {
		case <-f.exited:
			return fmt.Errorf("waiting for the emulator on %s: %w (%v)", addr, ErrExited, f.waitErr)
		case <-ctx.Done():
			return fmt.Errorf("waiting for the emulator on %s: %w", addr, ctx.Err())
		case <-tick.C:
		}
	}
}

// Close stops the emulator and the function. The emulator ignores SIGTERM
// and starts the bootstrap in a process group of its own, so Close kills
// the bootstrap's group and the emulator's, and waits until they are gone.
func (f *Function) Close() error {
	select {
	case <-f.exited:
		return nil
	default:
	}
	pid := f.cmd.Process.Pid
	children := childPIDs(pid)
	for _, child := range children {
		if err := syscall.Kill(-child, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
			return fmt.Errorf("killing the function (pid %d) of the emulator (pid %d): %w", child, pid, err)
		}
	}
	if err := syscall.Kill(-pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("killing the emulator (pid %d): %w", pid, err)
	}
	deadline := time.NewTimer(closeTimeout)
	defer deadline.Stop()
	select {
	case <-f.exited:
	case <-deadline.C:
		return fmt.Errorf("the emulator (pid %d) did not exit within %s of being killed", pid, closeTimeout)
	}
	tick := time.NewTicker(readyPollInterval)
	defer tick.Stop()
	for _, child := range children {
		for alive(child) {
			select {
			case <-deadline.C:
				return fmt.Errorf("the function (pid %d) did not exit within %s of being killed", child, closeTimeout)
			case <-tick.C:
			}
		}
	}
	return nil
}

// URL is the emulator's base URL.
func (f *Function) URL() string { return f.url }
