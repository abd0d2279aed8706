package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
	"github.com/redshift-data-access/redshift-data-access/local/lambdarie"
	"github.com/redshift-data-access/redshift-data-access/local/lifecycle"
	"github.com/redshift-data-access/redshift-data-access/local/prerequisites"
)

// rieEnv names a prebuilt aws-lambda-rie to use instead of building one.
const rieEnv = "AWS_LAMBDA_RIE"

// buildTimeout bounds building the functions and the emulator.
const buildTimeout = 10 * time.Minute

// functionNames are the product's functions, as under functions/.
var functionNames = []string{"secret", "access", "endpoint", "dbuser"}

// binaries are what the first test that needs them built for every
// test: the bootstraps in dir/<name>/bootstrap and aws-lambda-rie. skip,
// when set, is why the tests cannot run here.
var binaries struct {
	once     sync.Once
	dir, rie string
	skip     string
	err      error
}

// TestMain removes the built functions. They are built on first use, not
// here, so that a run that selects no end-to-end test (make bench, go test
// -run with another name) builds nothing.
func TestMain(m *testing.M) {
	code := m.Run()
	if binaries.dir != "" {
		os.RemoveAll(binaries.dir)
	}
	os.Exit(code)
}

func buildBinaries() {
	if runtime.GOOS != "linux" {
		binaries.skip = "the Lambda runtime interface emulator runs only on Linux, not " + runtime.GOOS
		return
	}
	if _, err := exec.LookPath("go"); err != nil {
		binaries.skip = "the go tool is not on PATH: " + err.Error()
		return
	}
	dir, err := os.MkdirTemp("", "e2e-functions-")
	if err != nil {
		binaries.err = err
		return
	}
	binaries.dir = dir
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	for _, name := range functionNames {
		if err := buildFunction(ctx, name, binaries.dir); err != nil {
			binaries.err = err
			return
		}
	}
	binaries.rie, binaries.err = rieBinary(ctx)
}

// buildFunction builds functions/<name> for the host with the flags of
// the Lambda build.
func buildFunction(ctx context.Context, name, dir string) error {
	out := filepath.Join(dir, name, "bootstrap")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-buildvcs=false", "-ldflags", "-s -w", "-tags", "lambda.norpc", "-o", out, "./functions/"+name)
	cmd.Dir = filepath.Join("..", "..")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building function %s: %w\n%s", name, err, b)
	}
	return nil
}

// rieBinary returns aws-lambda-rie: the one AWS_LAMBDA_RIE names, or one
// built once per pinned version into the user's cache directory.
func rieBinary(ctx context.Context) (string, error) {
	if p := os.Getenv(rieEnv); p != "" {
		return p, nil
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "redshift-data-access", "rie", lambdarie.Version)
	p := filepath.Join(dir, "aws-lambda-rie")
	if _, err := os.Stat(p); err == nil {
		return p, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("looking for %s: %w", p, err)
	}
	return lambdarie.Build(ctx, dir)
}

// requireBinaries builds the binaries once, skips the test where the
// functions cannot run, and fails it when building them failed.
func requireBinaries(t *testing.T) {
	t.Helper()
	binaries.once.Do(buildBinaries)
	if binaries.skip != "" {
		t.Skip(binaries.skip)
	}
	if binaries.err != nil {
		t.Fatalf("building the binaries: %v", binaries.err)
	}
}

// leaks are what the functions' logs must never hold: the password the
// secret tests set, and the signature of a ResponseURL (a write
// credential).
var leaks = []string{canaryPassword, "X-Amz-Signature"}

// startFunction runs the built function name under the runtime interface
// emulator, with the credentials of account on srv and nothing else in
// its environment, until the test ends; then it checks that the logs of
// the function and the emulator hold none of leaks.
func startFunction(t *testing.T, srv *awsemu.Server, name, account string) lifecycle.Invoke {
	t.Helper()
	return startFunctionWith(t, srv, name, account, nil)
}

// startFunctionWith is startFunction with extra variables in the
// function's environment (the provider owner's guardrail settings).
func startFunctionWith(t *testing.T, srv *awsemu.Server, name, account string, extra map[string]string) lifecycle.Invoke {
	t.Helper()
	env := prerequisites.FunctionEnv(srv, account)
	for k, v := range extra {
		env[k] = v
	}
	return startFunctionEnv(t, name, env).InvokeEvent
}

// startFunctionEnv is startFunction with the function's whole
// environment given.
func startFunctionEnv(t *testing.T, name string, env map[string]string) *lambdarie.Function {
	t.Helper()
	var logs bytes.Buffer
	f, err := lambdarie.Start(t.Context(), lambdarie.Options{
		RIEPath:       binaries.rie,
		BootstrapPath: filepath.Join(binaries.dir, name, "bootstrap"),
		Env:           env,
		Output:        &logs,
	})
	if err != nil {
		t.Fatalf("starting function %s: %v", name, err)
	}
	t.Cleanup(func() {
		if err := f.Close(); err != nil {
			// The processes may still write to logs.
			t.Errorf("stopping function %s: %v", name, err)
			return
		}
		// The processes have exited: nothing writes to logs any more.
		if logs.Len() == 0 {
			t.Errorf("function %s logged nothing: the leak check below would prove nothing", name)
		}
		for _, leak := range leaks {
			if bytes.Contains(logs.Bytes(), []byte(leak)) {
				t.Errorf("the logs of function %s contain %q", name, leak)
			}
		}
	})
	return f
}
