package iampolicy_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	"github.com/aws/aws-sdk-go-v2/service/redshiftdata"
	rss "github.com/aws/aws-sdk-go-v2/service/redshiftserverless"
	rsstypes "github.com/aws/aws-sdk-go-v2/service/redshiftserverless/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
	"github.com/redshift-data-access/redshift-data-access/local/iampolicy"
)

// The golden tables of golden_test.go, driven through the emulator: for
// every table, a role in AccountA gets the table's policy, a session of
// it makes the probes' requests with the real SDK clients, and each call
// must be allowed exactly when the table allows every request it makes.

// apiCall is one SDK call as the role session, and the probes (requests
// to IAM) it makes. A Data API call makes two: the Data API action, and
// the login the Data API makes as the caller.
type apiCall struct {
	name    string
	implies []string
	// untagged runs the call with the secret MyRedshiftSecret and the
	// workgroup untagged.
	untagged bool
	call     func(ctx context.Context, w *world) error
}

// unreachable are the probes that no SDK call makes: the API names the
// resource by a kind of identifier that cannot be another kind's ARN, or
// the emulator does not serve the operation.
var unreachable = map[string]string{
	"serverless on a namespace ARN":   "GetCredentials takes a workgroup name",
	"a tagged non-secret ARN":         "GetSecretValue resolves a secret ID",
	"IAM credentials on a user ARN":   "GetClusterCredentialsWithIAM names a database, not a user",
	"service-linked role":             "iam:CreateServiceLinkedRole is not emulated",
	"service-linked role, other name": "iam:CreateServiceLinkedRole is not emulated",
	"another role, redshift-data":     "iam:CreateServiceLinkedRole is not emulated",
}

func execute(in redshiftdata.ExecuteStatementInput) func(context.Context, *world) error {
	return func(ctx context.Context, w *world) error {
		in := in
		in.Sql = aws.String("SELECT 1")
		if in.Database == nil {
			in.Database = aws.String("dev")
		}
		if in.SecretArn != nil {
			in.SecretArn = aws.String(w.secrets[*in.SecretArn])
		}
		_, err := w.data.ExecuteStatement(ctx, &in)
		return err
	}
}

func clusterCredentials(in redshift.GetClusterCredentialsInput) func(context.Context, *world) error {
	return func(ctx context.Context, w *world) error {
		in := in
		_, err := w.redshift.GetClusterCredentials(ctx, &in)
		return err
	}
}

func iamCredentials(cluster, db string) func(context.Context, *world) error {
	return func(ctx context.Context, w *world) error {
		_, err := w.redshift.GetClusterCredentialsWithIAM(ctx, &redshift.GetClusterCredentialsWithIAMInput{ClusterIdentifier: aws.String(cluster), DbName: aws.String(db)})
		return err
	}
}

func serverlessCredentials(workgroup string) func(context.Context, *world) error {
	return func(ctx context.Context, w *world) error {
		_, err := w.serverless.GetCredentials(ctx, &rss.GetCredentialsInput{WorkgroupName: aws.String(workgroup)})
		return err
	}
}

func getSecret(name string) func(context.Context, *world) error {
	return func(ctx context.Context, w *world) error {
		_, err := w.secretsManager.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(w.secrets[name])})
		return err
	}
}

func describe(id func(*world) string) func(context.Context, *world) error {
	return func(ctx context.Context, w *world) error {
		_, err := w.data.DescribeStatement(ctx, &redshiftdata.DescribeStatementInput{Id: aws.String(id(w))})
		return err
	}
}

func assume(role string) func(context.Context, *world) error {
	return func(ctx context.Context, w *world) error {
		_, err := w.sts.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(w.roleB(role)), RoleSessionName: aws.String("probe")})
		return err
	}
}

