package dbuser

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

// ResourceType is the CloudFormation type the resource serves.
const ResourceType = "Custom::RedshiftDataApiDatabaseUser"

// Resource is the Custom::RedshiftDataApiDatabaseUser resource.
type Resource struct {
	data DataClient
	sm   SecretsClient
}

var _ customresource.Resource = (*Resource)(nil)

// New returns the resource, running statements through data and reading
// password secrets through sm.
func New(data DataClient, sm SecretsClient) *Resource {
	return &Resource{data: data, sm: sm}
}

// OwnsObjectsError is a Delete that Redshift refused because the user
// still owns objects (or holds privileges granted outside this resource).
type OwnsObjectsError struct {
	User  string
	Cause *StatementError
}

func (e *OwnsObjectsError) Error() string {
	return fmt.Sprintf("user %q cannot be dropped: %s. Transfer what it owns to another user (ALTER TABLE ... OWNER TO, ALTER SCHEMA ... OWNER TO) or drop it, "+
		"and revoke privileges granted outside this resource, then delete again; or set RetainOnDelete to true to keep the user", e.User, e.Cause.Message)
}

func (e *OwnsObjectsError) Unwrap() error { return e.Cause }

func result(id userID) customresource.Result {
	return customresource.Result{
		PhysicalResourceID: id.physicalID(),
		Data:               map[string]string{"UserName": id.user, "DbUser": id.user},
	}
}

func idOf(ownership string, p Properties) userID {
	return userID{ownership: ownership, target: p.Target, database: p.Database.String(), user: p.User.String()}
}

// Create creates the user with its groups, roles and grants in one
// transaction, or adopts a user of that name that already exists.
func (r *Resource) Create(ctx context.Context, req customresource.Request) (customresource.Result, error) {
	p, err := ParseProperties(req.Properties)
	if err != nil {
		return customresource.Result{}, err
	}
	id, err := r.create(ctx, req, p)
	if err != nil {
		return customresource.Result{}, err
	}
	return result(id), nil
}

// create makes or adopts the user of p. The ClientToken of the create
// transaction comes from the request, so a redelivery resumes the first
// delivery's statement and finds the user created, not adopted. When the
// transaction fails and the user exists, someone else made it: the user
// is adopted, and only the memberships and grants are applied.
func (r *Resource) create(ctx context.Context, req customresource.Request, p Properties) (userID, error) {
	var hash *passwordHash
	if p.PasswordSecretArn != "" {
		var err error
		if hash, err = r.password(ctx, p.PasswordSecretArn, p.User); err != nil {
			return userID{}, err
		}
	}
	s := sessionOf(p)
	sqls := append([]string{createUserSQL(p.User, hash)}, additions(p, nil)...)
	err := r.runBatch(ctx, s, customresource.IdempotencyToken(req, "create"), sqls)
	if err == nil {
		if ctx.Err() != nil {
			// The statement ended after the runtime gave up on the request
			// and answered FAILED: put back what it did.
			return userID{}, r.undoCreate(ctx, s, p, errors.New("the request timed out after the user was created"))
		}
		return idOf(created, p), nil
	}
	var stmt *StatementError
	if !errors.As(err, &stmt) {
		return userID{}, fmt.Errorf("creating user %q: %w", p.User, err)
	}
	exists, lookupErr := r.userExists(ctx, s, p.User.String())
	if lookupErr != nil || !exists {
		return userID{}, fmt.Errorf("creating user %q: %w", p.User, err)
	}
	adopt := additions(p, nil)
	if hash != nil {
		adopt = append(adopt, alterPasswordSQL(p.User, hash))
	}
	if err := r.runBatch(ctx, s, customresource.IdempotencyToken(req, "adopt"), adopt); err != nil {
		return userID{}, fmt.Errorf("adopting the existing user %q: %w", p.User, err)
	}
	return idOf(adopted, p), nil
}

