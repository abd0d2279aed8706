package lambdarie

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/cfn"
	"github.com/google/go-cmp/cmp"
)

// rieEnv names a prebuilt aws-lambda-rie that the test uses instead of
// building one.
const rieEnv = "AWS_LAMBDA_RIE"

// binaries are the aws-lambda-rie and echo bootstrap that TestMain builds
// once for all tests.
var binaries struct {
	rie, bootstrap string
	err            error
}

func TestMain(m *testing.M) {
	if os.Getenv(orphanHelperEnv) != "" {
		runOrphanHelper(os.Getenv(rieEnv), os.Getenv(bootstrapEnv))
	}
	dir, err := os.MkdirTemp("", "rie-test-")
	if err != nil {
		binaries.err = err
	} else if runtime.GOOS == "linux" {
		binaries.rie, binaries.bootstrap, binaries.err = buildBinaries(dir)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// buildBinaries builds the echo function, and aws-lambda-rie unless
// AWS_LAMBDA_RIE names one.
func buildBinaries(dir string) (rie, bootstrap string, err error) {
	ctx := context.Background()
	rie = os.Getenv(rieEnv)
	if rie == "" {
		if rie, err = Build(ctx, dir); err != nil {
			return "", "", err
		}
	}
	bootstrap = filepath.Join(dir, "bootstrap")
	build := exec.CommandContext(ctx, "go", "build", "-o", bootstrap, "./testdata/echo")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		return "", "", fmt.Errorf("building the echo function: %w\n%s", err, out)
	}
	return rie, bootstrap, nil
}

// requireBinaries skips the test off Linux and fails it when the test
// binaries did not build.
func requireBinaries(t *testing.T) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skipf("the Lambda runtime interface emulator runs only on Linux, not %s", runtime.GOOS)
	}
	if binaries.err != nil {
		t.Fatalf("building the test binaries: %v", binaries.err)
	}
}

// startEcho runs the echo function under the emulator until the test ends.
func startEcho(t *testing.T, env map[string]string) *Function {
	t.Helper()
	requireBinaries(t)
	f, err := Start(context.Background(), Options{RIEPath: binaries.rie, BootstrapPath: binaries.bootstrap, Env: env})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := f.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return f
}

func TestInvoke(t *testing.T) {
	f := startEcho(t, map[string]string{"GREETING": "hello"})
	tests := map[string]struct {
		payload string
		want    string
		wantErr *FunctionError
	}{
		"echo":                {payload: `{"a":1}`, want: `{"a":1}`},
		"environment":         {payload: `{"env":"GREETING"}`, want: `{"GREETING":"hello"}`},
		"host environment":    {payload: `{"env":"HOME"}`, want: `{"HOME":""}`},
		"function timeout":    {payload: `{"env":"AWS_LAMBDA_FUNCTION_TIMEOUT"}`, want: `{"AWS_LAMBDA_FUNCTION_TIMEOUT":"60"}`},
		"deadline":            {payload: `{"deadline":true}`, want: `{"deadline":true}`},
		"handler error":       {payload: `{"fail":"boom"}`, wantErr: &FunctionError{Type: "errorString", Message: "boom"}},
		"error-like property": {payload: `{"errorType":"x","errorMessage":"y","extra":1}`, want: `{"errorType":"x","errorMessage":"y","extra":1}`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := f.Invoke(context.Background(), []byte(tc.payload))
			if tc.wantErr != nil {
				var fe *FunctionError
				if !errors.As(err, &fe) {
					t.Fatalf("err = %v, want a FunctionError", err)
				}
				if diff := cmp.Diff(tc.wantErr, fe); diff != "" {
					t.Errorf("function error (-want +got):\n%s", diff)
				}
				return
			}
			if err != nil {
				t.Fatalf("Invoke: %v", err)
			}
			if diff := cmp.Diff(tc.want, string(got)); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
		})
	}
}

func TestInvokeEvent(t *testing.T) {
	f := startEcho(t, nil)
	event := cfn.Event{
		RequestType: cfn.RequestCreate, RequestID: "req-1", ResponseURL: "http://127.0.0.1:1/response",
		ResourceType: "Custom::Echo", LogicalResourceID: "Echo", StackID: "arn:aws:cloudformation:us-east-1:111111111111:stack/s/1",
		ResourceProperties: map[string]any{"ServiceToken": "arn:aws:lambda:us-east-1:111111111111:function:echo"},
	}
	if err := f.InvokeEvent(context.Background(), event); err != nil {
		t.Errorf("InvokeEvent: %v", err)
	}
	event.ResourceProperties = map[string]any{"fail": "rejected"}
	var fe *FunctionError
	if err := f.InvokeEvent(context.Background(), event); !errors.As(err, &fe) {
		t.Errorf("InvokeEvent of a failing event: err = %v, want a FunctionError", err)
	}
}

func TestCloseStopsTheFunction(t *testing.T) {
	f := startEcho(t, nil)
	out, err := f.Invoke(context.Background(), []byte(`{"pid":true}`))
	if err != nil {
		t.Fatalf("Invoke: %v", err)
	}
	var got struct{ PID int }
	if err := json.Unmarshal(out, &got); err != nil || got.PID == 0 {
		t.Fatalf("pid response %s: %v", out, err)
	}
	if err := f.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if alive(got.PID) {
		t.Errorf("the bootstrap (pid %d) still runs after Close", got.PID)
	}
	if _, err := f.Invoke(context.Background(), []byte(`{}`)); err == nil {
		t.Error("Invoke after Close succeeded")
	}
}

func TestEnvironment(t *testing.T) {
	tests := map[string]struct {
		o    Options
		want []string
	}{
		"timeout rounded up to seconds": {
			o:    Options{Timeout: 1500 * time.Millisecond},
			want: []string{"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128", "AWS_LAMBDA_FUNCTION_NAME=function", "AWS_LAMBDA_FUNCTION_TIMEOUT=2", "AWS_LAMBDA_FUNCTION_VERSION=$LATEST", "LOG_LEVEL=error"},
		},
		"caller's variables win": {
			o:    Options{Timeout: time.Minute, Env: map[string]string{"AWS_LAMBDA_FUNCTION_NAME": "secret", "AWS_REGION": "eu-west-1"}},
			want: []string{"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128", "AWS_LAMBDA_FUNCTION_NAME=secret", "AWS_LAMBDA_FUNCTION_TIMEOUT=60", "AWS_LAMBDA_FUNCTION_VERSION=$LATEST", "AWS_REGION=eu-west-1", "LOG_LEVEL=error"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, environment(tc.o)); diff != "" {
				t.Errorf("environment (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStartChecksPaths(t *testing.T) {
	_, err := Start(context.Background(), Options{RIEPath: filepath.Join(t.TempDir(), "missing"), BootstrapPath: "/bin/true"})
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Start with a missing emulator: err = %v, want ErrNotExist", err)
	}
}
