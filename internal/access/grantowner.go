package access

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/redshift-data-access/redshift-data-access/internal/awserr"
	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

// A Managed grant has no IAM entity of its own: what it owns are its
// records on principals (see grant.go). The record's key is the grant's
// physical ID, its value grantLabel of the resource that wrote it, so a
// grant ID of another resource, given in a request of this one, names
// records whose label is not this resource's.

// grantOwned reports whether records, a principal's, hold grant id's
// record as written by req's resource. This is the one ownership rule of
// Managed grants.
func grantOwned(records map[string]string, id string, req customresource.Request) bool {
	label, ok := records[id]
	return ok && label == grantLabel(req)
}

// GrantGoneError is the error of an Update of a Managed grant of which no
// principal holds a record any more: the grant was deleted (an Update
// redelivered after, or racing with, its Delete), or its records were
// removed by hand. Granting for it would leave a principal holding the
// managed policy for a grant no Delete will ever release.
type GrantGoneError struct{ ID string }

func (e *GrantGoneError) Error() string {
	return fmt.Sprintf("grant %s holds no record on any of its principals: it was deleted, so it grants nothing more; create a new resource", e.ID)
}

// maxReleasePasses bounds the passes of releaseGrant over the managed
// policy's principals.
const maxReleasePasses = 5

// releaseGrant ends grant req.PhysicalResourceID on the principals given
// (the properties it was last applied with) and on every principal the
// managed policy is attached to that holds the grant's record: an Update
// racing this Delete may have added one that the properties do not name.
// It passes over the policy's principals until a pass finds none of the
// grant's records, so that the last pass starts after every record of the
// grant it removed (see the check in Update). Records of another
// resource's grant are left alone.
func (r *Access) releaseGrant(ctx context.Context, loc location, given []principal, req customresource.Request) error {
	for _, p := range given {
		if _, err := r.releaseOwned(ctx, loc, p, req, true); err != nil {
			return err
		}
	}
	for range maxReleasePasses {
		ps, err := r.holdersOfManaged(ctx, loc)
		if err != nil {
			return err
		}
		released := false
		for _, p := range ps {
			done, err := r.releaseOwned(ctx, loc, p, req, false)
			if err != nil {
				return err
			}
			released = released || done
		}
		if !released {
			return nil
		}
	}
	return fmt.Errorf("releasing grant %s: its records kept coming back; retry the delete", req.PhysicalResourceID)
}

// releaseOwned releases grant req.PhysicalResourceID on p when p holds
// its record as this resource's; done says whether it found one. With
// unrecorded, a p without the grant's record is released too: a Delete
// that failed after removing the record retries the rest of the release
// (which never touches another grant's record). A record of another
// resource's grant is never released.
func (r *Access) releaseOwned(ctx context.Context, loc location, p principal, req customresource.Request, unrecorded bool) (done bool, err error) {
	held, err := r.records(ctx, loc, p)
	if awserr.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	_, recorded := held[req.PhysicalResourceID]
	owned := grantOwned(held, req.PhysicalResourceID, req)
	if !owned && (recorded || !unrecorded) {
		return false, nil
	}
	return owned, r.release(ctx, loc, p, req.PhysicalResourceID)
}

// holdersOfManaged lists the principals the managed policy is attached to.
func (r *Access) holdersOfManaged(ctx context.Context, loc location) ([]principal, error) {
	var out []principal
	managed := loc.managedPolicyArn()
	pages := iam.NewListEntitiesForPolicyPaginator(r.c.IAM, &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String(managed)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing the principals of %s: %w", managed, err)
		}
		for _, g := range page.PolicyGroups {
			out = append(out, principal{Kind: kindGroup, Name: aws.ToString(g.GroupName)})
		}
		for _, u := range page.PolicyUsers {
			out = append(out, principal{Kind: kindUser, Name: aws.ToString(u.UserName)})
		}
		for _, ro := range page.PolicyRoles {
			out = append(out, principal{Kind: kindRole, Name: aws.ToString(ro.RoleName)})
		}
	}
	return out, nil
}

// checkGrantLive fails unless one of ps other than those in except holds
// grant req.PhysicalResourceID's record as this resource's: with a
// *customresource.NotOwnedError when the records found are another
// resource's, else with a *GrantGoneError.
func (r *Access) checkGrantLive(ctx context.Context, loc location, ps, except []principal, req customresource.Request) error {
	id := req.PhysicalResourceID
	skip := map[string]bool{}
	for _, p := range except {
		skip[p.key()] = true
	}
	foreign := false
	for _, p := range ps {
		if skip[p.key()] {
			continue
		}
		held, err := r.records(ctx, loc, p)
		if awserr.IsNotFound(err) {
			continue
		}
		if err != nil {
			return err
		}
		if grantOwned(held, id, req) {
			return nil
		}
		if _, ok := held[id]; ok {
			foreign = true
		}
	}
	if foreign {
		return customresource.NotOwned("Managed grant", req)
	}
	return &GrantGoneError{ID: id}
}

// unionPrincipals is a followed by the principals of b not in a.
func unionPrincipals(a, b []principal) []principal {
	out := append([]principal(nil), a...)
	seen := map[string]bool{}
	for _, p := range a {
		seen[p.key()] = true
	}
	for _, p := range b {
		if !seen[p.key()] {
			seen[p.key()] = true
			out = append(out, p)
		}
	}
	return out
}
