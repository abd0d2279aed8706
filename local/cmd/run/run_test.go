package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/cfn"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/redshiftdata"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/google/go-cmp/cmp"

	"github.com/redshift-data-access/redshift-data-access/internal/access"
	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/internal/dbuser"
	"github.com/redshift-data-access/redshift-data-access/internal/endpoint"
	"github.com/redshift-data-access/redshift-data-access/internal/guardrail"
	"github.com/redshift-data-access/redshift-data-access/internal/secret"
	"github.com/redshift-data-access/redshift-data-access/local/lifecycle"
)

// canaryPassword is the workgroup secret's Password in the tests: it must
// not appear in the report or the functions' logs.
const canaryPassword = "Canary-Passw0rd-4c1f9e"

// functionTimeout is the in-process functions' timeout: the minute that
// local/lambdarie gives the built functions by default.
const functionTimeout = time.Minute

// inProcess serves the functions' resources in this process, wired as
// functions/<name>/main.go wires them, from the same environment the run
// gives the built functions.
type inProcess struct {
	// failing names a function whose every request fails, to show that
	// the run reports it.
	failing string

	mu   sync.Mutex
	logs bytes.Buffer
}

func (p *inProcess) start(_ context.Context, name string, env map[string]string) (lifecycle.Invoke, error) {
	cfg := aws.Config{
		Region:       env["AWS_REGION"],
		BaseEndpoint: aws.String(env["AWS_ENDPOINT_URL"]),
		Credentials:  credentials.NewStaticCredentialsProvider(env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"], ""),
	}
	var resources map[string]customresource.Resource
	switch name {
	case secretFunction:
		resources = map[string]customresource.Resource{secret.ResourceType: secret.New(secretsmanager.NewFromConfig(cfg), cfg.Region)}
	case accessFunction:
		g, err := guardrail.FromEnv(func(k string) string { return env[k] })
		if err != nil {
			return nil, err
		}
		clients := access.NewClients(cfg, g)
		resources = map[string]customresource.Resource{access.AccessType: access.NewAccess(clients), access.CrossAccountRoleType: access.NewCrossAccountRole(clients)}
	case endpointFunction:
		resources = map[string]customresource.Resource{endpoint.ResourceType: endpoint.New(ec2.NewFromConfig(cfg), cfg.Region)}
	case dbuserFunction:
		resources = map[string]customresource.Resource{dbuser.ResourceType: dbuser.New(redshiftdata.NewFromConfig(cfg), secretsmanager.NewFromConfig(cfg))}
	default:
		return nil, errors.New("no function " + name)
	}
	if name == p.failing {
		for k := range resources {
			resources[k] = failingResource{}
		}
	}
	h := customresource.NewHandler(resources,
		customresource.WithAllowLocalResponseURL(env[customresource.EnvAllowLocalResponseURL] == "true"),
		customresource.WithLogger(slog.New(slog.NewJSONHandler(p, nil))))
	// Every Lambda invocation has a deadline: it bounds the test as the
	// runtime interface emulator's timeout bounds the run.
	return func(ctx context.Context, ev cfn.Event) error {
		ctx, cancel := context.WithTimeout(ctx, functionTimeout)
		defer cancel()
		return h.HandleEvent(ctx, ev)
	}, nil
}

func (p *inProcess) close() error { return nil }

// Write collects the handlers' logs, which several goroutines may write.
func (p *inProcess) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.logs.Write(b)
}

func (p *inProcess) logText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.logs.String()
}

var _ functions = (*inProcess)(nil)
var _ functions = (*rieFunctions)(nil)

// errBroken is what failingResource answers.
var errBroken = errors.New("broken on purpose")

// failingResource fails every request.
type failingResource struct{}

func (failingResource) Create(context.Context, customresource.Request) (customresource.Result, error) {
	return customresource.Result{}, errBroken
}

func (failingResource) Update(context.Context, customresource.Request) (customresource.Result, error) {
	return customresource.Result{}, errBroken
}

func (failingResource) Delete(context.Context, customresource.Request) error { return errBroken }

