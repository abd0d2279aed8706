package policy

import (
	"slices"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu"

	"github.com/redshift-data-access/redshift-data-access/internal/awsarn"
)

// TestAllowlistIsTheManagedPolicyPlusAssumeRole proves that Actions, the
// allowlist every generated document is checked against, holds exactly the
// actions of AmazonRedshiftDataFullAccess (as AWS publishes it) and
// sts:AssumeRole, with the same effect as in the managed policy.
func TestAllowlistIsTheManagedPolicyPlusAssumeRole(t *testing.T) {
	text, ok := awsemu.ManagedPolicyDocument("AmazonRedshiftDataFullAccess")
	if !ok {
		t.Fatal("the emulator does not carry AmazonRedshiftDataFullAccess")
	}
	managed, err := Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	effects := map[string]string{"sts:AssumeRole": Allow}
	for _, s := range managed.Statement {
		for _, a := range s.Action {
			effects[a] = s.Effect
		}
	}
	var want, got []string
	for a := range effects {
		want = append(want, a)
	}
	for a := range Actions {
		got = append(got, a)
	}
	sort.Strings(want)
	sort.Strings(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("allowlist (-managed policy +Actions):\n%s", diff)
	}

	for name, s := range scopes {
		doc, err := Scoped(s)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range doc.Statement {
			for _, a := range st.Action {
				if effects[a] != st.Effect {
					t.Errorf("%s: %s is %s, the managed policy has it as %q", name, a, st.Effect, effects[a])
				}
			}
		}
	}
}

// TestScopedNeverWidensTheManagedPolicy checks that every resource the
// scoped policy grants an action on is also matched by a resource pattern
// of the managed policy's statement for that action.
func TestScopedNeverWidensTheManagedPolicy(t *testing.T) {
	text, _ := awsemu.ManagedPolicyDocument("AmazonRedshiftDataFullAccess")
	managed, err := Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	patterns := map[string][]string{}
	for _, s := range managed.Statement {
		for _, a := range s.Action {
			patterns[a] = append(patterns[a], s.Resource...)
		}
	}
	for name, s := range scopes {
		doc, err := Scoped(s)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range doc.Statement {
			for _, a := range st.Action {
				if a == "sts:AssumeRole" {
					continue
				}
				for _, r := range st.Resource {
					r := inAWSPartition(r)
					if !slices.ContainsFunc(patterns[a], func(p string) bool { return wildcardMatch(p, r) }) {
						t.Errorf("%s: %s on %s is outside the managed policy's %v", name, a, r, patterns[a])
					}
				}
			}
		}
	}
}

// inAWSPartition rewrites an ARN to the aws partition: the managed policy
// is written for aws, and AWS publishes the same for aws-cn and aws-us-gov.
func inAWSPartition(s string) string {
	if a, err := awsarn.Parse(s); err == nil {
		a.Partition = "aws"
		return a.String()
	}
	return s
}

// wildcardMatch matches s against an IAM pattern with * (any run of
// characters) and ? (exactly one character).
func wildcardMatch(pattern, s string) bool {
	if pattern == "" {
		return s == ""
	}
	if pattern[0] == '*' {
		for i := 0; i <= len(s); i++ {
			if wildcardMatch(pattern[1:], s[i:]) {
				return true
			}
		}
		return false
	}
	return s != "" && (pattern[0] == '?' || pattern[0] == s[0]) && wildcardMatch(pattern[1:], s[1:])
}
