package awsemu

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	"github.com/aws/aws-sdk-go-v2/service/redshiftdata"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// The identity-based authorization of the calls the emulator authorizes,
// by who calls: role sessions, IAM users through their groups, account
// roots, sessions of a deleted role, roles with a permissions boundary,
// and principals of an organization. The golden policies' tables run
// through the emulator in local/iampolicy/emulator_test.go.

type authzFixture struct {
	t   testing.TB
	srv *Server
	iam *iam.Client
}

func newAuthzFixture(t testing.TB) *authzFixture {
	t.Helper()
	srv := Start(WithStatementDelay(0))
	t.Cleanup(srv.Close)
	f := &authzFixture{t: t, srv: srv, iam: iam.NewFromConfig(srv.Config(AccountA))}
	if _, err := redshift.NewFromConfig(srv.Config(AccountA)).CreateCluster(context.Background(), &redshift.CreateClusterInput{
		ClusterIdentifier: aws.String("analytics"), NodeType: aws.String("ra3.large"), ClusterType: aws.String("single-node"),
		MasterUsername: aws.String("admin"), MasterUserPassword: aws.String("Admin-Passw0rd"),
	}); err != nil {
		t.Fatalf("CreateCluster: %v", err)
	}
	return f
}

func (f *authzFixture) check(what string, err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatalf("%s: %v", what, err)
	}
}

// role creates a role of AccountA that AccountA trusts, with inline
// policy doc, and returns the configurations of its sessions.
func (f *authzFixture) role(name, doc string, sessions ...string) []aws.Config {
	f.t.Helper()
	ctx := context.Background()
	out, err := f.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trustAccountA)})
	f.check("CreateRole", err)
	_, err = f.iam.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("grant"), PolicyDocument: aws.String(doc)})
	f.check("PutRolePolicy", err)
	var cfgs []aws.Config
	for _, s := range sessions {
		cfgs = append(cfgs, f.session(aws.ToString(out.Role.Arn), s))
	}
	return cfgs
}

func (f *authzFixture) session(roleArn, name string) aws.Config {
	f.t.Helper()
	out, err := sts.NewFromConfig(f.srv.Config(AccountA)).AssumeRole(context.Background(), &sts.AssumeRoleInput{RoleArn: aws.String(roleArn), RoleSessionName: aws.String(name)})
	f.check("AssumeRole "+roleArn, err)
	cfg := f.srv.Config(AccountA)
	cfg.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(out.Credentials.AccessKeyId), aws.ToString(out.Credentials.SecretAccessKey), aws.ToString(out.Credentials.SessionToken))
	return cfg
}

func (f *authzFixture) secret(name string) string {
	f.t.Helper()
	in := &secretsmanager.CreateSecretInput{Name: aws.String(name), SecretString: aws.String(`{"username":"admin","password":"Admin-Passw0rd"}`)}
	out, err := secretsmanager.NewFromConfig(f.srv.Config(AccountA)).CreateSecret(context.Background(), in)
	f.check("CreateSecret", err)
	return aws.ToString(out.ARN)
}

const trustAccountA = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"}}`

// ownerOnly is the Data API part of the product's StatementOwnerOnly
// policies: run on the cluster, and read only one's own statements.
const ownerOnly = `{"Version":"2012-10-17","Statement":[
	{"Effect":"Allow","Action":"redshift-data:ExecuteStatement","Resource":"arn:aws:redshift:us-east-1:111111111111:cluster:analytics"},
	{"Effect":"Allow","Action":["redshift-data:DescribeStatement","redshift-data:GetStatementResult","redshift-data:CancelStatement","redshift-data:ListStatements"],"Resource":"*",
	 "Condition":{"StringEquals":{"redshift-data:statement-owner-iam-userid":"${aws:userid}"}}},
	{"Effect":"Allow","Action":"redshift:GetClusterCredentialsWithIAM","Resource":"arn:aws:redshift:us-east-1:111111111111:dbname:analytics/*"}]}`

