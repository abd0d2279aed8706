package access

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/redshift-data-access/redshift-data-access/internal/awserr"
)

// attach attaches a managed policy; attaching one that is attached
// already succeeds in IAM, so a redelivered request converges.
func attach(ctx context.Context, c IAMAPI, p principal, policyArn string) error {
	var err error
	switch p.Kind {
	case kindRole:
		_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: &p.Name, PolicyArn: &policyArn})
	case kindUser:
		_, err = c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: &p.Name, PolicyArn: &policyArn})
	case kindGroup:
		_, err = c.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: &p.Name, PolicyArn: &policyArn})
	}
	if err != nil {
		return fmt.Errorf("attaching policy %s to %s: %w", policyArn, p, err)
	}
	return nil
}

// detach detaches a managed policy. A principal that is gone, or a policy
// that is not attached, is what detach wants: success.
func detach(ctx context.Context, c IAMAPI, p principal, policyArn string) error {
	var err error
	switch p.Kind {
	case kindRole:
		_, err = c.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: &p.Name, PolicyArn: &policyArn})
	case kindUser:
		_, err = c.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: &p.Name, PolicyArn: &policyArn})
	case kindGroup:
		_, err = c.DetachGroupPolicy(ctx, &iam.DetachGroupPolicyInput{GroupName: &p.Name, PolicyArn: &policyArn})
	}
	if err != nil && !awserr.IsNotFound(err) {
		return fmt.Errorf("detaching policy %s from %s: %w", policyArn, p, err)
	}
	return nil
}

// attached lists the managed policies attached to a principal.
func attached(ctx context.Context, c IAMAPI, p principal) ([]string, error) {
	var arns []string
	collect := func(list []iamtypes.AttachedPolicy) {
		for _, a := range list {
			arns = append(arns, aws.ToString(a.PolicyArn))
		}
	}
	fail := func(err error) ([]string, error) {
		return nil, fmt.Errorf("listing the policies attached to %s: %w", p, err)
	}
	switch p.Kind {
	case kindRole:
		pages := iam.NewListAttachedRolePoliciesPaginator(c, &iam.ListAttachedRolePoliciesInput{RoleName: &p.Name})
		for pages.HasMorePages() {
			out, err := pages.NextPage(ctx)
			if err != nil {
				return fail(err)
			}
			collect(out.AttachedPolicies)
		}
	case kindUser:
		pages := iam.NewListAttachedUserPoliciesPaginator(c, &iam.ListAttachedUserPoliciesInput{UserName: &p.Name})
		for pages.HasMorePages() {
			out, err := pages.NextPage(ctx)
			if err != nil {
				return fail(err)
			}
			collect(out.AttachedPolicies)
		}
	case kindGroup:
		pages := iam.NewListAttachedGroupPoliciesPaginator(c, &iam.ListAttachedGroupPoliciesInput{GroupName: &p.Name})
		for pages.HasMorePages() {
			out, err := pages.NextPage(ctx)
			if err != nil {
				return fail(err)
			}
			collect(out.AttachedPolicies)
		}
	}
	return arns, nil
}
