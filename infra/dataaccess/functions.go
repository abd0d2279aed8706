package dataaccess

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
)

// functionSpec describes one function of the provider.
type functionSpec struct {
	function       Function
	id             string // construct ID prefix
	description    string
	timeoutMinutes float64
	permissions    func(stack awscdk.Stack, props *ProviderProps) []permission
}

// functionSpecs returns the provider's functions. The endpoint function
// waits for a VPC endpoint to become available, which takes minutes, so it
// gets Lambda's maximum; the others make a few API calls, and their
// bounded retries on IAM eventual consistency stay well below five minutes.
func functionSpecs() []functionSpec {
	return []functionSpec{
		{
			function:       FunctionSecret,
			id:             "Secret",
			description:    "Custom::RedshiftDataApiSecret: Secrets Manager secrets with Redshift credentials.",
			timeoutMinutes: 5,
			permissions:    secretPermissions,
		},
		{
			function:       FunctionAccess,
			id:             "Access",
			description:    "Custom::RedshiftDataApiAccess and Custom::RedshiftDataApiCrossAccountRole: IAM access to the Redshift Data API.",
			timeoutMinutes: 5,
			permissions:    accessPermissions,
		},
		{
			function:       FunctionEndpoint,
			id:             "Endpoint",
			description:    "Custom::RedshiftDataApiEndpoint: interface VPC endpoints for the Redshift Data API.",
			timeoutMinutes: 15,
			permissions:    endpointPermissions,
		},
		{
			function:       FunctionDBUser,
			id:             "DatabaseUser",
			description:    "Custom::RedshiftDataApiDatabaseUser: database users inside Redshift, through the Data API.",
			timeoutMinutes: 5,
			permissions:    dbuserPermissions,
		},
	}
}

// specOf returns the spec of function fn, and false for a Function that is
// not one of the provider's.
func specOf(fn Function) (functionSpec, bool) {
	for _, spec := range functionSpecs() {
		if spec.function == fn {
			return spec, true
		}
	}
	return functionSpec{}, false
}

// The names and tags that bound what the functions may change. The handlers
// create every policy, role and secret under these names, and tag every VPC
// endpoint with StackIDTag when they create it.
const (
	// NamePrefix starts the name of every secret and the path of every
	// policy and role that the functions create.
	NamePrefix = "redshift-data-api/"
	// StackIDTag is on every resource the functions create.
	StackIDTag = "redshift-data-access:stack-id"
	// ledgerTagKeys matches the tag keys that the access function writes on
	// principals to record the grants they hold.
	ledgerTagKeys = "redshift-data-access:*"
	// managedPolicyName is the AWS managed policy of PolicyMode Managed.
	managedPolicyName = "AmazonRedshiftDataFullAccess"
	// dataAPITagKey is the tag that AmazonRedshiftDataFullAccess requires
	// on secrets and serverless workgroups.
	dataAPITagKey = "RedshiftDataFullAccess"
)

func secretPermissions(stack awscdk.Stack, props *ProviderProps) []permission {
	ownSecrets := []resource{arnPattern("arn:<partition>:secretsmanager:<region>:<account>:secret:" + NamePrefix + "*")}
	const secretsWhy = "secret names are generated per resource, and Secrets Manager appends a random suffix to every secret ARN; " +
		"the wildcard stays within the name prefix " + NamePrefix + " that every secret of this function has"
	perms := []permission{
		{
			sid:       "CreateOnlyTaggedDataApiSecrets",
			actions:   []string{"secretsmanager:CreateSecret"},
			resources: ownSecrets,
			conditions: map[string]map[string]any{
				"Null": {"aws:RequestTag/" + StackIDTag: "false"},
			},
			why: secretsWhy + "; the aws:RequestTag condition requires the tag " + StackIDTag + " at creation, " +
				"which is what lets the ChangeOwnDataApiSecrets statement change only secrets this function created",
		},
		{
			sid:       "ReadAndTagDataApiSecrets",
			actions:   []string{"secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:TagResource"},
			resources: ownSecrets,
			why: secretsWhy + "; reading tells whether a secret is this function's own, and CreateSecret with tags " +
				"needs TagResource on a secret that has no tag yet",
		},
		{
			sid: "ChangeOwnDataApiSecrets",
			actions: []string{
				"secretsmanager:DeleteSecret", "secretsmanager:PutSecretValue",
				"secretsmanager:RestoreSecret", "secretsmanager:UntagResource",
				"secretsmanager:UpdateSecret",
			},
			resources: ownSecrets,
			conditions: map[string]map[string]any{
				"Null": {"secretsmanager:ResourceTag/" + StackIDTag: "false"},
			},
			why: secretsWhy + "; the secretsmanager:ResourceTag condition limits changes, deletion and restore to secrets tagged " + StackIDTag,
		},
		{
			sid:       "GenerateSecretPasswords",
			actions:   []string{"secretsmanager:GetRandomPassword"},
			resources: []resource{anyResource},
			why:       "GetRandomPassword supports no resource-level permissions; it only returns random characters",
		},
	}
	if props.SecretKmsKeyArns != nil && len(*props.SecretKmsKeyArns) > 0 {
		keys := make([]resource, 0, len(*props.SecretKmsKeyArns))
		for _, arn := range *props.SecretKmsKeyArns {
			keys = append(keys, tokenResource(arn))
		}
		// Secrets Manager needs GenerateDataKey to encrypt a new secret
		// value, Decrypt to read one, and Encrypt to re-encrypt the
		// existing versions when an update moves a secret to another key;
		// without Encrypt it silently leaves them under the old key.
		perms = append(perms, permission{
			sid:       "EncryptSecretsWithGivenKeys",
			actions:   []string{"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"},
			resources: keys,
			conditions: map[string]map[string]any{
				"StringEquals": {"kms:ViaService": fmt.Sprintf("secretsmanager.%s.amazonaws.com", *stack.Region())},
			},
		})
	}
	return perms
}