func codeAndStatus(err error) (string, int) {
	var apiErr smithy.APIError
	var respErr *smithyhttp.ResponseError
	code, status := "", 0
	if errors.As(err, &apiErr) {
		code = apiErr.ErrorCode()
	}
	if errors.As(err, &respErr) {
		status = respErr.HTTPStatusCode()
	}
	return code, status
}

func TestAuthorizationStatementOwner(t *testing.T) {
	f := newAuthzFixture(t)
	ctx := context.Background()
	cfgs := f.role("reader", ownerOnly, "s1", "s2")
	s1, s2 := redshiftdata.NewFromConfig(cfgs[0]), redshiftdata.NewFromConfig(cfgs[1])
	out, err := s1.ExecuteStatement(ctx, &redshiftdata.ExecuteStatementInput{ClusterIdentifier: aws.String("analytics"), Database: aws.String("dev"), Sql: aws.String("SELECT 1")})
	f.check("ExecuteStatement as s1", err)
	id := out.Id

	type call func(*redshiftdata.Client) error
	calls := map[string]call{
		"DescribeStatement": func(c *redshiftdata.Client) error {
			_, err := c.DescribeStatement(ctx, &redshiftdata.DescribeStatementInput{Id: id})
			return err
		},
		"GetStatementResult": func(c *redshiftdata.Client) error {
			_, err := c.GetStatementResult(ctx, &redshiftdata.GetStatementResultInput{Id: id})
			return err
		},
	}
	for name, call := range calls {
		if err := call(s1); err != nil {
			t.Errorf("%s of its own statement: %v", name, err)
		}
		if code, _ := codeAndStatus(call(s2)); code != "AccessDeniedException" {
			t.Errorf("%s of another session's statement: code %q, want AccessDeniedException", name, code)
		}
	}
	// The statement has finished: cancelling it is invalid for its
	// owner, and denied before that for anyone else.
	_, err = s1.CancelStatement(ctx, &redshiftdata.CancelStatementInput{Id: id})
	if code, _ := codeAndStatus(err); code != "ValidationException" {
		t.Errorf("CancelStatement by the owner: code %q, want ValidationException", code)
	}
	_, err = s2.CancelStatement(ctx, &redshiftdata.CancelStatementInput{Id: id})
	if code, _ := codeAndStatus(err); code != "AccessDeniedException" {
		t.Errorf("CancelStatement by another session: code %q, want AccessDeniedException", code)
	}

	// The denial's message has AWS's shape.
	_, err = s2.DescribeStatement(ctx, &redshiftdata.DescribeStatementInput{Id: id})
	var apiErr smithy.APIError
	want := "User: arn:aws:sts::111111111111:assumed-role/reader/s2 is not authorized to perform: redshift-data:DescribeStatement on resource: * because no identity-based policy allows the redshift-data:DescribeStatement action"
	if !errors.As(err, &apiErr) || apiErr.ErrorMessage() != want {
		t.Errorf("denial = %v, want message %q", err, want)
	}
}

func TestAuthorizationErrorsPerProtocol(t *testing.T) {
	f := newAuthzFixture(t)
	ctx := context.Background()
	cfg := f.role("reader", ownerOnly, "s1")[0]
	_, rsErr := redshift.NewFromConfig(cfg).GetClusterCredentials(ctx, &redshift.GetClusterCredentialsInput{ClusterIdentifier: aws.String("analytics"), DbUser: aws.String("alice")})
	_, smErr := secretsmanager.NewFromConfig(cfg).GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(f.secret("db"))})
	_, stsErr := sts.NewFromConfig(cfg).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::111111111111:role/reader"), RoleSessionName: aws.String("again")})
	tests := map[string]struct {
		err        error
		wantCode   string
		wantStatus int
	}{
		"Redshift (query)":        {rsErr, "AccessDenied", http.StatusForbidden},
		"Secrets Manager (JSON)":  {smErr, "AccessDeniedException", http.StatusBadRequest},
		"STS, trusted by account": {stsErr, "AccessDenied", http.StatusForbidden},
	}
	for name, tc := range tests {
		code, status := codeAndStatus(tc.err)
		if code != tc.wantCode || status != tc.wantStatus {
			t.Errorf("%s: %s (HTTP %d), want %s (HTTP %d)", name, code, status, tc.wantCode, tc.wantStatus)
		}
	}
}

