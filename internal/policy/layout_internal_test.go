package policy

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// grants maps effect, action and condition to the sorted resources a
// document gives them: what the document means, whatever its layout.
func grants(t *testing.T, d Document) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, s := range d.Statement {
		cond, err := json.Marshal(s.Condition)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range s.Action {
			k := s.Effect + " " + a + " " + string(cond)
			for _, r := range s.Resource {
				if !slices.Contains(out[k], r) {
					out[k] = append(out[k], r)
				}
			}
			slices.Sort(out[k])
		}
	}
	return out
}

func scaleScope(clusters, workgroups, databases int) Scope {
	s := Scope{Partition: "aws", Region: "us-east-1", Account: "111111111111", StatementOwnerOnly: true}
	for i := range clusters {
		s.ClusterArns = append(s.ClusterArns, fmt.Sprintf("arn:aws:redshift:us-east-1:111111111111:cluster:analytics-%d", i))
	}
	for i := range workgroups {
		s.WorkgroupArns = append(s.WorkgroupArns, fmt.Sprintf("arn:aws:redshift-serverless:us-east-1:111111111111:workgroup/0b6a1c70-4f3e-11ef-9a5c-%012d", i))
	}
	for i := range databases {
		s.Databases = append(s.Databases, fmt.Sprintf("db%d", i))
	}
	return s
}

func TestFitGrantsEveryActionTheSameResources(t *testing.T) {
	for _, sz := range []struct{ clusters, workgroups, databases int }{{14, 0, 0}, {6, 2, 5}, {100, 0, 5}, {1, 0, 60}} {
		plain, err := scopedStatements(scaleScope(sz.clusters, sz.workgroups, sz.databases))
		if err != nil {
			t.Fatal(err)
		}
		if size(plain) <= ManagedPolicySize {
			t.Fatalf("%+v: the plain layout fits (%d characters); the test needs one that does not", sz, size(plain))
		}
		fitted := fit(plain, ManagedPolicySize)
		if size(fitted) >= size(plain) {
			t.Errorf("%+v: the fitted layout is %d characters, not smaller than the plain %d", sz, size(fitted), size(plain))
		}
		if diff := cmp.Diff(grants(t, plain), grants(t, fitted)); diff != "" {
			t.Errorf("%+v: the fitted layout grants differently (-plain +fitted):\n%s", sz, diff)
		}
		if err := Validate(fitted, 1<<20); err != nil {
			t.Errorf("%+v: the fitted layout is not a valid policy: %v", sz, err)
		}
	}
}

func TestFitLeavesAPolicyThatFitsAsItIs(t *testing.T) {
	plain, err := scopedStatements(scaleScope(4, 4, 2))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(plain, fit(plain, ManagedPolicySize)); diff != "" {
		t.Errorf("a policy that fits was laid out again (-plain +fitted):\n%s", diff)
	}
}