// undoCreate drops the user a Create made, after cause.
func (r *Resource) undoCreate(ctx context.Context, s session, p Properties, cause error) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	sqls := append(removals(p, nil), dropUserSQL(p.User))
	if err := r.runBatch(ctx, s, "", sqls); err != nil {
		return fmt.Errorf("%w; dropping the user %q again also failed: %w", cause, p.User, err)
	}
	return cause
}

// additions are the statements that add to the user what p has and old
// has not: group memberships, roles and grants.
func additions(p Properties, old *Properties) []string {
	var out []string
	for _, g := range missing(p.Groups, oldGroups(old)) {
		out = append(out, addToGroupSQL(g, p.User))
	}
	for _, role := range missing(p.Roles, oldRoles(old)) {
		out = append(out, grantRoleSQL(role, p.User))
	}
	return append(out, grantSQL(missingGrants(p.Grants, oldGrants(old)), p.User)...)
}

// removals are the statements that take from the user what old has and p
// has not; with p empty, everything old gave.
func removals(old Properties, p *Properties) []string {
	out := revokeSQL(missingGrants(old.Grants, oldGrants(p)), old.User)
	for _, role := range missing(old.Roles, oldRoles(p)) {
		out = append(out, revokeRoleSQL(role, old.User))
	}
	for _, g := range missing(old.Groups, oldGroups(p)) {
		out = append(out, dropFromGroupSQL(g, old.User))
	}
	return out
}

func oldGroups(p *Properties) []ident {
	if p == nil {
		return nil
	}
	return p.Groups
}

func oldRoles(p *Properties) []ident {
	if p == nil {
		return nil
	}
	return p.Roles
}

func oldGrants(p *Properties) []grant {
	if p == nil {
		return nil
	}
	return p.Grants
}

// missing returns the names of want that have is not.
func missing(want, have []ident) []ident {
	var out []ident
	for _, w := range want {
		found := false
		for _, h := range have {
			found = found || h == w
		}
		if !found {
			out = append(out, w)
		}
	}
	return out
}

func missingGrants(want, have []grant) []grant {
	var out []grant
	for _, w := range want {
		found := false
		for _, h := range have {
			found = found || h.equal(w)
		}
		if !found {
			out = append(out, w)
		}
	}
	return out
}

// Update replaces the user when the target, the database or the user
// changes, and otherwise changes groups, roles, grants and the password by
// difference in one transaction.
func (r *Resource) Update(ctx context.Context, req customresource.Request) (customresource.Result, error) {
	p, err := ParseProperties(req.Properties)
	if err != nil {
		return customresource.Result{}, err
	}
	id, ok := parsePhysicalID(req.PhysicalResourceID)
	if !ok {
		return customresource.Result{}, fmt.Errorf("physical ID %q was not issued by this resource", req.PhysicalResourceID)
	}
	if next := idOf(id.ownership, p); next.target != id.target || next.database != id.database || next.user != id.user {
		newID, err := r.create(ctx, req, p)
		if err != nil {
			return customresource.Result{}, err
		}
		return result(newID), nil
	}
	// Old properties that no longer parse (the rollback of a failed
	// update) say nothing reliable: everything p has is applied again,
	// which GRANT, ALTER GROUP ADD USER and GRANT ROLE accept.
	var old *Properties
	if o, err := ParseProperties(req.OldProperties); err == nil {
		old = &o
	}
	var sqls []string
	if old != nil {
		sqls = removals(*old, &p)
	}
	sqls = append(sqls, additions(p, old)...)
	if old == nil || old.PasswordSecretArn != p.PasswordSecretArn {
		var hash *passwordHash
		if p.PasswordSecretArn != "" {
			if hash, err = r.password(ctx, p.PasswordSecretArn, p.User); err != nil {
				return customresource.Result{}, err
			}
		}
		if hash != nil || old != nil {
			sqls = append(sqls, alterPasswordSQL(p.User, hash))
		}
	}
	if err := r.runBatch(ctx, sessionOf(p), customresource.IdempotencyToken(req, "update"), sqls); err != nil {
		return customresource.Result{}, fmt.Errorf("updating user %q: %w", p.User, err)
	}
	return result(id), nil
}

