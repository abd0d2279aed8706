package access

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	"github.com/aws/aws-sdk-go-v2/service/redshiftserverless"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/redshift-data-access/redshift-data-access/internal/awsarn"
	"github.com/redshift-data-access/redshift-data-access/internal/guardrail"
)

// IAMAPI is the part of the IAM client these resources use.
type IAMAPI interface {
	GetRole(ctx context.Context, in *iam.GetRoleInput, opts ...func(*iam.Options)) (*iam.GetRoleOutput, error)
	GetUser(ctx context.Context, in *iam.GetUserInput, opts ...func(*iam.Options)) (*iam.GetUserOutput, error)
	GetGroup(ctx context.Context, in *iam.GetGroupInput, opts ...func(*iam.Options)) (*iam.GetGroupOutput, error)

	CreatePolicy(ctx context.Context, in *iam.CreatePolicyInput, opts ...func(*iam.Options)) (*iam.CreatePolicyOutput, error)
	GetPolicy(ctx context.Context, in *iam.GetPolicyInput, opts ...func(*iam.Options)) (*iam.GetPolicyOutput, error)
	DeletePolicy(ctx context.Context, in *iam.DeletePolicyInput, opts ...func(*iam.Options)) (*iam.DeletePolicyOutput, error)
	CreatePolicyVersion(ctx context.Context, in *iam.CreatePolicyVersionInput, opts ...func(*iam.Options)) (*iam.CreatePolicyVersionOutput, error)
	GetPolicyVersion(ctx context.Context, in *iam.GetPolicyVersionInput, opts ...func(*iam.Options)) (*iam.GetPolicyVersionOutput, error)
	ListPolicyVersions(ctx context.Context, in *iam.ListPolicyVersionsInput, opts ...func(*iam.Options)) (*iam.ListPolicyVersionsOutput, error)
	DeletePolicyVersion(ctx context.Context, in *iam.DeletePolicyVersionInput, opts ...func(*iam.Options)) (*iam.DeletePolicyVersionOutput, error)
	ListEntitiesForPolicy(ctx context.Context, in *iam.ListEntitiesForPolicyInput, opts ...func(*iam.Options)) (*iam.ListEntitiesForPolicyOutput, error)
	TagPolicy(ctx context.Context, in *iam.TagPolicyInput, opts ...func(*iam.Options)) (*iam.TagPolicyOutput, error)
	UntagPolicy(ctx context.Context, in *iam.UntagPolicyInput, opts ...func(*iam.Options)) (*iam.UntagPolicyOutput, error)
	ListPolicyTags(ctx context.Context, in *iam.ListPolicyTagsInput, opts ...func(*iam.Options)) (*iam.ListPolicyTagsOutput, error)

	AttachRolePolicy(ctx context.Context, in *iam.AttachRolePolicyInput, opts ...func(*iam.Options)) (*iam.AttachRolePolicyOutput, error)
	DetachRolePolicy(ctx context.Context, in *iam.DetachRolePolicyInput, opts ...func(*iam.Options)) (*iam.DetachRolePolicyOutput, error)
	ListAttachedRolePolicies(ctx context.Context, in *iam.ListAttachedRolePoliciesInput, opts ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error)
	AttachUserPolicy(ctx context.Context, in *iam.AttachUserPolicyInput, opts ...func(*iam.Options)) (*iam.AttachUserPolicyOutput, error)
	DetachUserPolicy(ctx context.Context, in *iam.DetachUserPolicyInput, opts ...func(*iam.Options)) (*iam.DetachUserPolicyOutput, error)
	ListAttachedUserPolicies(ctx context.Context, in *iam.ListAttachedUserPoliciesInput, opts ...func(*iam.Options)) (*iam.ListAttachedUserPoliciesOutput, error)
	AttachGroupPolicy(ctx context.Context, in *iam.AttachGroupPolicyInput, opts ...func(*iam.Options)) (*iam.AttachGroupPolicyOutput, error)
	DetachGroupPolicy(ctx context.Context, in *iam.DetachGroupPolicyInput, opts ...func(*iam.Options)) (*iam.DetachGroupPolicyOutput, error)
	ListAttachedGroupPolicies(ctx context.Context, in *iam.ListAttachedGroupPoliciesInput, opts ...func(*iam.Options)) (*iam.ListAttachedGroupPoliciesOutput, error)

	TagRole(ctx context.Context, in *iam.TagRoleInput, opts ...func(*iam.Options)) (*iam.TagRoleOutput, error)
	UntagRole(ctx context.Context, in *iam.UntagRoleInput, opts ...func(*iam.Options)) (*iam.UntagRoleOutput, error)
	ListRoleTags(ctx context.Context, in *iam.ListRoleTagsInput, opts ...func(*iam.Options)) (*iam.ListRoleTagsOutput, error)
	TagUser(ctx context.Context, in *iam.TagUserInput, opts ...func(*iam.Options)) (*iam.TagUserOutput, error)
	UntagUser(ctx context.Context, in *iam.UntagUserInput, opts ...func(*iam.Options)) (*iam.UntagUserOutput, error)
	ListUserTags(ctx context.Context, in *iam.ListUserTagsInput, opts ...func(*iam.Options)) (*iam.ListUserTagsOutput, error)

	CreateRole(ctx context.Context, in *iam.CreateRoleInput, opts ...func(*iam.Options)) (*iam.CreateRoleOutput, error)
	DeleteRole(ctx context.Context, in *iam.DeleteRoleInput, opts ...func(*iam.Options)) (*iam.DeleteRoleOutput, error)
	UpdateRole(ctx context.Context, in *iam.UpdateRoleInput, opts ...func(*iam.Options)) (*iam.UpdateRoleOutput, error)
	UpdateAssumeRolePolicy(ctx context.Context, in *iam.UpdateAssumeRolePolicyInput, opts ...func(*iam.Options)) (*iam.UpdateAssumeRolePolicyOutput, error)
	PutRolePermissionsBoundary(ctx context.Context, in *iam.PutRolePermissionsBoundaryInput, opts ...func(*iam.Options)) (*iam.PutRolePermissionsBoundaryOutput, error)
	DeleteRolePermissionsBoundary(ctx context.Context, in *iam.DeleteRolePermissionsBoundaryInput, opts ...func(*iam.Options)) (*iam.DeleteRolePermissionsBoundaryOutput, error)
	PutRolePolicy(ctx context.Context, in *iam.PutRolePolicyInput, opts ...func(*iam.Options)) (*iam.PutRolePolicyOutput, error)
	GetRolePolicy(ctx context.Context, in *iam.GetRolePolicyInput, opts ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error)
	DeleteRolePolicy(ctx context.Context, in *iam.DeleteRolePolicyInput, opts ...func(*iam.Options)) (*iam.DeleteRolePolicyOutput, error)
	ListRolePolicies(ctx context.Context, in *iam.ListRolePoliciesInput, opts ...func(*iam.Options)) (*iam.ListRolePoliciesOutput, error)
}

