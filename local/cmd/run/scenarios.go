package main

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/redshift-data-access/redshift-data-access/internal/access"
	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/internal/dbuser"
	"github.com/redshift-data-access/redshift-data-access/internal/endpoint"
	"github.com/redshift-data-access/redshift-data-access/internal/secret"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
	"github.com/redshift-data-access/redshift-data-access/local/prerequisites"
)

// scenario is one part of the run, in its own section of the report.
type scenario struct {
	title string
	run   func(ctx context.Context, r *runner) error
}

// scenarios are the cases the issues ask for, in the order a person would
// deploy them.
func scenarios() []scenario {
	return []scenario{
		{"secret for a provisioned cluster", secretForCluster},
		{"secret for a serverless workgroup", secretForWorkgroup},
		// The seed's temporary-credential paths need their database user
		// to exist first.
		{"database user redshift_data_api_user on the cluster (temporary credentials)", dbuserOnCluster},
		{"database user IAMR:<role> on a serverless workgroup", dbuserOnWorkgroup},
		{"managed grant to a role", managedGrant},
		{"scoped grant for a workgroup", scopedGrant},
		{"cross-account access: a role in account B, the caller grant in account A", crossAccount},
		{"interface VPC endpoint for the Data API", vpcEndpoint},
		{"event-driven provisioning: a key's life by EventBridge events", eventLifecycle},
	}
}

func secretForCluster(ctx context.Context, r *runner) error {
	x, err := r.newResource(ctx, "secret (cluster)", secret.ResourceType, secretFunction, awsemu.AccountA, "ClusterSecret",
		secretState(secretsmanager.NewFromConfig(r.srv.Config(awsemu.AccountA))))
	if err != nil {
		return err
	}
	create := map[string]any{"ClusterIdentifier": prerequisites.ClusterID, "Username": "myusername", "Database": "dev", "Tags": []any{map[string]any{"Key": "team", "Value": "analytics"}}}
	return x.lifecycle(ctx, plan{
		create:  create,
		inPlace: with(create, map[string]any{"Description": "Credentials of myusername on examplecluster", "Tags": []any{map[string]any{"Key": "team", "Value": "data"}}}),
		replace: with(create, map[string]any{"Name": "redshift-data-api/examplecluster-v2"}),
		invalid: with(create, map[string]any{"PasswordLength": "7"}),
	})
}

func secretForWorkgroup(ctx context.Context, r *runner) error {
	x, err := r.newResource(ctx, "secret (workgroup)", secret.ResourceType, secretFunction, awsemu.AccountA, "WorkgroupSecret",
		secretState(secretsmanager.NewFromConfig(r.srv.Config(awsemu.AccountA))))
	if err != nil {
		return err
	}
	create := map[string]any{"WorkgroupName": prerequisites.WorkgroupName, "Username": "myusername", "Password": r.password, "TagValue": "serverless", "RecoveryWindowInDays": "0"}
	return x.lifecycle(ctx, plan{
		create:  create,
		inPlace: with(create, map[string]any{"Database": "sales"}),
		replace: with(create, map[string]any{"Name": "redshift-data-api/default-workgroup-v2"}),
		invalid: with(create, map[string]any{"RecoveryWindowInDays": "3"}),
	})
}

func managedGrant(ctx context.Context, r *runner) error {
	x, err := r.newResource(ctx, "access (Managed)", access.AccessType, accessFunction, awsemu.AccountA, "ManagedAccess",
		accessState(iam.NewFromConfig(r.srv.Config(awsemu.AccountA)), prerequisites.AnalystRole, prerequisites.LoaderRole))
	if err != nil {
		return err
	}
	logins, err := r.prepareSQL(ctx, awsemu.AccountA, true)
	if err != nil {
		return err
	}
	sql := newSQLCheck(r, "SQL as the Managed grant's role")
	analyst := principal{chain: []string{r.roleArn(prerequisites.AnalystRole)}}
	return x.lifecycle(ctx, plan{
		create:  map[string]any{"PolicyMode": "Managed", "Roles": []any{prerequisites.AnalystRole}},
		inPlace: map[string]any{"PolicyMode": "Managed", "Roles": []any{prerequisites.AnalystRole, prerequisites.LoaderRole}},
		replace: map[string]any{"PolicyMode": "Scoped", "Roles": []any{prerequisites.AnalystRole}, "Clusters": []any{prerequisites.ClusterID}},
		invalid: map[string]any{"PolicyMode": "Managed", "Roles": []any{prerequisites.AnalystRole}, "Clusters": []any{prerequisites.ClusterID}},
		// The managed policy reads only secrets, and gets credentials
		// only for workgroups, tagged RedshiftDataFullAccess.
		afterCreate: func(ctx context.Context) error {
			return sql.run(ctx, "after the Create", analyst, []sqlCall{
				clusterAsIAM(true), clusterAsAPIUser(true), clusterWithSecret(taggedSecret, logins.taggedSecret, true),
				clusterWithSecret(untaggedSecret, logins.untaggedSecret, false), workgroupAsIAM(false),
			})
		},
		afterDelete: func(ctx context.Context) error {
			return sql.run(ctx, "after the Delete", analyst, []sqlCall{clusterAsIAM(false), clusterWithSecret(taggedSecret, logins.taggedSecret, false)})
		},
	})
}