// TestRun runs the whole program logic with the functions in-process, and
// checks which resources passed every step, that the report shows the
// state the issues ask for, and that neither report nor logs hold the
// password or a ResponseURL.
func TestRun(t *testing.T) {
	everyRow := []string{
		"secret (cluster)",
		"secret (workgroup)",
		"database user (cluster)",
		"Data API login as redshift_data_api_user (DbUser)",
		"database user (workgroup)",
		"access (Managed)",
		"SQL as the Managed grant's role",
		"access (Scoped, workgroup)",
		"SQL as the Scoped grant's role and user",
		"cross-account role (account B)",
		"caller grant (account A)",
		"cross-account sts:AssumeRole",
		"SQL across accounts, as account B's role",
		"endpoint",
		"event-driven secret (key team-a/analyst-secret)",
		"event-driven secrets (two keys in parallel)",
	}
	tests := map[string]struct {
		failing    string
		wantFailed []string
		wantReport []string
	}{
		"every scenario passes": {
			wantReport: []string{
				"value: JSON keys dbClusterIdentifier, dbname, engine, password, username (values redacted)",
				"value: JSON keys dbname, password, username (values redacted)",
				"RedshiftDataFullAccess=serverless",
				`"redshift-serverless:GetCredentials"`,
				"assumed identity arn:aws:sts::222222222222:assumed-role/someRoleB/" + dataAPISession,
				"assumed identity arn:aws:sts::222222222222:assumed-role/someRoleB-v2/" + dataAPISession,
				"state available, VPC vpc-",
				"DNS names vpce-",
				`"Password":"<redacted>"`,
				"--- caller grant (account A), step 1: create",
				"--- cross-account sts:AssumeRole, step 3: from account A's role session into",
				`user "redshift_data_api_user" exists: true (created by this resource)`,
				`user "IAMR:analyst" exists: true (created by this resource)`,
				"dev|usage ON schema public",
				"--- Data API login as redshift_data_api_user (DbUser), step 1: SELECT 1 on examplecluster as DbUser redshift_data_api_user\n  returned 1",
				"cluster examplecluster, IAM identity (GetClusterCredentialsWithIAM): allowed",
				"cluster examplecluster, secret make-run/sql-reader-untagged: AccessDenied (AccessDeniedException: User: arn:aws:sts::111111111111:assumed-role/analyst/make-run-sql is not authorized to perform: secretsmanager:GetSecretValue",
				"workgroup default-workgroup, IAM identity (GetCredentials): AccessDenied (AccessDeniedException: User: arn:aws:sts::111111111111:assumed-role/analyst/make-run-sql is not authorized to perform: redshift-serverless:GetCredentials",
				"DescribeStatement as session make-run-sql-other: AccessDenied",
				"SELECT 1 through the Data API after the Create, as IAM user analyst",
				"--- SQL across accounts, as account B's role, step 2: SELECT 1 through the Data API after the caller grant's Delete",
				"PASS: 16 resources and checks",
				"--- event-driven secret (key team-a/analyst-secret), step 5: Apply failing half-way (TagResource fails) and its rollback",
				"rolled back to the last applied properties",
				"Status: ABSENT",
			},
		},
		"a function that fails every request": {
			failing:    secretFunction,
			wantFailed: []string{"secret (cluster)", "secret (workgroup)", "event-driven secret (key team-a/analyst-secret)", "event-driven secrets (two keys in parallel)"},
			wantReport: []string{"create answered FAILED, want SUCCESS", "FAIL: 4 of 16"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			fns := &inProcess{failing: tc.failing}
			var out bytes.Buffer
			rows, err := run(t.Context(), fns, options{password: canaryPassword}, &out)
			if err != nil {
				t.Fatalf("run: %v", err)
			}
			var names, failed []string
			for _, row := range rows {
				names = append(names, row.name)
				if row.steps == 0 {
					t.Errorf("%s: no steps ran", row.name)
				}
				if row.failure != "" {
					failed = append(failed, row.name)
				}
			}
			if diff := cmp.Diff(everyRow, names); diff != "" {
				t.Errorf("summary rows (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantFailed, failed); diff != "" {
				t.Errorf("failed rows (-want +got):\n%s\nreport:\n%s", diff, out.String())
			}
			report := out.String()
			for _, want := range tc.wantReport {
				if !strings.Contains(report, want) {
					t.Errorf("the report does not show %q", want)
				}
			}
			// Every update in place must show a change in AWS, or the step
			// shows nothing.
			for _, step := range strings.Split(report, "\n--- ")[1:] {
				if strings.Contains(step, "update in place") && strings.Contains(step, "unchanged since the previous read") {
					t.Errorf("an update in place changed nothing:\n--- %s", step)
				}
			}
			for where, text := range map[string]string{"report": report, "logs": fns.logText()} {
				for _, leak := range []string{canaryPassword, "X-Amz-Signature", "cloudformation-custom-resource-response"} {
					if strings.Contains(text, leak) {
						t.Errorf("the %s contain %q", where, leak)
					}
				}
			}
		})
	}
}

func TestSecretPropertyNames(t *testing.T) {
	if diff := cmp.Diff([]string{"Password"}, secretPropertyNames()); diff != "" {
		t.Errorf("secret property names (-want +got):\n%s", diff)
	}
}

// TestMainWithExitNotReady checks that a run that cannot start exits with
// status 2, before it starts anything.
func TestMainWithExitNotReady(t *testing.T) {
	tests := map[string]struct {
		args []string
	}{
		"unknown flag": {args: []string{"-bogus"}},
		// An aws-lambda-rie exists, so only the missing bootstraps stop
		// the run.
		"functions not built": {args: []string{"-functions", t.TempDir(), "-rie", os.Args[0]}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := mainWithExit(t.Context(), tc.args); got != exitNotReady {
				t.Errorf("mainWithExit(%q) = %d, want %d", tc.args, got, exitNotReady)
			}
		})
	}
}
