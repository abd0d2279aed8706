package cdktest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
)

// Main is the body of a TestMain that synthesizes stacks. It writes a dummy
// bootstrap file for each of functions into a new temporary directory, sets
// *assetDir to that directory, runs the tests, stops jsii's Node.js process
// and removes the directory. It does not return.
//
// The Node.js version warnings cannot be silenced from here: jsii starts its
// Node.js process while the packages initialize, before TestMain, so
// JSII_SILENCE_WARNING_* must be in the environment of go test.
func Main(m *testing.M, functions []string, assetDir *string) {
	dir, err := os.MkdirTemp("", "cdk-assets-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for _, fn := range functions {
		if err := writeDummyBootstrap(filepath.Join(dir, fn)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.RemoveAll(dir)
			os.Exit(1)
		}
	}
	*assetDir = dir
	code := m.Run()
	jsii.Close()
	os.RemoveAll(dir)
	os.Exit(code)
}

func writeDummyBootstrap(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating asset directory %s: %w", dir, err)
	}
	path := filepath.Join(dir, "bootstrap")
	if err := os.WriteFile(path, []byte("not a real binary"), 0o755); err != nil {
		return fmt.Errorf("writing dummy asset %s: %w", path, err)
	}
	return nil
}

// DecodeTemplate synthesizes stack and decodes its template into tpl, a
// pointer to a struct with the parts of the template a test reads.
func DecodeTemplate(stack awscdk.Stack, tpl any) error {
	raw, err := json.Marshal(assertions.Template_FromStack(stack, nil).ToJSON())
	if err != nil {
		return fmt.Errorf("encoding the template of %s: %w", *stack.StackName(), err)
	}
	if err := json.Unmarshal(raw, tpl); err != nil {
		return fmt.Errorf("decoding the template of %s: %w", *stack.StackName(), err)
	}
	return nil
}

// NagFindings returns the cdk-nag AwsSolutions errors and warnings left on
// stack, each as JSON: the fields of cxapi.SynthesisMessage are deprecated
// in favour of a package jsii does not offer Go, so a finding is shown
// whole.
func NagFindings(stack awscdk.Stack) []string {
	nag := assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*"))
	annotations := assertions.Annotations_FromStack(stack)
	var out []string
	for _, m := range append(*annotations.FindError(jsii.String("*"), nag), *annotations.FindWarning(jsii.String("*"), nag)...) {
		raw, err := json.Marshal(m)
		if err != nil {
			raw = []byte(fmt.Sprintf("%+v", m))
		}
		out = append(out, string(raw))
	}
	return out
}
