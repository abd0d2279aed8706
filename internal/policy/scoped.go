package policy

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/redshift-data-access/redshift-data-access/internal/awsarn"
)

// AuthMethod is a way the Data API authenticates to the database, each
// needing its own permissions.
type AuthMethod string

// The authentication methods of the Data API.
const (
	// AuthSecretsManager reads credentials from a Secrets Manager secret.
	AuthSecretsManager AuthMethod = "SecretsManager"
	// AuthClusterTemporaryCredentials gets temporary credentials of a
	// named database user of a provisioned cluster.
	AuthClusterTemporaryCredentials AuthMethod = "ClusterTemporaryCredentials"
	// AuthClusterIAMIdentity gets temporary credentials of the database
	// user mapped to the caller's IAM identity on a provisioned cluster.
	AuthClusterIAMIdentity AuthMethod = "ClusterIamIdentity"
	// AuthServerlessTemporaryCredentials gets temporary credentials of the
	// database user mapped to the caller's IAM identity on a workgroup.
	AuthServerlessTemporaryCredentials AuthMethod = "ServerlessTemporaryCredentials"
)

// AuthMethods lists every AuthMethod, in the order documents list them.
var AuthMethods = []AuthMethod{AuthSecretsManager, AuthClusterTemporaryCredentials, AuthClusterIAMIdentity, AuthServerlessTemporaryCredentials}

// DefaultDbUser is the database user of the seed for cluster temporary
// credentials, the one AmazonRedshiftDataFullAccess names.
const DefaultDbUser = "redshift_data_api_user"

// TagKey is the tag that AmazonRedshiftDataFullAccess requires on secrets
// and workgroups.
const TagKey = "RedshiftDataFullAccess"

// Scope is what a scoped policy grants. ARNs are resolved by the caller:
// the generator makes no AWS call.
type Scope struct {
	// Partition, Region and Account locate the ARNs the generator builds
	// (secrets, the service-linked role).
	Partition, Region, Account string
	// ClusterArns are the provisioned clusters the Data API may run
	// statements against (arn:<p>:redshift:<r>:<a>:cluster:<id>).
	ClusterArns []string
	// WorkgroupArns are the serverless workgroups
	// (arn:<p>:redshift-serverless:<r>:<a>:workgroup/<workgroup-id>).
	WorkgroupArns []string
	// Databases narrow temporary credentials to these databases; empty
	// means every database.
	Databases []string
	// AuthMethods are the authentication methods to allow; empty means
	// DefaultAuthMethods for the targets.
	AuthMethods []AuthMethod
	// SecretArns are the secrets GetSecretValue may read; empty means any
	// secret of the account and region tagged RedshiftDataFullAccess, as
	// the managed policy allows. An ARN without Secrets Manager's random
	// suffix is completed with "-??????" (see secretResource).
	SecretArns []string
	// DbUser is the database user of cluster temporary credentials;
	// empty means DefaultDbUser.
	DbUser string
	// StatementOwnerOnly limits Describe, GetStatementResult, Cancel and
	// List to the caller's own statements.
	StatementOwnerOnly bool
	// AssumeRoleArns are roles, usually in other accounts, that the
	// principals may assume.
	AssumeRoleArns []string
}

// ErrInvalidScope is returned, wrapped, for a Scope that cannot make a
// policy.
var ErrInvalidScope = errors.New("invalid policy scope")

// DefaultAuthMethods are the methods that fit the targets: Secrets Manager
// for any target, temporary credentials of a database user and of the IAM
// identity for clusters, temporary credentials for workgroups.
func DefaultAuthMethods(hasClusters, hasWorkgroups bool) []AuthMethod {
	var out []AuthMethod
	if hasClusters || hasWorkgroups {
		out = append(out, AuthSecretsManager)
	}
	if hasClusters {
		out = append(out, AuthClusterTemporaryCredentials, AuthClusterIAMIdentity)
	}
	if hasWorkgroups {
		out = append(out, AuthServerlessTemporaryCredentials)
	}
	return out
}

