// Command echo is the Lambda function of the lambdarie package's tests: it
// returns its payload, reports an environment variable, or fails on
// request.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
)

// request holds the keys that change what the function does; any other
// payload is echoed.
type request struct {
	// Fail makes the function return an error with this message, also
	// when it comes as a custom-resource property.
	Fail               string `json:"fail"`
	ResourceProperties struct {
		Fail string `json:"fail"`
	} `json:"ResourceProperties"`
	// Env asks for the value of an environment variable.
	Env string `json:"env"`
	// Deadline asks whether the invocation has a deadline.
	Deadline bool `json:"deadline"`
	// PID asks for the function's process ID.
	PID bool `json:"pid"`
}

func handle(ctx context.Context, payload json.RawMessage) (any, error) {
	var r request
	_ = json.Unmarshal(payload, &r)
	switch {
	case r.Fail != "":
		return nil, errors.New(r.Fail)
	case r.ResourceProperties.Fail != "":
		return nil, errors.New(r.ResourceProperties.Fail)
	case r.Env != "":
		return map[string]string{r.Env: os.Getenv(r.Env)}, nil
	case r.PID:
		return map[string]int{"pid": os.Getpid()}, nil
	case r.Deadline:
		_, ok := ctx.Deadline()
		return map[string]bool{"deadline": ok}, nil
	}
	return payload, nil
}

func main() { lambda.Start(handle) }
