package access

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

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

// plan runs the guardrails first, as Access.plan does: the pure ones on
// the properties as given, then, once the properties are valid, those that
// need the targets and secrets looked up. TrustedPrincipalArns is checked
// here, so that a wildcard, another partition or an account off the
// allowlist never reaches the "Invalid principal" retry of IAM's answers.
func (r *CrossAccountRole) plan(ctx context.Context, props map[string]any) (rolePlan, error) {
	rp, perr := readRole(props)
	loc, err := r.c.locate(ctx)
	if err != nil {
		return rolePlan{}, err
	}
	if err := checkRole(r.c.Guardrails, loc, props, rp); err != nil {
		return rolePlan{}, err
	}
	if perr != nil {
		return rolePlan{}, perr
	}
	if err := r.c.checkFacts(ctx, loc, rp.Scope); err != nil {
		return rolePlan{}, err
	}
	trust := policy.TrustPolicy(loc.Partition, rp.Trusted, rp.ExternalID)
	addConditions(&trust, r.c.Guardrails.TrustConditions())
	pl := rolePlan{props: rp, loc: loc, trust: trust}
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
	if err != nil && ctx.Err() != nil {
		// IAM may have made the role anyway: repeat the call, so that it
		// exists for certain, and delete it if it is this resource's.
		cause := fmt.Errorf("creating role %s: %w", name, err)
		return customresource.Result{}, undo(ctx, cause, "role "+name, func(ctx context.Context) error {
			_, _ = r.c.IAM.CreateRole(ctx, in) // its outcome is read back by Delete
			owned := req
			owned.PhysicalResourceID = awsarn.IAMARN(pl.loc.Partition, pl.loc.Account, awsarn.KindRole, pl.props.RolePath, name)
			return r.Delete(ctx, owned)
		})
	}
	if isEntityAlreadyExists(err) {
		// A redelivered Create finds the role its first delivery made.
		got, gerr := findRole(ctx, r.c.IAM, name)
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
	// The role named by the physical ID, if it exists, must be this
	// resource's, whether it is changed or replaced.
	if got, err := findRole(ctx, r.c.IAM, name); err == nil {
		if aws.ToString(got.Role.Arn) != req.PhysicalResourceID || !ownedBy(got.Role.Tags, req) {
			return customresource.Result{}, customresource.NotOwned("role", req)
		}
	} else if !awserr.IsNotFound(err) {
		return customresource.Result{}, fmt.Errorf("getting role %s: %w", name, err)
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
	got, err := findRole(ctx, r.c.IAM, name)
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
	got, err := findRole(ctx, r.c.IAM, name)
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
