package redshiftdata_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	"github.com/aws/aws-sdk-go-v2/service/redshiftdata"
	"github.com/aws/aws-sdk-go-v2/service/redshiftdata/types"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu/internal/redshifttest"
)

func TestRedshiftDataRejectsRequests(t *testing.T) {
	f := newDataFixture(t, 0)
	emptySecret := f.secret(t, "empty", `{"username":"admin"}`)
	tests := map[string]redshiftdata.ExecuteStatementInput{
		"missing cluster":           {ClusterIdentifier: aws.String("missing"), Database: aws.String("dev")},
		"missing workgroup":         {WorkgroupName: aws.String("missing"), Database: aws.String("dev")},
		"no target":                 {Database: aws.String("dev")},
		"two targets":               {ClusterIdentifier: aws.String("analytics"), WorkgroupName: aws.String("serverless"), Database: aws.String("dev")},
		"no database":               {ClusterIdentifier: aws.String("analytics")},
		"secret and DbUser":         {ClusterIdentifier: aws.String("analytics"), Database: aws.String("dev"), SecretArn: aws.String(f.adminARN), DbUser: aws.String("admin")},
		"DbUser on a workgroup":     {WorkgroupName: aws.String("serverless"), Database: aws.String("dev"), DbUser: aws.String("admin")},
		"missing secret":            {ClusterIdentifier: aws.String("analytics"), Database: aws.String("dev"), SecretArn: aws.String("arn:aws:secretsmanager:us-east-1:111111111111:secret:missing-AbCdEf")},
		"secret without password":   {ClusterIdentifier: aws.String("analytics"), Database: aws.String("dev"), SecretArn: aws.String(emptySecret)},
		"secret of another account": {ClusterIdentifier: aws.String("analytics"), Database: aws.String("dev"), SecretArn: aws.String("arn:aws:secretsmanager:us-east-1:222222222222:secret:admin-AbCdEf")},
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			in.Sql = aws.String("SELECT 1")
			_, err := f.data.ExecuteStatement(context.Background(), &in)
			var invalid *types.ValidationException
			if !errors.As(err, &invalid) {
				t.Errorf("err = %v, want ValidationException", err)
			}
		})
	}
}

func TestRedshiftDataAuthentication(t *testing.T) {
	f := newDataFixture(t, 0)
	wrongPassword := f.secret(t, "wrong", `{"username":"admin","password":"Wrong-Passw0rd"}`)
	disabledUser := f.secret(t, "disabled", `{"username":"redshift_data_api_user","password":"Some-Passw0rd"}`)
	f.run(t, `CREATE USER "redshift_data_api_user" PASSWORD DISABLE`)
	roleData := redshiftdata.NewFromConfig(redshifttest.ConfigAs(t, f.srv, "ASIARSDROLEAPP000001", redshifttest.RoleIdentity))

	tests := map[string]struct {
		client     *redshiftdata.Client
		in         redshiftdata.ExecuteStatementInput
		wantStatus types.StatusString
		wantDbUser string
	}{
		"existing DbUser": {
			in:         redshiftdata.ExecuteStatementInput{ClusterIdentifier: aws.String("analytics"), DbUser: aws.String("redshift_data_api_user")},
			wantStatus: types.StatusStringFinished, wantDbUser: "redshift_data_api_user",
		},
		"DbUser not created in the database": {
			in:         redshiftdata.ExecuteStatementInput{ClusterIdentifier: aws.String("analytics"), DbUser: aws.String("nobody")},
			wantStatus: types.StatusStringFailed, wantDbUser: "nobody",
		},
		"cluster IAM identity": {
			client:     roleData,
			in:         redshiftdata.ExecuteStatementInput{ClusterIdentifier: aws.String("analytics")},
			wantStatus: types.StatusStringFinished, wantDbUser: "IAMR:app-role",
		},
		"serverless IAM identity": {
			client:     roleData,
			in:         redshiftdata.ExecuteStatementInput{WorkgroupName: aws.String("serverless")},
			wantStatus: types.StatusStringFinished, wantDbUser: "IAMR:app-role",
		},
		"secret with the wrong password": {
			in:         redshiftdata.ExecuteStatementInput{ClusterIdentifier: aws.String("analytics"), SecretArn: aws.String(wrongPassword)},
			wantStatus: types.StatusStringFailed,
		},
		"secret of a user without a password": {
			in:         redshiftdata.ExecuteStatementInput{ClusterIdentifier: aws.String("analytics"), SecretArn: aws.String(disabledUser)},
			wantStatus: types.StatusStringFailed,
		},
		"database that does not exist": {
			in:         redshiftdata.ExecuteStatementInput{ClusterIdentifier: aws.String("analytics"), SecretArn: aws.String(f.adminARN), Database: aws.String("sales")},
			wantStatus: types.StatusStringFailed,
		},
		"serverless admin secret": {
			in:         redshiftdata.ExecuteStatementInput{WorkgroupName: aws.String("serverless"), SecretArn: aws.String(f.adminARN)},
			wantStatus: types.StatusStringFinished,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			client := tc.client
			if client == nil {
				client = f.data
			}
			in := tc.in
			in.Sql = aws.String("SELECT 1")
			if in.Database == nil {
				in.Database = aws.String("dev")
			}
			out, err := client.ExecuteStatement(context.Background(), &in)
			if err != nil {
				t.Fatalf("ExecuteStatement: %v", err)
			}
			d, err := client.DescribeStatement(context.Background(), &redshiftdata.DescribeStatementInput{Id: out.Id})
			if err != nil {
				t.Fatalf("DescribeStatement: %v", err)
			}
			if d.Status != tc.wantStatus {
				t.Errorf("status = %s, want %s (error %q)", d.Status, tc.wantStatus, aws.ToString(d.Error))
			}
			if got := aws.ToString(d.DbUser); got != tc.wantDbUser {
				t.Errorf("DbUser = %q, want %q", got, tc.wantDbUser)
			}
		})
	}
}

