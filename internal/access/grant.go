package access

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/redshift-data-access/redshift-data-access/internal/awsarn"
	"github.com/redshift-data-access/redshift-data-access/internal/awserr"
	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

// A Managed grant attaches the AWS managed policy, which other stacks and
// people may attach to the same principal too. To never revoke what it did
// not grant, each grant records itself on the principal: in tags on a role
// or user, and in the tags of the group's ledger policy for a group (IAM
// groups take no tags; see ledger.go). The records are:
//
//   - grantTagPrefix + <grant hash>: this grant holds the managed policy on
//     the principal. One record per grant.
//   - attachedByGrantTag: the managed policy was attached by a grant. It is
//     absent when the policy was attached before the first grant came, by
//     someone else.
//
// The invariant: the policy is detached only by the release of the last
// grant recorded on the principal, and only when attachedByGrantTag says a
// grant attached it. Every step keeps a retry of the same request safe:
//
//   - hold writes its record (and the marker, when it is to attach) before
//     it attaches, then reads both back and starts over, at most
//     maxHoldAttempts times, if a concurrent release took either away.
//   - release removes its own record before it reads the others, so two
//     grants released at the same time cannot both see the other and leave
//     the policy behind. The last one detaches, removes the marker, and
//     reads the records once more: a grant that recorded itself in between
//     gets the marker and the attachment back.
//
// A record written by hand, or a failed Create whose undo failed too,
// leaves the policy attached rather than detached: the protocol errs on
// the side of keeping access, never of revoking it.
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
	return grantTagPrefix + customresource.RequestHash(req, 16)
}

func isGrantID(id string) bool { return grantIDPattern.MatchString(id) }

// grantLabel is the value of a grant's tag: where the grant comes from,
// for a person reading the principal's tags.
func grantLabel(req customresource.Request) string {
	label := awsarn.StackName(req.StackID) + "/" + req.LogicalResourceID
	if len(label) > 256 {
		label = label[:256]
	}
	return label
}

// maxHoldAttempts bounds how often hold starts over when a concurrent
// release detached the policy, or deleted the group's ledger, under it.
const maxHoldAttempts = 3

// hold makes principal p hold the managed policy for the grant id. added
// says whether this call wrote the grant's record (it read the records and
// the grant was not among them), so that a failing Create undoes only its
// own work: a call that fails before it knows, or that finds the record of
// an earlier delivery of the same Create, has nothing to undo.
func (r *Access) hold(ctx context.Context, loc location, p principal, id, label string) (added bool, err error) {
	var done holdDone
	for range maxHoldAttempts {
		finished, err := r.holdOnce(ctx, loc, p, id, label, &done)
		if err != nil || finished {
			return done.recorded, err
		}
	}
	return done.recorded, fmt.Errorf("holding policy %s on %s for grant %s: %w", loc.managedPolicyArn(), p, id, errGrantUndone)
}

// holdDone is what the attempts of one hold have done so far.
type holdDone struct {
	// recorded: asked IAM to record a grant that the read did not find. A
	// failed write may still have been applied, so it counts too.
	recorded bool
	// attached: attached the policy.
	attached bool
}

// errGrantUndone is returned when concurrent releases kept undoing a hold.
var errGrantUndone = errors.New("a concurrent grant delete kept detaching the policy; retry the request")

// holdOnce records the grant and attaches the policy when it is not
// attached, then reads both back, adding to done what it did. finished is
// false when a concurrent release took the record or the attachment away
// in between.
func (r *Access) holdOnce(ctx context.Context, loc location, p principal, id, label string, done *holdDone) (finished bool, err error) {
	managed := loc.managedPolicyArn()
	current, err := attached(ctx, r.c.IAM, p)
	if err != nil {
		return false, err
	}
	held, err := r.records(ctx, loc, p)
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
	// The marker goes with every attach, even when it is there already: a
	// concurrent release may be about to remove it (see release). Attached
	// without the marker means someone else attached it, and the marker
	// stays off so that no grant ever detaches it; unless this hold
	// attached it in an earlier attempt and a release removed the marker
	// since.
	if !isAttached || (done.attached && !byGrant) {
		add[attachedByGrantTag] = "true"
	}
	if len(add) == 0 && isAttached {
		return true, nil // nothing to do: a redelivery
	}
	// Records first: if the attach below fails, a retry or the Delete
	// still knows the grant and who attached.
	done.recorded = done.recorded || !recorded
	if err := r.record(ctx, loc, p, add); err != nil {
		return false, err
	}
	if !isAttached {
		if err := attach(ctx, r.c.IAM, p, managed); err != nil {
			return false, err
		}
		done.attached = true
	}
	current, err = attached(ctx, r.c.IAM, p)
	if err != nil {
		return false, err
	}
	if held, err = r.records(ctx, loc, p); err != nil {
		return false, err
	}
	_, still := held[id]
	return still && slices.Contains(current, managed), nil
}