func accessPermissions(_ awscdk.Stack, props *ProviderProps) []permission {
	principals := []resource{
		arnPattern("arn:<partition>:iam::<account>:role/*"),
		arnPattern("arn:<partition>:iam::<account>:user/*"),
		arnPattern("arn:<partition>:iam::<account>:group/*"),
	}
	ownPolicies := arnPattern("arn:<partition>:iam::<account>:policy/" + NamePrefix + "*")
	managedPolicy := arnPattern("arn:<partition>:iam::aws:policy/" + managedPolicyName)
	perms := []permission{
		{
			sid: "ManageDataApiPolicies",
			actions: []string{
				"iam:CreatePolicy", "iam:CreatePolicyVersion", "iam:DeletePolicy",
				"iam:DeletePolicyVersion", "iam:GetPolicy", "iam:GetPolicyVersion",
				"iam:ListEntitiesForPolicy", "iam:ListPolicyTags", "iam:ListPolicyVersions",
				"iam:TagPolicy", "iam:UntagPolicy",
			},
			resources: []resource{ownPolicies},
			why: "policy names are generated per grant, and per group for the ledgers under /" + NamePrefix + "grants/ whose tags record a group's Managed grants; " +
				"the wildcard stays within the path /" + NamePrefix + " of every policy this function creates",
		},
		{
			sid: "AttachOnlyDataApiPolicies",
			actions: []string{
				"iam:AttachGroupPolicy", "iam:AttachRolePolicy", "iam:AttachUserPolicy",
				"iam:DetachGroupPolicy", "iam:DetachRolePolicy", "iam:DetachUserPolicy",
			},
			resources: principals,
			conditions: map[string]map[string]any{
				"ArnLike": {"iam:PolicyARN": []resource{managedPolicy, ownPolicies}},
			},
			why: "the roles, users and groups to grant access to are chosen by the stacks that use the provider and may be any in the account; " +
				"the iam:PolicyARN condition allows attaching and detaching only " + managedPolicyName + " and this function's own policies",
		},
		{
			sid:       "ListHoldersOfManagedPolicy",
			actions:   []string{"iam:ListEntitiesForPolicy"},
			resources: []resource{managedPolicy},
			why: "a Managed grant's Delete looks for every principal that holds " + managedPolicyName + " with the grant's record, " +
				"including one that an Update racing the Delete added; read only, on that one policy",
		},
		{
			sid: "ReadGrantedPrincipals",
			actions: []string{
				"iam:GetGroup", "iam:GetRole", "iam:GetUser",
				"iam:ListAttachedGroupPolicies", "iam:ListAttachedRolePolicies", "iam:ListAttachedUserPolicies",
				"iam:ListRoleTags", "iam:ListUserTags",
			},
			resources: principals,
			why:       "reads the principals a grant names, which may be any in the account, to check that they exist and which grants they hold; read only",
		},
		{
			sid:       "RecordGrantsOnPrincipals",
			actions:   []string{"iam:TagRole", "iam:TagUser", "iam:UntagRole", "iam:UntagUser"},
			resources: principals[:2],
			conditions: map[string]map[string]any{
				"ForAllValues:StringLike": {"aws:TagKeys": ledgerTagKeys},
				"Null":                    {"aws:TagKeys": "false"},
			},
			why: "a Managed grant records itself in a tag on the principal so that a Delete never detaches what another grant attached; " +
				"principals may be any role or user in the account, and the aws:TagKeys condition limits the function to the tag keys " + ledgerTagKeys,
		},
		{
			sid:       "ReadWorkgroups",
			actions:   []string{"redshift-serverless:GetWorkgroup", "redshift-serverless:ListTagsForResource"},
			resources: []resource{arnPattern("arn:<partition>:redshift-serverless:<region>:<account>:workgroup/*")},
			why:       "workgroup ARNs end in an ID that Redshift generates, not in the name a stack gives; read only",
		},
		{
			sid:       "ReadTargetClusters",
			actions:   []string{"redshift:DescribeClusters"},
			resources: []resource{arnPattern("arn:<partition>:redshift:<region>:<account>:cluster:*")},
			why:       "the guardrails check that each cluster a grant names exists and that DbUser is not its master user; clusters are chosen by the stacks that use the provider; read only",
		},
		{
			sid:       "TagWorkgroupsForDataApi",
			actions:   []string{"redshift-serverless:TagResource"},
			resources: []resource{arnPattern("arn:<partition>:redshift-serverless:<region>:<account>:workgroup/*")},
			conditions: map[string]map[string]any{
				"ForAllValues:StringEquals": {"aws:TagKeys": dataAPITagKey},
				"Null":                      {"aws:TagKeys": "false"},
			},
			why: "workgroup ARNs end in an ID that Redshift generates, not in the name a stack gives; " +
				"the aws:TagKeys condition allows only the tag " + dataAPITagKey + " that serverless temporary credentials need",
		},
	}
	perms = append(perms, readGrantedSecrets(props.Guardrails.AllowUntaggedSecrets))
	return append(perms, crossAccountRolePermissions(props.Guardrails.PermissionsBoundaryArn)...)
}

