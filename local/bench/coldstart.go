package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"time"
)

// Measurement is one cold start of a function.
type Measurement struct {
	// ColdStart is the time from exec to the function's first request for
	// work (for Node.js: to the handler module being loaded).
	ColdStart time.Duration
	// Invocation is the time from the first request for work to the answer;
	// zero when no invocation was served.
	Invocation time.Duration
	// MaxRSS is the process's peak resident set size in bytes.
	MaxRSS int64
	// Outcome is the function's answer to the invocation.
	Outcome Outcome
}

// ErrColdStart is wrapped by the errors of a function that did not start,
// poll or answer as a Lambda function must.
var ErrColdStart = errors.New("cold start failed")

// logTail is how much of a failed function's output an error quotes.
const logTail = 2048

// waitDelay bounds how long waiting for a killed or exited process may
// still wait for its output to close, which a child it started could hold
// open.
const waitDelay = 5 * time.Second

// ColdStart runs the bootstrap at path with env (and nothing else of this
// process's environment) against a fresh RuntimeAPI that delivers event
// with requestID. It measures the time from exec to the first poll for
// work, waits for the answer, reads the function's peak resident memory
// and kills it.
func ColdStart(ctx context.Context, path string, env []string, requestID string, event []byte) (Measurement, error) {
	api := NewRuntimeAPI(requestID, event)
	defer api.Close()

	cmd := exec.Command(path)
	cmd.Env = append(append([]string(nil), env...), "AWS_LAMBDA_RUNTIME_API="+api.Address())
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	cmd.WaitDelay = waitDelay

	start := time.Now()
	if err := cmd.Start(); err != nil {
		return Measurement{}, fmt.Errorf("starting %s: %w", path, err)
	}
	// exited is closed when the process has ended; waitErr is then Wait's
	// error.
	exited := make(chan struct{})
	var waitErr error
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()
	stop := func() *os.ProcessState {
		_ = cmd.Process.Kill()
		<-exited
		return cmd.ProcessState
	}

	if err := await(ctx, api.Polled(), exited); err != nil {
		stop()
		err = errors.Join(err, waitErr)
		return Measurement{}, fmt.Errorf("%w: %s before its first poll for work: %w: %s", ErrColdStart, path, err, tail(output.Bytes()))
	}
	if err := await(ctx, api.Answered(), exited); err != nil {
		stop()
		err = errors.Join(err, waitErr)
		return Measurement{}, fmt.Errorf("%w: %s before it answered the invocation: %w: %s", ErrColdStart, path, err, tail(output.Bytes()))
	}
	peak, ok := peakRSS(cmd.Process.Pid)
	state := stop()
	if !ok {
		peak = maxRSS(state)
	}
	out := api.Outcome()
	m := Measurement{
		ColdStart:  api.PollAt().Sub(start),
		Invocation: out.At.Sub(api.PollAt()),
		MaxRSS:     peak,
		Outcome:    out,
	}
	if out.Kind != "response" {
		return m, fmt.Errorf("%w: %s answered with an invocation %s: %s", ErrColdStart, path, out.Kind, tail(out.Body))
	}
	return m, nil
}

// errExited is the error of a process that ended too early.
var errExited = errors.New("the process exited")

// await waits for done, for the process to exit, or for ctx to end.
func await(ctx context.Context, done, exited <-chan struct{}) error {
	select {
	case <-done:
		return nil
	case <-exited:
		// A process may answer and exit at once; the answer counts.
		select {
		case <-done:
			return nil
		default:
			return errExited
		}
	case <-ctx.Done():
		return ctx.Err()
	}
}

func tail(b []byte) []byte {
	if len(b) > logTail {
		return b[len(b)-logTail:]
	}
	return b
}
