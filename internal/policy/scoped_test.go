package policy

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const (
	testAccount   = "111111111111"
	testRegion    = "us-east-1"
	clusterArn    = "arn:aws:redshift:us-east-1:111111111111:cluster:analytics"
	workgroupArn  = "arn:aws:redshift-serverless:us-east-1:111111111111:workgroup/2f3c9a4e-0d6b-4c7e-9a51-6f0b1c2d3e4f"
	crossRoleArn  = "arn:aws:iam::222222222222:role/redshift-data-api/someRoleB"
	taggedSecrets = "arn:aws:secretsmanager:us-east-1:111111111111:secret:*"
)

// scopes is the golden matrix: one scoped policy per kind of grant.
var scopes = map[string]Scope{
	"cluster-only": {
		Partition: "aws", Region: testRegion, Account: testAccount,
		ClusterArns: []string{clusterArn}, StatementOwnerOnly: true,
	},
	"workgroup-only": {
		Partition: "aws", Region: testRegion, Account: testAccount,
		WorkgroupArns: []string{workgroupArn}, StatementOwnerOnly: true,
	},
	"cluster-and-workgroup": {
		Partition: "aws", Region: testRegion, Account: testAccount,
		ClusterArns: []string{clusterArn}, WorkgroupArns: []string{workgroupArn},
		Databases: []string{"dev", "sales"}, StatementOwnerOnly: true,
	},
	"secrets-manager-only": {
		Partition: "aws", Region: testRegion, Account: testAccount,
		ClusterArns: []string{clusterArn}, AuthMethods: []AuthMethod{AuthSecretsManager},
		SecretArns: []string{"arn:aws:secretsmanager:us-east-1:111111111111:secret:MyRedshiftSecret-mvLHxf"}, StatementOwnerOnly: true,
	},
	"temporary-credentials-only": {
		Partition: "aws", Region: testRegion, Account: testAccount,
		ClusterArns: []string{clusterArn}, WorkgroupArns: []string{workgroupArn},
		AuthMethods: []AuthMethod{AuthClusterTemporaryCredentials, AuthServerlessTemporaryCredentials},
		Databases:   []string{"dev"}, StatementOwnerOnly: true,
	},
	"iam-identity": {
		Partition: "aws", Region: testRegion, Account: testAccount,
		ClusterArns: []string{clusterArn}, AuthMethods: []AuthMethod{AuthClusterIAMIdentity},
		StatementOwnerOnly: false,
	},
	"cross-account-caller-only": {
		Partition: "aws", Region: testRegion, Account: testAccount,
		AssumeRoleArns: []string{crossRoleArn},
	},
	"china-partition": {
		Partition: "aws-cn", Region: "cn-north-1", Account: testAccount,
		ClusterArns:        []string{"arn:aws-cn:redshift:cn-north-1:111111111111:cluster:analytics"},
		StatementOwnerOnly: true,
	},
}

func TestScopedGolden(t *testing.T) {
	for name, s := range scopes {
		t.Run(name, func(t *testing.T) {
			doc, err := Scoped(s)
			if err != nil {
				t.Fatalf("Scoped: %v", err)
			}
			got, err := doc.Indented()
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", name+".json")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("reading golden file (run go test -update to create it): %v", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
			}
		})
	}
}

// TestGoldenFilesAreValidMinimalIAM proves every golden document (not only
// what the generator returns now) is IAM grammar, minimal and within the
// reference's actions and condition keys.
func TestGoldenFilesAreValidMinimalIAM(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < len(scopes) {
		t.Fatalf("found %d golden files, want at least %d", len(files), len(scopes))
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := Parse(string(b))
			if err != nil {
				t.Fatal(err)
			}
			if err := Validate(doc, ManagedPolicySize); err != nil {
				t.Errorf("Validate: %v", err)
			}
			for i, s := range doc.Statement {
				checkStatementAgainstReference(t, i, s)
			}
		})
	}
}

