package access

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	"github.com/aws/aws-sdk-go-v2/service/redshiftdata"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
	"github.com/redshift-data-access/redshift-data-access/local/lifecycle"
)

// The contract's access step for the resources that grant access: the
// granted principal runs SELECT 1 through the Data API (as its IAM
// identity, IAMR:<role>) after the Create, and is denied after the
// Delete, with the emulator authorizing every call by the principal's
// policies.

func createCluster(t *testing.T, srv *awsemu.Server, account string) {
	t.Helper()
	if _, err := redshift.NewFromConfig(srv.Config(account)).CreateCluster(t.Context(), &redshift.CreateClusterInput{
		ClusterIdentifier: aws.String("analytics"), NodeType: aws.String("ra3.large"), ClusterType: aws.String("single-node"),
		MasterUsername: aws.String("admin"), MasterUserPassword: aws.String("Admin-Passw0rd"),
	}); err != nil {
		t.Fatalf("CreateCluster: %v", err)
	}
}

// selectOneAs runs SELECT 1 on cluster analytics, database dev, as a
// session of roleArn assumed with cfg.
func selectOneAs(ctx context.Context, cfg aws.Config, roleArn string) (bool, error) {
	session, err := lifecycle.AssumeRole(ctx, cfg, roleArn, "contract")
	if lifecycle.IsAccessDenied(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return lifecycle.SelectOne(ctx, redshiftdata.NewFromConfig(session), redshiftdata.ExecuteStatementInput{
		ClusterIdentifier: aws.String("analytics"), Database: aws.String("dev"),
	})
}

func TestAccessContractGrantsSQL(t *testing.T) {
	tests := map[string]struct {
		create, update map[string]any
	}{
		"scoped": {
			create: map[string]any{"Roles": []any{"analyst"}, "Clusters": []any{"analytics"}},
			update: map[string]any{"Roles": []any{"analyst"}, "Clusters": []any{"analytics"}, "Databases": []any{"dev"}},
		},
		"managed": {
			create: map[string]any{"PolicyMode": "Managed", "Roles": []any{"analyst"}},
			update: map[string]any{"PolicyMode": "Managed", "Roles": []any{"analyst", "loader"}},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, awsemu.AccountA)
			analyst := e.createRole(t, "analyst", "/")
			e.createRole(t, "loader", "/") // newEnv made cluster analytics
			lifecycle.RunContract(t, lifecycle.Contract{
				ResourceType:      AccessType,
				Invoke:            handler(AccessType, NewAccess(e.clients)).HandleEvent,
				Create:            tc.create,
				UpdateInPlace:     tc.update,
				UpdateReplace:     map[string]any{"Roles": []any{"analyst"}, "Clusters": []any{"analytics"}, "PolicyName": "contract-data-api"},
				InvalidProperties: map[string]any{"Roles": []any{"analyst"}, "PolicyMode": "Sometimes"},
				Exists:            e.grantExists("analyst", "loader"),
				Access: func(ctx context.Context, _ string) (bool, error) {
					return selectOneAs(ctx, e.srv.Config(awsemu.AccountA), analyst)
				},
			})
		})
	}
}

// grantExists reads back an Access resource: a scoped policy, or a
// Managed grant recorded in the tags of one of roles.
func (e *env) grantExists(roles ...string) func(context.Context, string) (bool, error) {
	return func(ctx context.Context, id string) (bool, error) {
		if !isGrantID(id) {
			return e.policyExists(ctx, id)
		}
		for _, n := range roles {
			held, err := tags(ctx, e.clients.IAM, principal{Kind: kindRole, Name: n})
			if err != nil {
				return false, err
			}
			if _, ok := held[id]; ok {
				return true, nil
			}
		}
		return false, nil
	}
}

// TestCrossAccountRoleContractGrantsSQL: account A's role someRoleA,
// allowed to assume roles of account B, assumes the cross-account role
// and runs SELECT 1 on account B's cluster.
func TestCrossAccountRoleContractGrantsSQL(t *testing.T) {
	srv := awsemu.Start()
	defer srv.Close()
	a := envFor(srv, awsemu.AccountA)
	a.createRole(t, "someRoleA", "/")
	if _, err := a.iam.PutRolePolicy(t.Context(), &iam.PutRolePolicyInput{
		RoleName: aws.String("someRoleA"), PolicyName: aws.String("assume-b"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::222222222222:role/*"}}`),
	}); err != nil {
		t.Fatal(err)
	}
	createCluster(t, srv, awsemu.AccountB)
	b := envFor(srv, awsemu.AccountB)
	lifecycle.RunContract(t, lifecycle.Contract{
		ResourceType:      CrossAccountRoleType,
		Invoke:            handler(CrossAccountRoleType, NewCrossAccountRole(b.clients)).HandleEvent,
		Create:            map[string]any{"TrustedPrincipalArns": []any{roleAArn}, "PolicyMode": "Managed"},
		UpdateInPlace:     map[string]any{"TrustedPrincipalArns": []any{roleAArn}, "PolicyMode": "Managed", "Description": "Data API access for account A"},
		UpdateReplace:     map[string]any{"TrustedPrincipalArns": []any{roleAArn}, "PolicyMode": "Managed", "RoleName": "contract-data-api"},
		InvalidProperties: map[string]any{"TrustedPrincipalArns": []any{"someRoleA"}},
		Exists:            b.roleExists,
		Access: func(ctx context.Context, roleB string) (bool, error) {
			sessionA, err := lifecycle.AssumeRole(ctx, srv.Config(awsemu.AccountA), roleAArn, "caller")
			if err != nil {
				return false, err
			}
			return selectOneAs(ctx, sessionA, roleB)
		},
	})
}
