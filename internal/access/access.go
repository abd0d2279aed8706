package access

import (
	"context"
	"fmt"
	"strings"

	"github.com/redshift-data-access/redshift-data-access/internal/awserr"
	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/internal/guardrail"
	"github.com/redshift-data-access/redshift-data-access/internal/policy"
)

// AccessType is the custom resource type Access serves.
const AccessType = "Custom::RedshiftDataApiAccess"

// Access implements Custom::RedshiftDataApiAccess.
type Access struct {
	c Clients
}

var _ customresource.Resource = (*Access)(nil)

// NewAccess returns the resource, using c for every request. It asks STS
// for the caller's account and partition once, on its first request.
func NewAccess(c Clients) *Access {
	c.STS = cacheIdentity(c.STS)
	return &Access{c: c}
}

// plan is everything a Create or Update needs, found with read-only calls
// before anything is changed.
type plan struct {
	props      accessProps
	loc        location
	workgroups []string
	doc        policy.Document
}

// plan runs the guardrails before anything else: the pure ones on the
// properties as given (a Violation comes back even when other properties
// are invalid too), then, once the properties are valid, those that need
// the targets, secrets and principals looked up. The principal guardrails
// run on the principals that old (an Update's old properties, nil on
// Create) did not grant.
func (r *Access) plan(ctx context.Context, props map[string]any, old []principal) (plan, error) {
	a, perr := readAccess(props)
	loc, err := r.c.locate(ctx)
	if err != nil {
		return plan{}, err
	}
	g := r.c.Guardrails
	if err := checkPrincipalLists(g, props); err != nil {
		return plan{}, err
	}
	if err := guardrail.CheckProviderPath("PolicyPath", rawString(props, "PolicyPath")); err != nil {
		return plan{}, err
	}
	if err := checkScope(g, loc, a.Scope); err != nil {
		return plan{}, err
	}
	if perr != nil {
		return plan{}, perr
	}
	if err := r.c.checkFacts(ctx, loc, a.Scope); err != nil {
		return plan{}, err
	}
	added, _ := diffPrincipals(old, a.Principals)
	isAdded := func(p principal) bool {
		for _, q := range added {
			if q.key() == p.key() {
				return true
			}
		}
		return false
	}
	if err := resolve(ctx, r.c, loc, a.Principals, isAdded); err != nil {
		return plan{}, err
	}
	pl := plan{props: a, loc: loc}
	if a.Scope.Mode == ModeScoped || a.TagWorkgroups {
		if pl.workgroups, err = resolveWorkgroups(ctx, r.c.Serverless, a.Scope.Workgroups); err != nil {
			return plan{}, err
		}
	}
	if a.Scope.Mode == ModeScoped {
		if pl.doc, err = a.Scope.document(loc, pl.workgroups, policy.ManagedPolicySize, "or several Access resources"); err != nil {
			return plan{}, err
		}
	}
	return pl, nil
}

// Create grants the access.
func (r *Access) Create(ctx context.Context, req customresource.Request) (customresource.Result, error) {
	pl, err := r.plan(ctx, req.Properties, nil)
	if err != nil {
		return customresource.Result{}, err
	}
	return r.create(ctx, req, pl)
}

func (r *Access) create(ctx context.Context, req customresource.Request, pl plan) (customresource.Result, error) {
	if pl.props.Scope.Mode == ModeManaged {
		id := grantID(req)
		if err := r.checkRoom(ctx, pl.loc, pl.props.Principals, id); err != nil {
			return customresource.Result{}, err
		}
		var held []principal // newly held by this request, to undo on failure
		release := func(ctx context.Context) error {
			for _, p := range held {
				if err := r.release(ctx, pl.loc, p, id); err != nil {
					return err
				}
			}
			return nil
		}
		for _, p := range pl.props.Principals {
			added, err := r.hold(ctx, pl.loc, p, id, grantLabel(req))
			if added {
				held = append(held, p)
			}
			if err != nil {
				return customresource.Result{}, undo(ctx, err, "the grants made so far", release)
			}
		}
		if err := r.tagWorkgroups(ctx, pl); err != nil {
			return customresource.Result{}, undo(ctx, err, "the grants made so far", release)
		}
		return r.result(id, pl.loc.managedPolicyArn(), pl), nil
	}
	name := pl.props.PolicyName
	if name == "" {
		name = customresource.GeneratedName(req, 128, allowedInName)
	}
	arn, created, err := r.createPolicy(ctx, req, pl.loc, name, pl.props.PolicyPath, pl.doc)
	if err != nil {
		return customresource.Result{}, err
	}
	remove := func(ctx context.Context) error {
		if !created {
			return nil // an earlier delivery made it and answered for it
		}
		return r.deletePolicy(ctx, req, arn)
	}
	for _, p := range pl.props.Principals {
		if err := attach(ctx, r.c.IAM, p, arn); err != nil {
			return customresource.Result{}, undo(ctx, err, "policy "+arn, remove)
		}
	}
	if err := r.tagWorkgroups(ctx, pl); err != nil {
		return customresource.Result{}, undo(ctx, err, "policy "+arn, remove)
	}
	return r.result(arn, arn, pl), nil
}

