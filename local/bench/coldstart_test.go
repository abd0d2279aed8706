package bench_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/cfn"
	"github.com/google/go-cmp/cmp"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
	"github.com/redshift-data-access/redshift-data-access/local/bench"
)

// coldStartTimeout bounds one cold start and invocation.
const coldStartTimeout = 30 * time.Second

// nodePath is the Node.js the comparison runs.
const nodePath = "/usr/bin/node"

// functionEnv is the whole environment of a function in a cold start run:
// the standard SDK settings, pointed at the local emulator so that no
// request can reach AWS, and the local ResponseURL override.
func functionEnv(home, emulatorURL string) []string {
	return []string{
		"HOME=" + home,
		"AWS_REGION=" + awsemu.DefaultRegion,
		"AWS_ACCESS_KEY_ID=" + awsemu.AccessKeyA,
		"AWS_SECRET_ACCESS_KEY=" + awsemu.SecretKey,
		"AWS_ENDPOINT_URL=" + emulatorURL,
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_LAMBDA_FUNCTION_NAME=bench",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128",
		customresource.EnvAllowLocalResponseURL + "=true",
	}
}

// coldStartRig is what a cold start needs besides the function.
type coldStartRig struct {
	env  []string
	sink *bench.ResponseSink
}

func newColdStartRig(tb testing.TB) *coldStartRig {
	tb.Helper()
	srv := awsemu.Start()
	tb.Cleanup(srv.Close)
	sink := bench.NewResponseSink()
	tb.Cleanup(sink.Close)
	return &coldStartRig{env: functionEnv(tb.TempDir(), srv.URL), sink: sink}
}

// answer is the part of a function's answer a cold start checks.
type answer struct {
	Invocation string
	Status     cfn.StatusType
	PhysicalID string
}

// coldStart runs fn's bootstrap at path once with a Delete of a failed
// Create's marker, and fails tb unless the function answered SUCCESS.
func (rig *coldStartRig) coldStart(tb testing.TB, path string, fn function, requestID string) bench.Measurement {
	tb.Helper()
	event := bench.FailedCreateDelete(fn.resourceType, requestID, rig.sink.URL(requestID))
	payload, err := json.Marshal(event)
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), coldStartTimeout)
	defer cancel()
	m, err := bench.ColdStart(ctx, path, rig.env, requestID, payload)
	if err != nil {
		tb.Fatal(err)
	}
	got := answer{Invocation: m.Outcome.Kind}
	for _, r := range rig.sink.Responses() {
		if r.RequestID == requestID {
			got.Status, got.PhysicalID = r.Status, r.PhysicalResourceID
		}
	}
	want := answer{Invocation: "response", Status: cfn.StatusSuccess, PhysicalID: event.PhysicalResourceID}
	if diff := cmp.Diff(want, got); diff != "" {
		tb.Fatalf("function %s answered the failed Create's Delete wrongly (-want +got):\n%s", fn.name, diff)
	}
	return m
}

// BenchmarkColdStart reports, per function, the mean time from exec to
// the first poll of the Runtime API (ms/coldstart), the mean time to answer
// the first request (ms/first-invoke), and the highest peak resident
// memory after it (MB/maxrss); then the same for Node.js.
func BenchmarkColdStart(b *testing.B) {
	rig := newColdStartRig(b)
	for _, fn := range functions {
		r := build(fn, host)
		b.Run(fn.name, func(b *testing.B) {
			path := bootstrap(b, fn, r)
			var sum, invoke time.Duration
			var peak int64
			for i := 0; i < b.N; i++ {
				m := rig.coldStart(b, path, fn, fmt.Sprintf("bench-%s-%d", fn.name, i))
				sum += m.ColdStart
				invoke += m.Invocation
				peak = max(peak, m.MaxRSS)
			}
			b.ReportMetric(float64(sum.Microseconds())/1000/float64(b.N), "ms/coldstart")
			b.ReportMetric(float64(invoke.Microseconds())/1000/float64(b.N), "ms/first-invoke")
			b.ReportMetric(float64(peak)/(1<<20), "MB/maxrss")
		})
	}
	b.Run("node-minimal", func(b *testing.B) {
		benchNode(b, bench.NodeMinimalScript)
	})
	b.Run("node-provider-framework", func(b *testing.B) {
		requireNode(b)
		dir := providerFramework(b)
		ctx, cancel := context.WithTimeout(context.Background(), coldStartTimeout)
		defer cancel()
		if err := bench.ProviderFrameworkSDK(ctx, nodePath, dir); err != nil {
			b.Skipf("%v; install them with npm install --prefix DIR @aws-sdk/client-lambda @aws-sdk/client-sfn and set NODE_PATH=DIR/node_modules; node-provider-framework-stubbed-sdk is the lower bound", err)
		}
		benchNode(b, bench.NodeProviderFrameworkScript(dir))
	})
	b.Run("node-provider-framework-stubbed-sdk", func(b *testing.B) {
		benchNode(b, bench.NodeProviderFrameworkStubbedScript(providerFramework(b)))
	})
}

// providerFramework returns the directory of the provider framework's
// handler, or skips tb.
func providerFramework(tb testing.TB) string {
	tb.Helper()
	dir, err := bench.FindProviderFramework(moduleRoot)
	if err != nil {
		tb.Skipf("%v: only node-minimal, the lower bound of any Node.js handler, is measured", err)
	}
	return dir
}

// requireNode skips tb where there is no Node.js at nodePath.
func requireNode(tb testing.TB) {
	tb.Helper()
	if _, err := exec.LookPath(nodePath); err != nil {
		tb.Skipf("no Node.js at %s: %v", nodePath, err)
	}
}

// benchNode measures node running script.
func benchNode(b *testing.B, script string) {
	requireNode(b)
	var sum time.Duration
	var peak int64
	for i := 0; i < b.N; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), coldStartTimeout)
		m, err := bench.NodeStart(ctx, nodePath, script)
		cancel()
		if err != nil {
			b.Fatal(err)
		}
		sum += m.ColdStart
		peak = max(peak, m.MaxRSS)
	}
	b.ReportMetric(float64(sum.Microseconds())/1000/float64(b.N), "ms/coldstart")
	b.ReportMetric(float64(peak)/(1<<20), "MB/maxrss")
}

// BenchmarkZipSize reports the size of each function's deployment package
// (bytes/zip): the linux/arm64 bootstrap zipped at default compression;
// then the provider framework's Node.js asset, zipped the same way.
func BenchmarkZipSize(b *testing.B) {
	for _, fn := range functions {
		r := build(fn, bench.Lambda)
		b.Run(fn.name, func(b *testing.B) {
			benchZip(b, map[string]string{"bootstrap": bootstrap(b, fn, r)})
		})
	}
	b.Run("node-provider-framework", func(b *testing.B) {
		dir, err := bench.FindProviderFramework(moduleRoot)
		if err != nil {
			b.Skip(err)
		}
		files, err := bench.ProviderFrameworkFiles(dir)
		if err != nil {
			b.Fatal(err)
		}
		benchZip(b, files)
	})
}

func benchZip(b *testing.B, files map[string]string) {
	var size int64
	for i := 0; i < b.N; i++ {
		var err error
		if size, err = bench.ZipSize(files); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(size), "bytes/zip")
}
