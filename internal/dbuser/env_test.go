package dbuser

import (
	"bytes"
	"context"
	"log/slog"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	"github.com/aws/aws-sdk-go-v2/service/redshiftdata"
	"github.com/aws/aws-sdk-go-v2/service/redshiftserverless"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
)

const (
	testStackID = "arn:aws:cloudformation:us-east-1:111111111111:stack/analytics/0b6a1c70-4f3e-11ef-9a5c-0a1b2c3d4e5f"
	// canaryPassword is the user's password; no statement text, log,
	// Reason or Data may contain it.
	canaryPassword = "Canary-Passw0rd-7f3a"
)

// env is the resource against a fresh emulator with cluster "analytics"
// and workgroup "analytics-wg", each with admin "admin", an admin secret
// for each, and a password secret.
type env struct {
	srv            *awsemu.Server
	data           *redshiftdata.Client
	sm             *secretsmanager.Client
	res            *Resource
	clusterAdmin   string
	workgroupAdmin string
	passwordSecret string
}

func newEnv(t *testing.T, opts ...awsemu.Option) *env {
	t.Helper()
	srv := awsemu.Start(append([]awsemu.Option{awsemu.WithStatementDelay(0)}, opts...)...)
	t.Cleanup(srv.Close)
	cfg := srv.Config(awsemu.AccountA)
	ctx := context.Background()
	if _, err := redshift.NewFromConfig(cfg).CreateCluster(ctx, &redshift.CreateClusterInput{
		ClusterIdentifier: aws.String("analytics"), NodeType: aws.String("ra3.large"), ClusterType: aws.String("single-node"),
		MasterUsername: aws.String("admin"), MasterUserPassword: aws.String("Admin-Passw0rd"),
	}); err != nil {
		t.Fatalf("CreateCluster: %v", err)
	}
	rss := redshiftserverless.NewFromConfig(cfg)
	if _, err := rss.CreateNamespace(ctx, &redshiftserverless.CreateNamespaceInput{
		NamespaceName: aws.String("analytics-ns"), AdminUsername: aws.String("admin"), AdminUserPassword: aws.String("Admin-Passw0rd"),
	}); err != nil {
		t.Fatalf("CreateNamespace: %v", err)
	}
	if _, err := rss.CreateWorkgroup(ctx, &redshiftserverless.CreateWorkgroupInput{WorkgroupName: aws.String("analytics-wg"), NamespaceName: aws.String("analytics-ns")}); err != nil {
		t.Fatalf("CreateWorkgroup: %v", err)
	}
	e := &env{srv: srv, data: redshiftdata.NewFromConfig(cfg), sm: secretsmanager.NewFromConfig(cfg)}
	e.res = New(e.data, e.sm)
	e.clusterAdmin = e.secret(t, "cluster-admin", `{"username":"admin","password":"Admin-Passw0rd","engine":"redshift","dbClusterIdentifier":"analytics"}`)
	e.workgroupAdmin = e.secret(t, "workgroup-admin", `{"username":"admin","password":"Admin-Passw0rd"}`)
	e.passwordSecret = e.secret(t, "app-password", `{"username":"app_user","password":"`+canaryPassword+`"}`)
	for _, admin := range []session{e.admin(Target{ClusterIdentifier: "analytics"}), e.admin(Target{WorkgroupName: "analytics-wg"})} {
		for _, sql := range []string{`CREATE GROUP readers`, `CREATE GROUP writers`, `CREATE ROLE analyst`, `CREATE SCHEMA sales`, `CREATE TABLE sales.orders (id int)`} {
			if err := e.res.runBatch(ctx, admin, "", []string{sql}); err != nil {
				t.Fatalf("%s: %v", sql, err)
			}
		}
	}
	return e
}

func (e *env) secret(t *testing.T, name, value string) string {
	t.Helper()
	out, err := e.sm.CreateSecret(context.Background(), &secretsmanager.CreateSecretInput{Name: aws.String(name), SecretString: aws.String(value)})
	if err != nil {
		t.Fatalf("CreateSecret %s: %v", name, err)
	}
	return aws.ToString(out.ARN)
}

func (e *env) clusterProps() map[string]any {
	return map[string]any{"ClusterIdentifier": "analytics", "AdminSecretArn": e.clusterAdmin}
}

func (e *env) workgroupProps() map[string]any {
	return map[string]any{"WorkgroupName": "analytics-wg", "AdminSecretArn": e.workgroupAdmin}
}

// handler serves the resource as CloudFormation would reach it, with
// logs in the returned buffer.
func (e *env) handler() (*customresource.Handler, *bytes.Buffer) {
	var logs bytes.Buffer
	h := customresource.NewHandler(
		map[string]customresource.Resource{ResourceType: e.res},
		customresource.WithAllowLocalResponseURL(true),
		customresource.WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))),
	)
	return h, &logs
}

// exists reports whether the user of physical ID id exists.
func (e *env) exists(ctx context.Context, id string) (bool, error) {
	u, ok := parsePhysicalID(id)
	if !ok {
		return false, nil
	}
	return e.res.userExists(ctx, e.admin(u.target), u.user)
}

// admin is a session on database dev of target as its admin.
func (e *env) admin(target Target) session {
	if target.WorkgroupName != "" {
		return session{target: target, database: "dev", secretArn: e.workgroupAdmin}
	}
	return session{target: target, database: "dev", secretArn: e.clusterAdmin}
}

// privileges returns what user holds on target, as the emulator keeps it.
func (e *env) privileges(target Target, user string) []string {
	return e.srv.Privileges(awsemu.AccountA, target.ClusterIdentifier, target.WorkgroupName, user)
}

func request(action customresource.Action, requestID, physicalID string, old, props map[string]any) customresource.Request {
	return customresource.Request{
		Action: action, RequestID: requestID, StackID: testStackID, LogicalResourceID: "AppUser",
		PhysicalResourceID: physicalID, ResourceType: ResourceType, Properties: props, OldProperties: old,
	}
}
