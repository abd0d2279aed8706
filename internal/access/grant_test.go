package access

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
)

const managedArn = "arn:aws:iam::aws:policy/AmazonRedshiftDataFullAccess"

// grantees are one principal of each kind.
var grantees = []principal{{Kind: kindRole, Name: "analyst"}, {Kind: kindUser, Name: "etl"}, {Kind: kindGroup, Name: "analysts"}}

// createGrantees creates the grantees and returns the properties of a
// Managed grant to all three.
func (e *env) createGrantees(t *testing.T) map[string]any {
	t.Helper()
	e.createRole(t, "analyst", "/")
	e.createUser(t, "etl")
	e.createGroup(t, "analysts")
	return map[string]any{"PolicyMode": "Managed", "Roles": []any{"analyst"}, "Users": []any{"etl"}, "Groups": []any{"analysts"}}
}

func TestManagedGrantsOnOnePrincipalDeletedInEitherOrder(t *testing.T) {
	tests := map[string]struct {
		deleteFirst, deleteSecond string
	}{
		"first grant deleted first":  {deleteFirst: "GrantA", deleteSecond: "GrantB"},
		"second grant deleted first": {deleteFirst: "GrantB", deleteSecond: "GrantA"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, awsemu.AccountA)
			props := e.createGrantees(t)
			r := NewAccess(e.clients)
			ids := map[string]string{}
			for _, logical := range []string{"GrantA", "GrantB"} {
				res, err := r.Create(t.Context(), request(customresource.ActionCreate, logical, "", props, nil))
				if err != nil {
					t.Fatalf("Create %s: %v", logical, err)
				}
				if !isGrantID(res.PhysicalResourceID) {
					t.Fatalf("physical ID %q is not a grant ID", res.PhysicalResourceID)
				}
				if res.Data["PolicyArn"] != managedArn {
					t.Errorf("PolicyArn = %q", res.Data["PolicyArn"])
				}
				ids[logical] = res.PhysicalResourceID
			}
			if ids["GrantA"] == ids["GrantB"] {
				t.Fatal("two grants share a physical ID")
			}
			for _, p := range grantees {
				if !e.holdsManaged(t, p) {
					t.Fatalf("%s lacks the managed policy after two grants", p)
				}
			}

			if err := r.Delete(t.Context(), request(customresource.ActionDelete, tc.deleteFirst, ids[tc.deleteFirst], props, nil)); err != nil {
				t.Fatal(err)
			}
			for _, p := range grantees {
				if !e.holdsManaged(t, p) {
					t.Errorf("%s lost the managed policy while %s still holds it", p, tc.deleteSecond)
				}
			}
			if err := r.Delete(t.Context(), request(customresource.ActionDelete, tc.deleteSecond, ids[tc.deleteSecond], props, nil)); err != nil {
				t.Fatal(err)
			}
			for _, p := range grantees {
				if e.holdsManaged(t, p) {
					t.Errorf("%s keeps the managed policy after both grants are deleted", p)
				}
				if left := e.grantRecords(t, p); len(left) > 0 {
					t.Errorf("%s keeps grant records %v", p, left)
				}
			}
			if e.ledgerExists(t, "analysts") {
				t.Error("the ledger outlives the last grant")
			}
		})
	}
}