func scopedGrant(ctx context.Context, r *runner) error {
	x, err := r.newResource(ctx, "access (Scoped, workgroup)", access.AccessType, accessFunction, awsemu.AccountA, "ScopedAccess",
		accessState(iam.NewFromConfig(r.srv.Config(awsemu.AccountA)), prerequisites.AnalystRole))
	if err != nil {
		return err
	}
	create := map[string]any{"Roles": []any{prerequisites.AnalystRole}, "Users": []any{prerequisites.AnalystUser}, "Workgroups": []any{prerequisites.WorkgroupName}, "TagWorkgroups": "true"}
	// Databases would not change this policy: it narrows only the
	// dbname resources of clusters.
	inPlace := with(create, map[string]any{"Roles": []any{prerequisites.AnalystRole, prerequisites.LoaderRole}})
	logins, err := r.prepareSQL(ctx, awsemu.AccountA, true)
	if err != nil {
		return err
	}
	sql := newSQLCheck(r, "SQL as the Scoped grant's role and user")
	analyst := principal{chain: []string{r.roleArn(prerequisites.AnalystRole)}}
	analystUser := principal{user: prerequisites.AnalystUser}
	return x.lifecycle(ctx, plan{
		create:  create,
		inPlace: inPlace,
		replace: with(inPlace, map[string]any{"PolicyName": "data-api-analyst-workgroup"}),
		invalid: with(inPlace, map[string]any{"PolicyMode": "Sometimes"}),
		// The policy names the workgroup only; StatementOwnerOnly is on
		// by default.
		afterCreate: func(ctx context.Context) error {
			if err := sql.run(ctx, "after the Create", analyst, []sqlCall{
				workgroupAsIAM(true), workgroupWithSecret(taggedSecret, logins.taggedSecret, true), clusterAsIAM(false),
			}); err != nil {
				return err
			}
			if err := sql.ownerOnly(ctx, analyst, workgroupTarget()); err != nil {
				return err
			}
			// The grant's user logs in as IAM:analyst.
			return sql.run(ctx, "after the Create", analystUser, []sqlCall{workgroupAsIAM(true), clusterAsIAM(false)})
		},
		afterDelete: func(ctx context.Context) error {
			if err := sql.run(ctx, "after the Delete", analyst, []sqlCall{workgroupAsIAM(false)}); err != nil {
				return err
			}
			return sql.run(ctx, "after the Delete", analystUser, []sqlCall{workgroupAsIAM(false)})
		},
	})
}

