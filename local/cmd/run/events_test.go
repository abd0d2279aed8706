package main

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/internal/eventdriven"
	"github.com/redshift-data-access/redshift-data-access/internal/secret"
)

// startRaw serves the secret function's event path in this process, wired
// as eventdriven.Start wires it, from the same environment the run gives
// the built function: the resource on the emulator, the ledger and the
// result events on the endpoint the SDK's per-service variables name.
func (p *inProcess) startRaw(_ context.Context, name string, env map[string]string) (rawInvoke, error) {
	if name != secretFunction {
		return nil, errors.New("no event path for function " + name)
	}
	cfg := aws.Config{
		Region:       env["AWS_REGION"],
		BaseEndpoint: aws.String(env["AWS_ENDPOINT_URL"]),
		Credentials:  credentials.NewStaticCredentialsProvider(env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"], ""),
	}
	var res customresource.Resource = secret.New(secretsmanager.NewFromConfig(cfg), cfg.Region)
	if name == p.failing {
		res = failingResource{}
	}
	if env["AWS_ENDPOINT_URL_DYNAMODB"] != env["AWS_ENDPOINT_URL_EVENTBRIDGE"] {
		return nil, errors.New("the in-process event path takes DynamoDB and EventBridge from one endpoint")
	}
	events := cfg.Copy()
	events.BaseEndpoint = aws.String(env["AWS_ENDPOINT_URL_DYNAMODB"])
	inv := eventdriven.NewInvoker(events, map[string]customresource.Resource{secret.ResourceType: res}, func(k string) string { return env[k] })
	inv.Logger = slog.New(slog.NewJSONHandler(p, nil))
	return func(ctx context.Context, payload []byte) ([]byte, error) {
		ctx, cancel := context.WithTimeout(ctx, functionTimeout)
		defer cancel()
		out, err := inv.Invoke(ctx, payload)
		if err != nil {
			return nil, err
		}
		return json.Marshal(out)
	}, nil
}

var _ rawFunctions = (*inProcess)(nil)
var _ rawFunctions = (*rieFunctions)(nil)
