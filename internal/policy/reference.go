package policy

// What IAM allows for the actions this package grants, kept from the Service
// Authorization Reference:
//
//   - https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonredshiftdataapi.html
//   - https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonredshift.html
//   - https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonredshiftserverless.html
//   - https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecretsmanager.html
//   - https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html
//   - https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
//
// and from the AWS managed policy AmazonRedshiftDataFullAccess (version v5):
// https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonRedshiftDataFullAccess.html

// ActionRef is what the reference says about one action.
type ActionRef struct {
	// ResourceTypes are the ARN resource types the action can be scoped to;
	// empty means the action supports no resource-level permission and
	// needs Resource "*".
	ResourceTypes []string
	// ConditionKeys are the service-specific and global condition keys
	// the action supports (beyond the aws: keys every action has).
	ConditionKeys []string
}

// Actions lists every action a document of this package may contain: the
// actions of AmazonRedshiftDataFullAccess plus sts:AssumeRole for the caller
// side of cross-account access. Tests check each generated document
// against it.
var Actions = map[string]ActionRef{
	// Data API actions that run against a cluster or a workgroup.
	"redshift-data:BatchExecuteStatement": {ResourceTypes: []string{"cluster", "workgroup"}, ConditionKeys: []string{"aws:ResourceTag/${TagKey}", "redshift-data:glue-catalog-arn", "redshift-data:session-owner-iam-userid"}},
	"redshift-data:ExecuteStatement":      {ResourceTypes: []string{"cluster", "workgroup"}, ConditionKeys: []string{"aws:ResourceTag/${TagKey}", "redshift-data:glue-catalog-arn", "redshift-data:session-owner-iam-userid"}},
	"redshift-data:DescribeTable":         {ResourceTypes: []string{"cluster", "workgroup"}, ConditionKeys: []string{"aws:ResourceTag/${TagKey}"}},
	"redshift-data:ListDatabases":         {ResourceTypes: []string{"cluster", "workgroup"}, ConditionKeys: []string{"aws:ResourceTag/${TagKey}"}},
	"redshift-data:ListSchemas":           {ResourceTypes: []string{"cluster", "workgroup"}, ConditionKeys: []string{"aws:ResourceTag/${TagKey}"}},
	"redshift-data:ListTables":            {ResourceTypes: []string{"cluster", "workgroup"}, ConditionKeys: []string{"aws:ResourceTag/${TagKey}"}},
	// Data API actions on statements: no resource type exists for a
	// statement, so they take Resource "*" and are narrowed by condition.
	"redshift-data:CancelStatement":    {ConditionKeys: []string{"redshift-data:statement-owner-iam-userid"}},
	"redshift-data:DescribeStatement":  {ConditionKeys: []string{"redshift-data:statement-owner-iam-userid"}},
	"redshift-data:GetStatementResult": {ConditionKeys: []string{"redshift-data:statement-owner-iam-userid"}},
	"redshift-data:ListStatements":     {ConditionKeys: []string{"redshift-data:statement-owner-iam-userid"}},

	"secretsmanager:GetSecretValue": {ResourceTypes: []string{"secret"}, ConditionKeys: []string{"aws:ResourceTag/${TagKey}", "secretsmanager:ResourceTag/${TagKey}", "secretsmanager:SecretId", "secretsmanager:VersionId", "secretsmanager:VersionStage"}},

	"redshift:GetClusterCredentials":        {ResourceTypes: []string{"dbname", "dbuser"}, ConditionKeys: []string{"redshift:DbName", "redshift:DbUser", "redshift:DurationSeconds"}},
	"redshift:GetClusterCredentialsWithIAM": {ResourceTypes: []string{"dbname"}},
	"redshift:CreateClusterUser":            {ResourceTypes: []string{"dbuser"}},

	"redshift-serverless:GetCredentials": {ResourceTypes: []string{"workgroup"}, ConditionKeys: []string{"aws:ResourceTag/${TagKey}"}},

	"iam:CreateServiceLinkedRole": {ResourceTypes: []string{"role"}, ConditionKeys: []string{"iam:AWSServiceName"}},

	"sts:AssumeRole": {ResourceTypes: []string{"role"}, ConditionKeys: []string{"sts:ExternalId", "aws:PrincipalTag/${TagKey}", "aws:RequestTag/${TagKey}", "aws:TagKeys"}},
}

// ConditionOperators are the condition operators IAM knows, without the
// IfExists suffix, which any of them may carry.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
var ConditionOperators = []string{
	"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike",
	"NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals",
	"DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals",
	"Bool", "BinaryEquals", "IpAddress", "NotIpAddress",
	"ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "Null",
}

// ManagedPolicySize is IAM's limit on a customer managed policy document,
// in characters without white space.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
const ManagedPolicySize = 6144

// InlineRolePolicySize is IAM's limit on the inline policies of one role
// together, in characters without white space.
const InlineRolePolicySize = 10240
