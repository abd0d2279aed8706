package e2e

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/redshiftdata"
	rsdtypes "github.com/aws/aws-sdk-go-v2/service/redshiftdata/types"
	"github.com/aws/aws-sdk-go-v2/service/redshiftserverless"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
	"github.com/redshift-data-access/redshift-data-access/local/prerequisites"
)

// This file holds what the database user resource needs beyond the
// prerequisites: the workgroup and admin secret that its sample events
// name, and a read-back of a user through the Data API.

const dbuserType = "Custom::RedshiftDataApiDatabaseUser"

// The names the samples events/dbuser-*.json use. Secrets Manager picks
// the suffix of a secret's ARN, so readSample rewrites sampleAdminSecretArn
// to the ARN of the secret that buildDBUser creates with its name.
const (
	sampleWorkgroup      = "example-wg"
	sampleNamespace      = "example-ns"
	sampleAdminSecret    = "redshift-data-api/data-api-access/AdminSecret-0123456789ab"
	sampleAdminSecretArn = "arn:aws:secretsmanager:us-east-1:111111111111:secret:" + sampleAdminSecret + "-AbCdEf"
	sampleRBACRole       = "analyst"
)

// dbuserWorld is what buildDBUser made.
type dbuserWorld struct {
	adminSecretArn string // of the workgroup's admin, named sampleAdminSecret
}

// buildDBUser creates workgroup example-wg (namespace example-ns, admin
// admin) with the secret of its admin, and the RBAC role analyst in it
// and in cluster examplecluster, whose admin is awsuser.
func buildDBUser(t *testing.T, srv *awsemu.Server) dbuserWorld {
	t.Helper()
	ctx := t.Context()
	cfg := srv.Config(awsemu.AccountA)
	password := "Aa1" + rand.Text() // under Redshift's rules; never shown
	rss := redshiftserverless.NewFromConfig(cfg)
	if _, err := rss.CreateNamespace(ctx, &redshiftserverless.CreateNamespaceInput{
		NamespaceName: aws.String(sampleNamespace), AdminUsername: aws.String("admin"), AdminUserPassword: aws.String(password), DbName: aws.String(prerequisites.Database),
	}); err != nil {
		t.Fatalf("CreateNamespace %s: %v", sampleNamespace, err)
	}
	if _, err := rss.CreateWorkgroup(ctx, &redshiftserverless.CreateWorkgroupInput{WorkgroupName: aws.String(sampleWorkgroup), NamespaceName: aws.String(sampleNamespace)}); err != nil {
		t.Fatalf("CreateWorkgroup %s: %v", sampleWorkgroup, err)
	}
	out, err := secretsmanager.NewFromConfig(cfg).CreateSecret(ctx, &secretsmanager.CreateSecretInput{
		Name: aws.String(sampleAdminSecret), SecretString: aws.String(`{"username":"admin","password":"` + password + `"}`),
	})
	if err != nil {
		t.Fatalf("CreateSecret %s: %v", sampleAdminSecret, err)
	}
	w := dbuserWorld{adminSecretArn: aws.ToString(out.ARN)}
	data := redshiftdata.NewFromConfig(cfg)
	for _, in := range []*redshiftdata.ExecuteStatementInput{
		{WorkgroupName: aws.String(sampleWorkgroup), SecretArn: out.ARN},
		{ClusterIdentifier: aws.String(prerequisites.ClusterID), DbUser: aws.String("awsuser")},
	} {
		in.Database, in.Sql = aws.String(prerequisites.Database), aws.String("CREATE ROLE "+sampleRBACRole)
		if _, err := runStatement(ctx, data, in); err != nil {
			t.Fatalf("CREATE ROLE: %v", err)
		}
	}
	return w
}

// runStatement runs one statement and waits until it has finished.
func runStatement(ctx context.Context, data *redshiftdata.Client, in *redshiftdata.ExecuteStatementInput) (string, error) {
	out, err := data.ExecuteStatement(ctx, in)
	if err != nil {
		return "", err
	}
	for {
		d, err := data.DescribeStatement(ctx, &redshiftdata.DescribeStatementInput{Id: out.Id})
		if err != nil {
			return "", err
		}
		switch d.Status {
		case rsdtypes.StatusStringFinished:
			return aws.ToString(out.Id), nil
		case rsdtypes.StatusStringFailed, rsdtypes.StatusStringAborted:
			return "", fmt.Errorf("statement %s: %s", d.Status, aws.ToString(d.Error))
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// dbuserExists reports whether the database user that a physical ID of
// the resource names exists. The ID is spelled out here, not parsed with
// the resource's own code, so that the test checks the binary's IDs:
// redshift-data-access:dbuser:<created|adopted>:<cluster|workgroup>:<name>:<database>:<user>,
// database and user in unpadded base64url. Clusters are reached as their
// admin awsuser, workgroups with the admin secret.
func (w *fixture) dbuserExists(ctx context.Context, id string) (bool, error) {
	parts := strings.Split(id, ":")
	if len(parts) != 7 || parts[0] != "redshift-data-access" || parts[1] != "dbuser" {
		return false, fmt.Errorf("%q is not a database user's physical ID", id)
	}
	database, err := base64.RawURLEncoding.DecodeString(parts[5])
	if err != nil {
		return false, err
	}
	user, err := base64.RawURLEncoding.DecodeString(parts[6])
	if err != nil {
		return false, err
	}
	in := &redshiftdata.ExecuteStatementInput{
		Database:   aws.String(string(database)),
		Sql:        aws.String("SELECT usename FROM pg_user WHERE usename = :name"),
		Parameters: []rsdtypes.SqlParameter{{Name: aws.String("name"), Value: aws.String(string(user))}},
	}
	switch parts[3] {
	case "cluster":
		in.ClusterIdentifier, in.DbUser = aws.String(parts[4]), aws.String("awsuser")
	case "workgroup":
		in.WorkgroupName, in.SecretArn = aws.String(parts[4]), aws.String(w.dbuser.adminSecretArn)
	default:
		return false, fmt.Errorf("%q names neither a cluster nor a workgroup", id)
	}
	data := redshiftdata.NewFromConfig(w.srv.Config(awsemu.AccountA))
	stmt, err := runStatement(ctx, data, in)
	if err != nil {
		return false, err
	}
	res, err := data.GetStatementResult(ctx, &redshiftdata.GetStatementResultInput{Id: aws.String(stmt)})
	if err != nil {
		return false, err
	}
	return len(res.Records) == 1, nil
}
