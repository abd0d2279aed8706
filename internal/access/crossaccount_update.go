package access

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/redshift-data-access/redshift-data-access/internal/awserr"
	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/internal/policy"
)

// Update changes the role in place, or creates a new role when RoleName or
// RolePath change (IAM cannot rename a role or change its path). The old
// role is left for CloudFormation's cleanup Delete.
func (r *CrossAccountRole) Update(ctx context.Context, req customresource.Request) (customresource.Result, error) {
	pl, err := r.plan(ctx, req.Properties)
	if err != nil {
		return customresource.Result{}, err
	}
	name, ok := roleName(req.PhysicalResourceID)
	if !ok {
		return r.create(ctx, req, pl)
	}
	// Old properties that no longer parse name no tags to remove.
	old, err := readRole(req.OldProperties)
	if err != nil {
		old = roleProps{}
	}
	replace, err := renamed{
		CurrentArn: req.PhysicalResourceID,
		Path:       pl.props.RolePath, Name: pl.props.RoleName, OldName: old.RoleName,
		PathProperty: "RolePath", NameProperty: "RoleName",
	}.needsNew()
	if err != nil {
		return customresource.Result{}, err
	}
	if replace {
		return r.create(ctx, req, pl)
	}
	got, err := r.c.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
	if err != nil {
		return customresource.Result{}, fmt.Errorf("getting role %s: %w", name, err)
	}
	role := got.Role

	current, err := policy.Parse(aws.ToString(role.AssumeRolePolicyDocument))
	if err != nil {
		return customresource.Result{}, fmt.Errorf("reading the trust policy of role %s: %w", name, err)
	}
	if !policy.Equivalent(current, pl.trust) {
		text, err := pl.trust.JSON()
		if err != nil {
			return customresource.Result{}, err
		}
		err = r.retryInvalidPrincipal(ctx, func() error {
			_, err := r.c.IAM.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(name), PolicyDocument: aws.String(text)})
			return err
		})
		if err != nil {
			return customresource.Result{}, fmt.Errorf("updating the trust policy of role %s: %w", name, err)
		}
	}

	if aws.ToString(role.Description) != pl.props.Description || int(aws.ToInt32(role.MaxSessionDuration)) != pl.props.MaxSessionDuration {
		_, err := r.c.IAM.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String(name), Description: aws.String(pl.props.Description), MaxSessionDuration: aws.Int32(int32(pl.props.MaxSessionDuration))})
		if err != nil {
			return customresource.Result{}, fmt.Errorf("updating role %s: %w", name, err)
		}
	}

	if err := r.updateBoundary(ctx, name, role.PermissionsBoundary, old.BoundaryArn, pl.props.BoundaryArn); err != nil {
		return customresource.Result{}, err
	}
	if err := r.updateTags(ctx, name, old.Tags, pl.props.Tags); err != nil {
		return customresource.Result{}, err
	}
	if err := r.applyPermissions(ctx, name, pl); err != nil {
		return customresource.Result{}, err
	}
	return roleResult(req.PhysicalResourceID, name), nil
}

// updateBoundary gives role name, whose boundary is now attached, the
// permissions boundary next. When next is empty it removes the boundary
// only if the old properties asked for one (prev): a boundary this
// resource never set, for example one that an administrator's automation
// puts on every role, stays, because removing it would widen the role's
// permissions beyond what anyone asked for.
func (r *CrossAccountRole) updateBoundary(ctx context.Context, name string, attached *iamtypes.AttachedPermissionsBoundary, prev, next string) error {
	current := ""
	if attached != nil {
		current = aws.ToString(attached.PermissionsBoundaryArn)
	}
	switch {
	case current == next:
		return nil
	case next != "":
		if _, err := r.c.IAM.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String(name), PermissionsBoundary: aws.String(next)}); err != nil {
			return fmt.Errorf("setting the permissions boundary of role %s to %s: %w", name, next, err)
		}
		return nil
	case prev == "":
		return nil
	}
	if _, err := r.c.IAM.DeleteRolePermissionsBoundary(ctx, &iam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String(name)}); err != nil {
		return fmt.Errorf("removing the permissions boundary %s of role %s: %w", current, name, err)
	}
	return nil
}

// updateTags applies the difference between the old and new user tags;
// the owner tags are never touched (readRole reserves their prefix).
func (r *CrossAccountRole) updateTags(ctx context.Context, name string, prev, next map[string]string) error {
	role := principal{Kind: kindRole, Name: name}
	add := map[string]string{}
	for k, v := range next {
		if old, ok := prev[k]; !ok || old != v {
			add[k] = v
		}
	}
	var remove []string
	for k := range prev {
		if _, ok := next[k]; !ok {
			remove = append(remove, k)
		}
	}
	if len(add) > 0 {
		if err := tagPrincipal(ctx, r.c.IAM, role, add); err != nil {
			return err
		}
	}
	if len(remove) > 0 {
		return untagPrincipal(ctx, r.c.IAM, role, remove...)
	}
	return nil
}

// Delete removes the role: its managed policies are detached and its
// inline policies deleted first, as IAM requires. A role that is gone is
// success; an ID that is not a role ARN, or a role without this resource's
// owner tags, was not created here and is left alone.
func (r *CrossAccountRole) Delete(ctx context.Context, req customresource.Request) error {
	name, ok := roleName(req.PhysicalResourceID)
	if !ok {
		return nil
	}
	got, err := r.c.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
	if awserr.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("getting role %s: %w", name, err)
	}
	if aws.ToString(got.Role.Arn) != req.PhysicalResourceID || !ownedBy(got.Role.Tags, req) {
		return nil
	}
	role := principal{Kind: kindRole, Name: name}
	current, err := attached(ctx, r.c.IAM, role)
	if err != nil {
		return err
	}
	for _, arn := range current {
		if err := detach(ctx, r.c.IAM, role, arn); err != nil {
			return err
		}
	}
	pages := iam.NewListRolePoliciesPaginator(r.c.IAM, &iam.ListRolePoliciesInput{RoleName: aws.String(name)})
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("listing the inline policies of role %s: %w", name, err)
		}
		for _, p := range out.PolicyNames {
			if _, err := r.c.IAM.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String(p)}); err != nil && !awserr.IsNotFound(err) {
				return fmt.Errorf("deleting policy %s of role %s: %w", p, name, err)
			}
		}
	}
	if _, err := r.c.IAM.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(name)}); err != nil && !awserr.IsNotFound(err) {
		return fmt.Errorf("deleting role %s: %w", name, err)
	}
	return nil
}
