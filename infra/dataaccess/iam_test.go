package dataaccess

import (
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// statement is one statement of a provider role's policies, with every
// value flattened to text.
type statement struct {
	Sid       string
	Effect    string
	Actions   []string
	Resources []string
	Condition map[string]map[string]string
}

// roleStatements returns the statements of the provider roles in tpl, keyed
// by the Function that the role's logical ID names.
func roleStatements(tpl cfnTemplate) map[Function][]statement {
	out := map[Function][]statement{}
	for id, r := range tpl.ofType("AWS::IAM::Role") {
		var fn Function
		for _, spec := range functionSpecs() {
			if strings.Contains(id, spec.id+"Role") {
				fn = spec.function
			}
		}
		policies, _ := r.Properties["Policies"].([]any)
		for _, p := range policies {
			doc, _ := p.(map[string]any)["PolicyDocument"].(map[string]any)
			for _, s := range asList(doc["Statement"]) {
				out[fn] = append(out[fn], toStatement(s.(map[string]any)))
			}
		}
	}
	return out
}

func toStatement(s map[string]any) statement {
	st := statement{Sid: flatten(s["Sid"]), Effect: flatten(s["Effect"]), Condition: map[string]map[string]string{}}
	for _, a := range asList(s["Action"]) {
		st.Actions = append(st.Actions, flatten(a))
	}
	for _, r := range asList(s["Resource"]) {
		st.Resources = append(st.Resources, flatten(r))
	}
	conditions, _ := s["Condition"].(map[string]any)
	for op, keys := range conditions {
		st.Condition[op] = map[string]string{}
		for k, v := range keys.(map[string]any) {
			st.Condition[op][k] = flatten(v)
		}
	}
	return st
}

// asList returns v as a list: IAM allows a single value where a list goes.
func asList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	if v == nil {
		return nil
	}
	return []any{v}
}

func TestRoleServices(t *testing.T) {
	f := getFixture(t)
	tests := map[string]struct {
		tpl  cfnTemplate
		want map[Function][]string
	}{
		"defaults": {tpl: f.templates[f.constructs], want: map[Function][]string{
			FunctionSecret:   {"logs", "secretsmanager"},
			FunctionAccess:   {"iam", "logs", "redshift", "redshift-serverless", "secretsmanager"},
			FunctionEndpoint: {"ec2", "logs", "route53"},
			FunctionDBUser:   {"logs", "redshift", "redshift-data", "secretsmanager"},
		}},
		"KMS keys for secrets": {tpl: f.templates[f.custom], want: map[Function][]string{
			FunctionSecret:   {"kms", "logs", "secretsmanager"},
			FunctionAccess:   {"iam", "logs", "redshift", "redshift-serverless", "secretsmanager"},
			FunctionEndpoint: {"ec2", "logs", "route53"},
			FunctionDBUser:   {"logs", "redshift-data", "secretsmanager"},
		}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := map[Function][]string{}
			for fn, statements := range roleStatements(tc.tpl) {
				seen := map[string]bool{}
				for _, s := range statements {
					for _, a := range s.Actions {
						service, _, _ := strings.Cut(a, ":")
						if !seen[service] {
							seen[service] = true
							got[fn] = append(got[fn], service)
						}
					}
				}
				sort.Strings(got[fn])
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("services per role (-want +got):\n%s", diff)
			}
		})
	}
}

// pathLimited are the resources that IAM writes may name without a
// condition: the policies and roles under the provider's path.
var pathLimited = []string{
	":policy/" + NamePrefix + "*",
	":role/" + NamePrefix + "*",
}

func TestRolePoliciesAreLeastPrivilege(t *testing.T) {
	f := getFixture(t)
	for _, stack := range []string{"defaults", "custom"} {
		tpl := f.templates[f.constructs]
		if stack == "custom" {
			tpl = f.templates[f.custom]
		}
		for fn, statements := range roleStatements(tpl) {
			for _, s := range statements {
				if s.Effect == "Deny" {
					// A Deny only narrows what the Allow statements grant.
					continue
				}
				t.Run(stack+"/"+string(fn)+"/"+s.Sid, func(t *testing.T) {
					checkStatement(t, s)
				})
			}
		}
	}
}

