package access

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
)

// racingIAM runs a hook before the first call of some kind, to put
// another grant's request between two calls of this one: a case the
// emulator alone cannot interleave.
type racingIAM struct {
	IAMAPI
	// beforeDetach and beforeTag run before DetachGroupPolicy and
	// TagPolicy; beforeUnrecord and beforeUntagMarker before the UntagRole
	// of a grant's record and of the attachedByGrantTag marker.
	beforeDetach, beforeTag, beforeUnrecord, beforeUntagMarker func()
}

func (c *racingIAM) UntagRole(ctx context.Context, in *iam.UntagRoleInput, opts ...func(*iam.Options)) (*iam.UntagRoleOutput, error) {
	hook := &c.beforeUntagMarker
	if !slices.Contains(in.TagKeys, attachedByGrantTag) {
		hook = &c.beforeUnrecord
	}
	if run := *hook; run != nil {
		*hook = nil
		run()
	}
	return c.IAMAPI.UntagRole(ctx, in, opts...)
}

func (c *racingIAM) DetachGroupPolicy(ctx context.Context, in *iam.DetachGroupPolicyInput, opts ...func(*iam.Options)) (*iam.DetachGroupPolicyOutput, error) {
	if hook := c.beforeDetach; hook != nil {
		c.beforeDetach = nil
		hook()
	}
	return c.IAMAPI.DetachGroupPolicy(ctx, in, opts...)
}

func (c *racingIAM) TagPolicy(ctx context.Context, in *iam.TagPolicyInput, opts ...func(*iam.Options)) (*iam.TagPolicyOutput, error) {
	if hook := c.beforeTag; hook != nil {
		c.beforeTag = nil
		hook()
	}
	return c.IAMAPI.TagPolicy(ctx, in, opts...)
}

// GrantB saw the policy attached by GrantA, so it records itself without
// attaching; GrantA's Delete then runs to the end before GrantB's record
// is written. GrantB must notice and attach the policy itself.
func TestGroupGrantCreatedWhileTheLastOtherIsDeletedAttaches(t *testing.T) {
	e := newEnv(t, awsemu.AccountA)
	e.createGroup(t, "analysts")
	props := map[string]any{"PolicyMode": "Managed", "Groups": "analysts"}
	plain := NewAccess(e.clients)
	first, err := plain.Create(t.Context(), request(customresource.ActionCreate, "GrantA", "", props, nil))
	if err != nil {
		t.Fatal(err)
	}
	racing := &racingIAM{IAMAPI: e.clients.IAM}
	racing.beforeTag = func() {
		if err := plain.Delete(t.Context(), request(customresource.ActionDelete, "GrantA", first.PhysicalResourceID, props, nil)); err != nil {
			t.Errorf("Delete GrantA during the create of GrantB: %v", err)
		}
	}
	clients := e.clients
	clients.IAM = racing
	second, err := NewAccess(clients).Create(t.Context(), request(customresource.ActionCreate, "GrantB", "", props, nil))
	if err != nil {
		t.Fatal(err)
	}
	if racing.beforeTag != nil {
		t.Fatal("the create never tagged the ledger, so the race was not exercised")
	}
	if !e.groupHoldsManaged(t, "analysts") {
		t.Fatal("the group lacks the managed policy that GrantB holds")
	}
	// GrantB attached it, so its own Delete must detach it again.
	if err := plain.Delete(t.Context(), request(customresource.ActionDelete, "GrantB", second.PhysicalResourceID, props, nil)); err != nil {
		t.Fatal(err)
	}
	if e.groupHoldsManaged(t, "analysts") {
		t.Error("the group keeps the managed policy after GrantB is deleted")
	}
}

func TestGroupGrantCreatedDuringAnotherDeleteKeepsThePolicy(t *testing.T) {
	e := newEnv(t, awsemu.AccountA)
	e.createGroup(t, "analysts")
	props := map[string]any{"PolicyMode": "Managed", "Groups": "analysts"}
	plain := NewAccess(e.clients)
	first, err := plain.Create(t.Context(), request(customresource.ActionCreate, "GrantA", "", props, nil))
	if err != nil {
		t.Fatal(err)
	}
	racing := &racingIAM{IAMAPI: e.clients.IAM}
	racing.beforeDetach = func() {
		if _, err := plain.Create(t.Context(), request(customresource.ActionCreate, "GrantB", "", props, nil)); err != nil {
			t.Errorf("Create GrantB during the delete of GrantA: %v", err)
		}
	}
	clients := e.clients
	clients.IAM = racing
	if err := NewAccess(clients).Delete(t.Context(), request(customresource.ActionDelete, "GrantA", first.PhysicalResourceID, props, nil)); err != nil {
		t.Fatal(err)
	}
	if racing.beforeDetach != nil {
		t.Fatal("the delete never detached, so the race was not exercised")
	}
	if !e.groupHoldsManaged(t, "analysts") {
		t.Error("the group lost the managed policy that GrantB holds")
	}
	if !e.ledgerExists(t, "analysts") {
		t.Error("the ledger that records GrantB is gone")
	}
}

