package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/redshift-data-access/redshift-data-access/local/lambdarie"
	"github.com/redshift-data-access/redshift-data-access/local/lifecycle"
)

// Names of the product's functions, as under functions/.
const (
	secretFunction   = "secret"
	accessFunction   = "access"
	endpointFunction = "endpoint"
)

// functions starts the product's Lambda functions. The run uses built
// bootstraps under the Lambda runtime interface emulator; its test serves
// the same resources in-process.
type functions interface {
	// start runs function name with exactly the environment env (the
	// standard SDK variables) and returns how to deliver events to it.
	start(ctx context.Context, name string, env map[string]string) (lifecycle.Invoke, error)
	// close stops every function started.
	close() error
}

// rieFunctions runs the bootstraps in dir/<name>/bootstrap under
// aws-lambda-rie.
type rieFunctions struct {
	rie     string
	dir     string
	output  io.Writer // the functions' logs
	started []*lambdarie.Function
}

func (r *rieFunctions) start(ctx context.Context, name string, env map[string]string) (lifecycle.Invoke, error) {
	f, err := lambdarie.Start(ctx, lambdarie.Options{
		RIEPath:       r.rie,
		BootstrapPath: filepath.Join(r.dir, name, "bootstrap"),
		Env:           env,
		Output:        r.output,
	})
	if err != nil {
		return nil, fmt.Errorf("starting function %s: %w", name, err)
	}
	r.started = append(r.started, f)
	return f.InvokeEvent, nil
}

func (r *rieFunctions) close() error {
	var errs []error
	for _, f := range r.started {
		errs = append(errs, f.Close())
	}
	r.started = nil
	return errors.Join(errs...)
}