// Scoped returns the scoped policy: the statements of
// AmazonRedshiftDataFullAccess, each narrowed to the targets of s, plus
// sts:AssumeRole on s.AssumeRoleArns.
func Scoped(s Scope) (Document, error) {
	if err := s.check(); err != nil {
		return Document{}, err
	}
	methods := s.AuthMethods
	if len(methods) == 0 {
		methods = DefaultAuthMethods(len(s.ClusterArns) > 0, len(s.WorkgroupArns) > 0)
	}
	dbUser := s.DbUser
	if dbUser == "" {
		dbUser = DefaultDbUser
	}
	targets := append(slices.Clone(s.ClusterArns), s.WorkgroupArns...)

	var st []Statement
	if len(targets) > 0 {
		st = append(st, Statement{
			Sid:    "DataAPIPermissions",
			Effect: Allow,
			Action: Value{
				"redshift-data:BatchExecuteStatement",
				"redshift-data:ExecuteStatement",
				"redshift-data:ListDatabases",
				"redshift-data:ListSchemas",
				"redshift-data:ListTables",
				"redshift-data:DescribeTable",
			},
			Resource: targets,
		})
		// Statements have no ARN: these actions support no resource type,
		// so IAM only accepts Resource "*". The owner condition is what
		// narrows them.
		reads := Statement{
			Sid:    "DataAPIStatementPermissions",
			Effect: Allow,
			Action: Value{
				"redshift-data:CancelStatement",
				"redshift-data:ListStatements",
				"redshift-data:GetStatementResult",
				"redshift-data:DescribeStatement",
			},
			Resource: Value{"*"},
		}
		if s.StatementOwnerOnly {
			reads.Condition = Condition{"StringEquals": {"redshift-data:statement-owner-iam-userid": {"${aws:userid}"}}}
		}
		st = append(st, reads)
	}
	if slices.Contains(methods, AuthSecretsManager) {
		sm := Statement{Sid: "SecretsManagerPermissions", Effect: Allow, Action: Value{"secretsmanager:GetSecretValue"}}
		if len(s.SecretArns) > 0 {
			for _, a := range s.SecretArns {
				sm.Resource = append(sm.Resource, secretResource(a))
			}
		} else {
			sm.Resource = Value{awsarn.ARN{Partition: s.Partition, Service: "secretsmanager", Region: s.Region, Account: s.Account, Resource: "secret:*"}.String()}
			sm.Condition = Condition{"StringLike": {"secretsmanager:ResourceTag/" + TagKey: {"*"}}}
		}
		st = append(st, sm)
	}
	clusters, err := clusterParts(s.ClusterArns)
	if err != nil {
		return Document{}, err
	}
	if slices.Contains(methods, AuthClusterTemporaryCredentials) {
		var res, users Value
		for _, c := range clusters {
			res = append(res, c.dbNames(s.Databases)...)
			users = append(users, c.arn("dbuser", c.id+"/"+dbUser))
		}
		st = append(st,
			Statement{Sid: "GetCredentialsForAPIUser", Effect: Allow, Action: Value{"redshift:GetClusterCredentials"}, Resource: append(res, users...)},
			// As in the managed policy: the API user must exist already;
			// the Data API must not create it through AutoCreate.
			Statement{Sid: "DenyCreateAPIUser", Effect: Deny, Action: Value{"redshift:CreateClusterUser"}, Resource: users},
		)
	}
	if slices.Contains(methods, AuthClusterIAMIdentity) {
		var res Value
		for _, c := range clusters {
			res = append(res, c.dbNames(s.Databases)...)
		}
		st = append(st, Statement{Sid: "GetCredentialsWithFederatedIAMCredentials", Effect: Allow, Action: Value{"redshift:GetClusterCredentialsWithIAM"}, Resource: res})
	}
	if slices.Contains(methods, AuthServerlessTemporaryCredentials) {
		st = append(st, Statement{Sid: "GetCredentialsForServerless", Effect: Allow, Action: Value{"redshift-serverless:GetCredentials"}, Resource: slices.Clone(s.WorkgroupArns)})
	}
	if len(targets) > 0 {
		// The Data API creates its service-linked role on first use in an
		// account; the managed policy allows exactly that role.
		st = append(st, Statement{
			Sid:       "ServiceLinkedRole",
			Effect:    Allow,
			Action:    Value{"iam:CreateServiceLinkedRole"},
			Resource:  Value{awsarn.IAMARN(s.Partition, s.Account, awsarn.KindRole, "/aws-service-role/redshift-data.amazonaws.com/", "AWSServiceRoleForRedshift")},
			Condition: Condition{"StringLike": {"iam:AWSServiceName": {"redshift-data.amazonaws.com"}}},
		})
	}
	if len(s.AssumeRoleArns) > 0 {
		st = append(st, Statement{Sid: "AssumeCrossAccountRoles", Effect: Allow, Action: Value{"sts:AssumeRole"}, Resource: slices.Clone(s.AssumeRoleArns)})
	}
	return Document{Version: Version, Statement: st}, nil
}