// checkStatement applies the provider's least-privilege rules to one
// statement.
func checkStatement(t *testing.T, s statement) {
	t.Helper()
	anyResource := false
	for _, r := range s.Resources {
		anyResource = anyResource || r == "*"
	}
	for _, a := range s.Actions {
		switch {
		case strings.Contains(a, "*"):
			t.Errorf("action %s has a wildcard", a)
		case a == "iam:PassRole":
			t.Errorf("iam:PassRole is granted")
		case anyResource && dataAPIStatementActions[a]:
			// No resource-level permissions: only the role's own statements.
			if got := s.Condition["StringEquals"]["redshift-data:statement-owner-iam-userid"]; got != "${aws:userid}" {
				t.Errorf("action %s is granted on every resource without limiting it to the role's own statements: %v", a, s.Condition)
			}
		case anyResource && !strings.HasPrefix(a, "ec2:Describe") && a != "secretsmanager:GetRandomPassword":
			t.Errorf("action %s is granted on every resource; only actions without resource-level permissions may be", a)
		case strings.HasPrefix(a, "iam:") && !isRead(a):
			checkIAMWrite(t, s, a)
		case a == "secretsmanager:DescribeSecret" && s.Condition["Null"]["secretsmanager:ResourceTag/"+dataAPITagKey] == "false":
			// The access function reads the metadata of the secrets a grant
			// names, which stacks choose; IAM limits it to the tagged ones
			// the guardrails accept.
		case strings.HasPrefix(a, "secretsmanager:") && a != "secretsmanager:GetRandomPassword":
			for _, r := range s.Resources {
				if !strings.HasSuffix(r, ":secret:"+NamePrefix+"*") {
					t.Errorf("action %s is granted on %s, outside the name prefix %s", a, r, NamePrefix)
				}
			}
		case strings.HasPrefix(a, "ec2:") && !strings.HasPrefix(a, "ec2:Describe"):
			checkEC2Write(t, s, a)
		case strings.HasPrefix(a, "kms:"):
			if !strings.HasPrefix(s.Condition["StringEquals"]["kms:ViaService"], "secretsmanager.") {
				t.Errorf("action %s is not limited to use through Secrets Manager: %v", a, s.Condition)
			}
		}
	}
}

// dataAPIStatementActions act on a statement ID, which IAM cannot name as
// a resource.
var dataAPIStatementActions = map[string]bool{
	"redshift-data:CancelStatement": true, "redshift-data:DescribeStatement": true, "redshift-data:GetStatementResult": true,
}

func isRead(action string) bool {
	_, name, _ := strings.Cut(action, ":")
	return strings.HasPrefix(name, "Get") || strings.HasPrefix(name, "List")
}

// checkIAMWrite requires an IAM write to name only the provider's path, or
// to carry the condition that limits it on other principals.
func checkIAMWrite(t *testing.T, s statement, action string) {
	t.Helper()
	limited := true
	for _, r := range s.Resources {
		onPath := false
		for _, suffix := range pathLimited {
			onPath = onPath || strings.HasSuffix(r, suffix)
		}
		limited = limited && onPath
	}
	if limited {
		return
	}
	_, name, _ := strings.Cut(action, ":")
	switch {
	case strings.HasPrefix(name, "Attach") || strings.HasPrefix(name, "Detach"):
		want := "${AWS::Partition}:iam::aws:policy/" + managedPolicyName
		if got := s.Condition["ArnLike"]["iam:PolicyARN"]; !strings.Contains(got, want) || !strings.Contains(got, ":policy/"+NamePrefix+"*") {
			t.Errorf("action %s on %v is not limited to the Data API policies: iam:PolicyARN %q", action, s.Resources, got)
		}
	case strings.HasPrefix(name, "Tag") || strings.HasPrefix(name, "Untag"):
		if got := s.Condition["ForAllValues:StringLike"]["aws:TagKeys"]; got != ledgerTagKeys {
			t.Errorf("action %s on %v is not limited to the tag keys %s: %q", action, s.Resources, ledgerTagKeys, got)
		}
	default:
		t.Errorf("IAM write %s is granted on %v, outside the path /%s", action, s.Resources, NamePrefix)
	}
}

// checkEC2Write requires an EC2 change of a VPC endpoint to be limited to
// endpoints tagged by the provider.
func checkEC2Write(t *testing.T, s statement, action string) {
	t.Helper()
	for _, r := range s.Resources {
		if !strings.Contains(r, ":vpc-endpoint/") {
			continue
		}
		created := s.Condition["Null"]["aws:RequestTag/"+StackIDTag] == "false"
		owned := s.Condition["Null"]["ec2:ResourceTag/"+StackIDTag] == "false"
		atCreation := s.Condition["StringEquals"]["ec2:CreateAction"] == "CreateVpcEndpoint"
		if !created && !owned && !atCreation {
			t.Errorf("action %s on %s is not limited to endpoints tagged %s", action, r, StackIDTag)
		}
	}
}

func TestSecretKeysOnlyThroughSecretsManager(t *testing.T) {
	f := getFixture(t)
	var got []statement
	for _, s := range roleStatements(f.templates[f.custom])[FunctionSecret] {
		if s.Sid == "EncryptSecretsWithGivenKeys" {
			got = append(got, s)
		}
	}
	want := []statement{{
		Sid:       "EncryptSecretsWithGivenKeys",
		Effect:    "Allow",
		Actions:   []string{"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"},
		Resources: []string{secretKeyArn},
		Condition: map[string]map[string]string{
			"StringEquals": {"kms:ViaService": "secretsmanager.${AWS::Region}.amazonaws.com"},
		},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("KMS statement of the secret function (-want +got):\n%s", diff)
	}
}