// Update changes the grant in place, or replaces it when PolicyMode,
// PolicyName or PolicyPath change. It never deletes the old policy: that
// is CloudFormation's cleanup Delete.
func (r *Access) Update(ctx context.Context, req customresource.Request) (customresource.Result, error) {
	// The old properties were valid when they were applied; if they no
	// longer parse (for example after a change of this handler), the
	// principals they named are treated as unknown and none is removed.
	old, err := readAccess(req.OldProperties)
	if err != nil {
		old = accessProps{}
	}
	pl, err := r.plan(ctx, req.Properties, old.Principals)
	if err != nil {
		return customresource.Result{}, err
	}
	// The policy named by the physical ID, if it exists, must be this
	// resource's, whether it is changed or replaced.
	if customerPolicyArn(req.PhysicalResourceID) {
		got, err := findPolicy(ctx, r.c.IAM, req.PhysicalResourceID)
		switch {
		case err == nil && !ownedBy(got.Policy.Tags, req):
			return customresource.Result{}, customresource.NotOwned("policy", req)
		case err != nil && !awserr.IsNotFound(err):
			return customresource.Result{}, fmt.Errorf("getting policy %s: %w", req.PhysicalResourceID, err)
		}
	}
	replace, err := r.replaces(req, pl.props, old)
	if err != nil {
		return customresource.Result{}, err
	}
	if replace {
		return r.create(ctx, req, pl)
	}
	added, removed := diffPrincipals(old.Principals, pl.props.Principals)
	if pl.props.Scope.Mode == ModeManaged {
		id := req.PhysicalResourceID
		known := unionPrincipals(old.Principals, pl.props.Principals)
		// Only a grant that still exists, and is this resource's, may
		// grant more: after its Delete (a redelivered or racing Update)
		// it must not hand out the managed policy again.
		if err := r.checkGrantLive(ctx, pl.loc, known, nil, req); err != nil {
			return customresource.Result{}, err
		}
		if err := r.checkRoom(ctx, pl.loc, added, id); err != nil {
			return customresource.Result{}, err
		}
		var recorded []principal // newly recorded by this request
		undoHolds := func(ctx context.Context) error {
			for _, p := range recorded {
				if err := r.release(ctx, pl.loc, p, id); err != nil {
					return err
				}
			}
			return nil
		}
		for _, p := range added {
			isNew, err := r.hold(ctx, pl.loc, p, id, grantLabel(req))
			if isNew {
				recorded = append(recorded, p)
			}
			if err != nil {
				return customresource.Result{}, err
			}
		}
		// A Delete that ran meanwhile removed the grant's other records;
		// its last pass over the policy's principals (see releaseGrant)
		// either comes after the holds above and releases them, or came
		// before this look, which then finds no record and undoes them.
		if len(recorded) > 0 {
			if err := r.checkGrantLive(ctx, pl.loc, known, recorded, req); err != nil {
				return customresource.Result{}, undo(ctx, err, "the grants this update made", undoHolds)
			}
		}
		for _, p := range removed {
			if err := r.release(ctx, pl.loc, p, id); err != nil {
				return customresource.Result{}, err
			}
		}
		if err := r.tagWorkgroups(ctx, pl); err != nil {
			return customresource.Result{}, err
		}
		return r.result(id, pl.loc.managedPolicyArn(), pl), nil
	}
	arn := req.PhysicalResourceID
	if _, err := r.ensureDocument(ctx, arn, pl.doc); err != nil {
		return customresource.Result{}, err
	}
	for _, p := range added {
		if err := attach(ctx, r.c.IAM, p, arn); err != nil {
			return customresource.Result{}, err
		}
	}
	for _, p := range removed {
		if err := detach(ctx, r.c.IAM, p, arn); err != nil {
			return customresource.Result{}, err
		}
	}
	if err := r.tagWorkgroups(ctx, pl); err != nil {
		return customresource.Result{}, err
	}
	return r.result(arn, arn, pl), nil
}

// replaces reports whether an update needs a new physical resource: the
// physical ID does not belong to the new mode (a mode change), or a Scoped
// policy's path or name changes.
func (r *Access) replaces(req customresource.Request, next, old accessProps) (bool, error) {
	if next.Scope.Mode == ModeManaged {
		return !isGrantID(req.PhysicalResourceID), nil
	}
	if !customerPolicyArn(req.PhysicalResourceID) {
		return true, nil
	}
	return renamed{
		CurrentArn: req.PhysicalResourceID,
		Path:       next.PolicyPath, Name: next.PolicyName, OldName: old.PolicyName,
		PathProperty: "PolicyPath", NameProperty: "PolicyName",
	}.needsNew()
}

// Delete revokes what the grant gave. A Scoped grant deletes its policy; a
// Managed grant releases each principal (see release). An ID this resource
// never issued is success and touches nothing.
func (r *Access) Delete(ctx context.Context, req customresource.Request) error {
	switch {
	case customerPolicyArn(req.PhysicalResourceID):
		return r.deletePolicy(ctx, req, req.PhysicalResourceID)
	case isGrantID(req.PhysicalResourceID):
		// The principals come from the properties the grant was last
		// applied with; those CloudFormation sends with the Delete.
		a, _ := readAccess(req.Properties)
		loc, err := r.c.locate(ctx)
		if err != nil {
			return err
		}
		return r.releaseGrant(ctx, loc, a.Principals, req)
	}
	return nil
}

func (r *Access) tagWorkgroups(ctx context.Context, pl plan) error {
	if !pl.props.TagWorkgroups {
		return nil
	}
	return tagWorkgroups(ctx, r.c.Serverless, pl.workgroups)
}

func (r *Access) result(id, policyArn string, pl plan) customresource.Result {
	return customresource.Result{
		PhysicalResourceID: id,
		Data: map[string]string{
			"PolicyArn":  policyArn,
			"PolicyMode": pl.props.Scope.Mode,
			"DbUsers":    dbUsers(pl.props.Principals),
			"Principals": principalNames(pl.props.Principals),
		},
	}
}

func principalNames(ps []principal) string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = string(p.Kind) + "/" + p.Name
	}
	return strings.Join(out, ",")
}
