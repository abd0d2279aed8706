package iampolicy

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The product's golden policies and the AWS managed policy the seed
// names, each with the requests it allows and denies.

const (
	goldenDir   = "../../internal/policy/testdata"
	managedPath = "../awsemu/iam/managedpolicies/AmazonRedshiftDataFullAccess.json"
	workgroupID = "2f3c9a4e-0d6b-4c7e-9a51-6f0b1c2d3e4f"
	callerID    = "AROAEXAMPLEANALYST:session"
)

// outcome is what a probe should get: the effect and the Sid of the
// deciding statement ("" for an implicit deny).
type outcome struct {
	Effect Effect
	Sid    string
}

func allowedBy(sid string) outcome { return outcome{Allow, sid} }
func deniedBy(sid string) outcome  { return outcome{ExplicitDeny, sid} }

// probes are the requests every table is asked about, in one partition
// and region. Probes a table does not list must be implicitly denied.
func probes(partition, region string) map[string]Request {
	arn := func(service, resource string) string {
		return "arn:" + partition + ":" + service + ":" + region + ":111111111111:" + resource
	}
	caller := Principal{
		ARN:     "arn:" + partition + ":sts::111111111111:assumed-role/analyst/session",
		RoleARN: "arn:" + partition + ":iam::111111111111:role/analyst",
		Account: "111111111111",
		UserID:  callerID,
	}
	req := func(action, resource string, ctx map[string][]string) Request {
		return Request{Action: action, Resource: resource, Principal: caller, Context: ctx}
	}
	tag := map[string]string{"RedshiftDataFullAccess": "yes"}
	taggedSecret := ResourceTags("secretsmanager", tag)
	tagged := ResourceTags("redshift-serverless", tag)
	slr := "arn:" + partition + ":iam::111111111111:role/aws-service-role/redshift-data.amazonaws.com/AWSServiceRoleForRedshift"
	return map[string]Request{
		"execute on the cluster":          req("redshift-data:ExecuteStatement", arn("redshift", "cluster:analytics"), nil),
		"execute on another cluster":      req("redshift-data:ExecuteStatement", arn("redshift", "cluster:other"), nil),
		"execute on the workgroup":        req("redshift-data:ExecuteStatement", arn("redshift-serverless", "workgroup/"+workgroupID), nil),
		"execute on another workgroup":    req("redshift-data:ExecuteStatement", arn("redshift-serverless", "workgroup/0000"), nil),
		"credentials for database dev":    req("redshift:GetClusterCredentials", arn("redshift", "dbname:analytics/dev"), nil),
		"credentials for database other":  req("redshift:GetClusterCredentials", arn("redshift", "dbname:analytics/other"), nil),
		"credentials on another cluster":  req("redshift:GetClusterCredentials", arn("redshift", "dbname:other/dev"), nil),
		"credentials as the api user":     req("redshift:GetClusterCredentials", arn("redshift", "dbuser:analytics/redshift_data_api_user"), nil),
		"credentials as another user":     req("redshift:GetClusterCredentials", arn("redshift", "dbuser:analytics/alice"), nil),
		"IAM credentials for dev":         req("redshift:GetClusterCredentialsWithIAM", arn("redshift", "dbname:analytics/dev"), nil),
		"IAM credentials for other":       req("redshift:GetClusterCredentialsWithIAM", arn("redshift", "dbname:analytics/other"), nil),
		"IAM credentials, other cluster":  req("redshift:GetClusterCredentialsWithIAM", arn("redshift", "dbname:other/dev"), nil),
		"IAM credentials on a user ARN":   req("redshift:GetClusterCredentialsWithIAM", arn("redshift", "dbuser:analytics/alice"), nil),
		"serverless, tagged workgroup":    req("redshift-serverless:GetCredentials", arn("redshift-serverless", "workgroup/"+workgroupID), tagged),
		"serverless, untagged workgroup":  req("redshift-serverless:GetCredentials", arn("redshift-serverless", "workgroup/"+workgroupID), nil),
		"serverless, other workgroup":     req("redshift-serverless:GetCredentials", arn("redshift-serverless", "workgroup/0000"), tagged),
		"serverless on a namespace ARN":   req("redshift-serverless:GetCredentials", arn("redshift-serverless", "namespace/"+workgroupID), tagged),
		"the secret, tagged":              req("secretsmanager:GetSecretValue", arn("secretsmanager", "secret:MyRedshiftSecret-mvLHxf"), taggedSecret),
		"the secret, untagged":            req("secretsmanager:GetSecretValue", arn("secretsmanager", "secret:MyRedshiftSecret-mvLHxf"), nil),
		"another secret, tagged":          req("secretsmanager:GetSecretValue", arn("secretsmanager", "secret:Other-abcdef"), taggedSecret),
		"a tagged non-secret ARN":         req("secretsmanager:GetSecretValue", arn("redshift", "cluster:analytics"), taggedSecret),
		"describe own statement":          req("redshift-data:DescribeStatement", "*", map[string][]string{"redshift-data:statement-owner-iam-userid": {callerID}}),
		"describe another's statement":    req("redshift-data:DescribeStatement", "*", map[string][]string{"redshift-data:statement-owner-iam-userid": {"AROAOTHER:session"}}),
		"create the api user":             req("redshift:CreateClusterUser", arn("redshift", "dbuser:analytics/redshift_data_api_user"), nil),
		"create another user":             req("redshift:CreateClusterUser", arn("redshift", "dbuser:analytics/alice"), nil),
		"assume the cross-account role":   req("sts:AssumeRole", "arn:aws:iam::222222222222:role/redshift-data-api/someRoleB", nil),
		"assume another role":             req("sts:AssumeRole", "arn:aws:iam::222222222222:role/redshift-data-api/other", nil),
		"service-linked role":             req("iam:CreateServiceLinkedRole", slr, map[string][]string{"iam:AWSServiceName": {"redshift-data.amazonaws.com"}}),
		"service-linked role, other name": req("iam:CreateServiceLinkedRole", slr, map[string][]string{"iam:AWSServiceName": {"ec2.amazonaws.com"}}),
		"another role, redshift-data":     req("iam:CreateServiceLinkedRole", "arn:"+partition+":iam::111111111111:role/admin", map[string][]string{"iam:AWSServiceName": {"redshift-data.amazonaws.com"}}),
	}
}

