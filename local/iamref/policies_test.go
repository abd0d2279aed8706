package iamref_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/redshift-data-access/redshift-data-access/internal/policy"
	"github.com/redshift-data-access/redshift-data-access/local/iamref"
)

// The policies the product writes, checked against the reference.

const root = "../.."

func checkDoc(t *testing.T, ref *iamref.Reference, name string, d policy.Document) {
	t.Helper()
	problems, err := ref.Check(d)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for _, p := range problems {
		t.Errorf("%s: %v", name, p)
	}
}

func checkFile(t *testing.T, ref *iamref.Reference, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := policy.Parse(string(b))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(d.Statement) == 0 {
		t.Fatalf("%s: no statements", path)
	}
	checkDoc(t, ref, path, d)
}

// TestPolicyFiles checks the generator's golden files and the AWS managed
// policy the emulator ships, which the Managed grants attach.
func TestPolicyFiles(t *testing.T) {
	ref := reference(t)
	for _, pattern := range []string{"internal/policy/testdata/*.json", "local/awsemu/iam/managedpolicies/*.json"} {
		files, err := filepath.Glob(filepath.Join(root, pattern))
		if err != nil || len(files) == 0 {
			t.Fatalf("no %s: %v", pattern, err)
		}
		for _, f := range files {
			checkFile(t, ref, f)
		}
	}
}

// TestGeneratedPolicies checks what the generator writes over every
// authentication method, partition and option, and the trust policies of
// cross-account roles.
func TestGeneratedPolicies(t *testing.T) {
	ref := reference(t)
	regions := map[string]string{"aws": "us-east-1", "aws-cn": "cn-north-1", "aws-us-gov": "us-gov-west-1"}
	n := 0
	for _, part := range policy.Partitions {
		region := regions[part]
		arn := func(service, resource string) string {
			return fmt.Sprintf("arn:%s:%s:%s:111111111111:%s", part, service, region, resource)
		}
		cluster := arn("redshift", "cluster:analytics")
		workgroup := arn("redshift-serverless", "workgroup/2f3c9a4e-0d6b-4c7e-9a51-6f0b1c2d3e4f")
		role := fmt.Sprintf("arn:%s:iam::222222222222:role/data-api", part)
		for _, methods := range [][]policy.AuthMethod{nil, policy.AuthMethods, {policy.AuthSecretsManager}, {policy.AuthClusterIAMIdentity}, {policy.AuthServerlessTemporaryCredentials}} {
			for _, owner := range []bool{false, true} {
				s := policy.Scope{
					Partition: part, Region: region, Account: "111111111111",
					ClusterArns: []string{cluster}, WorkgroupArns: []string{workgroup},
					Databases: []string{"dev", "sales"}, AuthMethods: methods,
					SecretArns:         []string{arn("secretsmanager", "secret:app/cluster"), arn("secretsmanager", "secret:app/*")},
					DbUser:             "app_user",
					StatementOwnerOnly: owner,
					AssumeRoleArns:     []string{role},
				}
				doc, err := policy.Scoped(s)
				if err != nil {
					t.Fatalf("Scoped(%+v): %v", s, err)
				}
				checkDoc(t, ref, fmt.Sprintf("scoped %s %v owner=%v", part, methods, owner), doc)
				n++
			}
		}
		for _, only := range []policy.Scope{
			{Partition: part, Region: region, Account: "111111111111", ClusterArns: []string{cluster}},
			{Partition: part, Region: region, Account: "111111111111", WorkgroupArns: []string{workgroup}},
			{Partition: part, Region: region, Account: "111111111111", AssumeRoleArns: []string{role}},
		} {
			doc, err := policy.Scoped(only)
			if err != nil {
				t.Fatal(err)
			}
			checkDoc(t, ref, fmt.Sprintf("scoped %s %+v", part, only), doc)
			n++
		}
		for _, ext := range []string{"", "external-id"} {
			checkDoc(t, ref, "trust "+part, policy.TrustPolicy(part, []string{"111111111111", fmt.Sprintf("arn:%s:iam::111111111111:role/someRoleA", part)}, ext))
			n++
		}
	}
	if n < 30 {
		t.Errorf("checked %d documents, want every combination", n)
	}
}