// Delete drops a user the resource created, after revoking what it
// granted; of an adopted user it revokes only what it granted. A user
// that is gone, RetainOnDelete, and a physical ID this resource never
// issued need nothing.
func (r *Resource) Delete(ctx context.Context, req customresource.Request) error {
	id, ok := parsePhysicalID(req.PhysicalResourceID)
	if !ok {
		return nil
	}
	p, err := ParseProperties(req.Properties)
	if err != nil {
		// Delete must not fail on properties that no longer validate:
		// with the administrator's credentials alone, a created user is
		// still dropped (its grants unknown, so none revoked first), and
		// an adopted one is left as it is.
		var ok bool
		if p, ok = deleteFallback(req.Properties); !ok {
			return fmt.Errorf("deleting user %q: the properties name no valid administrator credentials to drop it with: %w", id.user, err)
		}
		if id.ownership == adopted {
			return nil
		}
	} else if id.target != p.Target || id.database != p.Database.String() || id.user != p.User.String() {
		// A physical ID that names another target, database or user than
		// the resource's own properties is not this resource's: a
		// mistaken or forged ID must not drop someone else's user.
		return nil
	}
	if p.RetainOnDelete {
		return nil
	}
	// The physical ID, not the properties, says which user this is.
	user, err := newIdent(id.user)
	if err != nil {
		return nil
	}
	database, _ := newIdent(id.database)
	p.Target, p.Database, p.User = id.target, database, user
	s := sessionOf(p)
	exists, err := r.userExists(ctx, s, id.user)
	if err != nil {
		return fmt.Errorf("deleting user %q: %w", id.user, err)
	}
	if !exists {
		return nil
	}
	sqls := removals(p, nil)
	if id.ownership == created {
		sqls = append(sqls, dropUserSQL(user))
	}
	err = r.runBatch(ctx, s, customresource.IdempotencyToken(req, "delete"), sqls)
	var stmt *StatementError
	if errors.As(err, &stmt) && id.ownership == created && ownsObjects(stmt.Message) {
		return &OwnsObjectsError{User: id.user, Cause: stmt}
	}
	if err != nil {
		return fmt.Errorf("deleting user %q: %w", id.user, err)
	}
	return nil
}

// ownsObjects recognises Redshift's refusal to drop a user that owns
// objects or holds privileges: "user "x" cannot be dropped because the
// user owns some object" and "... has a privilege on some object".
func ownsObjects(msg string) bool {
	return strings.Contains(msg, "cannot be dropped") || strings.Contains(msg, "can't be dropped")
}

// deleteFallback reads only RetainOnDelete and the administrator's
// credentials from properties that do not validate as a whole; ok is
// false when those are invalid too.
func deleteFallback(props map[string]any) (p Properties, ok bool) {
	r := customresource.NewPropertyReader(props)
	p.RetainOnDelete = r.Bool(propRetainOnDelete, false)
	p.AdminSecretArn, p.AdminDbUser = r.String(propAdminSecretArn), r.String(propAdminDbUser)
	if (p.AdminSecretArn == "") == (p.AdminDbUser == "") {
		return Properties{}, false
	}
	if p.AdminSecretArn != "" {
		checkSecretArn(r, propAdminSecretArn, p.AdminSecretArn)
	} else {
		identProperty(r, propAdminDbUser, p.AdminDbUser, "")
	}
	// Only the problems of the properties read here count; Err would
	// also report the unknown ones, which are the reason for the fallback.
	if err := r.Err(); err != nil && hasProblemWith(err, propRetainOnDelete, propAdminSecretArn, propAdminDbUser) {
		return Properties{}, false
	}
	return p, true
}

func hasProblemWith(err error, props ...string) bool {
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	for _, e := range errs {
		var pe *customresource.PropertyError
		if errors.As(e, &pe) {
			for _, p := range props {
				if pe.Property == p {
					return true
				}
			}
		}
	}
	return false
}