// Requests the probes leave out: GetClusterCredentials on cluster other
// also asks for dbuser:other/<user>, which the policies allow exactly
// when they allow dbname:other/dev (the managed policy both, the scoped
// ones neither).
var apiCalls = []apiCall{
	{"ExecuteStatement, cluster, DbUser", []string{"execute on the cluster", "credentials as the api user", "credentials for database dev"},
		false, execute(redshiftdata.ExecuteStatementInput{ClusterIdentifier: aws.String("analytics"), DbUser: aws.String("redshift_data_api_user")})},
	{"ExecuteStatement, cluster, DbUser, database other", []string{"execute on the cluster", "credentials as the api user", "credentials for database other"},
		false, execute(redshiftdata.ExecuteStatementInput{ClusterIdentifier: aws.String("analytics"), DbUser: aws.String("redshift_data_api_user"), Database: aws.String("other")})},
	{"ExecuteStatement, cluster, another DbUser", []string{"execute on the cluster", "credentials as another user", "credentials for database dev"},
		false, execute(redshiftdata.ExecuteStatementInput{ClusterIdentifier: aws.String("analytics"), DbUser: aws.String("alice")})},
	{"ExecuteStatement, cluster, tagged secret", []string{"execute on the cluster", "the secret, tagged"},
		false, execute(redshiftdata.ExecuteStatementInput{ClusterIdentifier: aws.String("analytics"), SecretArn: aws.String("MyRedshiftSecret")})},
	{"ExecuteStatement, cluster, untagged secret", []string{"execute on the cluster", "the secret, untagged"},
		true, execute(redshiftdata.ExecuteStatementInput{ClusterIdentifier: aws.String("analytics"), SecretArn: aws.String("MyRedshiftSecret")})},
	{"ExecuteStatement, cluster, another tagged secret", []string{"execute on the cluster", "another secret, tagged"},
		false, execute(redshiftdata.ExecuteStatementInput{ClusterIdentifier: aws.String("analytics"), SecretArn: aws.String("Other")})},
	{"ExecuteStatement, cluster, IAM identity", []string{"execute on the cluster", "IAM credentials for dev"},
		false, execute(redshiftdata.ExecuteStatementInput{ClusterIdentifier: aws.String("analytics")})},
	{"ExecuteStatement, cluster, IAM identity, database other", []string{"execute on the cluster", "IAM credentials for other"},
		false, execute(redshiftdata.ExecuteStatementInput{ClusterIdentifier: aws.String("analytics"), Database: aws.String("other")})},
	{"ExecuteStatement, another cluster, IAM identity", []string{"execute on another cluster", "IAM credentials, other cluster"},
		false, execute(redshiftdata.ExecuteStatementInput{ClusterIdentifier: aws.String("other")})},
	{"ExecuteStatement, another cluster, tagged secret", []string{"execute on another cluster", "the secret, tagged"},
		false, execute(redshiftdata.ExecuteStatementInput{ClusterIdentifier: aws.String("other"), SecretArn: aws.String("MyRedshiftSecret")})},
	{"ExecuteStatement, another cluster, DbUser", []string{"execute on another cluster", "credentials on another cluster"},
		false, execute(redshiftdata.ExecuteStatementInput{ClusterIdentifier: aws.String("other"), DbUser: aws.String("redshift_data_api_user")})},
	{"ExecuteStatement, workgroup, tagged", []string{"execute on the workgroup", "serverless, tagged workgroup"},
		false, execute(redshiftdata.ExecuteStatementInput{WorkgroupName: aws.String("wg1")})},
	{"ExecuteStatement, workgroup, untagged", []string{"execute on the workgroup", "serverless, untagged workgroup"},
		true, execute(redshiftdata.ExecuteStatementInput{WorkgroupName: aws.String("wg1")})},
	{"ExecuteStatement, workgroup, tagged secret", []string{"execute on the workgroup", "the secret, tagged"},
		false, execute(redshiftdata.ExecuteStatementInput{WorkgroupName: aws.String("wg1"), SecretArn: aws.String("MyRedshiftSecret")})},
	{"ExecuteStatement, another workgroup", []string{"execute on another workgroup", "serverless, other workgroup"},
		false, execute(redshiftdata.ExecuteStatementInput{WorkgroupName: aws.String("wg-other")})},
	{"GetClusterCredentials, api user", []string{"credentials as the api user"},
		false, clusterCredentials(redshift.GetClusterCredentialsInput{ClusterIdentifier: aws.String("analytics"), DbUser: aws.String("redshift_data_api_user")})},
	{"GetClusterCredentials, api user, database dev", []string{"credentials as the api user", "credentials for database dev"},
		false, clusterCredentials(redshift.GetClusterCredentialsInput{ClusterIdentifier: aws.String("analytics"), DbUser: aws.String("redshift_data_api_user"), DbName: aws.String("dev")})},
	{"GetClusterCredentials, another user", []string{"credentials as another user"},
		false, clusterCredentials(redshift.GetClusterCredentialsInput{ClusterIdentifier: aws.String("analytics"), DbUser: aws.String("alice")})},
	{"GetClusterCredentials, AutoCreate the api user", []string{"credentials as the api user", "create the api user"},
		false, clusterCredentials(redshift.GetClusterCredentialsInput{ClusterIdentifier: aws.String("analytics"), DbUser: aws.String("redshift_data_api_user"), AutoCreate: aws.Bool(true)})},
	{"GetClusterCredentials, AutoCreate another user", []string{"credentials as another user", "create another user"},
		false, clusterCredentials(redshift.GetClusterCredentialsInput{ClusterIdentifier: aws.String("analytics"), DbUser: aws.String("alice"), AutoCreate: aws.Bool(true)})},
	{"GetClusterCredentialsWithIAM, dev", []string{"IAM credentials for dev"}, false, iamCredentials("analytics", "dev")},
	{"GetClusterCredentialsWithIAM, other", []string{"IAM credentials for other"}, false, iamCredentials("analytics", "other")},
	{"GetClusterCredentialsWithIAM, another cluster", []string{"IAM credentials, other cluster"}, false, iamCredentials("other", "dev")},
	{"GetCredentials, tagged workgroup", []string{"serverless, tagged workgroup"}, false, serverlessCredentials("wg1")},
	{"GetCredentials, untagged workgroup", []string{"serverless, untagged workgroup"}, true, serverlessCredentials("wg1")},
	{"GetCredentials, another workgroup", []string{"serverless, other workgroup"}, false, serverlessCredentials("wg-other")},
	{"GetSecretValue, tagged", []string{"the secret, tagged"}, false, getSecret("MyRedshiftSecret")},
	{"GetSecretValue, untagged", []string{"the secret, untagged"}, true, getSecret("MyRedshiftSecret")},
	{"GetSecretValue, another tagged", []string{"another secret, tagged"}, false, getSecret("Other")},
	{"DescribeStatement, own", []string{"describe own statement"}, false, describe(func(w *world) string { return w.ownStatement })},
	{"DescribeStatement, another's", []string{"describe another's statement"}, false, describe(func(w *world) string { return w.othersStatement })},
	{"AssumeRole, the cross-account role", []string{"assume the cross-account role"}, false, assume("someRoleB")},
	{"AssumeRole, another role", []string{"assume another role"}, false, assume("other")},
}