func TestManagedGrantNeverRevokesAnAttachmentMadeByHand(t *testing.T) {
	e := newEnv(t, awsemu.AccountA)
	props := e.createGrantees(t)
	for _, p := range grantees {
		if err := attach(t.Context(), e.iam, p, managedArn); err != nil {
			t.Fatal(err)
		}
	}
	r := NewAccess(e.clients)
	a, err := r.Create(t.Context(), request(customresource.ActionCreate, "GrantA", "", props, nil))
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.Create(t.Context(), request(customresource.ActionCreate, "GrantB", "", props, nil))
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range []struct{ logical, id string }{{"GrantA", a.PhysicalResourceID}, {"GrantB", b.PhysicalResourceID}} {
		if err := r.Delete(t.Context(), request(customresource.ActionDelete, g.logical, g.id, props, nil)); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range grantees {
		if !e.holdsManaged(t, p) {
			t.Errorf("the attachment to %s made by hand before the grants was revoked", p)
		}
	}
	if e.ledgerExists(t, "analysts") {
		t.Error("the ledger outlives the grants")
	}
}

func TestManagedUpdateMovesGrantBetweenPrincipals(t *testing.T) {
	e := newEnv(t, awsemu.AccountA)
	e.createRole(t, "analyst", "/")
	e.createRole(t, "loader", "/")
	r := NewAccess(e.clients)
	v1 := map[string]any{"PolicyMode": "Managed", "Roles": []any{"analyst"}}
	res, err := r.Create(t.Context(), request(customresource.ActionCreate, "Grant", "", v1, nil))
	if err != nil {
		t.Fatal(err)
	}
	e.calls.reset()
	if _, err := r.Update(t.Context(), request(customresource.ActionUpdate, "Grant", res.PhysicalResourceID, v1, v1)); err != nil {
		t.Fatal(err)
	}
	if m := e.calls.mutating(); len(m) > 0 {
		t.Errorf("no-op update made mutating calls: %v", m)
	}
	v2 := map[string]any{"PolicyMode": "Managed", "Roles": []any{"loader"}}
	got, err := r.Update(t.Context(), request(customresource.ActionUpdate, "Grant", res.PhysicalResourceID, v2, v1))
	if err != nil {
		t.Fatal(err)
	}
	if got.PhysicalResourceID != res.PhysicalResourceID {
		t.Errorf("physical ID changed from %s to %s", res.PhysicalResourceID, got.PhysicalResourceID)
	}
	if slices.Contains(e.attachedTo(t, kindRole, "analyst"), managedArn) {
		t.Error("analyst keeps the managed policy after it was removed from the grant")
	}
	if !slices.Contains(e.attachedTo(t, kindRole, "loader"), managedArn) {
		t.Error("loader lacks the managed policy")
	}
}

func TestManagedRedeliveredCreateIsIdempotent(t *testing.T) {
	e := newEnv(t, awsemu.AccountA)
	e.createRole(t, "analyst", "/")
	r := NewAccess(e.clients)
	req := request(customresource.ActionCreate, "Grant", "", map[string]any{"PolicyMode": "Managed", "Roles": "analyst"}, nil)
	first, err := r.Create(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	e.calls.reset()
	second, err := r.Create(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	if first.PhysicalResourceID != second.PhysicalResourceID {
		t.Errorf("redelivery returned %s, first %s", second.PhysicalResourceID, first.PhysicalResourceID)
	}
	if m := e.calls.mutating(); len(m) > 0 {
		t.Errorf("redelivered Create made mutating calls: %v", m)
	}
}

// In Managed mode the workgroups are only tagged: the managed policy lets
// serverless temporary credentials through for tagged workgroups only.
func TestManagedGrantTagsWorkgroups(t *testing.T) {
	e := newEnv(t, awsemu.AccountA)
	e.createRole(t, "analyst", "/")
	wgArn := e.createWorkgroup(t, "analytics-wg")
	r := NewAccess(e.clients)
	props := map[string]any{"PolicyMode": "Managed", "Roles": []any{"analyst"}, "Workgroups": []any{"analytics-wg"}, "TagWorkgroups": "true"}
	res, err := r.Create(t.Context(), request(customresource.ActionCreate, "Grant", "", props, nil))
	if err != nil {
		t.Fatal(err)
	}
	if !e.workgroupTagged(t, wgArn) {
		t.Error("workgroup lacks the RedshiftDataFullAccess tag")
	}
	e.calls.reset()
	if _, err := r.Update(t.Context(), request(customresource.ActionUpdate, "Grant", res.PhysicalResourceID, props, props)); err != nil {
		t.Fatal(err)
	}
	if m := e.calls.mutating(); len(m) > 0 {
		t.Errorf("no-op update of a tagged workgroup made mutating calls: %v", m)
	}
}

// A role has at most 50 tags, its own included. A Managed grant that needs
// more fails with a PropertyError before it changes anything, rather than
// with IAM's LimitExceeded halfway through.
func TestManagedGrantChecksTheTagLimitFirst(t *testing.T) {
	tests := map[string]struct {
		ownTags      int
		attachByHand bool // the policy is attached already, so no marker is needed
		update       bool // the role is added by an Update rather than a Create
		wantProperty string
	}{
		"room for record and marker":          {ownTags: 48},
		"no room for the marker":              {ownTags: 49, wantProperty: "Roles"},
		"attached by hand, room for a record": {ownTags: 49, attachByHand: true},
		"attached by hand, no room":           {ownTags: 50, attachByHand: true, wantProperty: "Roles"},
		"added by an update, no room":         {ownTags: 49, update: true, wantProperty: "Roles"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, awsemu.AccountA)
			e.createRole(t, "analyst", "/")
			e.createRole(t, "crowded", "/")
			var own []iamtypes.Tag
			for i := range tc.ownTags {
				own = append(own, iamtypes.Tag{Key: aws.String(fmt.Sprintf("team-%d", i)), Value: aws.String("x")})
			}
			if _, err := e.iam.TagRole(t.Context(), &iam.TagRoleInput{RoleName: aws.String("crowded"), Tags: own}); err != nil {
				t.Fatal(err)
			}
			if tc.attachByHand {
				if _, err := e.iam.AttachRolePolicy(t.Context(), &iam.AttachRolePolicyInput{RoleName: aws.String("crowded"), PolicyArn: aws.String(managedArn)}); err != nil {
					t.Fatal(err)
				}
			}
			r := NewAccess(e.clients)
			props := map[string]any{"PolicyMode": "Managed", "Roles": []any{"analyst", "crowded"}}
			var err error
			if tc.update {
				before := map[string]any{"PolicyMode": "Managed", "Roles": []any{"analyst"}}
				res, cerr := r.Create(t.Context(), request(customresource.ActionCreate, "Grant", "", before, nil))
				if cerr != nil {
					t.Fatal(cerr)
				}
				e.calls.reset()
				_, err = r.Update(t.Context(), request(customresource.ActionUpdate, "Grant", res.PhysicalResourceID, props, before))
			} else {
				e.calls.reset()
				_, err = r.Create(t.Context(), request(customresource.ActionCreate, "Grant", "", props, nil))
			}
			var pe *customresource.PropertyError
			if !errors.As(err, &pe) {
				if tc.wantProperty != "" || err != nil {
					t.Fatalf("error = %v, want property %q", err, tc.wantProperty)
				}
				return
			}
			if pe.Property != tc.wantProperty {
				t.Errorf("error names property %q, want %q", pe.Property, tc.wantProperty)
			}
			if m := e.calls.mutating(); len(m) > 0 {
				t.Errorf("refused grant made mutating calls: %v", m)
			}
		})
	}
}

// A principal deleted outside the stack took its attachment with it: the
// grant's Delete, or an Update that removes the principal, succeeds, and a
// group's ledger goes with the last grant.
func TestManagedGrantOfADeletedPrincipal(t *testing.T) {
	tests := map[string]struct {
		kind   kind
		update bool
	}{
		"role, delete":  {kind: kindRole},
		"user, delete":  {kind: kindUser},
		"group, delete": {kind: kindGroup},
		"role, update":  {kind: kindRole, update: true},
		"group, update": {kind: kindGroup, update: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, awsemu.AccountA)
			e.createRole(t, "keeper", "/")
			p := principal{Kind: tc.kind, Name: "gone"}
			switch tc.kind {
			case kindRole:
				e.createRole(t, p.Name, "/")
			case kindUser:
				e.createUser(t, p.Name)
			case kindGroup:
				e.createGroup(t, p.Name)
			}
			r := NewAccess(e.clients)
			props := map[string]any{"PolicyMode": "Managed", "Roles": []any{"keeper"}, tc.kind.property(): []any{p.Name}}
			if tc.kind == kindRole {
				props["Roles"] = []any{"keeper", p.Name}
			}
			res, err := r.Create(t.Context(), request(customresource.ActionCreate, "Grant", "", props, nil))
			if err != nil {
				t.Fatal(err)
			}
			e.deletePrincipal(t, p)

			if tc.update {
				after := map[string]any{"PolicyMode": "Managed", "Roles": []any{"keeper"}}
				if _, err := r.Update(t.Context(), request(customresource.ActionUpdate, "Grant", res.PhysicalResourceID, after, props)); err != nil {
					t.Fatalf("Update that removes the deleted %s: %v", p, err)
				}
			} else if err := r.Delete(t.Context(), request(customresource.ActionDelete, "Grant", res.PhysicalResourceID, props, nil)); err != nil {
				t.Fatalf("Delete: %v", err)
			}
			if tc.kind == kindGroup && e.ledgerExists(t, p.Name) {
				t.Error("the ledger of the deleted group outlives its last grant")
			}
		})
	}
}