// readGrantedSecrets lets the guardrails describe the secrets of
// SecretArns, which the stacks choose: limited, like the guardrail, to
// secrets tagged RedshiftDataFullAccess unless the owner allows untagged
// ones. DescribeSecret reads metadata, never the value.
func readGrantedSecrets(allowUntagged bool) permission {
	p := permission{
		sid:       "ReadGrantedSecrets",
		actions:   []string{"secretsmanager:DescribeSecret"},
		resources: []resource{arnPattern("arn:<partition>:secretsmanager:<region>:<account>:secret:*")},
		conditions: map[string]map[string]any{
			"Null": {"secretsmanager:ResourceTag/" + dataAPITagKey: "false"},
		},
		why: "the guardrails check that each secret of SecretArns, which the stacks choose, exists and carries the tag " + dataAPITagKey +
			"; the secretsmanager:ResourceTag condition allows only the tagged ones",
	}
	if allowUntagged {
		p.conditions = nil
		p.why = "the guardrails check that each secret of SecretArns, which the stacks choose, exists; the owner allows untagged secrets"
	}
	return p
}

func endpointPermissions(awscdk.Stack, *ProviderProps) []permission {
	endpoints := arnPattern("arn:<partition>:ec2:<region>:<account>:vpc-endpoint/*")
	return []permission{
		{
			sid: "DescribeNetwork",
			actions: []string{
				"ec2:DescribeSecurityGroups", "ec2:DescribeSubnets",
				"ec2:DescribeVpcAttribute", "ec2:DescribeVpcEndpoints",
			},
			resources: []resource{anyResource},
			why:       "EC2 Describe actions support no resource-level permissions; they only read",
		},
		{
			sid:       "CreateOnlyTaggedEndpoints",
			actions:   []string{"ec2:CreateVpcEndpoint"},
			resources: []resource{endpoints},
			conditions: map[string]map[string]any{
				"Null": {"aws:RequestTag/" + StackIDTag: "false"},
			},
			why: "a new endpoint has no ID yet; the aws:RequestTag condition requires the tag " + StackIDTag + " at creation, " +
				"which is what lets the statements below change only endpoints this function created",
		},
		{
			sid:       "TagEndpointsAtCreation",
			actions:   []string{"ec2:CreateTags"},
			resources: []resource{endpoints},
			conditions: map[string]map[string]any{
				"StringEquals": {"ec2:CreateAction": "CreateVpcEndpoint"},
			},
			why: "endpoint IDs are generated by EC2; the ec2:CreateAction condition allows tagging only within CreateVpcEndpoint",
		},
		{
			sid:       "ManageOwnEndpoints",
			actions:   []string{"ec2:CreateTags", "ec2:DeleteTags", "ec2:DeleteVpcEndpoints", "ec2:ModifyVpcEndpoint"},
			resources: []resource{endpoints},
			conditions: map[string]map[string]any{
				"Null": {"ec2:ResourceTag/" + StackIDTag: "false"},
			},
			why: "endpoint IDs are generated by EC2; the ec2:ResourceTag condition limits changes to endpoints tagged " + StackIDTag + " by this function",
		},
		{
			// The Service Authorization Reference lists this as a dependent
			// action of ec2:CreateVpcEndpoint: with private DNS, EC2
			// associates the VPC with the private hosted zone it manages for
			// the endpoint, on the caller's authority.
			sid:       "AssociateEndpointPrivateDns",
			actions:   []string{"route53:AssociateVPCWithHostedZone"},
			resources: []resource{arnPattern("arn:<partition>:route53:::hostedzone/*")},
			why: "with private DNS, EC2 associates the endpoint's VPC with a private hosted zone that it manages and whose ID " +
				"is not known beforehand; the function makes no Route 53 call of its own",
		},
		{
			sid:     "PlaceEndpointsInVpcs",
			actions: []string{"ec2:CreateVpcEndpoint", "ec2:ModifyVpcEndpoint"},
			resources: []resource{
				arnPattern("arn:<partition>:ec2:<region>:<account>:security-group/*"),
				arnPattern("arn:<partition>:ec2:<region>:<account>:subnet/*"),
				arnPattern("arn:<partition>:ec2:<region>:<account>:vpc/*"),
			},
			why: "the VPC, subnets and security groups of an endpoint are chosen by the stacks that use the provider; " +
				"EC2 checks CreateVpcEndpoint and ModifyVpcEndpoint against each of them, and they are not changed",
		},
	}
}