// world is an emulator with the probes' resources, and clients of a
// session of the role "analyst" that has the policy under test.
type world struct {
	srv       *awsemu.Server
	partition string
	admin     aws.Config
	// secrets maps MyRedshiftSecret and Other to their ARNs.
	secrets                       map[string]string
	workgroupARN                  string
	ownStatement, othersStatement string

	data           *redshiftdata.Client
	redshift       *redshift.Client
	serverless     *rss.Client
	secretsManager *secretsmanager.Client
	sts            *sts.Client
}

func (w *world) roleB(name string) string {
	return "arn:" + w.partition + ":iam::" + awsemu.AccountB + ":role/redshift-data-api/" + name
}

const allowAll = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`

func must[T any](t *testing.T, what string) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}
}

// newWorld starts an emulator in region with the probes' resources: the
// clusters analytics and other, the workgroups wg1 (whose ID replaces the
// golden policies' workgroup ID) and wg-other, the secrets
// MyRedshiftSecret and Other, all tagged RedshiftDataFullAccess, and the
// roles someRoleB and other in AccountB that trust AccountA.
func newWorld(t *testing.T, partition, region string) *world {
	t.Helper()
	ctx := context.Background()
	srv := awsemu.Start(awsemu.WithRegion(region), awsemu.WithStatementDelay(0))
	t.Cleanup(srv.Close)
	w := &world{srv: srv, partition: partition, admin: srv.Config(awsemu.AccountA), secrets: map[string]string{}}
	rs := redshift.NewFromConfig(w.admin)
	for _, id := range []string{"analytics", "other"} {
		must[*redshift.CreateClusterOutput](t, "CreateCluster "+id)(rs.CreateCluster(ctx, &redshift.CreateClusterInput{
			ClusterIdentifier: aws.String(id), NodeType: aws.String("ra3.large"), ClusterType: aws.String("single-node"),
			MasterUsername: aws.String("admin"), MasterUserPassword: aws.String("Admin-Passw0rd"),
		}))
	}
	tag := []rsstypes.Tag{{Key: aws.String("RedshiftDataFullAccess"), Value: aws.String("yes")}}
	sl := rss.NewFromConfig(w.admin)
	for _, name := range []string{"wg1", "wg-other"} {
		must[*rss.CreateNamespaceOutput](t, "CreateNamespace")(sl.CreateNamespace(ctx, &rss.CreateNamespaceInput{
			NamespaceName: aws.String(name + "-ns"), AdminUsername: aws.String("admin"), AdminUserPassword: aws.String("Admin-Passw0rd"),
		}))
		out := must[*rss.CreateWorkgroupOutput](t, "CreateWorkgroup")(sl.CreateWorkgroup(ctx, &rss.CreateWorkgroupInput{
			WorkgroupName: aws.String(name), NamespaceName: aws.String(name + "-ns"), Tags: tag,
		}))
		if name == "wg1" {
			w.workgroupARN = aws.ToString(out.Workgroup.WorkgroupArn)
		}
	}
	sm := secretsmanager.NewFromConfig(w.admin)
	for _, name := range []string{"MyRedshiftSecret", "Other"} {
		out := must[*secretsmanager.CreateSecretOutput](t, "CreateSecret")(sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{
			Name: aws.String(name), SecretString: aws.String(`{"username":"admin","password":"Admin-Passw0rd"}`),
			Tags: []smtypes.Tag{{Key: aws.String("RedshiftDataFullAccess"), Value: aws.String("yes")}},
		}))
		w.secrets[name] = aws.ToString(out.ARN)
	}
	iamB := iam.NewFromConfig(srv.Config(awsemu.AccountB))
	for _, name := range []string{"someRoleB", "other"} {
		must[*iam.CreateRoleOutput](t, "CreateRole "+name)(iamB.CreateRole(ctx, &iam.CreateRoleInput{
			RoleName: aws.String(name), Path: aws.String("/redshift-data-api/"),
			AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"` + awsemu.AccountA + `"},"Action":"sts:AssumeRole"}}`),
		}))
	}
	return w
}