func TestRedshiftDataUnknownStatement(t *testing.T) {
	f := newDataFixture(t, 0)
	ctx := context.Background()
	owned := f.run(t, "SELECT 1")
	otherAccount := redshiftdata.NewFromConfig(f.srv.Config(awsemu.AccountB))
	tests := map[string]struct {
		client *redshiftdata.Client
		id     string
		want   string
	}{
		"unknown ID":                          {f.data, "00000000-0000-0000-0000-000000000000", "ResourceNotFoundException"},
		"malformed ID":                        {f.data, "not-a-statement", "ValidationException"},
		"another account's":                   {otherAccount, aws.ToString(owned.Id), "ResourceNotFoundException"},
		"sub-statement of a single statement": {f.data, aws.ToString(owned.Id) + ":1", "ResourceNotFoundException"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := tc.client.DescribeStatement(ctx, &redshiftdata.DescribeStatementInput{Id: aws.String(tc.id)})
			if got := redshifttest.ErrorCode(err); got != tc.want {
				t.Errorf("DescribeStatement: code = %q, want %q", got, tc.want)
			}
			_, err = tc.client.GetStatementResult(ctx, &redshiftdata.GetStatementResultInput{Id: aws.String(tc.id)})
			if got := redshifttest.ErrorCode(err); got != tc.want {
				t.Errorf("GetStatementResult: code = %q, want %q", got, tc.want)
			}
			_, err = tc.client.CancelStatement(ctx, &redshiftdata.CancelStatementInput{Id: aws.String(tc.id)})
			if got := redshifttest.ErrorCode(err); got != tc.want {
				t.Errorf("CancelStatement: code = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestRedshiftDataDbUserAutoCreatedByGetClusterCredentials(t *testing.T) {
	f := newDataFixture(t, 0)
	// A new input each time: the SDK stores its generated ClientToken in
	// the input, and a repeated token returns the first statement.
	input := func() *redshiftdata.ExecuteStatementInput {
		return &redshiftdata.ExecuteStatementInput{
			ClusterIdentifier: aws.String("analytics"), Database: aws.String("dev"), DbUser: aws.String("reporter"), Sql: aws.String("SELECT 1"),
		}
	}
	if got := f.runInput(t, input()).Status; got != types.StatusStringFailed {
		t.Fatalf("status before the user exists = %s, want FAILED", got)
	}
	if _, err := redshift.NewFromConfig(f.srv.Config(awsemu.AccountA)).GetClusterCredentials(context.Background(), &redshift.GetClusterCredentialsInput{
		ClusterIdentifier: aws.String("analytics"), DbUser: aws.String("reporter"), AutoCreate: aws.Bool(true),
	}); err != nil {
		t.Fatalf("GetClusterCredentials: %v", err)
	}
	if got := f.runInput(t, input()).Status; got != types.StatusStringFinished {
		t.Errorf("status after AutoCreate = %s, want FINISHED", got)
	}
}