// An IAM user's access key acts with the user's policies and its
// groups', with ${aws:username} resolved to the user's name.
func TestAuthorizationIAMUserThroughGroup(t *testing.T) {
	f := newAuthzFixture(t)
	ctx := context.Background()
	_, err := f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice")})
	f.check("CreateUser", err)
	_, err = f.iam.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("analysts")})
	f.check("CreateGroup", err)
	pol, err := f.iam.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("own-secrets"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"arn:aws:secretsmanager:us-east-1:111111111111:secret:${aws:username}-*"}]}`)})
	f.check("CreatePolicy", err)
	_, err = f.iam.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("analysts"), PolicyArn: pol.Policy.Arn})
	f.check("AttachGroupPolicy", err)
	key, err := f.iam.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("alice")})
	f.check("CreateAccessKey", err)
	cfg := f.srv.Config(AccountA)
	cfg.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(key.AccessKey.AccessKeyId), aws.ToString(key.AccessKey.SecretAccessKey), "")
	sm := secretsmanager.NewFromConfig(cfg)
	own, other := f.secret("alice"), f.secret("bob")

	get := func() (string, string) {
		_, errOwn := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(own)})
		_, errOther := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(other)})
		a, _ := codeAndStatus(errOwn)
		b, _ := codeAndStatus(errOther)
		return a, b
	}
	if a, b := get(); a != "AccessDeniedException" || b != "AccessDeniedException" {
		t.Fatalf("outside the group: own secret %q, other %q; want both denied", a, b)
	}
	_, err = f.iam.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("analysts"), UserName: aws.String("alice")})
	f.check("AddUserToGroup", err)
	if a, b := get(); a != "" || b != "AccessDeniedException" {
		t.Errorf("in the group: own secret %q, other %q; want allowed and AccessDeniedException", a, b)
	}
}

// A session of a role that is deleted, or whose grant is removed, loses
// what the role's policies gave it.
func TestAuthorizationAfterTheGrantGoes(t *testing.T) {
	f := newAuthzFixture(t)
	ctx := context.Background()
	data := redshiftdata.NewFromConfig(f.role("reader", ownerOnly, "s1")[0])
	run := func() string {
		_, err := data.ExecuteStatement(ctx, &redshiftdata.ExecuteStatementInput{ClusterIdentifier: aws.String("analytics"), Database: aws.String("dev"), Sql: aws.String("SELECT 1")})
		code, _ := codeAndStatus(err)
		return code
	}
	if got := run(); got != "" {
		t.Fatalf("with the grant: %s", got)
	}
	_, err := f.iam.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("reader"), PolicyName: aws.String("grant")})
	f.check("DeleteRolePolicy", err)
	if got := run(); got != "AccessDeniedException" {
		t.Errorf("without the grant: code %q, want AccessDeniedException", got)
	}
	_, err = f.iam.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("reader")})
	f.check("DeleteRole", err)
	if got := run(); got != "AccessDeniedException" {
		t.Errorf("after the role's deletion: code %q, want AccessDeniedException", got)
	}
}

// A permissions boundary limits what a role's policies allow.
func TestAuthorizationPermissionsBoundary(t *testing.T) {
	f := newAuthzFixture(t)
	ctx := context.Background()
	cfg := f.role("bounded", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`, "s1")[0]
	pol, err := f.iam.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("secrets-only"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"secretsmanager:*","Resource":"*"}}`)})
	f.check("CreatePolicy", err)
	_, err = f.iam.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("bounded"), PermissionsBoundary: pol.Policy.Arn})
	f.check("PutRolePermissionsBoundary", err)
	_, smErr := secretsmanager.NewFromConfig(cfg).GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(f.secret("db"))})
	_, dataErr := redshiftdata.NewFromConfig(cfg).ExecuteStatement(ctx, &redshiftdata.ExecuteStatementInput{ClusterIdentifier: aws.String("analytics"), Database: aws.String("dev"), Sql: aws.String("SELECT 1")})
	if smErr != nil {
		t.Errorf("GetSecretValue inside the boundary: %v", smErr)
	}
	if code, _ := codeAndStatus(dataErr); code != "AccessDeniedException" {
		t.Errorf("ExecuteStatement outside the boundary: code %q, want AccessDeniedException", code)
	}
}

// A trust policy that requires aws:PrincipalOrgID admits the principals
// of accounts in that organization only.
func TestAuthorizationPrincipalOrgID(t *testing.T) {
	f := newAuthzFixture(t)
	ctx := context.Background()
	iamB := iam.NewFromConfig(f.srv.Config(AccountB))
	role, err := iamB.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("org-reader"), AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":{
		"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-example111"}}}}`)})
	f.check("CreateRole", err)
	assume := func() string {
		_, err := sts.NewFromConfig(f.srv.Config(AccountA)).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: role.Role.Arn, RoleSessionName: aws.String("org")})
		code, _ := codeAndStatus(err)
		return code
	}
	if got := assume(); got != "AccessDenied" {
		t.Errorf("outside the organization: code %q, want AccessDenied", got)
	}
	f.srv.SetOrganization(AccountA, "o-other22222")
	if got := assume(); got != "AccessDenied" {
		t.Errorf("in another organization: code %q, want AccessDenied", got)
	}
	f.srv.SetOrganization(AccountA, "o-example111")
	if got := assume(); got != "" {
		t.Errorf("in the organization: code %q, want success", got)
	}
}

