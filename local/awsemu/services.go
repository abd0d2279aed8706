package awsemu

import (
	"github.com/redshift-data-access/redshift-data-access/local/awsemu/ec2"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu/iam"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu/redshift"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu/redshiftdata"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu/redshiftserverless"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu/secretsmanager"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu/sts"
)

// services is every service and operation the emulator serves: the
// signing name, wire protocol and routing of each service, and the
// handler of each operation. An operation missing here is answered with
// InvalidAction or UnknownOperationException, as AWS answers an unknown
// action. The handler of operation Op of a service is the function or
// variable Op of the service's package.
var services = []*protocol.Service{
	{
		Name:      "iam",
		Protocol:  protocol.Query,
		Namespace: "https://iam.amazonaws.com/doc/2010-05-08/",
		Version:   "2010-05-08",
		Operations: map[string]protocol.Handler{
			// Roles and their inline policies.
			"CreateRole":                    iam.CreateRole,
			"GetRole":                       iam.GetRole,
			"UpdateRole":                    iam.UpdateRole,
			"UpdateAssumeRolePolicy":        iam.UpdateAssumeRolePolicy,
			"DeleteRole":                    iam.DeleteRole,
			"ListRoles":                     iam.ListRoles,
			"PutRolePolicy":                 iam.PutRolePolicy,
			"GetRolePolicy":                 iam.GetRolePolicy,
			"DeleteRolePolicy":              iam.DeleteRolePolicy,
			"ListRolePolicies":              iam.ListRolePolicies,
			"PutRolePermissionsBoundary":    iam.PutRolePermissionsBoundary,
			"DeleteRolePermissionsBoundary": iam.DeleteRolePermissionsBoundary,
			// Users and groups.
			"CreateUser":          iam.CreateUser,
			"GetUser":             iam.GetUser,
			"DeleteUser":          iam.DeleteUser,
			"CreateGroup":         iam.CreateGroup,
			"GetGroup":            iam.GetGroup,
			"DeleteGroup":         iam.DeleteGroup,
			"AddUserToGroup":      iam.AddUserToGroup,
			"RemoveUserFromGroup": iam.RemoveUserFromGroup,
			"CreateAccessKey":     iam.CreateAccessKey,
			// Managed policies, their versions and attachments.
			"CreatePolicy":              iam.CreatePolicy,
			"GetPolicy":                 iam.GetPolicy,
			"DeletePolicy":              iam.DeletePolicy,
			"ListPolicies":              iam.ListPolicies,
			"CreatePolicyVersion":       iam.CreatePolicyVersion,
			"GetPolicyVersion":          iam.GetPolicyVersion,
			"ListPolicyVersions":        iam.ListPolicyVersions,
			"DeletePolicyVersion":       iam.DeletePolicyVersion,
			"SetDefaultPolicyVersion":   iam.SetDefaultPolicyVersion,
			"AttachRolePolicy":          iam.AttachRolePolicy,
			"DetachRolePolicy":          iam.DetachRolePolicy,
			"ListAttachedRolePolicies":  iam.ListAttachedRolePolicies,
			"AttachUserPolicy":          iam.AttachUserPolicy,
			"DetachUserPolicy":          iam.DetachUserPolicy,
			"ListAttachedUserPolicies":  iam.ListAttachedUserPolicies,
			"AttachGroupPolicy":         iam.AttachGroupPolicy,
			"DetachGroupPolicy":         iam.DetachGroupPolicy,
			"ListAttachedGroupPolicies": iam.ListAttachedGroupPolicies,
			"ListEntitiesForPolicy":     iam.ListEntitiesForPolicy,
			// Tags.
			"TagRole":        iam.TagRole,
			"UntagRole":      iam.UntagRole,
			"ListRoleTags":   iam.ListRoleTags,
			"TagUser":        iam.TagUser,
			"UntagUser":      iam.UntagUser,
			"ListUserTags":   iam.ListUserTags,
			"TagPolicy":      iam.TagPolicy,
			"UntagPolicy":    iam.UntagPolicy,
			"ListPolicyTags": iam.ListPolicyTags,
		},
	},
	{
		Name:      "sts",
		Protocol:  protocol.Query,
		Namespace: "https://sts.amazonaws.com/doc/2011-06-15/",
		Version:   "2011-06-15",
		Operations: map[string]protocol.Handler{
			"GetCallerIdentity": sts.GetCallerIdentity,
			"AssumeRole":        sts.AssumeRole,
		},
	},
	{
		Name:         "secretsmanager",
		Protocol:     protocol.JSON11,
		TargetPrefix: "secretsmanager",
		Operations: map[string]protocol.Handler{
			"CreateSecret":      secretsmanager.CreateSecret,
			"DescribeSecret":    secretsmanager.DescribeSecret,
			"GetSecretValue":    secretsmanager.GetSecretValue,
			"PutSecretValue":    secretsmanager.PutSecretValue,
			"UpdateSecret":      secretsmanager.UpdateSecret,
			"DeleteSecret":      secretsmanager.DeleteSecret,
			"RestoreSecret":     secretsmanager.RestoreSecret,
			"TagResource":       secretsmanager.TagResource,
			"UntagResource":     secretsmanager.UntagResource,
			"ListSecrets":       secretsmanager.ListSecrets,
			"GetRandomPassword": secretsmanager.GetRandomPassword,
		},
	},
	{
		Name:      "ec2",
		Protocol:  protocol.EC2Query,
		Namespace: "http://ec2.amazonaws.com/doc/2016-11-15/",
		Version:   "2016-11-15",
		Operations: map[string]protocol.Handler{
			"CreateVpc":              ec2.CreateVpc,
			"DescribeVpcs":           ec2.DescribeVpcs,
			"ModifyVpcAttribute":     ec2.ModifyVpcAttribute,
			"DescribeVpcAttribute":   ec2.DescribeVpcAttribute,
			"CreateSubnet":           ec2.CreateSubnet,
			"DescribeSubnets":        ec2.DescribeSubnets,
			"CreateSecurityGroup":    ec2.CreateSecurityGroup,
			"DescribeSecurityGroups": ec2.DescribeSecurityGroups,
			"CreateVpcEndpoint":      ec2.CreateVpcEndpoint,
			"DescribeVpcEndpoints":   ec2.DescribeVpcEndpoints,
			"ModifyVpcEndpoint":      ec2.ModifyVpcEndpoint,
			"DeleteVpcEndpoints":     ec2.DeleteVpcEndpoints,
			"CreateTags":             ec2.CreateTags,
			"DeleteTags":             ec2.DeleteTags,
		},
	},
	{
		Name:      "redshift",
		Protocol:  protocol.Query,
		Namespace: "http://redshift.amazonaws.com/doc/2012-12-01/",
		Version:   "2012-12-01",
		Operations: map[string]protocol.Handler{
			"CreateCluster":                redshift.CreateCluster,
			"DescribeClusters":             redshift.DescribeClusters,
			"DeleteCluster":                redshift.DeleteCluster,
			"GetClusterCredentials":        redshift.GetClusterCredentials,
			"GetClusterCredentialsWithIAM": redshift.GetClusterCredentialsWithIAM,
		},
	},
	{
		Name:         "redshift-serverless",
		Protocol:     protocol.JSON11,
		TargetPrefix: "RedshiftServerless",
		Operations: map[string]protocol.Handler{
			"CreateNamespace":     redshiftserverless.CreateNamespace,
			"GetNamespace":        redshiftserverless.GetNamespace,
			"CreateWorkgroup":     redshiftserverless.CreateWorkgroup,
			"GetWorkgroup":        redshiftserverless.GetWorkgroup,
			"ListWorkgroups":      redshiftserverless.ListWorkgroups,
			"DeleteWorkgroup":     redshiftserverless.DeleteWorkgroup,
			"TagResource":         redshiftserverless.TagResource,
			"UntagResource":       redshiftserverless.UntagResource,
			"ListTagsForResource": redshiftserverless.ListTagsForResource,
			"GetCredentials":      redshiftserverless.GetCredentials,
		},
	},
	{
		Name:         "redshift-data",
		Protocol:     protocol.JSON11,
		TargetPrefix: "RedshiftData",
		Operations: map[string]protocol.Handler{
			"ExecuteStatement":      redshiftdata.ExecuteStatement,
			"BatchExecuteStatement": redshiftdata.BatchExecuteStatement,
			"DescribeStatement":     redshiftdata.DescribeStatement,
			"GetStatementResult":    redshiftdata.GetStatementResult,
			"ListStatements":        redshiftdata.ListStatements,
			"CancelStatement":       redshiftdata.CancelStatement,
		},
	},
}