// GrantB is created, from start to end, after GrantA's Delete detached the
// policy from the role and before it removes the attached-by-grant marker.
// GrantB attaches the policy again; the marker must survive, or GrantB's
// own Delete would take the policy for a person's and leave it attached.
func TestRoleGrantCreatedWhileTheLastOtherRemovesItsMarker(t *testing.T) {
	e := newEnv(t, awsemu.AccountA)
	e.createRole(t, "analyst", "/")
	p := principal{Kind: kindRole, Name: "analyst"}
	props := map[string]any{"PolicyMode": "Managed", "Roles": "analyst"}
	plain := NewAccess(e.clients)
	first, err := plain.Create(t.Context(), request(customresource.ActionCreate, "GrantA", "", props, nil))
	if err != nil {
		t.Fatal(err)
	}
	var second customresource.Result
	racing := &racingIAM{IAMAPI: e.clients.IAM}
	racing.beforeUntagMarker = func() {
		if second, err = plain.Create(t.Context(), request(customresource.ActionCreate, "GrantB", "", props, nil)); err != nil {
			t.Errorf("Create GrantB during the delete of GrantA: %v", err)
		}
	}
	clients := e.clients
	clients.IAM = racing
	if err := NewAccess(clients).Delete(t.Context(), request(customresource.ActionDelete, "GrantA", first.PhysicalResourceID, props, nil)); err != nil {
		t.Fatal(err)
	}
	if racing.beforeUntagMarker != nil {
		t.Fatal("the delete never removed the marker, so the race was not exercised")
	}
	if !e.holdsManaged(t, p) {
		t.Fatal("the role lacks the managed policy that GrantB holds")
	}
	if err := plain.Delete(t.Context(), request(customresource.ActionDelete, "GrantB", second.PhysicalResourceID, props, nil)); err != nil {
		t.Fatal(err)
	}
	if e.holdsManaged(t, p) {
		t.Error("the role keeps the managed policy after GrantB, which attached it, is deleted")
	}
}

// Two grants deleted at the same moment: GrantB's Delete runs from start
// to end just before GrantA's Delete removes GrantA's record. Each sees the
// other's record at some point; the one that looks last must still find
// none and detach the policy.
func TestRoleGrantsDeletedAtTheSameMomentDetach(t *testing.T) {
	e := newEnv(t, awsemu.AccountA)
	e.createRole(t, "analyst", "/")
	props := map[string]any{"PolicyMode": "Managed", "Roles": "analyst"}
	plain := NewAccess(e.clients)
	ids := map[string]string{}
	for _, logical := range []string{"GrantA", "GrantB"} {
		res, err := plain.Create(t.Context(), request(customresource.ActionCreate, logical, "", props, nil))
		if err != nil {
			t.Fatal(err)
		}
		ids[logical] = res.PhysicalResourceID
	}
	racing := &racingIAM{IAMAPI: e.clients.IAM}
	racing.beforeUnrecord = func() {
		if err := plain.Delete(t.Context(), request(customresource.ActionDelete, "GrantB", ids["GrantB"], props, nil)); err != nil {
			t.Errorf("Delete GrantB during the delete of GrantA: %v", err)
		}
	}
	clients := e.clients
	clients.IAM = racing
	if err := NewAccess(clients).Delete(t.Context(), request(customresource.ActionDelete, "GrantA", ids["GrantA"], props, nil)); err != nil {
		t.Fatal(err)
	}
	if racing.beforeUnrecord != nil {
		t.Fatal("the delete never removed its record, so the race was not exercised")
	}
	p := principal{Kind: kindRole, Name: "analyst"}
	if e.holdsManaged(t, p) {
		t.Error("the role keeps the managed policy after both grants are deleted")
	}
	if left := e.grantRecords(t, p); len(left) > 0 {
		t.Errorf("records left behind: %v", left)
	}
}

// A role deleted outside the stack while a grant's Delete runs, between
// its first look at the role's tags and the removal of its record: the
// Delete succeeds, since the attachment went with the role.
func TestRoleDeletedDuringTheGrantsDelete(t *testing.T) {
	e := newEnv(t, awsemu.AccountA)
	e.createRole(t, "analyst", "/")
	props := map[string]any{"PolicyMode": "Managed", "Roles": "analyst"}
	res, err := NewAccess(e.clients).Create(t.Context(), request(customresource.ActionCreate, "Grant", "", props, nil))
	if err != nil {
		t.Fatal(err)
	}
	racing := &racingIAM{IAMAPI: e.clients.IAM}
	racing.beforeUnrecord = func() { e.deletePrincipal(t, principal{Kind: kindRole, Name: "analyst"}) }
	clients := e.clients
	clients.IAM = racing
	if err := NewAccess(clients).Delete(t.Context(), request(customresource.ActionDelete, "Grant", res.PhysicalResourceID, props, nil)); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if racing.beforeUnrecord != nil {
		t.Fatal("the delete never removed its record, so the race was not exercised")
	}
}