// Each Data API operation is its own action: a policy that allows
// ExecuteStatement does not allow BatchExecuteStatement, and
// ListStatements needs its own grant.
func TestAuthorizationDataAPIActions(t *testing.T) {
	f := newAuthzFixture(t)
	ctx := context.Background()
	granted := redshiftdata.NewFromConfig(f.role("reader", ownerOnly, "s1")[0])
	executeOnly := redshiftdata.NewFromConfig(f.role("executor", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"redshift-data:ExecuteStatement","Resource":"*"},
		{"Effect":"Allow","Action":"redshift:GetClusterCredentialsWithIAM","Resource":"*"}]}`, "s1")[0])
	batch := func(c *redshiftdata.Client) error {
		_, err := c.BatchExecuteStatement(ctx, &redshiftdata.BatchExecuteStatementInput{ClusterIdentifier: aws.String("analytics"), Database: aws.String("dev"), Sqls: []string{"SELECT 1"}})
		return err
	}
	list := func(c *redshiftdata.Client) error {
		_, err := c.ListStatements(ctx, &redshiftdata.ListStatementsInput{})
		return err
	}
	execute := func(c *redshiftdata.Client) error {
		_, err := c.ExecuteStatement(ctx, &redshiftdata.ExecuteStatementInput{ClusterIdentifier: aws.String("analytics"), Database: aws.String("dev"), Sql: aws.String("SELECT 1")})
		return err
	}
	tests := map[string]struct {
		err  error
		want string
	}{
		"ExecuteStatement, allowed":           {execute(executeOnly), ""},
		"BatchExecuteStatement, not granted":  {batch(executeOnly), "AccessDeniedException"},
		"ListStatements, not granted":         {list(executeOnly), "AccessDeniedException"},
		"ListStatements of one's own":         {list(granted), ""},
		"BatchExecuteStatement, not in grant": {batch(granted), "AccessDeniedException"},
	}
	for name, tc := range tests {
		if code, _ := codeAndStatus(tc.err); code != tc.want {
			t.Errorf("%s: code %q, want %q (%v)", name, code, tc.want, tc.err)
		}
	}
}

// BenchmarkAuthorizedGetSecretValue measures GetSecretValue as a role
// session, whose policies the emulator collects and evaluates on every
// call, against the same call as the account's root, which it does not.
func BenchmarkAuthorizedGetSecretValue(b *testing.B) {
	f := newAuthzFixture(b)
	session := f.role("reader", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*"}}`, "s1")[0]
	arn := f.secret("db")
	for name, cfg := range map[string]aws.Config{"role session": session, "root": f.srv.Config(AccountA)} {
		sm := secretsmanager.NewFromConfig(cfg)
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := sm.GetSecretValue(context.Background(), &secretsmanager.GetSecretValueInput{SecretId: aws.String(arn)}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