// checkStatementAgainstReference fails for an action outside Actions, a
// condition key the action does not support, and a "*" resource on an
// action that supports resource types (the target is known, so "*" would
// grant more than asked).
func checkStatementAgainstReference(t *testing.T, i int, s Statement) {
	t.Helper()
	scopable := false
	for _, a := range s.Action {
		ref, ok := Actions[a]
		if !ok {
			t.Errorf("statement %d: action %s is not in the allowlist", i, a)
			continue
		}
		if len(ref.ResourceTypes) > 0 {
			scopable = true
		}
		for _, keys := range s.Condition {
			for k := range keys {
				if !supportsKey(ref, k) {
					t.Errorf("statement %d: action %s does not support condition key %s", i, a, k)
				}
			}
		}
	}
	for _, r := range s.Resource {
		if r == "*" && scopable {
			t.Errorf("statement %d (%s): Resource * on actions that support resource-level permissions", i, s.Sid)
		}
		if r != "*" && !scopable {
			t.Errorf("statement %d (%s): resource %s on actions that only accept *", i, s.Sid, r)
		}
	}
}

func supportsKey(ref ActionRef, key string) bool {
	for _, k := range ref.ConditionKeys {
		if prefix, ok := strings.CutSuffix(k, "${TagKey}"); ok && strings.HasPrefix(key, prefix) {
			return true
		}
		if k == key {
			return true
		}
	}
	return false
}

func TestScopedAuthMethodsDecideStatements(t *testing.T) {
	tests := map[string]struct {
		scope Scope
		want  []string
	}{
		"cluster defaults": {
			scope: scopes["cluster-only"],
			want:  []string{"DataAPIPermissions", "DataAPIStatementPermissions", "SecretsManagerPermissions", "GetCredentialsForAPIUser", "DenyCreateAPIUser", "GetCredentialsWithFederatedIAMCredentials", "ServiceLinkedRole"},
		},
		"workgroup defaults": {
			scope: scopes["workgroup-only"],
			want:  []string{"DataAPIPermissions", "DataAPIStatementPermissions", "SecretsManagerPermissions", "GetCredentialsForServerless", "ServiceLinkedRole"},
		},
		"caller side only": {
			scope: scopes["cross-account-caller-only"],
			want:  []string{"AssumeCrossAccountRoles"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			doc, err := Scoped(tc.scope)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range doc.Statement {
				got = append(got, s.Sid)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("statements (-want +got):\n%s", diff)
			}
		})
	}
}

func TestScopedTaggedSecretsByDefault(t *testing.T) {
	doc, err := Scoped(scopes["cluster-only"])
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(doc.Statement, func(s Statement) bool { return s.Sid == "SecretsManagerPermissions" })
	if i < 0 {
		t.Fatal("no SecretsManagerPermissions statement")
	}
	want := Statement{
		Sid: "SecretsManagerPermissions", Effect: Allow, Action: Value{"secretsmanager:GetSecretValue"},
		Resource:  Value{taggedSecrets},
		Condition: Condition{"StringLike": {"secretsmanager:ResourceTag/RedshiftDataFullAccess": {"*"}}},
	}
	if diff := cmp.Diff(want, doc.Statement[i]); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestScopedRejectsInvalidScopes(t *testing.T) {
	base := Scope{Partition: "aws", Region: testRegion, Account: testAccount}
	with := func(f func(*Scope)) Scope { s := base; f(&s); return s }
	tests := map[string]Scope{
		"nothing to grant":  base,
		"unknown partition": with(func(s *Scope) { s.Partition = "aws-iso"; s.ClusterArns = []string{clusterArn} }),
		"missing account":   with(func(s *Scope) { s.Account = ""; s.ClusterArns = []string{clusterArn} }),
		"cluster method, no cluster": with(func(s *Scope) {
			s.WorkgroupArns = []string{workgroupArn}
			s.AuthMethods = []AuthMethod{AuthClusterIAMIdentity}
		}),
		"serverless method, no workgroup": with(func(s *Scope) {
			s.ClusterArns = []string{clusterArn}
			s.AuthMethods = []AuthMethod{AuthServerlessTemporaryCredentials}
		}),
		"unknown method":        with(func(s *Scope) { s.ClusterArns = []string{clusterArn}; s.AuthMethods = []AuthMethod{"Password"} }),
		"cluster ARN is a role": with(func(s *Scope) { s.ClusterArns = []string{crossRoleArn} }),
		"workgroup by name":     with(func(s *Scope) { s.WorkgroupArns = []string{"my-workgroup"} }),
		"secret ARN malformed":  with(func(s *Scope) { s.ClusterArns = []string{clusterArn}; s.SecretArns = []string{"arn:aws:s3:::bucket"} }),
		"assume a non-role":     with(func(s *Scope) { s.AssumeRoleArns = []string{"arn:aws:iam::222222222222:user/bob"} }),
	}
	for name, s := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Scoped(s)
			if !errors.Is(err, ErrInvalidScope) {
				t.Errorf("Scoped error = %v, want ErrInvalidScope", err)
			}
		})
	}
}

