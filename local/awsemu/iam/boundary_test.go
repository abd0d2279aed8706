package iam_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestIAMRolePermissionsBoundary(t *testing.T) {
	const (
		mine    = "arn:aws:iam::111111111111:policy/mine"
		other   = "arn:aws:iam::111111111111:policy/other"
		managed = "arn:aws:iam::aws:policy/AmazonRedshiftDataFullAccess"
	)
	tests := map[string]struct {
		initial string // the boundary the role is created with
		role    string
		put     string // the boundary to put; "" deletes the boundary
		// wantCode is the error code of the call, "" for success.
		wantCode string
		// wantBoundary is the role's boundary after the call.
		wantBoundary string
	}{
		"put on a role without one":       {role: "app", put: mine, wantBoundary: mine},
		"put replaces the boundary":       {initial: mine, role: "app", put: other, wantBoundary: other},
		"put the same boundary again":     {initial: mine, role: "app", put: mine, wantBoundary: mine},
		"put an AWS managed policy":       {role: "app", put: managed, wantBoundary: managed},
		"put on a role name in any case":  {role: "APP", put: mine, wantBoundary: mine},
		"put on a missing role":           {role: "missing", put: mine, wantCode: "NoSuchEntity"},
		"put a missing policy":            {initial: mine, role: "app", put: "arn:aws:iam::111111111111:policy/missing", wantCode: "NoSuchEntity", wantBoundary: mine},
		"put a policy of another account": {role: "app", put: "arn:aws:iam::222222222222:policy/theirs", wantCode: "NoSuchEntity"},
		"put a malformed ARN":             {role: "app", put: "not-an-arn-but-long-enough", wantCode: "InvalidInput"},
		"delete the boundary":             {initial: mine, role: "app", wantBoundary: ""},
		"delete when there is none":       {role: "app", wantBoundary: ""},
		"delete on a missing role":        {initial: mine, role: "missing", wantCode: "NoSuchEntity", wantBoundary: mine},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			_, clientA, clientB := clients(t)
			mustCreatePolicy(t, clientA, "mine", testIdentityPolicy)
			mustCreatePolicy(t, clientA, "other", testIdentityPolicy)
			mustCreatePolicy(t, clientB, "theirs", testIdentityPolicy)
			in := &iam.CreateRoleInput{RoleName: aws.String("app"), AssumeRolePolicyDocument: aws.String(testTrustLambda)}
			if tc.initial != "" {
				in.PermissionsBoundary = aws.String(tc.initial)
			}
			if _, err := clientA.CreateRole(ctx, in); err != nil {
				t.Fatalf("CreateRole: %v", err)
			}

			var err error
			if tc.put != "" {
				_, err = clientA.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String(tc.role), PermissionsBoundary: aws.String(tc.put)})
			} else {
				_, err = clientA.DeleteRolePermissionsBoundary(ctx, &iam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String(tc.role)})
			}
			if got := errCode(t, err); got != tc.wantCode {
				t.Errorf("error code = %q, want %q (err %v)", got, tc.wantCode, err)
			}

			got, err := clientA.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("app")})
			if err != nil {
				t.Fatalf("GetRole: %v", err)
			}
			var want *types.AttachedPermissionsBoundary
			if tc.wantBoundary != "" {
				want = &types.AttachedPermissionsBoundary{PermissionsBoundaryArn: aws.String(tc.wantBoundary), PermissionsBoundaryType: types.PermissionsBoundaryAttachmentTypePolicy}
			}
			if diff := cmp.Diff(want, got.Role.PermissionsBoundary, cmpopts.IgnoreUnexported(types.AttachedPermissionsBoundary{})); diff != "" {
				t.Errorf("permissions boundary (-want +got):\n%s", diff)
			}
		})
	}
}

// A policy that PutRolePermissionsBoundary made a boundary counts as used:
// DeletePolicy refuses it until DeleteRolePermissionsBoundary frees it.
func TestIAMPolicyUsedAsBoundaryCannotBeDeleted(t *testing.T) {
	ctx := context.Background()
	_, client, _ := clients(t)
	arn := mustCreatePolicy(t, client, "boundary", testIdentityPolicy).Arn
	mustCreateRole(t, client, "app", testTrustLambda)
	if _, err := client.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("app"), PermissionsBoundary: arn}); err != nil {
		t.Fatalf("PutRolePermissionsBoundary: %v", err)
	}
	got, err := client.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: arn})
	if err != nil {
		t.Fatalf("GetPolicy: %v", err)
	}
	if diff := cmp.Diff([2]int32{0, 1}, [2]int32{aws.ToInt32(got.Policy.AttachmentCount), aws.ToInt32(got.Policy.PermissionsBoundaryUsageCount)}); diff != "" {
		t.Errorf("attachment and boundary usage counts (-want +got):\n%s", diff)
	}
	_, err = client.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: arn})
	var conflict *types.DeleteConflictException
	if !errors.As(err, &conflict) {
		t.Fatalf("DeletePolicy of a boundary: err = %v, want DeleteConflictException", err)
	}
	if _, err := client.DeleteRolePermissionsBoundary(ctx, &iam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String("app")}); err != nil {
		t.Fatalf("DeleteRolePermissionsBoundary: %v", err)
	}
	if _, err := client.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: arn}); err != nil {
		t.Fatalf("DeletePolicy after the boundary was removed: %v", err)
	}
}