// STSAPI is the part of the STS client these resources use: the caller's
// account and partition locate the ARNs they build.
type STSAPI interface {
	GetCallerIdentity(ctx context.Context, in *sts.GetCallerIdentityInput, opts ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

// ServerlessAPI is the part of the Redshift Serverless client these
// resources use: workgroup names are resolved to ARNs (which carry the
// workgroup ID that IAM policies need) and, on request, tagged.
type ServerlessAPI interface {
	GetWorkgroup(ctx context.Context, in *redshiftserverless.GetWorkgroupInput, opts ...func(*redshiftserverless.Options)) (*redshiftserverless.GetWorkgroupOutput, error)
	ListTagsForResource(ctx context.Context, in *redshiftserverless.ListTagsForResourceInput, opts ...func(*redshiftserverless.Options)) (*redshiftserverless.ListTagsForResourceOutput, error)
	TagResource(ctx context.Context, in *redshiftserverless.TagResourceInput, opts ...func(*redshiftserverless.Options)) (*redshiftserverless.TagResourceOutput, error)
}

// RedshiftAPI is the part of the Redshift client these resources use: the
// guardrails look up each target cluster (it must exist, and DbUser must
// not be its master user) before anything is changed.
type RedshiftAPI interface {
	DescribeClusters(ctx context.Context, in *redshift.DescribeClustersInput, opts ...func(*redshift.Options)) (*redshift.DescribeClustersOutput, error)
}

// SecretsAPI is the part of the Secrets Manager client these resources
// use: the guardrails look up each secret of SecretArns (it must exist and
// carry the RedshiftDataFullAccess tag) before anything is changed.
type SecretsAPI interface {
	DescribeSecret(ctx context.Context, in *secretsmanager.DescribeSecretInput, opts ...func(*secretsmanager.Options)) (*secretsmanager.DescribeSecretOutput, error)
}

var (
	_ IAMAPI        = (*iam.Client)(nil)
	_ STSAPI        = (*sts.Client)(nil)
	_ ServerlessAPI = (*redshiftserverless.Client)(nil)
	_ RedshiftAPI   = (*redshift.Client)(nil)
	_ SecretsAPI    = (*secretsmanager.Client)(nil)
)

// Clients are the AWS clients, the region the resources work in and the
// provider owner's guardrails.
type Clients struct {
	IAM        IAMAPI
	STS        STSAPI
	Serverless ServerlessAPI
	Redshift   RedshiftAPI
	Secrets    SecretsAPI
	// Guardrails bound what a request may ask for; the zero value is the
	// safe default. main reads them once with guardrail.FromEnv.
	Guardrails guardrail.Config
	// Region is the region of the clusters and workgroups named without
	// an ARN, normally the function's own region.
	Region string
}

// NewClients builds every client from cfg, in cfg's region, with the
// owner's guardrails g: what the access function's main and the local
// runs share.
func NewClients(cfg aws.Config, g guardrail.Config) Clients {
	return Clients{
		IAM:        iam.NewFromConfig(cfg),
		STS:        sts.NewFromConfig(cfg),
		Serverless: redshiftserverless.NewFromConfig(cfg),
		Redshift:   redshift.NewFromConfig(cfg),
		Secrets:    secretsmanager.NewFromConfig(cfg),
		Region:     cfg.Region,
		Guardrails: g,
	}
}

// location is where the resource's ARNs live.
type location struct {
	Partition, Region, Account string
}

// locate asks STS for the caller's account and partition. NewAccess and
// NewCrossAccountRole wrap STS in a cachedIdentity, so only a resource's
// first request makes the call.
func (c Clients) locate(ctx context.Context) (location, error) {
	out, err := c.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return location{}, fmt.Errorf("getting the caller identity: %w", err)
	}
	a, err := awsarn.Parse(aws.ToString(out.Arn))
	if err != nil {
		return location{}, fmt.Errorf("reading the caller identity: %w", err)
	}
	return location{Partition: a.Partition, Region: c.Region, Account: aws.ToString(out.Account)}, nil
}

// managedPolicyArn is the ARN of AmazonRedshiftDataFullAccess.
func (l location) managedPolicyArn() string {
	return awsarn.IAMARN(l.Partition, "aws", awsarn.KindPolicy, "/", "AmazonRedshiftDataFullAccess")
}

func isDeleteConflict(err error) bool {
	var e *iamtypes.DeleteConflictException
	return errors.As(err, &e)
}

func isEntityAlreadyExists(err error) bool {
	var e *iamtypes.EntityAlreadyExistsException
	return errors.As(err, &e)
}

// isInvalidPrincipal reports IAM's answer for a trust policy that names a
// principal IAM does not see yet (eventual consistency after the principal
// was created): MalformedPolicyDocument, "Invalid principal in policy".
func isInvalidPrincipal(err error) bool {
	var e *iamtypes.MalformedPolicyDocumentException
	return errors.As(err, &e) && strings.Contains(e.ErrorMessage(), "Invalid principal in policy")
}
