package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// ErrNoProviderFramework is returned when no copy of aws-cdk-lib with the
// provider framework's handler is on this machine.
var ErrNoProviderFramework = errors.New("the CDK provider framework handler (aws-cdk-lib) is not on this machine")

// frameworkDir is where aws-cdk-lib keeps the provider framework's Lambda
// code; the Provider construct deploys this directory, without *.ts files,
// with the handler framework.onEvent.
const frameworkDir = "custom-resources/lib/provider-framework/runtime"

// FindProviderFramework returns the directory of the provider framework's
// handler: in the repository's node_modules, or in the jsii package cache
// that the Go CDK bindings unpack aws-cdk-lib into (the same version the
// CDK app uses). It returns an error wrapping ErrNoProviderFramework when
// neither has it.
func FindProviderFramework(root string) (string, error) {
	candidates := []string{filepath.Join(root, "node_modules", "aws-cdk-lib", frameworkDir)}
	cache := os.Getenv("JSII_RUNTIME_PACKAGE_CACHE_ROOT")
	if cache == "" {
		if dir, err := os.UserCacheDir(); err == nil {
			cache = filepath.Join(dir, "aws", "jsii", "package-cache")
		}
	}
	if cache != "" {
		// package-cache/aws-cdk-lib/<version>/<hash>/...; newest version last.
		matches, _ := filepath.Glob(filepath.Join(cache, "aws-cdk-lib", "*", "*", frameworkDir))
		sort.Strings(matches)
		for i := len(matches) - 1; i >= 0; i-- {
			candidates = append(candidates, matches[i])
		}
	}
	for _, dir := range candidates {
		if _, err := os.Stat(filepath.Join(dir, "framework.js")); err == nil {
			return dir, nil
		}
	}
	return "", fmt.Errorf("looking in node_modules and the jsii package cache: %w", ErrNoProviderFramework)
}

// ProviderFrameworkFiles lists the files the Provider construct packages
// from dir (everything but *.ts), keyed by their name in the archive.
func ProviderFrameworkFiles(dir string) (map[string]string, error) {
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, ".ts") {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		files[filepath.ToSlash(rel)] = path
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("listing the provider framework files in %s: %w", dir, err)
	}
	return files, nil
}

// readyLine is what NodeStart's wrapper prints once the script has run.
const readyLine = "ready"

// NodeMinimalScript does nothing: the start of any Node.js handler costs
// at least what starting node with it does.
const NodeMinimalScript = "0"

// providerFrameworkSDK are the AWS SDK v3 clients that the provider
// framework's handler requires. The Lambda Node.js runtime provides them;
// here they are found only where node's module resolution finds them, for
// example in a directory named by NODE_PATH.
var providerFrameworkSDK = []string{"@aws-sdk/client-lambda", "@aws-sdk/client-sfn"}

// ErrNoSDK is returned when node cannot resolve the AWS SDK clients that
// the provider framework's handler requires.
var ErrNoSDK = errors.New("the AWS SDK v3 clients of the provider framework are not installed")

// NodeProviderFrameworkScript returns a script that loads the provider
// framework's handler from dir with its AWS SDK v3 clients, which must be
// installed (see ProviderFrameworkSDK).
func NodeProviderFrameworkScript(dir string) string {
	return requireFramework(dir)
}

// NodeProviderFrameworkStubbedScript returns a script that loads the
// provider framework's handler from dir with its AWS SDK v3 clients
// replaced by empty modules: the time and memory measured are a lower
// bound for the real handler, which runs where the clients are missing.
func NodeProviderFrameworkStubbedScript(dir string) string {
	return `const Module = require("module");
const load = Module._load;
Module._load = function (request) {
  if (request.startsWith("@aws-sdk/")) return {};
  return load.apply(this, arguments);
};
` + requireFramework(dir)
}

func requireFramework(dir string) string {
	path, _ := json.Marshal(filepath.Join(dir, "framework.js"))
	return `const handler = require(` + string(path) + `);
if (typeof handler.onEvent !== "function") throw new Error("framework.js has no onEvent");`
}

// ProviderFrameworkSDK returns an error wrapping ErrNoSDK unless node
// resolves the provider framework's AWS SDK clients from dir, as
// framework.js would.
func ProviderFrameworkSDK(ctx context.Context, node, dir string) error {
	paths, _ := json.Marshal([]string{dir})
	for _, module := range providerFrameworkSDK {
		name, _ := json.Marshal(module)
		cmd := exec.CommandContext(ctx, node, "-e", "require.resolve("+string(name)+", {paths: "+string(paths)+"})")
		cmd.WaitDelay = waitDelay
		// node's error is a stack trace that says no more than ErrNoSDK.
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("resolving %s from %s: %w (node: %w)", module, dir, ErrNoSDK, err)
		}
	}
	return nil
}

// nodeWrapper follows the script: it says ready and keeps node alive until
// its stdin closes, so that its peak memory can be read while it runs.
const nodeWrapper = `
;process.stdout.write("` + readyLine + `\n");
process.stdin.resume();
process.stdin.on("end", () => process.exit());`

// NodeStart runs node with script, which must finish synchronously, and
// measures the time from exec to the end of the script and node's peak
// resident memory at that point.
func NodeStart(ctx context.Context, node, script string) (Measurement, error) {
	cmd := exec.CommandContext(ctx, node, "-e", script+nodeWrapper)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return Measurement{}, fmt.Errorf("running node: %w", err)
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return Measurement{}, fmt.Errorf("running node: %w", err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.WaitDelay = waitDelay
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return Measurement{}, fmt.Errorf("starting %s: %w", node, err)
	}
	line, readErr := bufio.NewReader(stdout).ReadString('\n')
	ready := time.Now()
	peak, ok := peakRSS(cmd.Process.Pid)
	stdin.Close()
	waitErr := cmd.Wait()
	if readErr != nil || strings.TrimSpace(line) != readyLine {
		return Measurement{}, fmt.Errorf("%w: node did not finish the script: %w: %s", ErrColdStart, errors.Join(readErr, waitErr), tail(stderr.Bytes()))
	}
	if waitErr != nil {
		return Measurement{}, fmt.Errorf("%w: node: %w: %s", ErrColdStart, waitErr, tail(stderr.Bytes()))
	}
	if !ok {
		peak = maxRSS(cmd.ProcessState)
	}
	return Measurement{ColdStart: ready.Sub(start), MaxRSS: peak}, nil
}
