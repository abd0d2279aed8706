package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
)

// Session names of the two sts:AssumeRole calls of the cross-account check.
const (
	callerSession  = "make-run-caller"
	dataAPISession = "make-run-data-api"
)

// assumeCheck proves the cross-account pair works as the seed describes:
// account A's role session assumes account B's role.
type assumeCheck struct {
	r   *runner
	row *summaryRow
}

func newAssumeCheck(r *runner) *assumeCheck {
	return &assumeCheck{r: r, row: r.rep.row("cross-account sts:AssumeRole")}
}

// run assumes account A's caller role, then from that session roleArn in
// account B, and checks that the second call succeeds, or is denied when
// allowed is false.
func (a *assumeCheck) run(ctx context.Context, roleArn string, allowed bool) error {
	rep := a.r.rep
	rep.step(a.row, "from account A's role session into "+roleArn)
	session, err := a.callerSession(ctx)
	if err != nil {
		return a.fail(err)
	}
	arn, err := assume(ctx, session, roleArn)
	var apiErr smithy.APIError
	switch {
	case allowed && err == nil:
		rep.printf("  assumed identity %s\n", arn)
	case !allowed && errors.As(err, &apiErr) && apiErr.ErrorCode() == "AccessDenied":
		rep.printf("  denied (%s), as it must be without the caller grant\n", apiErr.ErrorCode())
	case err != nil && allowed:
		return a.fail(err)
	case err != nil:
		return a.fail(fmt.Errorf("%w; want AccessDenied", err))
	default:
		return a.fail(fmt.Errorf("assumed %s as %s without the caller grant: %w", roleArn, arn, errOutcome))
	}
	rep.outcome(nil)
	return nil
}

func (a *assumeCheck) fail(err error) error {
	if a.row.failure == "" {
		a.row.failure = err.Error()
	}
	a.r.rep.outcome(err)
	return err
}

// callerSession returns the configuration of a session of account A's
// caller role.
func (a *assumeCheck) callerSession(ctx context.Context) (aws.Config, error) {
	cfg := a.r.srv.Config(awsemu.AccountA)
	out, err := sts.NewFromConfig(cfg).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &a.r.world.CallerRoleArn, RoleSessionName: aws.String(callerSession)})
	if err != nil {
		return aws.Config{}, fmt.Errorf("assuming %s: %w", a.r.world.CallerRoleArn, err)
	}
	cfg.Credentials = sessionCredentials(out)
	return cfg, nil
}

// assume assumes roleArn with cfg and returns the new session's identity.
func assume(ctx context.Context, cfg aws.Config, roleArn string) (string, error) {
	out, err := sts.NewFromConfig(cfg).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &roleArn, RoleSessionName: aws.String(dataAPISession)})
	if err != nil {
		return "", fmt.Errorf("assuming %s: %w", roleArn, err)
	}
	cfg.Credentials = sessionCredentials(out)
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", fmt.Errorf("getting the identity of the session of %s: %w", roleArn, err)
	}
	return aws.ToString(id.Arn), nil
}

func sessionCredentials(out *sts.AssumeRoleOutput) aws.CredentialsProvider {
	c := out.Credentials
	return credentials.NewStaticCredentialsProvider(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
}
