package access

import (
	"context"
	"testing"

	"github.com/aws/aws-lambda-go/cfn"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/redshift-data-access/redshift-data-access/local/lifecycle"
	"github.com/redshift-data-access/redshift-data-access/local/moto"
)

// The contract suites again, against moto's IAM and STS: a second reading
// of those APIs beside the local emulator. moto has no Redshift Serverless,
// so the clients have none: grants here name clusters only, and a lookup
// of a workgroup would fail the test instead of passing unseen.

// motoEnv returns clients of account on srv.
func motoEnv(srv *moto.Server, account string) *env {
	cfg := srv.Config(account)
	log := &callLog{}
	i := iam.NewFromConfig(cfg, func(o *iam.Options) { o.APIOptions = append(o.APIOptions, log.record) })
	return &env{
		clients: Clients{IAM: i, STS: sts.NewFromConfig(cfg), Region: cfg.Region},
		iam:     i,
		calls:   log,
		account: account,
	}
}

func skipWorkgroups(t *testing.T) {
	t.Run("workgroups", func(t *testing.T) {
		t.Skip("moto implements no Redshift Serverless: grants on workgroups (resolving and tagging them) run against the local emulator only")
	})
}

func TestAccessContractScopedMoto(t *testing.T) {
	e := motoEnv(moto.Use(t), moto.AccountA)
	e.createRole(t, "analyst", "/")
	lifecycle.RunContract(t, lifecycle.Contract{
		ResourceType:      AccessType,
		Invoke:            handler(AccessType, NewAccess(e.clients)).HandleEvent,
		Create:            map[string]any{"Roles": []any{"analyst"}, "Clusters": []any{"analytics"}},
		UpdateInPlace:     map[string]any{"Roles": []any{"analyst"}, "Clusters": []any{"analytics"}, "Databases": []any{"dev"}},
		UpdateReplace:     map[string]any{"Roles": []any{"analyst"}, "Clusters": []any{"analytics"}, "PolicyName": "contract-data-api"},
		InvalidProperties: map[string]any{"Roles": []any{"analyst"}, "PolicyMode": "Sometimes"},
		Exists:            e.policyExists,
		Check:             checkAccessResponse,
	})
	skipWorkgroups(t)
}

func TestAccessContractManagedMoto(t *testing.T) {
	tests := map[string]struct {
		property string
		names    [2]string
		create   func(e *env, t *testing.T, name string)
		held     func(ctx context.Context, e *env, name string) (map[string]string, error)
		invalid  map[string]any
	}{
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
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			e := motoEnv(moto.Use(t), moto.AccountA)
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
			lifecycle.RunContract(t, lifecycle.Contract{
				ResourceType:      AccessType,
				Invoke:            handler(AccessType, NewAccess(e.clients)).HandleEvent,
				Create:            map[string]any{"PolicyMode": "Managed", tc.property: first},
				UpdateInPlace:     map[string]any{"PolicyMode": "Managed", tc.property: both},
				UpdateReplace:     map[string]any{"PolicyMode": "Scoped", tc.property: first, "Clusters": "analytics"},
				InvalidProperties: invalid,
				Exists:            exists,
				Check:             checkAccessResponse,
			})
		})
	}
	skipWorkgroups(t)
}

func TestCrossAccountRoleContractMoto(t *testing.T) {
	srv := moto.Use(t)
	motoEnv(srv, moto.AccountA).createRole(t, "someRoleA", "/")
	b := motoEnv(srv, moto.AccountB)
	lifecycle.RunContract(t, lifecycle.Contract{
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
	})
	skipWorkgroups(t)
}
