package bench

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
)

// ErrNoFunction is returned for a function whose main package does not
// exist (yet).
var ErrNoFunction = errors.New("function does not exist")

// ModuleRoot returns the directory of the go.mod that encloses dir.
func ModuleRoot(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("finding the module root of %s: %w", dir, err)
	}
	for d := abs; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("finding the module root of %s: %w", abs, fs.ErrNotExist)
		}
	}
}

// Target is the platform a function is built for.
type Target struct {
	GOOS, GOARCH string
}

// Lambda is the platform the functions are deployed on (provided.al2023,
// arm64).
var Lambda = Target{GOOS: "linux", GOARCH: "arm64"}

// Build compiles the main package at pkg (a path relative to the module
// root, such as functions/secret) for target into out, with the flags of
// the Makefile's build target. It returns an error wrapping ErrNoFunction
// when pkg has no main.go.
func Build(ctx context.Context, root, pkg string, target Target, out string) error {
	if _, err := os.Stat(filepath.Join(root, pkg, "main.go")); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("building %s: %w: no %s/main.go", pkg, ErrNoFunction, pkg)
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		return fmt.Errorf("building %s: %w", pkg, err)
	}
	cmd := exec.CommandContext(ctx, goTool, "build", "-trimpath", "-buildvcs=false",
		"-ldflags", "-s -w", "-tags", "lambda.norpc", "-o", out, "./"+filepath.ToSlash(pkg))
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+target.GOOS, "GOARCH="+target.GOARCH)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("building %s for %s/%s: %w: %s", pkg, target.GOOS, target.GOARCH, err, bytes.TrimSpace(stderr.Bytes()))
	}
	return nil
}

// ZipSize returns the size of a zip archive, at the default compression,
// of the files named in files (archive name to path on disk): the size of
// a Lambda deployment package. Files are stored executable, as Lambda
// needs a bootstrap to be.
func ZipSize(files map[string]string) (int64, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, path := range files {
		if err := addFile(zw, name, path); err != nil {
			return 0, err
		}
	}
	if err := zw.Close(); err != nil {
		return 0, fmt.Errorf("closing the zip archive: %w", err)
	}
	return int64(buf.Len()), nil
}

func addFile(zw *zip.Writer, name, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("zipping %s: %w", path, err)
	}
	defer f.Close()
	hdr := &zip.FileHeader{Name: name, Method: zip.Deflate}
	hdr.SetMode(0o755)
	w, err := zw.CreateHeader(hdr)
	if err != nil {
		return fmt.Errorf("zipping %s: %w", path, err)
	}
	if _, err := io.Copy(w, f); err != nil {
		return fmt.Errorf("zipping %s: %w", path, err)
	}
	return nil
}
