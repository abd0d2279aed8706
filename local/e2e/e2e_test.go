package e2e

import (
	"testing"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
	"github.com/redshift-data-access/redshift-data-access/local/lifecycle"
	"github.com/redshift-data-access/redshift-data-access/local/prerequisites"
)

// Resource types, as the functions serve them. They are spelled out here
// rather than imported so that the test checks the built binaries against
// the types CloudFormation templates name.
const (
	secretType       = "Custom::RedshiftDataApiSecret"
	accessType       = "Custom::RedshiftDataApiAccess"
	crossAccountType = "Custom::RedshiftDataApiCrossAccountRole"
	endpointType     = "Custom::RedshiftDataApiEndpoint"
)

// canaryPassword is the Password of the secret contract's instances: the
// functions' logs must never show it.
const canaryPassword = "Canary-Passw0rd-e2e-7d41"

// served says which function serves a resource type, and in which account
// it runs.
var served = map[string]struct{ function, account string }{
	secretType:       {"secret", awsemu.AccountA},
	accessType:       {"access", awsemu.AccountA},
	crossAccountType: {"access", awsemu.AccountB},
	endpointType:     {"endpoint", awsemu.AccountA},
	dbuserType:       {"dbuser", awsemu.AccountA},
}

// TestContract runs the lifecycle contract against every built function
// under the runtime interface emulator.
func TestContract(t *testing.T) {
	requireBinaries(t)
	w := newFixture(t)
	tests := map[string]struct {
		contract func(w *fixture) lifecycle.Contract
	}{
		secretType: {func(w *fixture) lifecycle.Contract {
			create := map[string]any{"ClusterIdentifier": prerequisites.ClusterID, "Username": "myusername", "Password": canaryPassword, "RecoveryWindowInDays": "0"}
			return lifecycle.Contract{
				Create:            create,
				UpdateInPlace:     with(create, map[string]any{"Database": "sales", "Description": "updated"}),
				UpdateReplace:     with(create, map[string]any{"Name": "e2e/cluster-v2"}),
				InvalidProperties: with(create, map[string]any{"PasswordLength": "7"}),
				Exists:            w.secretExists,
			}
		}},
		accessType: {func(w *fixture) lifecycle.Contract {
			create := map[string]any{"Roles": []any{prerequisites.CallerRole}, "Clusters": []any{prerequisites.ClusterID}}
			return lifecycle.Contract{
				Create:            create,
				UpdateInPlace:     with(create, map[string]any{"Databases": []any{"dev"}}),
				UpdateReplace:     with(create, map[string]any{"PolicyName": "e2e-data-api"}),
				InvalidProperties: with(create, map[string]any{"PolicyMode": "Sometimes"}),
				Exists:            w.policyExists,
			}
		}},
		crossAccountType: {func(w *fixture) lifecycle.Contract {
			create := map[string]any{"TrustedPrincipalArns": []any{w.CallerRoleArn}, "PolicyMode": "Managed"}
			return lifecycle.Contract{
				Create:            create,
				UpdateInPlace:     with(create, map[string]any{"Description": "Data API access for account A"}),
				UpdateReplace:     with(create, map[string]any{"RoleName": "e2e-data-api"}),
				InvalidProperties: with(create, map[string]any{"TrustedPrincipalArns": []any{prerequisites.CallerRole}}),
				Exists:            w.roleExists,
			}
		}},
		dbuserType: {func(w *fixture) lifecycle.Contract {
			create := map[string]any{"ClusterIdentifier": prerequisites.ClusterID, "Database": prerequisites.Database, "AdminDbUser": "awsuser", "UserName": "redshift_data_api_user"}
			return lifecycle.Contract{
				Create:            create,
				UpdateInPlace:     with(create, map[string]any{"Roles": []any{sampleRBACRole}, "Grants": []any{map[string]any{"Privileges": []any{"TEMP"}, "On": "DATABASE dev"}}}),
				UpdateReplace:     with(create, map[string]any{"UserName": "redshift_data_api_user_v2"}),
				InvalidProperties: with(create, map[string]any{"WorkgroupName": sampleWorkgroup}),
				Exists:            w.dbuserExists,
			}
		}},
		endpointType: {func(w *fixture) lifecycle.Contract {
			return lifecycle.Contract{
				Create:            map[string]any{"VpcId": w.VPC, "SubnetIds": []any{w.SubnetA}},
				UpdateInPlace:     map[string]any{"VpcId": w.VPC, "SubnetIds": []any{w.SubnetA, w.SubnetB}, "SecurityGroupIds": []any{w.SecurityGroup}},
				UpdateReplace:     map[string]any{"VpcId": w.OtherVPC, "SubnetIds": []any{w.OtherSubnet}},
				InvalidProperties: map[string]any{"VpcId": w.VPC, "SubnetIds": []any{w.SubnetA}, "PrivateDnsEnabled": "maybe"},
				Exists:            w.endpointExists,
			}
		}},
	}
	for resourceType, tc := range tests {
		t.Run(resourceType, func(t *testing.T) {
			s := served[resourceType]
			c := tc.contract(w)
			c.ResourceType = resourceType
			c.Invoke = startFunction(t, w.srv, s.function, s.account)
			lifecycle.RunContract(t, c)
		})
	}
}

// with returns a copy of base with changes applied.
func with(base, changes map[string]any) map[string]any {
	out := make(map[string]any, len(base)+len(changes))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range changes {
		out[k] = v
	}
	return out
}
