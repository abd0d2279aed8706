package access

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/redshift-data-access/redshift-data-access/internal/awsarn"
	"github.com/redshift-data-access/redshift-data-access/internal/awserr"
	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/internal/policy"
)

// CrossAccountRoleType is the custom resource type CrossAccountRole serves.
const CrossAccountRoleType = "Custom::RedshiftDataApiCrossAccountRole"

// inlinePolicyName is the name of the Scoped inline policy on the role. An
// inline policy lives and dies with the role: no versions to manage and no
// second ARN to clean up.
const inlinePolicyName = "RedshiftDataApiAccess"

// trustPolicySize is IAM's default quota for a role trust policy, in
// characters without white space.
const trustPolicySize = 2048

// CrossAccountRole implements Custom::RedshiftDataApiCrossAccountRole.
type CrossAccountRole struct {
	c Clients
	// principalWait is invalidPrincipalTimeout; tests shorten it.
	principalWait time.Duration
}

var _ customresource.Resource = (*CrossAccountRole)(nil)

// NewCrossAccountRole returns the resource, using c for every request. It
// asks STS for the caller's account and partition once, on its first
// request.
func NewCrossAccountRole(c Clients) *CrossAccountRole {
	c.STS = cacheIdentity(c.STS)
	return &CrossAccountRole{c: c, principalWait: invalidPrincipalTimeout}
}

type rolePlan struct {
	props  roleProps
	loc    location
	trust  policy.Document
	scoped policy.Document
}

func (r *CrossAccountRole) plan(ctx context.Context, props map[string]any) (rolePlan, error) {
	rp, err := readRole(props)
	if err != nil {
		return rolePlan{}, err
	}
	loc, err := r.c.locate(ctx)
	if err != nil {
		return rolePlan{}, err
	}
	pl := rolePlan{props: rp, loc: loc, trust: policy.TrustPolicy(loc.Partition, rp.Trusted, rp.ExternalID)}
	if err := policy.Validate(pl.trust, trustPolicySize); err != nil {
		return rolePlan{}, &customresource.PropertyError{Property: "TrustedPrincipalArns", Problem: "the trust policy is not valid: " + err.Error(), Allowed: "fewer trusted principals"}
	}
	if rp.Scope.Mode == ModeScoped {
		workgroups, err := resolveWorkgroups(ctx, r.c.Serverless, rp.Scope.Workgroups)
		if err != nil {
			return rolePlan{}, err
		}
		if pl.scoped, err = rp.Scope.document(loc, workgroups, policy.InlineRolePolicySize, ""); err != nil {
			return rolePlan{}, err
		}
	}
	return pl, nil
}

// Create creates the role and gives it the Data API permissions.
func (r *CrossAccountRole) Create(ctx context.Context, req customresource.Request) (customresource.Result, error) {
	pl, err := r.plan(ctx, req.Properties)
	if err != nil {
		return customresource.Result{}, err
	}
	return r.create(ctx, req, pl)
}