func TestValidateEnforcesManagedPolicySize(t *testing.T) {
	tests := map[string]struct {
		clusters int
		tooBig   bool
	}{
		"five clusters fit":           {clusters: 5},
		"twenty clusters exceed 6144": {clusters: 20, tooBig: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s := scopes["cluster-and-workgroup"]
			s.ClusterArns = nil
			for i := range tc.clusters {
				s.ClusterArns = append(s.ClusterArns, fmt.Sprintf("%s-%02d", clusterArn, i))
			}
			doc, err := Scoped(s)
			if err != nil {
				t.Fatal(err)
			}
			err = Validate(doc, ManagedPolicySize)
			if got := errors.Is(err, ErrInvalidDocument); got != tc.tooBig {
				t.Errorf("Validate error = %v, want too big: %v", err, tc.tooBig)
			}
		})
	}
}

// A policy Resource is matched against the secret's complete ARN, which
// ends in a hyphen and six random characters; a SecretArns entry given
// without them must still match that secret, and only that secret.
func TestScopedSecretArnsMatchTheRandomSuffix(t *testing.T) {
	const prefix = "arn:aws:secretsmanager:us-east-1:111111111111:secret:"
	tests := map[string]struct {
		given     string
		want      string
		matches   []string
		unmatched []string
	}{
		"name without suffix": {
			given:     prefix + "redshift/analytics",
			want:      prefix + "redshift/analytics-??????",
			matches:   []string{prefix + "redshift/analytics-AbC123"},
			unmatched: []string{prefix + "redshift/analytics-prod-AbC123", prefix + "redshift/analytics"},
		},
		"complete ARN": {
			given:     prefix + "MyRedshiftSecret-mvLHxf",
			want:      prefix + "MyRedshiftSecret-mvLHxf",
			matches:   []string{prefix + "MyRedshiftSecret-mvLHxf"},
			unmatched: []string{prefix + "MyRedshiftSecret-mvLHxf-AbC123"},
		},
		"caller's own wildcard": {
			given:   prefix + "redshift/*",
			want:    prefix + "redshift/*",
			matches: []string{prefix + "redshift/a-AbC123"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s := scopes["secrets-manager-only"]
			s.SecretArns = []string{tc.given}
			doc, err := Scoped(s)
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(doc.Statement, func(s Statement) bool { return s.Sid == "SecretsManagerPermissions" })
			if i < 0 {
				t.Fatal("no SecretsManagerPermissions statement")
			}
			if diff := cmp.Diff(Value{tc.want}, doc.Statement[i].Resource); diff != "" {
				t.Errorf("Resource (-want +got):\n%s", diff)
			}
			for _, arn := range tc.matches {
				if !wildcardMatch(tc.want, arn) {
					t.Errorf("%s does not match the secret %s", tc.want, arn)
				}
			}
			for _, arn := range tc.unmatched {
				if wildcardMatch(tc.want, arn) {
					t.Errorf("%s also matches %s", tc.want, arn)
				}
			}
			if err := Validate(doc, ManagedPolicySize); err != nil {
				t.Errorf("Validate: %v", err)
			}
		})
	}
}
