package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	"github.com/aws/aws-sdk-go-v2/service/redshiftdata"
	rdtypes "github.com/aws/aws-sdk-go-v2/service/redshiftdata/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/smithy-go"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
	"github.com/redshift-data-access/redshift-data-access/local/lifecycle"
	"github.com/redshift-data-access/redshift-data-access/local/prerequisites"
)

// sqlCheck shows a grant at work: the granted principal runs SELECT 1
// through the Data API, which the emulator authorizes by the principal's
// policies, and is denied on a target outside the grant and after the
// grant's Delete.
type sqlCheck struct {
	r   *runner
	row *summaryRow
}

func newSQLCheck(r *runner, name string) *sqlCheck {
	return &sqlCheck{r: r, row: r.rep.row(name)}
}

// principal is who runs the statements: a session of the last role of
// chain, each role assumed from a session of the one before, the first
// from account A's administrator; or, with user, account A's IAM user of
// that name with an access key of its own.
type principal struct {
	chain []string
	user  string
}

func (p principal) String() string {
	if p.user != "" {
		return "IAM user " + p.user
	}
	return "a session of " + strings.Join(p.chain, " then ")
}

// sqlCall is one SELECT 1 and whether the grant allows it.
type sqlCall struct {
	what    string // the target and the authentication method
	in      redshiftdata.ExecuteStatementInput
	allowed bool
}

// session returns the configuration of p's session, or the error of
// the sts:AssumeRole that failed.
func (c *sqlCheck) session(ctx context.Context, p principal, name string) (aws.Config, error) {
	cfg := c.r.srv.Config(awsemu.AccountA)
	if p.user != "" {
		key, err := iam.NewFromConfig(cfg).CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(p.user)})
		if err != nil {
			return aws.Config{}, fmt.Errorf("creating an access key of %s: %w", p.user, err)
		}
		k := key.AccessKey
		cfg.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(k.AccessKeyId), aws.ToString(k.SecretAccessKey), "")
		return cfg, nil
	}
	for _, roleArn := range p.chain {
		next, err := lifecycle.AssumeRole(ctx, cfg, roleArn, name)
		if err != nil {
			return aws.Config{}, err
		}
		cfg = next
	}
	return cfg, nil
}

// run runs calls as p, printing allowed or AccessDenied for each, and
// fails the row where the outcome is not the expected one.
func (c *sqlCheck) run(ctx context.Context, phase string, p principal, calls []sqlCall) error {
	rep := c.r.rep
	rep.step(c.row, "SELECT 1 through the Data API "+phase+", as "+p.String())
	cfg, sessionErr := c.session(ctx, p, sqlSession)
	var failures []string
	for _, call := range calls {
		err := sessionErr
		if err == nil {
			err = lifecycle.RunSelectOne(ctx, redshiftdata.NewFromConfig(cfg), call.in)
		}
		if f := c.show(phase, call.what, err, call.allowed); f != "" {
			failures = append(failures, f)
		}
	}
	return c.finish(failures)
}

// describeOutcome is "allowed", "AccessDenied (<code>: <message>)" or
// the unexpected error.
func describeOutcome(err error) string {
	var apiErr smithy.APIError
	switch {
	case err == nil:
		return "allowed"
	case lifecycle.IsAccessDenied(err) && errors.As(err, &apiErr):
		return "AccessDenied (" + apiErr.ErrorCode() + ": " + apiErr.ErrorMessage() + ")"
	}
	return "error: " + err.Error()
}