// crossAccount follows the seed's cross-account procedure: account B,
// which owns the cluster, creates a role that trusts account A's role; a
// grant in account A lets that role assume it; the role then does. The
// dependent grant is updated after the role's replacement and before the
// old role's cleanup, and deleted first, as CloudFormation orders them.
func crossAccount(ctx context.Context, r *runner) error {
	role, err := r.newResource(ctx, "cross-account role (account B)", access.CrossAccountRoleType, accessFunction, awsemu.AccountB, "DataApiRole",
		roleState(iam.NewFromConfig(r.srv.Config(awsemu.AccountB))))
	if err != nil {
		return err
	}
	caller, err := r.newResource(ctx, "caller grant (account A)", access.AccessType, accessFunction, awsemu.AccountA, "CallerSide",
		accessState(iam.NewFromConfig(r.srv.Config(awsemu.AccountA)), prerequisites.CallerRole))
	if err != nil {
		return err
	}
	check := newAssumeCheck(r)
	logins, err := r.prepareSQL(ctx, awsemu.AccountB, false)
	if err != nil {
		return err
	}
	sql := newSQLCheck(r, "SQL across accounts, as account B's role")

	roleProps := map[string]any{"TrustedPrincipalArns": []any{r.world.CallerRoleArn}, "RoleName": "someRoleB", "PolicyMode": "Managed"}
	if err := role.create(ctx, roleProps); err != nil {
		return err
	}
	callerProps := func(roleArn string) map[string]any {
		return map[string]any{"Roles": []any{prerequisites.CallerRole}, "AssumeRoleArns": []any{roleArn}}
	}
	if err := caller.create(ctx, callerProps(role.id)); err != nil {
		return err
	}
	if err := check.run(ctx, role.id, true); err != nil {
		return err
	}
	chain := func() principal { return principal{chain: []string{r.world.CallerRoleArn, role.id}} }
	if err := sql.run(ctx, "after the Creates", chain(), []sqlCall{
		clusterAsIAM(true), clusterAsAPIUser(true), clusterWithSecret(taggedSecret, logins.taggedSecret, true),
		clusterWithSecret(untaggedSecret, logins.untaggedSecret, false),
	}); err != nil {
		return err
	}
	if err := role.updateInPlace(ctx, with(roleProps, map[string]any{"Description": "Data API access for account " + awsemu.AccountA})); err != nil {
		return err
	}
	oldRole, oldRoleProps, err := role.replace(ctx, with(roleProps, map[string]any{"RoleName": "someRoleB-v2"}))
	if err != nil {
		return err
	}
	if err := caller.updateInPlace(ctx, callerProps(role.id)); err != nil {
		return err
	}
	if err := role.cleanup(ctx, oldRole, oldRoleProps); err != nil {
		return err
	}
	if err := check.run(ctx, role.id, true); err != nil {
		return err
	}
	oldCaller, oldCallerProps, err := caller.replace(ctx, with(caller.props, map[string]any{"PolicyName": "cross-account-caller"}))
	if err != nil {
		return err
	}
	if err := caller.cleanup(ctx, oldCaller, oldCallerProps); err != nil {
		return err
	}
	if err := caller.failAndRollback(ctx, with(caller.props, map[string]any{"PolicyMode": "Sometimes"})); err != nil {
		return err
	}
	if err := role.failAndRollback(ctx, with(role.props, map[string]any{"TrustedPrincipalArns": []any{prerequisites.CallerRole}})); err != nil {
		return err
	}
	if err := caller.delete(ctx); err != nil {
		return err
	}
	if err := check.run(ctx, role.id, false); err != nil {
		return err
	}
	if err := sql.run(ctx, "after the caller grant's Delete", chain(), []sqlCall{clusterAsIAM(false)}); err != nil {
		return err
	}
	return role.delete(ctx)
}

func vpcEndpoint(ctx context.Context, r *runner) error {
	x, err := r.newResource(ctx, "endpoint", endpoint.ResourceType, endpointFunction, awsemu.AccountA, "DataApiEndpoint",
		endpointState(ec2.NewFromConfig(r.srv.Config(awsemu.AccountA))))
	if err != nil {
		return err
	}
	w := r.world
	create := map[string]any{"VpcId": w.VPC, "SubnetIds": []any{w.SubnetA}, "SecurityGroupIds": []any{w.SecurityGroup}, "Tags": []any{map[string]any{"Key": "team", "Value": "analytics"}}}
	return x.lifecycle(ctx, plan{
		create:  create,
		inPlace: with(create, map[string]any{"SubnetIds": []any{w.SubnetA, w.SubnetB}}),
		// The other VPC's default security group.
		replace: map[string]any{"VpcId": w.OtherVPC, "SubnetIds": []any{w.OtherSubnet}},
		invalid: map[string]any{"VpcId": w.OtherVPC, "SubnetIds": []any{w.OtherSubnet}, "PrivateDnsEnabled": "maybe"},
	})
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

// secretPropertyNames are the properties whose values the report redacts,
// as the resources declare them.
func secretPropertyNames() []string {
	var names []string
	for _, r := range []any{secret.New(nil, ""), access.NewAccess(access.Clients{}), access.NewCrossAccountRole(access.Clients{}), endpoint.New(nil, ""), dbuser.New(nil, nil)} {
		if s, ok := r.(customresource.SecretProperties); ok {
			names = append(names, s.SecretProperties()...)
		}
	}
	return names
}