func (r *CrossAccountRole) create(ctx context.Context, req customresource.Request, pl rolePlan) (customresource.Result, error) {
	name := pl.props.RoleName
	if name == "" {
		name = customresource.GeneratedName(req, 64, allowedInName)
	}
	trust, err := pl.trust.JSON()
	if err != nil {
		return customresource.Result{}, err
	}
	in := &iam.CreateRoleInput{
		RoleName:                 aws.String(name),
		Path:                     aws.String(pl.props.RolePath),
		AssumeRolePolicyDocument: aws.String(trust),
		MaxSessionDuration:       aws.Int32(int32(pl.props.MaxSessionDuration)),
		Tags:                     append(ownerTags(req), tagList(pl.props.Tags)...),
	}
	if pl.props.Description != "" {
		in.Description = aws.String(pl.props.Description)
	}
	if pl.props.BoundaryArn != "" {
		in.PermissionsBoundary = aws.String(pl.props.BoundaryArn)
	}
	var arn string
	err = r.retryInvalidPrincipal(ctx, func() error {
		out, err := r.c.IAM.CreateRole(ctx, in)
		if err == nil {
			arn = aws.ToString(out.Role.Arn)
		}
		return err
	})
	created := err == nil
	if isEntityAlreadyExists(err) {
		// A redelivered Create finds the role its first delivery made.
		got, gerr := r.c.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
		if gerr != nil {
			return customresource.Result{}, fmt.Errorf("getting role %s, whose name is taken: %w", name, gerr)
		}
		if !ownedBy(got.Role.Tags, req) {
			return customresource.Result{}, fmt.Errorf("creating role %s: a role of that name %w; choose another RoleName", name, ErrNotOwned)
		}
		if path := aws.ToString(got.Role.Path); path != pl.props.RolePath {
			// Adopting it would answer an ARN at a path the properties
			// do not ask for.
			return customresource.Result{}, fmt.Errorf("creating role %s at path %s: this resource's role of that name is at path %s; choose another RoleName", name, pl.props.RolePath, path)
		}
		arn, err = aws.ToString(got.Role.Arn), nil
	}
	if err != nil {
		return customresource.Result{}, fmt.Errorf("creating role %s: %w", name, err)
	}
	if err := r.applyPermissions(ctx, name, pl); err != nil {
		if !created {
			return customresource.Result{}, err // an earlier delivery made the role
		}
		return customresource.Result{}, undo(ctx, err, "role "+name, func(ctx context.Context) error {
			owned := req
			owned.PhysicalResourceID = arn
			return r.Delete(ctx, owned)
		})
	}
	return roleResult(arn, name), nil
}

// applyPermissions gives the role the Data API permissions of its mode and
// removes those of the other mode, changing nothing that is right already.
func (r *CrossAccountRole) applyPermissions(ctx context.Context, name string, pl rolePlan) error {
	role := principal{Kind: kindRole, Name: name}
	current, err := attached(ctx, r.c.IAM, role)
	if err != nil {
		return err
	}
	managed := pl.loc.managedPolicyArn()
	hasManaged := false
	for _, a := range current {
		hasManaged = hasManaged || a == managed
	}
	inline, hasInline, err := r.inlinePolicy(ctx, name)
	if err != nil {
		return err
	}
	if pl.props.Scope.Mode == ModeManaged {
		if !hasManaged {
			if err := attach(ctx, r.c.IAM, role, managed); err != nil {
				return err
			}
		}
		if hasInline {
			if _, err := r.c.IAM.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String(inlinePolicyName)}); err != nil && !awserr.IsNotFound(err) {
				return fmt.Errorf("deleting policy %s of role %s: %w", inlinePolicyName, name, err)
			}
		}
		return nil
	}
	if !hasInline || !policy.Equivalent(inline, pl.scoped) {
		text, err := pl.scoped.JSON()
		if err != nil {
			return err
		}
		if _, err := r.c.IAM.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String(inlinePolicyName), PolicyDocument: aws.String(text)}); err != nil {
			return fmt.Errorf("putting policy %s on role %s: %w", inlinePolicyName, name, err)
		}
	}
	if hasManaged {
		return detach(ctx, r.c.IAM, role, managed)
	}
	return nil
}

// inlinePolicy returns the role's Scoped inline policy, and whether the
// role has one: in Managed mode it has none, which is no error.
func (r *CrossAccountRole) inlinePolicy(ctx context.Context, name string) (policy.Document, bool, error) {
	out, err := r.c.IAM.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String(inlinePolicyName)})
	if awserr.IsNotFound(err) {
		return policy.Document{}, false, nil
	}
	if err != nil {
		return policy.Document{}, false, fmt.Errorf("getting policy %s of role %s: %w", inlinePolicyName, name, err)
	}
	doc, err := policy.Parse(aws.ToString(out.PolicyDocument))
	if err != nil {
		return policy.Document{}, false, fmt.Errorf("reading policy %s of role %s: %w", inlinePolicyName, name, err)
	}
	return doc, true, nil
}

func roleResult(arn, name string) customresource.Result {
	return customresource.Result{PhysicalResourceID: arn, Data: map[string]string{"RoleArn": arn, "RoleName": name}}
}

// roleName returns the name in a role ARN, and false for an ID that is not
// a role ARN (which this resource never issued).
func roleName(id string) (string, bool) {
	a, err := awsarn.ParseRole(id)
	if err != nil {
		return "", false
	}
	return a.Name, true
}
