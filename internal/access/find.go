package access

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/redshift-data-access/redshift-data-access/internal/awserr"
)

// The IAM finders: each looks one entity up and returns a
// *awserr.NotFoundError when it does not exist, never a nil result with a
// nil error. Callers test with awserr.IsNotFound.

func findRole(ctx context.Context, c IAMAPI, name string) (*iam.GetRoleOutput, error) {
	out, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
	return out, awserr.NotFound("IAM role", name, err)
}

func findUser(ctx context.Context, c IAMAPI, name string) (*iam.GetUserOutput, error) {
	out, err := c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(name)})
	return out, awserr.NotFound("IAM user", name, err)
}

// findGroup returns the group without its members (at most one is listed).
func findGroup(ctx context.Context, c IAMAPI, name string) (*iam.GetGroupOutput, error) {
	out, err := c.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String(name), MaxItems: aws.Int32(1)})
	return out, awserr.NotFound("IAM group", name, err)
}

func findPolicy(ctx context.Context, c IAMAPI, arn string) (*iam.GetPolicyOutput, error) {
	out, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
	return out, awserr.NotFound("IAM policy", arn, err)
}