// localize rewrites a golden policy for w: the golden workgroup ID and
// secret ARN become those the emulator gave wg1 and MyRedshiftSecret.
func (w *world) localize(doc string) string {
	wgID := w.workgroupARN[strings.LastIndex(w.workgroupARN, "/")+1:]
	secret := w.secrets["MyRedshiftSecret"]
	return strings.NewReplacer(
		iampolicy.WorkgroupID, wgID,
		"secret:MyRedshiftSecret-mvLHxf", secret[strings.Index(secret, "secret:"):],
	).Replace(doc)
}

// grant gives the role analyst the policy doc and returns clients of a
// session of it. While the role also has an allow-all policy, the
// session runs a statement of its own; the root user runs another's.
func (w *world) grant(t *testing.T, doc string) {
	t.Helper()
	ctx := context.Background()
	admin := iam.NewFromConfig(w.admin)
	role := must[*iam.CreateRoleOutput](t, "CreateRole analyst")(admin.CreateRole(ctx, &iam.CreateRoleInput{
		RoleName:                 aws.String("analyst"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"` + awsemu.AccountA + `"},"Action":"sts:AssumeRole"}}`),
	}))
	pol := must[*iam.CreatePolicyOutput](t, "CreatePolicy")(admin.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("under-test"), PolicyDocument: aws.String(doc)}))
	must[*iam.AttachRolePolicyOutput](t, "AttachRolePolicy")(admin.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("analyst"), PolicyArn: pol.Policy.Arn}))
	must[*iam.PutRolePolicyOutput](t, "PutRolePolicy")(admin.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("analyst"), PolicyName: aws.String("setup"), PolicyDocument: aws.String(allowAll)}))

	out := must[*sts.AssumeRoleOutput](t, "AssumeRole analyst")(sts.NewFromConfig(w.admin).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: role.Role.Arn, RoleSessionName: aws.String("session")}))
	cfg := w.srv.Config(awsemu.AccountA)
	cfg.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(out.Credentials.AccessKeyId), aws.ToString(out.Credentials.SecretAccessKey), aws.ToString(out.Credentials.SessionToken))
	w.data, w.redshift, w.serverless = redshiftdata.NewFromConfig(cfg), redshift.NewFromConfig(cfg), rss.NewFromConfig(cfg)
	w.secretsManager, w.sts = secretsmanager.NewFromConfig(cfg), sts.NewFromConfig(cfg)

	run := func(client *redshiftdata.Client) string {
		t.Helper()
		st := must[*redshiftdata.ExecuteStatementOutput](t, "ExecuteStatement")(client.ExecuteStatement(ctx, &redshiftdata.ExecuteStatementInput{
			ClusterIdentifier: aws.String("analytics"), Database: aws.String("dev"), SecretArn: aws.String(w.secrets["MyRedshiftSecret"]), Sql: aws.String("SELECT 1"),
		}))
		return aws.ToString(st.Id)
	}
	w.ownStatement = run(w.data)
	w.othersStatement = run(redshiftdata.NewFromConfig(w.admin))
	must[*iam.DeleteRolePolicyOutput](t, "DeleteRolePolicy")(admin.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("analyst"), PolicyName: aws.String("setup")}))
}

// setTagged tags or untags MyRedshiftSecret and the workgroup wg1.
func (w *world) setTagged(t *testing.T, tagged bool) {
	t.Helper()
	ctx := context.Background()
	sm, sl := secretsmanager.NewFromConfig(w.admin), rss.NewFromConfig(w.admin)
	var err error
	if tagged {
		_, err = sm.TagResource(ctx, &secretsmanager.TagResourceInput{SecretId: aws.String(w.secrets["MyRedshiftSecret"]), Tags: []smtypes.Tag{{Key: aws.String("RedshiftDataFullAccess"), Value: aws.String("yes")}}})
		if err == nil {
			_, err = sl.TagResource(ctx, &rss.TagResourceInput{ResourceArn: aws.String(w.workgroupARN), Tags: []rsstypes.Tag{{Key: aws.String("RedshiftDataFullAccess"), Value: aws.String("yes")}}})
		}
	} else {
		_, err = sm.UntagResource(ctx, &secretsmanager.UntagResourceInput{SecretId: aws.String(w.secrets["MyRedshiftSecret"]), TagKeys: []string{"RedshiftDataFullAccess"}})
		if err == nil {
			_, err = sl.UntagResource(ctx, &rss.UntagResourceInput{ResourceArn: aws.String(w.workgroupARN), TagKeys: []string{"RedshiftDataFullAccess"}})
		}
	}
	if err != nil {
		t.Fatalf("setting the tags: %v", err)
	}
}

// accessDenied reports whether err is the AccessDenied of a service:
// AccessDenied from the query services (STS, Redshift), and
// AccessDeniedException from the JSON ones.
func accessDenied(err error) bool {
	var apiErr smithy.APIError
	return errors.As(err, &apiErr) && (apiErr.ErrorCode() == "AccessDenied" || apiErr.ErrorCode() == "AccessDeniedException")
}

func readGolden(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(iampolicy.GoldenDocumentPath(name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// checkCalls runs every apiCall as w's session and compares the outcome
// with want.
func checkCalls(t *testing.T, w *world, want map[string]iampolicy.Effect) {
	t.Helper()
	for _, c := range apiCalls {
		allowed := true
		for _, p := range c.implies {
			e, ok := want[p]
			if !ok {
				t.Fatalf("%s names an unknown probe %q", c.name, p)
			}
			allowed = allowed && e == iampolicy.Allow
		}
		w.setTagged(t, !c.untagged)
		err := c.call(context.Background(), w)
		switch {
		case allowed && err != nil:
			t.Errorf("%s: %v, want it allowed (%s)", c.name, err, strings.Join(c.implies, ", "))
		case !allowed && !accessDenied(err):
			t.Errorf("%s: err = %v, want AccessDenied (%s)", c.name, err, strings.Join(c.implies, ", "))
		}
	}
}

func TestGoldenPoliciesThroughTheEmulator(t *testing.T) {
	// Every probe is made by some call, or cannot be.
	covered := map[string]bool{}
	for _, c := range apiCalls {
		for _, p := range c.implies {
			covered[p] = true
		}
	}
	for p := range iampolicy.Probes("aws", "us-east-1") {
		if !covered[p] && unreachable[p] == "" {
			t.Errorf("no SDK call makes the probe %q", p)
		}
	}
	for _, name := range iampolicy.GoldenTableNames() {
		t.Run(name, func(t *testing.T) {
			partition, region, want := iampolicy.GoldenTable(name)
			w := newWorld(t, partition, region)
			w.grant(t, w.localize(readGolden(t, name)))
			checkCalls(t, w, want)
		})
	}
}

// TestWeakenedPolicyThroughTheEmulator shows that the emulator notices a
// scoped policy that grants too much: without the secret's tag
// condition the untagged secret is readable, with the cluster widened
// to "*" another cluster is, and with the database users widened
// another user's credentials are.
func TestWeakenedPolicyThroughTheEmulator(t *testing.T) {
	tests := map[string]struct {
		sid    string
		mutate func(st map[string]any)
		call   string
	}{
		"tag condition removed":       {"SecretsManagerPermissions", func(st map[string]any) { delete(st, "Condition") }, "GetSecretValue, untagged"},
		"cluster widened to *":        {"DataAPIPermissions", func(st map[string]any) { st["Resource"] = "*" }, "ExecuteStatement, another cluster, tagged secret"},
		"database users widened to *": {"GetCredentialsForAPIUser", func(st map[string]any) { st["Resource"] = "*" }, "GetClusterCredentials, another user"},
	}
	byName := map[string]apiCall{}
	for _, c := range apiCalls {
		byName[c.name] = c
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c, ok := byName[tc.call]
			if !ok {
				t.Fatalf("no call %q", tc.call)
			}
			var doc map[string]any
			if err := json.Unmarshal([]byte(readGolden(t, "cluster-only.json")), &doc); err != nil {
				t.Fatal(err)
			}
			found := false
			for _, st := range doc["Statement"].([]any) {
				if st := st.(map[string]any); st["Sid"] == tc.sid {
					tc.mutate(st)
					found = true
				}
			}
			if !found {
				t.Fatalf("no statement %s", tc.sid)
			}
			b, err := json.Marshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			for _, weakened := range []bool{false, true} {
				w := newWorld(t, "aws", "us-east-1")
				text := readGolden(t, "cluster-only.json")
				if weakened {
					text = string(b)
				}
				w.grant(t, w.localize(text))
				w.setTagged(t, !c.untagged)
				err := c.call(context.Background(), w)
				switch {
				case !weakened && !accessDenied(err):
					t.Errorf("%s under the golden policy: err = %v, want AccessDenied", tc.call, err)
				case weakened && err != nil:
					t.Errorf("%s under the weakened policy: %v, want it allowed", tc.call, err)
				}
			}
		})
	}
}
