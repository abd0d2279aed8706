package access

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

// A Managed grant attaches the AWS managed policy, which other stacks and
// people may attach to the same principal too. To never revoke what it did
// not grant, each grant records itself in tags on the principal:
//
//   - grantTagPrefix + <grant hash>: this grant holds the managed policy on
//     the principal. One tag per grant.
//   - attachedByGrantTag: the managed policy was attached by a grant. It is
//     absent when the policy was attached before the first grant came, by
//     someone else.
//
// A grant's Delete removes its own tag and then detaches the policy only
// when no other grant tag remains and attachedByGrantTag is present. The
// tag is removed before the others are read, so two grants deleted at the
// same time cannot both see the other and leave the policy behind.
//
// IAM groups have no tags, so Managed mode refuses groups (see
// readAccess): a Scoped grant owns its policy and serves groups.
const (
	grantTagPrefix     = "redshift-data-access:grant:"
	attachedByGrantTag = "redshift-data-access:attached-by-grant"
)

var grantIDPattern = regexp.MustCompile(`^` + grantTagPrefix + `[0-9a-f]{16}$`)

// grantID is the physical ID of a Managed grant: unique per resource
// instance (it hashes the Create request), stable across updates, the
// same for a redelivered Create, and never confusable with an ARN. It is
// also the key of the grant's tag on each principal.
func grantID(req customresource.Request) string {
	return grantTagPrefix + customresource.ShortHash(req.StackID+"|"+req.LogicalResourceID+"|"+req.RequestID, 16)
}

func isGrantID(id string) bool { return grantIDPattern.MatchString(id) }

// grantLabel is the value of a grant's tag: where the grant comes from,
// for a person reading the principal's tags.
func grantLabel(req customresource.Request) string {
	label := customresource.StackName(req.StackID) + "/" + req.LogicalResourceID
	if len(label) > 256 {
		label = label[:256]
	}
	return label
}

// hold makes principal p hold the managed policy for the grant id. added
// says whether this call recorded the grant (it was not recorded before),
// so that a failing Create undoes only its own work.
func (r *Access) hold(ctx context.Context, loc location, p principal, id, label string) (added bool, err error) {
	managed := loc.managedPolicyArn()
	current, err := attached(ctx, r.c.IAM, p)
	if err != nil {
		return false, err
	}
	held, err := tags(ctx, r.c.IAM, p)
	if err != nil {
		return false, err
	}
	_, recorded := held[id]
	isAttached := slices.Contains(current, managed)
	_, byGrant := held[attachedByGrantTag]
	add := map[string]string{}
	if held[id] != label {
		add[id] = label
	}
	// Attached without the marker means someone else attached it: leave
	// the marker off, so that no grant ever detaches it.
	if !isAttached && !byGrant {
		add[attachedByGrantTag] = "true"
	}
	if len(add) > 0 {
		// Tags first: if the attach below fails, a retry or the Delete
		// still knows the grant and who attached.
		if err := tagPrincipal(ctx, r.c.IAM, p, add); err != nil {
			return false, err
		}
	}
	if !isAttached {
		return !recorded, attach(ctx, r.c.IAM, p, managed)
	}
	return !recorded, nil
}

// release ends the grant id on principal p, detaching the managed policy
// only if a grant attached it and no other grant holds it.
func (r *Access) release(ctx context.Context, loc location, p principal, id string) error {
	held, err := tags(ctx, r.c.IAM, p)
	if isNoSuchEntity(err) {
		return nil // the principal is gone, and with it the attachment
	}
	if err != nil {
		return err
	}
	if _, ok := held[id]; ok {
		if err := untagPrincipal(ctx, r.c.IAM, p, id); err != nil {
			return err
		}
		if held, err = tags(ctx, r.c.IAM, p); err != nil {
			return err
		}
	}
	for k := range held {
		if strings.HasPrefix(k, grantTagPrefix) {
			return nil // another grant still holds the policy
		}
	}
	if _, byGrant := held[attachedByGrantTag]; !byGrant {
		return nil // attached by someone else, or not at all
	}
	if err := detach(ctx, r.c.IAM, p, loc.managedPolicyArn()); err != nil {
		return err
	}
	if err := untagPrincipal(ctx, r.c.IAM, p, attachedByGrantTag); err != nil && !isNoSuchEntity(err) {
		return fmt.Errorf("removing the grant marker from %s: %w", p, err)
	}
	return nil
}
