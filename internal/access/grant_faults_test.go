package access

import (
	"net/http"
	"slices"
	"testing"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
)

// grantStep is the request of a Managed grant that an injected fault
// interrupts.
type grantStep string

const (
	stepCreate      grantStep = "Create"
	stepRedelivered grantStep = "redelivered Create"
	stepDelete      grantStep = "Delete"
)

// Each IAM call of a Managed grant's Create and Delete fails in turn, for
// the whole request (so that the undo of a failing Create meets the same
// fault). The failing request must revoke nothing that another grant
// holds, nor what an earlier delivery of the same Create made; repeating
// the request must converge; and deleting every grant afterwards must
// detach the policy and leave no record behind.
func TestManagedGrantConvergesAfterAFailedCall(t *testing.T) {
	tests := map[string]struct {
		kind  kind
		step  grantStep
		op    string
		other bool // another grant holds the policy on the principal first
	}{
		"role create, record":                    {kind: kindRole, step: stepCreate, op: "TagRole"},
		"role create, attach":                    {kind: kindRole, step: stepCreate, op: "AttachRolePolicy"},
		"role create beside a grant, record":     {kind: kindRole, step: stepCreate, op: "TagRole", other: true},
		"role redelivered create, read attached": {kind: kindRole, step: stepRedelivered, op: "ListAttachedRolePolicies"},
		"role redelivered create, read records":  {kind: kindRole, step: stepRedelivered, op: "ListRoleTags"},
		"role delete, unrecord":                  {kind: kindRole, step: stepDelete, op: "UntagRole"},
		"role delete, detach":                    {kind: kindRole, step: stepDelete, op: "DetachRolePolicy"},
		"role delete beside a grant, unrecord":   {kind: kindRole, step: stepDelete, op: "UntagRole", other: true},
		"role delete beside a grant, read":       {kind: kindRole, step: stepDelete, op: "ListRoleTags", other: true},

		"group create, record":                    {kind: kindGroup, step: stepCreate, op: "TagPolicy"},
		"group create, create ledger":             {kind: kindGroup, step: stepCreate, op: "CreatePolicy"},
		"group create, attach":                    {kind: kindGroup, step: stepCreate, op: "AttachGroupPolicy"},
		"group create beside a grant, record":     {kind: kindGroup, step: stepCreate, op: "TagPolicy", other: true},
		"group redelivered create, read attached": {kind: kindGroup, step: stepRedelivered, op: "ListAttachedGroupPolicies"},
		"group redelivered create, read records":  {kind: kindGroup, step: stepRedelivered, op: "ListPolicyTags"},
		"group delete, unrecord":                  {kind: kindGroup, step: stepDelete, op: "UntagPolicy"},
		"group delete, detach":                    {kind: kindGroup, step: stepDelete, op: "DetachGroupPolicy"},
		"group delete, delete ledger":             {kind: kindGroup, step: stepDelete, op: "DeletePolicy"},
		"group delete beside a grant, unrecord":   {kind: kindGroup, step: stepDelete, op: "UntagPolicy", other: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, awsemu.AccountA)
			p := principal{Kind: tc.kind, Name: "analysts"}
			if tc.kind == kindRole {
				e.createRole(t, p.Name, "/")
			} else {
				e.createGroup(t, p.Name)
			}
			r := NewAccess(e.clients)
			props := map[string]any{"PolicyMode": "Managed", tc.kind.property(): []any{p.Name}}
			var otherID string
			if tc.other {
				res, err := r.Create(t.Context(), request(customresource.ActionCreate, "Other", "", props, nil))
				if err != nil {
					t.Fatal(err)
				}
				otherID = res.PhysicalResourceID
			}
			create := request(customresource.ActionCreate, "Grant", "", props, nil)
			id := grantID(create)
			if tc.step != stepCreate {
				if _, err := r.Create(t.Context(), create); err != nil {
					t.Fatal(err)
				}
			}
			del := request(customresource.ActionDelete, "Grant", id, props, nil)
			run := func() error {
				if tc.step == stepDelete {
					return r.Delete(t.Context(), del)
				}
				_, err := r.Create(t.Context(), create)
				return err
			}

			remove := e.srv.InjectFault(awsemu.Fault{Service: "iam", Operation: tc.op, Code: "AccessDenied", Message: "not authorized", Status: http.StatusForbidden})
			err := run()
			hits := e.srv.FaultHits("iam", tc.op)
			remove()
			if hits == 0 {
				t.Fatalf("%s never called %s", tc.step, tc.op)
			}
			if errorCodeOf(err) != "AccessDenied" {
				t.Fatalf("%s error = %v, want the injected AccessDenied", tc.step, err)
			}
			// Another grant, or the earlier delivery, still holds the policy.
			if (tc.other || tc.step == stepRedelivered) && !e.holdsManaged(t, p) {
				t.Fatalf("the failed %s detached a policy that a grant holds", tc.step)
			}

			if err := run(); err != nil {
				t.Fatalf("repeated %s: %v", tc.step, err)
			}
			wantHeld := tc.other || tc.step != stepDelete
			if got := e.holdsManaged(t, p); got != wantHeld {
				t.Fatalf("after the repeated %s the principal holds the policy: %t, want %t", tc.step, got, wantHeld)
			}
			if _, recorded := e.grantRecords(t, p)[id]; recorded != (tc.step != stepDelete) {
				t.Errorf("after the repeated %s the grant is recorded: %t, want %t", tc.step, recorded, tc.step != stepDelete)
			}

			if err := r.Delete(t.Context(), del); err != nil {
				t.Fatal(err)
			}
			if tc.other {
				if !e.holdsManaged(t, p) {
					t.Fatal("deleting the grant detached the policy that the other grant holds")
				}
				if err := r.Delete(t.Context(), request(customresource.ActionDelete, "Other", otherID, props, nil)); err != nil {
					t.Fatal(err)
				}
			}
			if e.holdsManaged(t, p) {
				t.Error("the policy stays attached after every grant is deleted")
			}
			if left := e.grantRecords(t, p); len(left) > 0 {
				t.Errorf("records left behind: %v", left)
			}
		})
	}
}

// holdsManaged reports whether p has the managed policy attached.
func (e *env) holdsManaged(t *testing.T, p principal) bool {
	t.Helper()
	return slices.Contains(e.attachedTo(t, p.Kind, p.Name), managedArn)
}

// grantRecords returns the grant records of p: its tags, or its ledger's.
func (e *env) grantRecords(t *testing.T, p principal) map[string]string {
	t.Helper()
	got, err := NewAccess(e.clients).records(t.Context(), testLoc, p)
	if err != nil {
		t.Fatal(err)
	}
	return got
}
