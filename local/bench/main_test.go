package bench_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/redshift-data-access/redshift-data-access/internal/access"
	"github.com/redshift-data-access/redshift-data-access/internal/endpoint"
	"github.com/redshift-data-access/redshift-data-access/internal/secret"
	"github.com/redshift-data-access/redshift-data-access/local/bench"
)

// function is one Lambda function of the product, or the baseline.
type function struct {
	name string
	// pkg is the main package, relative to the module root.
	pkg string
	// resourceType is a type the function serves, for the cold start's
	// Delete request.
	resourceType string
}

// functions are measured in this order; baseline is the runtime alone.
var functions = []function{
	{name: "baseline", pkg: "local/bench/testdata/baseline", resourceType: "Custom::RedshiftDataApiBaseline"},
	{name: "secret", pkg: "functions/secret", resourceType: secret.ResourceType},
	{name: "access", pkg: "functions/access", resourceType: access.AccessType},
	{name: "endpoint", pkg: "functions/endpoint", resourceType: endpoint.ResourceType},
}

// buildTimeout bounds one go build on a busy machine.
const buildTimeout = 5 * time.Minute

var (
	moduleRoot string
	buildDir   string
	buildsMu   sync.Mutex
	builds     = map[string]buildResult{}
)

type buildResult struct {
	path string
	err  error
}

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	root, err := bench.ModuleRoot(".")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	moduleRoot = root
	dir, err := os.MkdirTemp("", "bench-functions-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	buildDir = dir
	return m.Run()
}

// host is the platform the tests run on.
var host = bench.Target{GOOS: runtime.GOOS, GOARCH: runtime.GOARCH}

// build builds the bootstrap of fn for target once per test binary.
// Benchmarks call it before b.Run, so that the build does not count as the
// first round of a measurement.
func build(fn function, target bench.Target) buildResult {
	key := fn.name + "/" + target.GOOS + "-" + target.GOARCH
	buildsMu.Lock()
	defer buildsMu.Unlock()
	r, ok := builds[key]
	if !ok {
		r.path = filepath.Join(buildDir, key, "bootstrap")
		ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
		r.err = bench.Build(ctx, moduleRoot, fn.pkg, target, r.path)
		cancel()
		builds[key] = r
	}
	return r
}

// bootstrap returns the path of fn's build r. It skips tb when the
// function does not exist yet and fails it when the build failed.
func bootstrap(tb testing.TB, fn function, r buildResult) string {
	tb.Helper()
	if errors.Is(r.err, bench.ErrNoFunction) {
		tb.Skipf("function %s is not written yet (no %s/main.go): nothing to measure", fn.name, fn.pkg)
	}
	if r.err != nil {
		tb.Fatal(r.err)
	}
	return r.path
}
