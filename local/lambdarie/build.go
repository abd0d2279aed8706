package lambdarie

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// The emulator's main package and the version this repository pins in
// go.mod.
const (
	Package = "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie"
	Version = "v0.0.0-20261030222936-bef5c4ba774d"
)

// Build compiles aws-lambda-rie into dir and returns its path. It uses
// `go install Package@Version`, which resolves the emulator's own
// dependencies from its go.mod rather than from this module's, whose
// go.sum does not list them.
func Build(ctx context.Context, dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("building aws-lambda-rie into %s: %w", dir, err)
	}
	cmd := exec.CommandContext(ctx, "go", "install", Package+"@"+Version)
	cmd.Env = append(os.Environ(), "GOBIN="+abs, "CGO_ENABLED=0")
	// Outside any module, so that this repository's go.mod is not
	// consulted.
	cmd.Dir = os.TempDir()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("building aws-lambda-rie into %s: %w: %s", abs, err, bytes.TrimSpace(out.Bytes()))
	}
	return filepath.Join(abs, "aws-lambda-rie"), nil
}