// deletePrincipal deletes p as a person would: detaching its policies
// first, which IAM requires.
func (e *env) deletePrincipal(t *testing.T, p principal) {
	t.Helper()
	ctx := t.Context()
	for _, arn := range e.attachedTo(t, p.Kind, p.Name) {
		if err := detach(ctx, e.iam, p, arn); err != nil {
			t.Fatal(err)
		}
	}
	var err error
	switch p.Kind {
	case kindRole:
		_, err = e.iam.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(p.Name)})
	case kindUser:
		_, err = e.iam.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String(p.Name)})
	case kindGroup:
		_, err = e.iam.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String(p.Name)})
	}
	if err != nil {
		t.Fatalf("deleting %s: %v", p, err)
	}
}

// CloudFormation rolls a failed or later-failing Update back with a second
// Update that swaps the properties. Whether the first Update finished or
// failed halfway, the rollback leaves exactly the old principals holding
// the policy and no record of the grant on the others.
func TestManagedUpdateRollback(t *testing.T) {
	old := map[string]any{"PolicyMode": "Managed", "Roles": []any{"analyst"}, "Groups": []any{"analysts"}}
	next := map[string]any{"PolicyMode": "Managed", "Roles": []any{"loader"}, "Users": []any{"etl"}, "Groups": []any{"analysts"}}
	tests := map[string]struct {
		failOp string // the IAM operation that fails the first Update, or ""
	}{
		"after a finished update":          {},
		"after an update failed at a user": {failOp: "AttachUserPolicy"},
		"after an update failed to record": {failOp: "TagUser"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, awsemu.AccountA)
			e.createRole(t, "analyst", "/")
			e.createRole(t, "loader", "/")
			e.createUser(t, "etl")
			e.createGroup(t, "analysts")
			r := NewAccess(e.clients)
			res, err := r.Create(t.Context(), request(customresource.ActionCreate, "Grant", "", old, nil))
			if err != nil {
				t.Fatal(err)
			}
			id := res.PhysicalResourceID
			if tc.failOp != "" {
				e.srv.InjectFault(denied(tc.failOp))
			}
			_, err = r.Update(t.Context(), request(customresource.ActionUpdate, "Grant", id, next, old))
			if (err != nil) != (tc.failOp != "") {
				t.Fatalf("Update error = %v, want failure: %t", err, tc.failOp != "")
			}
			if _, err := r.Update(t.Context(), request(customresource.ActionUpdate, "Grant", id, old, next)); err != nil {
				t.Fatalf("rollback Update: %v", err)
			}
			for _, p := range []principal{{Kind: kindRole, Name: "analyst"}, {Kind: kindRole, Name: "loader"}, {Kind: kindUser, Name: "etl"}, {Kind: kindGroup, Name: "analysts"}} {
				want := p.Name == "analyst" || p.Kind == kindGroup
				if got := e.holdsManaged(t, p); got != want {
					t.Errorf("after the rollback %s holds the policy: %t, want %t", p, got, want)
				}
				if _, got := e.grantRecords(t, p)[id]; got != want {
					t.Errorf("after the rollback %s records the grant: %t, want %t", p, got, want)
				}
			}
		})
	}
}
