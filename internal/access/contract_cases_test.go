package access

import (
	"context"
	"testing"

	"github.com/aws/aws-lambda-go/cfn"

	"github.com/redshift-data-access/redshift-data-access/local/lifecycle"
)

// The contracts of the access resources, built for an env, so that the
// same contract runs on every backend (the local emulator, moto).

// scopedContract is the contract of a Scoped grant on one role, which the
// caller creates as "analyst".
func scopedContract(e *env) lifecycle.Contract {
	return lifecycle.Contract{
		ResourceType:      AccessType,
		Invoke:            handler(AccessType, NewAccess(e.clients)).HandleEvent,
		Create:            map[string]any{"Roles": []any{"analyst"}, "Clusters": []any{"analytics"}},
		UpdateInPlace:     map[string]any{"Roles": []any{"analyst"}, "Clusters": []any{"analytics"}, "Databases": []any{"dev"}},
		UpdateReplace:     map[string]any{"Roles": []any{"analyst"}, "Clusters": []any{"analytics"}, "PolicyName": "contract-data-api"},
		InvalidProperties: map[string]any{"Roles": []any{"analyst"}, "PolicyMode": "Sometimes"},
		Exists:            e.policyExists,
		Check:             checkAccessResponse,
	}
}

// managedCase is a kind of principal a Managed grant records itself on.
type managedCase struct {
	property string
	names    [2]string
	create   func(e *env, t *testing.T, name string)
	held     func(ctx context.Context, e *env, name string) (map[string]string, error)
	invalid  map[string]any
}

// managedCases are the Managed grants on roles, whose grant records are
// tags on the role, and on groups, whose records are tags on the group's
// ledger policy.
var managedCases = map[string]managedCase{
	"roles": {
		property: "Roles",
		names:    [2]string{"analyst", "loader"},
		create:   func(e *env, t *testing.T, name string) { e.createRole(t, name, "/") },
		held: func(ctx context.Context, e *env, name string) (map[string]string, error) {
			return tags(ctx, e.clients.IAM, principal{Kind: kindRole, Name: name})
		},
		invalid: map[string]any{"Clusters": "analytics"},
	},
	"groups": {
		property: "Groups",
		names:    [2]string{"analysts", "loaders"},
		create:   func(e *env, t *testing.T, name string) { e.createGroup(t, name) },
		held: func(ctx context.Context, e *env, name string) (map[string]string, error) {
			return ledgerTags(ctx, e.clients.IAM, testLoc, name)
		},
		invalid: map[string]any{"PolicyName": "p"},
	},
}

// managedContract creates tc's principals on e and returns the contract of
// a Managed grant on them.
func managedContract(t *testing.T, e *env, tc managedCase) lifecycle.Contract {
	t.Helper()
	for _, n := range tc.names {
		tc.create(e, t, n)
	}
	exists := func(ctx context.Context, id string) (bool, error) {
		if !isGrantID(id) {
			return e.policyExists(ctx, id)
		}
		for _, n := range tc.names {
			held, err := tc.held(ctx, e, n)
			if err != nil {
				return false, err
			}
			if _, ok := held[id]; ok {
				return true, nil
			}
		}
		return false, nil
	}
	first, both := []any{tc.names[0]}, []any{tc.names[0], tc.names[1]}
	invalid := map[string]any{"PolicyMode": "Managed", tc.property: first}
	for k, v := range tc.invalid {
		invalid[k] = v
	}
	return lifecycle.Contract{
		ResourceType:      AccessType,
		Invoke:            handler(AccessType, NewAccess(e.clients)).HandleEvent,
		Create:            map[string]any{"PolicyMode": "Managed", tc.property: first},
		UpdateInPlace:     map[string]any{"PolicyMode": "Managed", tc.property: both},
		UpdateReplace:     map[string]any{"PolicyMode": "Scoped", tc.property: first, "Clusters": "analytics"},
		InvalidProperties: invalid,
		Exists:            exists,
		Check:             checkAccessResponse,
	}
}

// crossAccountContract is the contract of a cross-account role in b's
// account trusting roleAArn, which the caller creates in account A.
func crossAccountContract(b *env) lifecycle.Contract {
	return lifecycle.Contract{
		ResourceType:      CrossAccountRoleType,
		Invoke:            handler(CrossAccountRoleType, NewCrossAccountRole(b.clients)).HandleEvent,
		Create:            map[string]any{"TrustedPrincipalArns": []any{roleAArn}, "PolicyMode": "Managed"},
		UpdateInPlace:     map[string]any{"TrustedPrincipalArns": []any{roleAArn}, "PolicyMode": "Managed", "Description": "Data API access for account A"},
		UpdateReplace:     map[string]any{"TrustedPrincipalArns": []any{roleAArn}, "PolicyMode": "Managed", "RoleName": "contract-data-api"},
		InvalidProperties: map[string]any{"TrustedPrincipalArns": []any{"someRoleA"}},
		Exists:            b.roleExists,
		Check: func(t *testing.T, phase string, resp cfn.Response) {
			if resp.Status == cfn.StatusSuccess && resp.Data != nil && resp.Data["RoleArn"] != resp.PhysicalResourceID {
				t.Errorf("%s: RoleArn %v, physical ID %s", phase, resp.Data["RoleArn"], resp.PhysicalResourceID)
			}
		},
	}
}