// ownerOnly shows StatementOwnerOnly: a session of p runs a statement,
// which it may describe and another session of the same role may not.
func (c *sqlCheck) ownerOnly(ctx context.Context, p principal, in redshiftdata.ExecuteStatementInput) error {
	rep := c.r.rep
	rep.step(c.row, "DescribeStatement under StatementOwnerOnly, as two sessions of "+strings.Join(p.chain, " then "))
	var failures []string
	owner, err := c.session(ctx, p, sqlSession)
	if err != nil {
		return c.finish([]string{err.Error()})
	}
	other, err := c.session(ctx, p, otherSQLSession)
	if err != nil {
		return c.finish([]string{err.Error()})
	}
	in.Sql = aws.String("SELECT 1")
	out, err := redshiftdata.NewFromConfig(owner).ExecuteStatement(ctx, &in)
	if err != nil {
		return c.finish([]string{"ExecuteStatement as " + sqlSession + ": " + err.Error()})
	}
	for _, s := range []struct {
		session string
		cfg     aws.Config
		allowed bool
	}{{sqlSession, owner, true}, {otherSQLSession, other, false}} {
		_, err := redshiftdata.NewFromConfig(s.cfg).DescribeStatement(ctx, &redshiftdata.DescribeStatementInput{Id: out.Id})
		if f := c.show("under StatementOwnerOnly", "DescribeStatement as session "+s.session, err, s.allowed); f != "" {
			failures = append(failures, f)
		}
	}
	return c.finish(failures)
}

// show prints what's outcome, err, and returns a failure naming phase
// when it is not the expected one ("" otherwise).
func (c *sqlCheck) show(phase, what string, err error, allowed bool) string {
	got := describeOutcome(err)
	want := "allowed"
	if !allowed {
		want = "AccessDenied"
	}
	c.r.rep.printf("  %s: %s\n", what, got)
	if !strings.HasPrefix(got, want) {
		return fmt.Sprintf("%s, %s: %s, want %s", phase, what, got, want)
	}
	return ""
}

func (c *sqlCheck) finish(failures []string) error {
	if len(failures) == 0 {
		c.r.rep.outcome(nil)
		return nil
	}
	err := fmt.Errorf("%s: %w", strings.Join(failures, "; "), errOutcome)
	if c.row.failure == "" {
		c.row.failure = err.Error()
	}
	c.r.rep.outcome(err)
	return err
}

// Session names of the principals' sessions.
const (
	sqlSession      = "make-run-sql"
	otherSQLSession = "make-run-sql-other"
)

// sqlLogins are the database logins of one account that the checks use:
// the database user redshift_data_api_user (created without a password,
// for GetClusterCredentials), and a user whose credentials are in a
// secret tagged RedshiftDataFullAccess and in an untagged one.
type sqlLogins struct {
	taggedSecret, untaggedSecret string
}

// Names of what prepareSQL creates.
const (
	apiUser        = "redshift_data_api_user"
	secretUser     = "make_run_reader"
	taggedSecret   = "make-run/sql-reader"
	untaggedSecret = "make-run/sql-reader-untagged"
)

// prepareSQL creates, as account's administrator, the database users
// and secrets of sqlLogins in the cluster (and, with workgroup, the
// workgroup) of the prerequisites; in account B it first creates the
// cluster, which the prerequisites only create in account A.
func (r *runner) prepareSQL(ctx context.Context, account string, workgroup bool) (sqlLogins, error) {
	if l, ok := r.logins[account]; ok {
		return l, nil
	}
	cfg := r.srv.Config(account)
	password := "Aa1" + rand.Text()
	r.rep.addSecret(password)
	if account != awsemu.AccountA {
		if _, err := redshift.NewFromConfig(cfg).CreateCluster(ctx, &redshift.CreateClusterInput{
			ClusterIdentifier: aws.String(prerequisites.ClusterID), NodeType: aws.String("ra3.xlplus"), ClusterType: aws.String("single-node"),
			MasterUsername: aws.String("awsuser"), MasterUserPassword: aws.String("Aa1" + rand.Text()), DBName: aws.String(prerequisites.Database),
		}); err != nil {
			return sqlLogins{}, fmt.Errorf("creating cluster %s in account %s: %w", prerequisites.ClusterID, account, err)
		}
		r.rep.printf("  created Redshift cluster %s in account %s for the role's statements\n", prerequisites.ClusterID, account)
	}
	targets := []redshiftdata.ExecuteStatementInput{clusterTarget()}
	if workgroup {
		targets = append(targets, workgroupTarget())
	}
	data := redshiftdata.NewFromConfig(cfg)
	for _, target := range targets {
		for _, sql := range []string{
			`CREATE USER "` + apiUser + `" PASSWORD DISABLE`,
			`CREATE USER "` + secretUser + `" PASSWORD '` + password + `'`,
		} {
			if err := runSQL(ctx, data, target, sql); err != nil {
				return sqlLogins{}, err
			}
		}
	}
	sm := secretsmanager.NewFromConfig(cfg)
	value := `{"username":"` + secretUser + `","password":"` + password + `"}`
	var logins sqlLogins
	for _, s := range []struct {
		name string
		tags []smtypes.Tag
		arn  *string
	}{
		{taggedSecret, []smtypes.Tag{{Key: aws.String("RedshiftDataFullAccess"), Value: aws.String("make-run")}}, &logins.taggedSecret},
		{untaggedSecret, nil, &logins.untaggedSecret},
	} {
		out, err := sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String(s.name), SecretString: aws.String(value), Tags: s.tags})
		if err != nil {
			return sqlLogins{}, fmt.Errorf("creating secret %s in account %s: %w", s.name, account, err)
		}
		*s.arn = aws.ToString(out.ARN)
	}
	if r.logins == nil {
		r.logins = map[string]sqlLogins{}
	}
	r.logins[account] = logins
	r.rep.printf("  in account %s: database users %s and %s, secret %s (tagged RedshiftDataFullAccess) and %s (untagged) with %s's credentials\n",
		account, apiUser, secretUser, taggedSecret, untaggedSecret, secretUser)
	return logins, nil
}