// release ends the grant id on principal p, detaching the managed policy
// only if a grant attached it and no other grant holds it. A principal
// that is gone, before or during the release, took its attachment and its
// tags with it: that is success. (The managed policy always exists and a
// missing ledger reads as empty, so NoSuchEntity can only mean that.)
func (r *Access) release(ctx context.Context, loc location, p principal, id string) error {
	if err := r.releaseExisting(ctx, loc, p, id); err != nil && !awserr.IsNotFound(err) {
		return err
	}
	return nil
}

// releaseExisting is release on a principal that exists; it fails with
// NoSuchEntity when the principal goes away under it.
func (r *Access) releaseExisting(ctx context.Context, loc location, p principal, id string) error {
	held, err := r.records(ctx, loc, p)
	if err != nil {
		return err
	}
	if _, ok := held[id]; ok {
		if err := r.unrecord(ctx, loc, p, id); err != nil {
			return err
		}
		if held, err = r.records(ctx, loc, p); err != nil {
			return err
		}
	}
	if holdsGrant(held) {
		return nil // another grant still holds the policy
	}
	if _, byGrant := held[attachedByGrantTag]; !byGrant {
		if p.Kind == kindGroup && len(held) > 0 {
			return r.deleteLedger(ctx, loc, p.Name)
		}
		return nil // attached by someone else, or not at all
	}
	// The last grant: detach, then remove the marker, then look again. A
	// grant that recorded itself meanwhile either saw the policy attached
	// and did not attach it, or attached it and wrote a marker that the
	// removal may have taken: give both back. One that records itself
	// after the look sees the policy detached and attaches it itself.
	managed := loc.managedPolicyArn()
	if err := detach(ctx, r.c.IAM, p, managed); err != nil {
		return err
	}
	if err := r.unrecord(ctx, loc, p, attachedByGrantTag); err != nil {
		return fmt.Errorf("removing the grant marker from %s: %w", p, err)
	}
	if held, err = r.records(ctx, loc, p); err != nil {
		return err
	}
	if holdsGrant(held) {
		if err := r.record(ctx, loc, p, map[string]string{attachedByGrantTag: "true"}); err != nil {
			return err
		}
		return attach(ctx, r.c.IAM, p, managed)
	}
	if p.Kind == kindGroup {
		return r.deleteLedger(ctx, loc, p.Name)
	}
	return nil
}

// maxTags is IAM's limit of tags on a role, user or policy. The
// principal's own tags count, and IAM rejects a TagRole that would pass
// the limit as a whole.
const maxTags = 50

// checkRoom fails, before anything is changed, for each principal that
// has no room for the records that grant id would add to it: its own
// record, the attachedByGrantTag marker when the grant is to attach the
// policy, and for a group without a ledger the ledger's ledgerGroupTag.
func (r *Access) checkRoom(ctx context.Context, loc location, ps []principal, id string) error {
	managed := loc.managedPolicyArn()
	var errs []error
	for _, p := range ps {
		held, err := r.records(ctx, loc, p)
		if err != nil {
			return err
		}
		need := 0
		if _, ok := held[id]; !ok {
			need++
		}
		if _, ok := held[attachedByGrantTag]; !ok {
			current, err := attached(ctx, r.c.IAM, p)
			if err != nil {
				return err
			}
			if !slices.Contains(current, managed) {
				need++
			}
		}
		holder := p.String()
		if p.Kind == kindGroup {
			holder = "the grant ledger " + ledgerArn(loc, p.Name) + " of " + p.String()
			if len(held) == 0 {
				need++
			}
		}
		if len(held)+need > maxTags {
			errs = append(errs, &customresource.PropertyError{
				Property: p.Kind.property(),
				Problem:  fmt.Sprintf("%s has %d tags and a Managed grant records itself in %d more, past IAM's limit of %d", holder, len(held), need, maxTags),
				Allowed:  "principals with room for the grant's tags; remove tags from the principal, or use PolicyMode Scoped, which tags no principal",
			})
		}
	}
	return errors.Join(errs...)
}

// holdsGrant reports whether records hold any grant's record.
func holdsGrant(records map[string]string) bool {
	for k := range records {
		if strings.HasPrefix(k, grantTagPrefix) {
			return true
		}
	}
	return false
}

// records returns the grant records of p: a role's or user's tags, or the
// tags of a group's ledger.
func (r *Access) records(ctx context.Context, loc location, p principal) (map[string]string, error) {
	if p.Kind == kindGroup {
		return ledgerTags(ctx, r.c.IAM, loc, p.Name)
	}
	return tags(ctx, r.c.IAM, p)
}

func (r *Access) record(ctx context.Context, loc location, p principal, add map[string]string) error {
	if p.Kind == kindGroup {
		return addLedgerTags(ctx, r.c.IAM, loc, p.Name, add)
	}
	return tagPrincipal(ctx, r.c.IAM, p, add)
}

func (r *Access) unrecord(ctx context.Context, loc location, p principal, keys ...string) error {
	if p.Kind == kindGroup {
		return removeLedgerTags(ctx, r.c.IAM, loc, p.Name, keys...)
	}
	return untagPrincipal(ctx, r.c.IAM, p, keys...)
}
