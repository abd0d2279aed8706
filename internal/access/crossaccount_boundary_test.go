package access

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
)

// TestCrossAccountRoleUpdateChangesBoundaryInPlace updates a role's
// PermissionsBoundaryArn and then rolls the update back, as CloudFormation
// does: an Update whose properties are the old ones.
func TestCrossAccountRoleUpdateChangesBoundaryInPlace(t *testing.T) {
	const (
		first  = "arn:aws:iam::222222222222:policy/boundary-first"
		second = "arn:aws:iam::222222222222:policy/boundary-second"
	)
	tests := map[string]struct {
		before, after string // PermissionsBoundaryArn of the old and new properties
		// byHand is a boundary put on the role outside the stack before
		// the update.
		byHand string
		// wantOps and wantBoundary are the mutating calls of the update
		// and the boundary after it; wantRollbackOps those of the
		// rollback, after which the boundary is before (or byHand).
		wantOps         []string
		wantBoundary    string
		wantRollbackOps []string
	}{
		"add":    {after: first, wantOps: []string{"PutRolePermissionsBoundary"}, wantBoundary: first, wantRollbackOps: []string{"DeleteRolePermissionsBoundary"}},
		"change": {before: first, after: second, wantOps: []string{"PutRolePermissionsBoundary"}, wantBoundary: second, wantRollbackOps: []string{"PutRolePermissionsBoundary"}},
		"change to an AWS managed policy": {
			before: first, after: managedArn,
			wantOps: []string{"PutRolePermissionsBoundary"}, wantBoundary: managedArn, wantRollbackOps: []string{"PutRolePermissionsBoundary"},
		},
		"remove":                   {before: first, wantOps: []string{"DeleteRolePermissionsBoundary"}, wantBoundary: "", wantRollbackOps: []string{"PutRolePermissionsBoundary"}},
		"no-op with a boundary":    {before: first, after: first, wantBoundary: first},
		"no-op without a boundary": {},
		"a boundary set by hand stays": {
			byHand: second, wantBoundary: second,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, awsemu.AccountB)
			for _, p := range []string{"boundary-first", "boundary-second"} {
				if _, err := e.iam.CreatePolicy(t.Context(), &iam.CreatePolicyInput{PolicyName: aws.String(p), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"redshift-data:*","Resource":"*"}]}`)}); err != nil {
					t.Fatalf("creating policy %s: %v", p, err)
				}
			}
			r := NewCrossAccountRole(e.clients)
			props := func(boundary string) map[string]any {
				p := map[string]any{"TrustedPrincipalArns": []any{awsemu.AccountA}, "PolicyMode": "Managed"}
				if boundary != "" {
					p["PermissionsBoundaryArn"] = boundary
				}
				return p
			}
			before, after := props(tc.before), props(tc.after)
			res, err := r.Create(t.Context(), request(customresource.ActionCreate, "Bounded", "", before, nil))
			if err != nil {
				t.Fatalf("Create: %v", err)
			}
			id, roleName := res.PhysicalResourceID, res.Data["RoleName"]
			if tc.byHand != "" {
				if _, err := e.iam.PutRolePermissionsBoundary(t.Context(), &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String(roleName), PermissionsBoundary: aws.String(tc.byHand)}); err != nil {
					t.Fatalf("putting a boundary by hand: %v", err)
				}
			}

			e.calls.reset()
			got, err := r.Update(t.Context(), request(customresource.ActionUpdate, "Bounded", id, after, before))
			if err != nil {
				t.Fatalf("Update: %v", err)
			}
			if got.PhysicalResourceID != id {
				t.Errorf("Update changed the physical ID from %s to %s", id, got.PhysicalResourceID)
			}
			if diff := cmp.Diff(tc.wantOps, e.calls.mutating(), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("mutating calls of the update (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantBoundary, e.boundaryOf(t, roleName)); diff != "" {
				t.Errorf("boundary after the update (-want +got):\n%s", diff)
			}

			e.calls.reset()
			rolled, err := r.Update(t.Context(), request(customresource.ActionUpdate, "Bounded", id, before, after))
			if err != nil {
				t.Fatalf("rollback Update: %v", err)
			}
			if rolled.PhysicalResourceID != id {
				t.Errorf("rollback changed the physical ID from %s to %s", id, rolled.PhysicalResourceID)
			}
			if diff := cmp.Diff(tc.wantRollbackOps, e.calls.mutating(), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("mutating calls of the rollback (-want +got):\n%s", diff)
			}
			want := tc.before
			if tc.byHand != "" {
				want = tc.byHand
			}
			if diff := cmp.Diff(want, e.boundaryOf(t, roleName)); diff != "" {
				t.Errorf("boundary after the rollback (-want +got):\n%s", diff)
			}
		})
	}
}

// boundaryOf returns the ARN of the role's permissions boundary, or "".
func (e *env) boundaryOf(t *testing.T, roleName string) string {
	t.Helper()
	out, err := e.iam.GetRole(t.Context(), &iam.GetRoleInput{RoleName: aws.String(roleName)})
	if err != nil {
		t.Fatalf("getting role %s: %v", roleName, err)
	}
	if out.Role.PermissionsBoundary == nil {
		return ""
	}
	return aws.ToString(out.Role.PermissionsBoundary.PermissionsBoundaryArn)
}
