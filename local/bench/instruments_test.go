package bench_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/redshift-data-access/redshift-data-access/local/bench"
)

// TestColdStartBaseline runs the baseline function once through the whole
// instrument: build, exec, Runtime API, response, peak memory.
func TestColdStartBaseline(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a function: skipped with -short")
	}
	fn := functions[0]
	path := bootstrap(t, fn, build(fn, host))
	m := newColdStartRig(t).coldStart(t, path, fn, "11111111-2222-3333-4444-000000000001")
	if m.ColdStart <= 0 || m.Invocation <= 0 || m.MaxRSS <= 0 {
		t.Errorf("measurement %+v: want a positive cold start, invocation time and peak memory", m)
	}
}

func TestColdStartOfAProcessThatIsNoFunction(t *testing.T) {
	tests := map[string]struct {
		command string
	}{
		"exits at once": {command: "true"},
		"fails at once": {command: "false"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			path, err := exec.LookPath(tc.command)
			if err != nil {
				t.Skipf("no %s on this machine: %v", tc.command, err)
			}
			ctx, cancel := context.WithTimeout(t.Context(), coldStartTimeout)
			defer cancel()
			_, err = bench.ColdStart(ctx, path, nil, "r", []byte(`{}`))
			if !errors.Is(err, bench.ErrColdStart) {
				t.Errorf("ColdStart(%s) error = %v, want ErrColdStart", tc.command, err)
			}
		})
	}
}

func TestBuildOfAMissingFunction(t *testing.T) {
	err := bench.Build(t.Context(), t.TempDir(), "functions/none", host, filepath.Join(t.TempDir(), "bootstrap"))
	if !errors.Is(err, bench.ErrNoFunction) {
		t.Errorf("Build error = %v, want ErrNoFunction", err)
	}
}

func TestZipSize(t *testing.T) {
	dir := t.TempDir()
	zeros := filepath.Join(dir, "zeros")
	if err := os.WriteFile(zeros, make([]byte, 1<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	empty, err := bench.ZipSize(nil)
	if err != nil {
		t.Fatal(err)
	}
	// An empty archive is its 22-byte end of central directory record.
	if diff := cmp.Diff(int64(22), empty); diff != "" {
		t.Errorf("size of an empty archive (-want +got):\n%s", diff)
	}
	size, err := bench.ZipSize(map[string]string{"bootstrap": zeros})
	if err != nil {
		t.Fatal(err)
	}
	if size <= empty || size >= 1<<20/100 {
		t.Errorf("1 MiB of zeros zipped to %d bytes: want compressed, between %d and %d", size, empty, 1<<20/100)
	}
	if _, err := bench.ZipSize(map[string]string{"bootstrap": filepath.Join(dir, "missing")}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("zipping a missing file: error = %v, want ErrNotExist", err)
	}
}

func TestFindProviderFramework(t *testing.T) {
	const rel = "custom-resources/lib/provider-framework/runtime"
	tests := map[string]struct {
		// files are created under a temporary directory; {root} and
		// {cache} stand for the module root and the jsii cache.
		files   []string
		want    string
		wantErr error
	}{
		"in node_modules": {
			files: []string{"root/node_modules/aws-cdk-lib/" + rel + "/framework.js"},
			want:  "root/node_modules/aws-cdk-lib/" + rel,
		},
		"in the jsii cache, newest version": {
			files: []string{
				"cache/aws-cdk-lib/2.100.0/abc/" + rel + "/framework.js",
				"cache/aws-cdk-lib/2.276.0/def/" + rel + "/framework.js",
			},
			want: "cache/aws-cdk-lib/2.276.0/def/" + rel,
		},
		"nowhere": {
			files:   []string{"root/node_modules/aws-cdk/package.json"},
			wantErr: bench.ErrNoProviderFramework,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range append(tc.files, "root/go.mod", "cache/.keep") {
				path := filepath.Join(dir, f)
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, nil, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			t.Setenv("JSII_RUNTIME_PACKAGE_CACHE_ROOT", filepath.Join(dir, "cache"))
			got, err := bench.FindProviderFramework(filepath.Join(dir, "root"))
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("error = %v, want %v", err, tc.wantErr)
			}
			if tc.want != "" {
				tc.want = filepath.Join(dir, tc.want)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("directory (-want +got):\n%s", diff)
			}
		})
	}
}

func TestProviderFrameworkFilesLeaveOutTypeScript(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"framework.js", "framework.d.ts", "consts.js", ".is_custom_resource"} {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := bench.ProviderFrameworkFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"framework.js":        filepath.Join(dir, "framework.js"),
		"consts.js":           filepath.Join(dir, "consts.js"),
		".is_custom_resource": filepath.Join(dir, ".is_custom_resource"),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
}

func TestNodeStart(t *testing.T) {
	requireNode(t)
	tests := map[string]struct {
		script  string
		wantErr error
	}{
		"minimal":           {script: bench.NodeMinimalScript},
		"exits before done": {script: "process.exit(0)", wantErr: bench.ErrColdStart},
		"throws":            {script: `throw new Error("boom")`, wantErr: bench.ErrColdStart},
		"done, then fails":  {script: "process.exitCode = 3", wantErr: bench.ErrColdStart},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), coldStartTimeout)
			defer cancel()
			m, err := bench.NodeStart(ctx, nodePath, tc.script)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("error = %v, want %v", err, tc.wantErr)
			}
			if err == nil && (m.ColdStart <= 0 || m.MaxRSS <= 0) {
				t.Errorf("measurement %+v: want a positive start time and peak memory", m)
			}
		})
	}
}

// TestProviderFrameworkScripts loads a stand-in for the provider
// framework's handler that requires an SDK client, as framework.js does,
// with and without the client installed.
func TestProviderFrameworkScripts(t *testing.T) {
	requireNode(t)
	tests := map[string]struct {
		installSDK  bool
		stubbed     bool
		wantSDKErr  error
		wantNodeErr error
	}{
		"SDK installed":              {installSDK: true},
		"SDK missing":                {wantSDKErr: bench.ErrNoSDK, wantNodeErr: bench.ErrColdStart},
		"SDK missing, stubbed":       {stubbed: true, wantSDKErr: bench.ErrNoSDK},
		"SDK installed, but stubbed": {installSDK: true, stubbed: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			// Only the directory's own node_modules may provide the SDK.
			t.Setenv("NODE_PATH", "")
			dir := t.TempDir()
			files := map[string]string{
				"framework.js": `const lambda = require("@aws-sdk/client-lambda"); require("@aws-sdk/client-sfn");
exports.onEvent = async () => lambda;`,
			}
			if tc.installSDK {
				files["node_modules/@aws-sdk/client-lambda/index.js"] = "module.exports = {};"
				files["node_modules/@aws-sdk/client-sfn/index.js"] = "module.exports = {};"
			}
			for name, content := range files {
				path := filepath.Join(dir, name)
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			ctx, cancel := context.WithTimeout(t.Context(), coldStartTimeout)
			defer cancel()
			if err := bench.ProviderFrameworkSDK(ctx, nodePath, dir); !errors.Is(err, tc.wantSDKErr) {
				t.Errorf("ProviderFrameworkSDK error = %v, want %v", err, tc.wantSDKErr)
			}
			script := bench.NodeProviderFrameworkScript(dir)
			if tc.stubbed {
				script = bench.NodeProviderFrameworkStubbedScript(dir)
			}
			if _, err := bench.NodeStart(ctx, nodePath, script); !errors.Is(err, tc.wantNodeErr) {
				t.Errorf("NodeStart error = %v, want %v", err, tc.wantNodeErr)
			}
		})
	}
}
