package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/redshiftdata"
	"github.com/aws/aws-sdk-go-v2/service/redshiftdata/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// What Contract.Access hooks use to show that a grant works: a session of
// the granted role, and SELECT 1 through the Data API.

// AssumeRole returns cfg signed with the credentials of a session named
// session of roleArn, assumed with cfg's credentials.
func AssumeRole(ctx context.Context, cfg aws.Config, roleArn, session string) (aws.Config, error) {
	out, err := sts.NewFromConfig(cfg).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleArn), RoleSessionName: aws.String(session)})
	if err != nil {
		return aws.Config{}, fmt.Errorf("assuming %s: %w", roleArn, err)
	}
	c := out.Credentials
	cfg.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	return cfg, nil
}

// IsAccessDenied reports whether err is AWS's answer to a call that the
// caller's policies do not allow: AccessDenied from the query services
// (IAM, STS, Redshift), AccessDeniedException from the JSON ones.
func IsAccessDenied(err error) bool {
	var apiErr smithy.APIError
	return errors.As(err, &apiErr) && (apiErr.ErrorCode() == "AccessDenied" || apiErr.ErrorCode() == "AccessDeniedException")
}

// SelectOne runs SELECT 1 through the Data API with in's target and
// authentication (in.Sql is set here) and waits until it has run. It
// returns true when the statement finished with its one row, false with
// a nil error when the Data API denied the call, and an error for
// anything else, such as a statement that failed to log in.
func SelectOne(ctx context.Context, data *redshiftdata.Client, in redshiftdata.ExecuteStatementInput) (bool, error) {
	err := RunSelectOne(ctx, data, in)
	if IsAccessDenied(err) {
		return false, nil
	}
	return err == nil, err
}

// RunSelectOne is SelectOne that returns the Data API's denial as the
// error it is (IsAccessDenied reports it), for a caller that shows it.
func RunSelectOne(ctx context.Context, data *redshiftdata.Client, in redshiftdata.ExecuteStatementInput) error {
	in.Sql = aws.String("SELECT 1")
	out, err := data.ExecuteStatement(ctx, &in)
	if err != nil {
		return err
	}
	d, err := WaitForStatement(ctx, data, aws.ToString(out.Id))
	if err != nil {
		return err
	}
	if d.Status != types.StatusStringFinished {
		return fmt.Errorf("SELECT 1 as %s ended %s: %s", aws.ToString(d.DbUser), d.Status, aws.ToString(d.Error))
	}
	res, err := data.GetStatementResult(ctx, &redshiftdata.GetStatementResultInput{Id: out.Id})
	if err != nil {
		return fmt.Errorf("reading the result of %s: %w", aws.ToString(out.Id), err)
	}
	if len(res.Records) != 1 {
		return fmt.Errorf("SELECT 1 returned %d rows", len(res.Records))
	}
	return nil
}

// WaitForStatement polls the Data API statement id until it has
// finished, failed or been aborted, and returns its last description.
func WaitForStatement(ctx context.Context, data *redshiftdata.Client, id string) (*redshiftdata.DescribeStatementOutput, error) {
	for wait := 5 * time.Millisecond; ; wait = min(2*wait, 200*time.Millisecond) {
		d, err := data.DescribeStatement(ctx, &redshiftdata.DescribeStatementInput{Id: aws.String(id)})
		if err != nil {
			return nil, fmt.Errorf("describing statement %s: %w", id, err)
		}
		switch d.Status {
		case types.StatusStringFinished, types.StatusStringFailed, types.StatusStringAborted:
			return d, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
	}
}