func clusterTarget() redshiftdata.ExecuteStatementInput {
	return redshiftdata.ExecuteStatementInput{ClusterIdentifier: aws.String(prerequisites.ClusterID), Database: aws.String(prerequisites.Database)}
}

func workgroupTarget() redshiftdata.ExecuteStatementInput {
	return redshiftdata.ExecuteStatementInput{WorkgroupName: aws.String(prerequisites.WorkgroupName), Database: aws.String(prerequisites.Database)}
}

// The calls of the checks: a target and an authentication method.
func clusterAsIAM(allowed bool) sqlCall {
	return sqlCall{"cluster " + prerequisites.ClusterID + ", IAM identity (GetClusterCredentialsWithIAM)", clusterTarget(), allowed}
}

func clusterAsAPIUser(allowed bool) sqlCall {
	in := clusterTarget()
	in.DbUser = aws.String(apiUser)
	return sqlCall{"cluster " + prerequisites.ClusterID + ", DbUser " + apiUser + " (GetClusterCredentials)", in, allowed}
}

func withSecret(in redshiftdata.ExecuteStatementInput, target, name, arn string, allowed bool) sqlCall {
	in.SecretArn = aws.String(arn)
	return sqlCall{target + ", secret " + name, in, allowed}
}

func clusterWithSecret(name, arn string, allowed bool) sqlCall {
	return withSecret(clusterTarget(), "cluster "+prerequisites.ClusterID, name, arn, allowed)
}

func workgroupAsIAM(allowed bool) sqlCall {
	return sqlCall{"workgroup " + prerequisites.WorkgroupName + ", IAM identity (GetCredentials)", workgroupTarget(), allowed}
}

func workgroupWithSecret(name, arn string, allowed bool) sqlCall {
	return withSecret(workgroupTarget(), "workgroup "+prerequisites.WorkgroupName, name, arn, allowed)
}

// runSQL runs sql on target as in's caller and waits until it finished.
func runSQL(ctx context.Context, data *redshiftdata.Client, target redshiftdata.ExecuteStatementInput, sql string) error {
	target.Sql = aws.String(sql)
	out, err := data.ExecuteStatement(ctx, &target)
	if err != nil {
		return fmt.Errorf("running SQL as the administrator: %w", err)
	}
	d, err := lifecycle.WaitForStatement(ctx, data, aws.ToString(out.Id))
	if err != nil {
		return err
	}
	if d.Status != rdtypes.StatusStringFinished {
		return fmt.Errorf("SQL as the administrator ended %s: %s", d.Status, aws.ToString(d.Error))
	}
	return nil
}

// roleArn is the ARN of role name of account A.
func (r *runner) roleArn(name string) string {
	return strings.TrimSuffix(r.world.CallerRoleArn, prerequisites.CallerRole) + name
}