// crossAccountRolePermissions lets the access function manage the roles of
// Custom::RedshiftDataApiCrossAccountRole, only under the provider's path.
// When the owner requires a permissions boundary, IAM itself refuses a
// role without it: CreateRole and PutRolePermissionsBoundary carry an
// iam:PermissionsBoundary condition, and the boundary can never be removed.
// Service-linked roles are denied outright, whatever other statement
// allows.
func crossAccountRolePermissions(boundaryArn string) []permission {
	ownRoles := []resource{arnPattern("arn:<partition>:iam::<account>:role/" + NamePrefix + "*")}
	manage := []string{
		"iam:DeleteRole", "iam:DeleteRolePolicy", "iam:GetRole", "iam:GetRolePolicy",
		"iam:ListRolePolicies", "iam:PutRolePolicy",
		"iam:TagRole", "iam:UntagRole", "iam:UpdateAssumeRolePolicy",
		"iam:UpdateRole",
	}
	why := "role names are generated per cross-account role; the wildcard stays within the path /" + NamePrefix + " of every role this function creates"
	deny := permission{
		sid: "NeverTouchServiceLinkedRoles",
		actions: []string{
			"iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy",
			"iam:TagRole", "iam:UntagRole", "iam:UpdateAssumeRolePolicy",
		},
		resources: []resource{arnPattern("arn:<partition>:iam::<account>:role/aws-service-role/*")},
		deny:      true,
		why:       "service-linked roles belong to AWS services; no grant may change them",
	}
	if boundaryArn == "" {
		return []permission{{
			sid:       "ManageCrossAccountRoles",
			actions:   append(manage, "iam:CreateRole", "iam:DeleteRolePermissionsBoundary", "iam:PutRolePermissionsBoundary"),
			resources: ownRoles,
			why: why + "; the permissions boundary is whichever managed policy a stack names in PermissionsBoundaryArn, " +
				"so no iam:PermissionsBoundary condition can list it in advance",
		}, deny}
	}
	return []permission{
		{sid: "ManageCrossAccountRoles", actions: manage, resources: ownRoles, why: why},
		{
			sid:        "CreateRolesOnlyWithBoundary",
			actions:    []string{"iam:CreateRole", "iam:PutRolePermissionsBoundary"},
			resources:  ownRoles,
			conditions: map[string]map[string]any{"StringEquals": {"iam:PermissionsBoundary": boundaryArn}},
			why:        why + "; the iam:PermissionsBoundary condition requires the provider owner's boundary",
		},
		deny,
	}
}
