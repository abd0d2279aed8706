package iamref_test

import (
	"fmt"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	"github.com/aws/aws-sdk-go-v2/service/redshiftserverless"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/redshift-data-access/redshift-data-access/internal/access"
	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/internal/guardrail"
	"github.com/redshift-data-access/redshift-data-access/internal/policy"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
	"github.com/redshift-data-access/redshift-data-access/local/iamref"
)

// TestPoliciesTheResourcesWrite creates grants and cross-account roles with
// the resources themselves, on the local emulator, and checks every policy
// they wrote to IAM: what the properties become, not only what the
// generator makes of a Scope.
func TestPoliciesTheResourcesWrite(t *testing.T) {
	ref := reference(t)
	srv := awsemu.Start()
	defer srv.Close()
	ctx := t.Context()

	cfgA := srv.Config(awsemu.AccountA)
	iamA := iam.NewFromConfig(cfgA)
	rs := redshiftserverless.NewFromConfig(cfgA)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}]}`
	if _, err := iamA.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("analyst"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	if _, err := rs.CreateNamespace(ctx, &redshiftserverless.CreateNamespaceInput{NamespaceName: aws.String("analytics-ns")}); err != nil {
		t.Fatal(err)
	}
	if _, err := rs.CreateWorkgroup(ctx, &redshiftserverless.CreateWorkgroupInput{WorkgroupName: aws.String("analytics-wg"), NamespaceName: aws.String("analytics-ns")}); err != nil {
		t.Fatal(err)
	}
	// The guardrails refuse clusters that do not exist, untagged or
	// unknown secrets and database users the owner did not allow.
	for _, cfg := range []aws.Config{cfgA, srv.Config(awsemu.AccountB)} {
		for _, id := range []string{"analytics", "other"} {
			if _, err := redshift.NewFromConfig(cfg).CreateCluster(ctx, &redshift.CreateClusterInput{
				ClusterIdentifier: aws.String(id), NodeType: aws.String("ra3.large"), ClusterType: aws.String("single-node"),
				MasterUsername: aws.String("admin"), MasterUserPassword: aws.String("Admin-Passw0rd"),
			}); err != nil {
				t.Fatal(err)
			}
		}
	}
	appSecret, err := secretsmanager.NewFromConfig(cfgA).CreateSecret(ctx, &secretsmanager.CreateSecretInput{
		Name: aws.String("app/cluster"), SecretString: aws.String(`{"username":"app_user"}`),
		Tags: []smtypes.Tag{{Key: aws.String("RedshiftDataFullAccess"), Value: aws.String("analytics")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	clientsA := access.NewClients(cfgA, guardrail.Config{DbUsers: []string{"app_user"}})

	grants := []map[string]any{
		{"Roles": []any{"analyst"}, "Clusters": []any{"analytics"}},
		{"Roles": []any{"analyst"}, "Workgroups": []any{"analytics-wg"}, "StatementOwnerOnly": "true"},
		{"Roles": []any{"analyst"}, "Clusters": []any{"analytics", "arn:aws:redshift:us-east-1:111111111111:cluster:other"}, "Workgroups": []any{"analytics-wg"},
			"Databases": []any{"dev", "sales"}, "DbUser": "app_user", "SecretArns": []any{aws.ToString(appSecret.ARN)},
			"AssumeRoleArns": []any{"arn:aws:iam::222222222222:role/data-api"}},
		{"Roles": []any{"analyst"}, "Clusters": []any{"analytics"}, "AuthMethods": []any{"ClusterIamIdentity"}},
		{"Roles": []any{"analyst"}, "AssumeRoleArns": []any{"arn:aws:iam::222222222222:role/data-api"}},
	}
	a := access.NewAccess(clientsA)
	for i, props := range grants {
		if _, err := a.Create(ctx, resourceRequest(access.AccessType, fmt.Sprintf("Grant%d", i), props)); err != nil {
			t.Fatalf("grant %d: %v", i, err)
		}
	}

	cfgB := srv.Config(awsemu.AccountB)
	iamB := iam.NewFromConfig(cfgB)
	cross := access.NewCrossAccountRole(access.NewClients(cfgB, guardrail.Config{}))
	for i, props := range []map[string]any{
		{"TrustedPrincipalArns": []any{"arn:aws:iam::111111111111:role/analyst"}, "PolicyMode": "Managed"},
		{"TrustedPrincipalArns": []any{"111111111111"}, "ExternalId": "ext-1", "Clusters": []any{"analytics"}},
	} {
		if _, err := cross.Create(ctx, resourceRequest(access.CrossAccountRoleType, fmt.Sprintf("Cross%d", i), props)); err != nil {
			t.Fatalf("cross-account role %d: %v", i, err)
		}
	}

	n := checkAccount(t, ref, iamA) + checkAccount(t, ref, iamB)
	t.Logf("checked %d documents the resources wrote", n)
	// Five grants' policies, two trust policies and the scoped role's
	// inline policy at least.
	if n < 8 {
		t.Errorf("checked %d documents, want every one the resources wrote", n)
	}
}

func resourceRequest(resourceType, logicalID string, props map[string]any) customresource.Request {
	return customresource.Request{
		Action: customresource.ActionCreate, RequestID: "req-" + logicalID, ResourceType: resourceType,
		StackID:           "arn:aws:cloudformation:us-east-1:111111111111:stack/iamref/0b6a1c70-4f3e-11ef-9a5c-0a1b2c3d4e5f",
		LogicalResourceID: logicalID, Properties: props,
	}
}

// checkAccount checks every customer managed policy, role trust policy and
// role inline policy of the account, and returns how many it checked.
func checkAccount(t *testing.T, ref *iamref.Reference, c *iam.Client) int {
	t.Helper()
	ctx := t.Context()
	n := 0
	check := func(name, text string) {
		if decoded, err := url.QueryUnescape(text); err == nil {
			text = decoded
		}
		d, err := policy.Parse(text)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checkDoc(t, ref, name, d)
		n++
	}
	pols, err := c.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeLocal})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pols.Policies {
		v, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: p.Arn, VersionId: p.DefaultVersionId})
		if err != nil {
			t.Fatal(err)
		}
		check(aws.ToString(p.Arn), aws.ToString(v.PolicyVersion.Document))
	}
	roles, err := c.ListRoles(ctx, &iam.ListRolesInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roles.Roles {
		check(aws.ToString(r.Arn)+" trust", aws.ToString(r.AssumeRolePolicyDocument))
		inline, err := c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: r.RoleName})
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range inline.PolicyNames {
			p, err := c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: r.RoleName, PolicyName: aws.String(name)})
			if err != nil {
				t.Fatal(err)
			}
			check(aws.ToString(r.Arn)+" "+name, aws.ToString(p.PolicyDocument))
		}
	}
	return n
}