// check reports scopes the generator cannot turn into a minimal policy.
func (s Scope) check() error {
	var errs []error
	if !awsarn.Supported(s.Partition) {
		errs = append(errs, fmt.Errorf("%w: partition %q is not one of %s", ErrInvalidScope, s.Partition, strings.Join(awsarn.Partitions(), ", ")))
	}
	if s.Region == "" || !awsarn.IsAccountID(s.Account) {
		errs = append(errs, fmt.Errorf("%w: region %q and account %q are required", ErrInvalidScope, s.Region, s.Account))
	}
	hasClusters, hasWorkgroups := len(s.ClusterArns) > 0, len(s.WorkgroupArns) > 0
	if !hasClusters && !hasWorkgroups && len(s.AssumeRoleArns) == 0 {
		errs = append(errs, fmt.Errorf("%w: no cluster, workgroup or role to assume", ErrInvalidScope))
	}
	for _, m := range s.AuthMethods {
		switch {
		case !slices.Contains(AuthMethods, m):
			errs = append(errs, fmt.Errorf("%w: unknown authentication method %q", ErrInvalidScope, m))
		case (m == AuthClusterTemporaryCredentials || m == AuthClusterIAMIdentity) && !hasClusters:
			errs = append(errs, fmt.Errorf("%w: %s needs a cluster", ErrInvalidScope, m))
		case m == AuthServerlessTemporaryCredentials && !hasWorkgroups:
			errs = append(errs, fmt.Errorf("%w: %s needs a workgroup", ErrInvalidScope, m))
		case m == AuthSecretsManager && !hasClusters && !hasWorkgroups:
			errs = append(errs, fmt.Errorf("%w: %s needs a cluster or a workgroup", ErrInvalidScope, m))
		}
	}
	for _, a := range s.WorkgroupArns {
		if _, err := awsarn.ParseWorkgroup(a); err != nil {
			errs = append(errs, fmt.Errorf("%w: %q is not a workgroup ARN", ErrInvalidScope, a))
		}
	}
	for _, a := range s.SecretArns {
		if _, err := awsarn.ParseSecret(a); err != nil {
			errs = append(errs, fmt.Errorf("%w: %q is not a secret ARN", ErrInvalidScope, a))
		}
	}
	for _, a := range s.AssumeRoleArns {
		if _, err := awsarn.ParseRole(a); err != nil {
			errs = append(errs, fmt.Errorf("%w: %q is not a role ARN", ErrInvalidScope, a))
		}
	}
	return errors.Join(errs...)
}

type cluster struct {
	partition, region, account, id string
}

func clusterParts(arns []string) ([]cluster, error) {
	out := make([]cluster, 0, len(arns))
	for _, a := range arns {
		p, err := awsarn.ParseCluster(a)
		if err != nil {
			return nil, fmt.Errorf("%w: %q is not a cluster ARN", ErrInvalidScope, a)
		}
		out = append(out, cluster{p.Partition, p.Region, p.Account, p.ID})
	}
	return out, nil
}

func (c cluster) arn(kind, rest string) string {
	return awsarn.ClusterARN(c.partition, c.region, c.account, kind, rest)
}

func (c cluster) dbNames(databases []string) []string {
	if len(databases) == 0 {
		return []string{c.arn("dbname", c.id+"/*")}
	}
	out := make([]string, len(databases))
	for i, db := range databases {
		out[i] = c.arn("dbname", c.id+"/"+db)
	}
	return out
}
