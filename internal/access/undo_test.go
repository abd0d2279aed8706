package access

import (
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
)

// denied fails the next call of operation with AccessDenied, which the SDK
// does not retry.
func denied(operation string) awsemu.Fault {
	return awsemu.Fault{Service: "iam", Operation: operation, Code: "AccessDenied", Message: "not authorized", Status: http.StatusForbidden, Times: 1}
}

// A failed Create answers CloudFormation with a marker that no Delete
// cleans up, so whatever the Create made before failing must be gone.
func TestFailedCreateLeavesNothingBehind(t *testing.T) {
	tests := map[string]struct {
		resourceType string
		props        map[string]any
		fault        awsemu.Fault
	}{
		"scoped policy, attach fails": {
			resourceType: AccessType,
			props:        map[string]any{"Roles": []any{"analyst"}, "Users": []any{"etl"}, "Clusters": "analytics"},
			fault:        denied("AttachUserPolicy"),
		},
		"managed grant, second principal fails": {
			resourceType: AccessType,
			props:        map[string]any{"PolicyMode": "Managed", "Roles": []any{"analyst"}, "Users": []any{"etl"}},
			fault:        denied("AttachUserPolicy"),
		},
		"cross-account role, permissions fail": {
			resourceType: CrossAccountRoleType,
			props:        map[string]any{"TrustedPrincipalArns": []any{"111111111111"}, "PolicyMode": "Managed", "RoleName": "half-made"},
			fault:        denied("AttachRolePolicy"),
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, awsemu.AccountA)
			e.createRole(t, "analyst", "/")
			e.createUser(t, "etl")
			var r customresource.Resource = NewAccess(e.clients)
			if tc.resourceType == CrossAccountRoleType {
				r = NewCrossAccountRole(e.clients)
			}
			e.srv.InjectFault(tc.fault)
			_, err := r.Create(t.Context(), request(customresource.ActionCreate, "HalfMade", "", tc.props, nil))
			if errorCodeOf(err) != "AccessDenied" {
				t.Fatalf("Create error = %v, want the injected AccessDenied", err)
			}
			policies, err := e.iam.ListPolicies(t.Context(), &iam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeLocal})
			if err != nil {
				t.Fatal(err)
			}
			if len(policies.Policies) > 0 {
				t.Errorf("policy %s left behind", aws.ToString(policies.Policies[0].Arn))
			}
			for _, p := range []principal{{Kind: kindRole, Name: "analyst"}, {Kind: kindUser, Name: "etl"}} {
				if got := e.attachedTo(t, p.Kind, p.Name); len(got) > 0 {
					t.Errorf("%s keeps %v", p, got)
				}
				if left, err := tags(t.Context(), e.clients.IAM, p); err != nil || len(left) > 0 {
					t.Errorf("%s keeps tags %v (%v)", p, left, err)
				}
			}
			if ok, err := e.roleExists(t.Context(), "arn:aws:iam::111111111111:role/redshift-data-api/half-made"); err != nil || ok {
				t.Errorf("half-made role exists: %v, %v", ok, err)
			}
		})
	}
}