// TestReferenceTableOfThePolicyPackage checks the policy package's own
// extract of the reference (policy.Actions): each action exists, and a
// statement naming it with each of its resource types' condition keys
// passes.
func TestReferenceTableOfThePolicyPackage(t *testing.T) {
	ref := reference(t)
	for name, a := range policy.Actions {
		d := policy.Document{Version: policy.Version, Statement: []policy.Statement{{Effect: policy.Allow, Action: policy.Value{name}, Resource: policy.Value{"*"}}}}
		if len(a.ConditionKeys) > 0 {
			cond := map[string]policy.Value{}
			for _, k := range a.ConditionKeys {
				cond[strings.ReplaceAll(k, "${TagKey}", "team")] = policy.Value{"x"}
			}
			d.Statement[0].Condition = policy.Condition{"StringEquals": cond}
		}
		checkDoc(t, ref, "policy.Actions["+name+"]", d)
	}
}

// TestProviderRolePolicies checks the inline and managed policies and the
// trust policies of the synthesized templates in cdk.out. Without cdk.out
// (make synth makes it) it skips, unless IAMREF_REQUIRE_SYNTH=true, which
// make check-policies sets.
func TestProviderRolePolicies(t *testing.T) {
	ref := reference(t)
	templates, err := filepath.Glob(filepath.Join(root, "cdk.out", "*.template.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(templates) == 0 {
		if os.Getenv("IAMREF_REQUIRE_SYNTH") == "true" {
			t.Fatal("no cdk.out/*.template.json: run make synth first")
		}
		t.Skip("no cdk.out/*.template.json: run make synth, then make check-policies")
	}
	n := 0
	for _, path := range templates {
		docs, err := templatePolicies(path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, name := range slices.Sorted(maps.Keys(docs)) {
			checkDoc(t, ref, filepath.Base(path)+" "+name, docs[name])
			n++
		}
	}
	t.Logf("checked %d policy documents in %d templates", n, len(templates))
	if n == 0 {
		t.Error("the templates hold no IAM policy")
	}
}

// templatePolicies returns the policy documents of a template's IAM
// resources, by resource and property, with intrinsic functions resolved
// as far as a template allows (see resolve).
func templatePolicies(path string) (map[string]policy.Document, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var tmpl struct {
		Resources map[string]struct {
			Type       string         `json:"Type"`
			Properties map[string]any `json:"Properties"`
		} `json:"Resources"`
	}
	if err := json.Unmarshal(b, &tmpl); err != nil {
		return nil, err
	}
	out := map[string]policy.Document{}
	add := func(name string, v any) error {
		if v == nil {
			return nil
		}
		text, err := json.Marshal(resolve(v))
		if err != nil {
			return err
		}
		d, err := policy.Parse(string(text))
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		out[name] = d
		return nil
	}
	for id, r := range tmpl.Resources {
		var err error
		switch r.Type {
		case "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy":
			err = add(id+".PolicyDocument", r.Properties["PolicyDocument"])
		case "AWS::IAM::Role":
			err = add(id+".AssumeRolePolicyDocument", r.Properties["AssumeRolePolicyDocument"])
			policies, _ := r.Properties["Policies"].([]any)
			for i, p := range policies {
				if pm, ok := p.(map[string]any); ok && err == nil {
					err = add(fmt.Sprintf("%s.Policies[%d]", id, i), pm["PolicyDocument"])
				}
			}
		}
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// resolve replaces CloudFormation intrinsic functions by strings: Fn::Join
// joins, AWS::Partition is "aws", and any other Ref, Fn::GetAtt, Fn::Sub
// variable or import becomes ${...}, which the checker takes as any value.
func resolve(v any) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = resolve(e)
		}
		return out
	case map[string]any:
		if len(x) == 1 {
			for k, arg := range x {
				switch k {
				case "Ref":
					if arg == "AWS::Partition" {
						return "aws"
					}
					return "${" + fmt.Sprint(arg) + "}"
				case "Fn::Join":
					parts, _ := arg.([]any)
					if len(parts) == 2 {
						sep, _ := parts[0].(string)
						items, _ := resolve(parts[1]).([]any)
						var s []string
						for _, it := range items {
							s = append(s, fmt.Sprint(it))
						}
						return strings.Join(s, sep)
					}
				case "Fn::Sub":
					if s, ok := arg.(string); ok {
						return strings.ReplaceAll(s, "${AWS::Partition}", "aws")
					}
					return "${Sub}"
				case "Fn::GetAtt", "Fn::ImportValue", "Fn::If", "Fn::Select", "Fn::FindInMap", "Fn::GetAZs":
					return "${" + k + "}"
				}
			}
		}
		out := map[string]any{}
		for k, e := range x {
			out[k] = resolve(e)
		}
		return out
	}
	return v
}