// policyTable is one document's expected outcomes.
type policyTable struct {
	partition, region string
	want              map[string]outcome // every other probe: implicit deny
}

// clusterCommon is what every cluster-scoped golden policy allows.
var clusterCommon = map[string]outcome{
	"execute on the cluster":       allowedBy("DataAPIPermissions"),
	"describe own statement":       allowedBy("DataAPIStatementPermissions"),
	"service-linked role":          allowedBy("ServiceLinkedRole"),
	"credentials as the api user":  allowedBy("GetCredentialsForAPIUser"),
	"credentials for database dev": allowedBy("GetCredentialsForAPIUser"),
	"create the api user":          deniedBy("DenyCreateAPIUser"),
}

func with(base map[string]outcome, more map[string]outcome) map[string]outcome {
	out := map[string]outcome{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range more {
		out[k] = v
	}
	return out
}

var taggedSecrets = map[string]outcome{
	"the secret, tagged":     allowedBy("SecretsManagerPermissions"),
	"another secret, tagged": allowedBy("SecretsManagerPermissions"),
}

var workgroupGrants = map[string]outcome{
	"execute on the workgroup":       allowedBy("DataAPIPermissions"),
	"serverless, tagged workgroup":   allowedBy("GetCredentialsForServerless"),
	"serverless, untagged workgroup": allowedBy("GetCredentialsForServerless"),
}

var policyTables = map[string]policyTable{
	"cluster-only.json": {"aws", "us-east-1", with(clusterCommon, with(taggedSecrets, map[string]outcome{
		"credentials for database other": allowedBy("GetCredentialsForAPIUser"),
		"IAM credentials for dev":        allowedBy("GetCredentialsWithFederatedIAMCredentials"),
		"IAM credentials for other":      allowedBy("GetCredentialsWithFederatedIAMCredentials"),
	}))},
	"china-partition.json": {"aws-cn", "cn-north-1", with(clusterCommon, with(taggedSecrets, map[string]outcome{
		"credentials for database other": allowedBy("GetCredentialsForAPIUser"),
		"IAM credentials for dev":        allowedBy("GetCredentialsWithFederatedIAMCredentials"),
		"IAM credentials for other":      allowedBy("GetCredentialsWithFederatedIAMCredentials"),
	}))},
	// Databases dev and sales only.
	"cluster-and-workgroup.json": {"aws", "us-east-1", with(clusterCommon, with(taggedSecrets, with(workgroupGrants, map[string]outcome{
		"IAM credentials for dev": allowedBy("GetCredentialsWithFederatedIAMCredentials"),
	})))},
	// No secrets, no federated IAM credentials; database dev only.
	"temporary-credentials-only.json": {"aws", "us-east-1", with(clusterCommon, workgroupGrants)},
	// Exactly one secret, whatever its tags; no database credentials.
	"secrets-manager-only.json": {"aws", "us-east-1", map[string]outcome{
		"execute on the cluster": allowedBy("DataAPIPermissions"),
		"describe own statement": allowedBy("DataAPIStatementPermissions"),
		"service-linked role":    allowedBy("ServiceLinkedRole"),
		"the secret, tagged":     allowedBy("SecretsManagerPermissions"),
		"the secret, untagged":   allowedBy("SecretsManagerPermissions"),
	}},
	"workgroup-only.json": {"aws", "us-east-1", with(taggedSecrets, map[string]outcome{
		"execute on the workgroup":       allowedBy("DataAPIPermissions"),
		"describe own statement":         allowedBy("DataAPIStatementPermissions"),
		"service-linked role":            allowedBy("ServiceLinkedRole"),
		"serverless, tagged workgroup":   allowedBy("GetCredentialsForServerless"),
		"serverless, untagged workgroup": allowedBy("GetCredentialsForServerless"),
	})},
	// The IAM-identity method's policy carries no statement-owner
	// condition: every statement of the cluster is the caller's to read.
	"iam-identity.json": {"aws", "us-east-1", map[string]outcome{
		"execute on the cluster":       allowedBy("DataAPIPermissions"),
		"describe own statement":       allowedBy("DataAPIStatementPermissions"),
		"describe another's statement": allowedBy("DataAPIStatementPermissions"),
		"service-linked role":          allowedBy("ServiceLinkedRole"),
		"IAM credentials for dev":      allowedBy("GetCredentialsWithFederatedIAMCredentials"),
		"IAM credentials for other":    allowedBy("GetCredentialsWithFederatedIAMCredentials"),
	}},
	"cross-account-caller-only.json": {"aws", "us-east-1", map[string]outcome{
		"assume the cross-account role": allowedBy("AssumeCrossAccountRoles"),
	}},
	// The managed policy: any cluster, workgroup and database; secrets
	// and workgroups only when tagged; every statement of anyone.
	"AmazonRedshiftDataFullAccess": {"aws", "us-east-1", map[string]outcome{
		"execute on the cluster":         allowedBy("DataAPIPermissions"),
		"execute on another cluster":     allowedBy("DataAPIPermissions"),
		"execute on the workgroup":       allowedBy("DataAPIPermissions"),
		"execute on another workgroup":   allowedBy("DataAPIPermissions"),
		"describe own statement":         allowedBy("DataAPIPermissions"),
		"describe another's statement":   allowedBy("DataAPIPermissions"),
		"credentials for database dev":   allowedBy("GetCredentialsForAPIUser"),
		"credentials for database other": allowedBy("GetCredentialsForAPIUser"),
		"credentials on another cluster": allowedBy("GetCredentialsForAPIUser"),
		"credentials as the api user":    allowedBy("GetCredentialsForAPIUser"),
		"IAM credentials for dev":        allowedBy("GetCredentialsWithFederatedIAMCredentials"),
		"IAM credentials for other":      allowedBy("GetCredentialsWithFederatedIAMCredentials"),
		"IAM credentials, other cluster": allowedBy("GetCredentialsWithFederatedIAMCredentials"),
		"serverless, tagged workgroup":   allowedBy("GetCredentialsForServerless"),
		"serverless, other workgroup":    allowedBy("GetCredentialsForServerless"),
		"the secret, tagged":             allowedBy("SecretsManagerPermissions"),
		"another secret, tagged":         allowedBy("SecretsManagerPermissions"),
		"create the api user":            deniedBy("DenyCreateAPIUser"),
		"service-linked role":            allowedBy("ServiceLinkedRole"),
	}},
}

// loadTables returns every golden document and the managed policy by
// table name, and fails when a golden file has no table.
func loadTables(t *testing.T) map[string]Document {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(goldenDir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden policies in %s: %v", goldenDir, err)
	}
	files = append(files, managedPath)
	docs := map[string]Document{}
	for _, f := range files {
		name := filepath.Base(f)
		if f == managedPath {
			name = strings.TrimSuffix(name, ".json")
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		d, err := Parse(string(b))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		docs[name] = d
	}
	var missing []string
	for name := range docs {
		if _, ok := policyTables[name]; !ok {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		t.Fatalf("policies without a table of allowed and denied requests: %v", missing)
	}
	return docs
}

// outcomes evaluates every probe against doc.
func outcomes(doc Document, tab policyTable) map[string]outcome {
	got := map[string]outcome{}
	for name, req := range probes(tab.partition, tab.region) {
		d := Evaluate([]Document{doc}, req)
		got[name] = outcome{d.Effect, d.Sid}
	}
	return got
}

func expected(t *testing.T, tab policyTable) map[string]outcome {
	t.Helper()
	want := map[string]outcome{}
	for name := range probes(tab.partition, tab.region) {
		want[name] = outcome{Effect: ImplicitDeny}
	}
	for name, o := range tab.want {
		if _, ok := want[name]; !ok {
			t.Fatalf("table names an unknown probe %q", name)
		}
		want[name] = o
	}
	return want
}

func TestGoldenPolicies(t *testing.T) {
	docs := loadTables(t)
	for name, tab := range policyTables {
		t.Run(name, func(t *testing.T) {
			doc, ok := docs[name]
			if !ok {
				t.Fatalf("no document for table %s", name)
			}
			if diff := cmp.Diff(expected(t, tab), outcomes(doc, tab)); diff != "" {
				t.Errorf("outcomes (-want +got):\n%s", diff)
			}
		})
	}
}

// TestGoldenPolicyMutations proves the tables above would notice a
// policy that grants too much: for every statement, dropping its
// conditions or widening its resources to "*" must change some
// probe's outcome.
func TestGoldenPolicyMutations(t *testing.T) {
	docs := loadTables(t)
	for name, tab := range policyTables {
		doc := docs[name]
		want := expected(t, tab)
		for i, st := range doc.Statements {
			mutations := map[string]func(*Statement){
				// A statement no probe needs is one the tables cannot
				// vouch for.
				"removed": func(s *Statement) { *s = Statement{Effect: "Allow", Action: []string{}} },
			}
			if len(st.Conditions) > 0 {
				mutations["without its condition"] = func(s *Statement) { s.Conditions = nil }
			}
			if !slices.Equal(st.Resource, []string{"*"}) {
				mutations["with Resource *"] = func(s *Statement) { s.Resource = []string{"*"} }
			}
			for what, mutate := range mutations {
				t.Run(name+"/"+st.Sid+" "+what, func(t *testing.T) {
					mutant := Document{Version: doc.Version, Statements: slices.Clone(doc.Statements)}
					mutate(&mutant.Statements[i])
					if cmp.Equal(want, outcomes(mutant, tab)) {
						t.Errorf("statement %s %s passes the table: no probe covers it", st.Sid, what)
					}
				})
			}
		}
	}
}

// TestScopedPolicyMutationsNamed spells out, for the scoped cluster
// policy, which request each weakening lets through.
func TestScopedPolicyMutationsNamed(t *testing.T) {
	doc := loadTables(t)["cluster-only.json"]
	tab := policyTables["cluster-only.json"]
	tests := map[string]struct {
		sid    string
		mutate func(*Statement)
		probe  string
	}{
		"secret tag condition removed": {"SecretsManagerPermissions", func(s *Statement) { s.Conditions = nil }, "the secret, untagged"},
		"statement owner removed":      {"DataAPIStatementPermissions", func(s *Statement) { s.Conditions = nil }, "describe another's statement"},
		"cluster widened to *":         {"DataAPIPermissions", func(s *Statement) { s.Resource = []string{"*"} }, "execute on another cluster"},
		"database users widened to *":  {"GetCredentialsForAPIUser", func(s *Statement) { s.Resource = []string{"*"} }, "credentials as another user"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			req := probes(tab.partition, tab.region)[tc.probe]
			if got := Evaluate([]Document{doc}, req); got.Allowed() {
				t.Fatalf("the golden policy allows %q: %v", tc.probe, got)
			}
			mutant := Document{Version: doc.Version, Statements: slices.Clone(doc.Statements)}
			found := false
			for i := range mutant.Statements {
				if mutant.Statements[i].Sid == tc.sid {
					tc.mutate(&mutant.Statements[i])
					found = true
				}
			}
			if !found {
				t.Fatalf("no statement %s", tc.sid)
			}
			if got := Evaluate([]Document{mutant}, req); !got.Allowed() || got.Sid != tc.sid {
				t.Errorf("the weakened policy decides %q as %v, want an allow by %s", tc.probe, got, tc.sid)
			}
		})
	}
}
