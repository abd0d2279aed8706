package access

import (
	"regexp"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/google/go-cmp/cmp"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/internal/policy"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
)

// testLoc is where the test clients' ARNs live.
var testLoc = location{Partition: "aws", Account: awsemu.AccountA}

// ledgerExists reports whether group's ledger policy exists.
func (e *env) ledgerExists(t *testing.T, group string) bool {
	t.Helper()
	ok, err := e.policyExists(t.Context(), ledgerArn(testLoc, group))
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

func (e *env) groupHoldsManaged(t *testing.T, group string) bool {
	t.Helper()
	return slices.Contains(e.attachedTo(t, kindGroup, group), managedArn)
}

// A redelivered Create or Delete converges: the second delivery changes
// nothing and fails on nothing.
func TestManagedGroupGrantRedeliveryConverges(t *testing.T) {
	e := newEnv(t, awsemu.AccountA)
	e.createGroup(t, "analysts")
	r := NewAccess(e.clients)
	props := map[string]any{"PolicyMode": "Managed", "Groups": "analysts"}
	create := request(customresource.ActionCreate, "Grant", "", props, nil)
	first, err := r.Create(t.Context(), create)
	if err != nil {
		t.Fatal(err)
	}
	e.calls.reset()
	second, err := r.Create(t.Context(), create)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(first, second); diff != "" {
		t.Errorf("redelivered Create (-first +second):\n%s", diff)
	}
	if m := e.calls.mutating(); len(m) > 0 {
		t.Errorf("redelivered Create made mutating calls: %v", m)
	}

	del := request(customresource.ActionDelete, "Grant", first.PhysicalResourceID, props, nil)
	for i := range 2 {
		if err := r.Delete(t.Context(), del); err != nil {
			t.Fatalf("Delete delivery %d: %v", i+1, err)
		}
	}
	if e.groupHoldsManaged(t, "analysts") {
		t.Error("the group keeps the managed policy after the grant is deleted")
	}
	if e.ledgerExists(t, "analysts") {
		t.Error("the ledger outlives the grant")
	}
}

func TestManagedUpdateAddsAndRemovesGroup(t *testing.T) {
	withGroup := map[string]any{"PolicyMode": "Managed", "Roles": []any{"analyst"}, "Groups": []any{"analysts"}}
	withoutGroup := map[string]any{"PolicyMode": "Managed", "Roles": []any{"analyst"}}
	tests := map[string]struct {
		before, after map[string]any
		wantHeld      bool
	}{
		"group added":   {before: withoutGroup, after: withGroup, wantHeld: true},
		"group removed": {before: withGroup, after: withoutGroup, wantHeld: false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, awsemu.AccountA)
			e.createRole(t, "analyst", "/")
			e.createGroup(t, "analysts")
			r := NewAccess(e.clients)
			res, err := r.Create(t.Context(), request(customresource.ActionCreate, "Grant", "", tc.before, nil))
			if err != nil {
				t.Fatal(err)
			}
			got, err := r.Update(t.Context(), request(customresource.ActionUpdate, "Grant", res.PhysicalResourceID, tc.after, tc.before))
			if err != nil {
				t.Fatal(err)
			}
			if got.PhysicalResourceID != res.PhysicalResourceID {
				t.Errorf("physical ID changed from %s to %s", res.PhysicalResourceID, got.PhysicalResourceID)
			}
			if held := e.groupHoldsManaged(t, "analysts"); held != tc.wantHeld {
				t.Errorf("group holds the managed policy: %t, want %t", held, tc.wantHeld)
			}
			if ledger := e.ledgerExists(t, "analysts"); ledger != tc.wantHeld {
				t.Errorf("ledger exists: %t, want %t", ledger, tc.wantHeld)
			}
			if !slices.Contains(e.attachedTo(t, kindRole, "analyst"), managedArn) {
				t.Error("the role lost the managed policy in an update that kept it")
			}
		})
	}
}

// The ledger may only ever take permissions away: if someone attaches it
// by mistake, it must grant nothing.
func TestLedgerDocumentOnlyDenies(t *testing.T) {
	e := newEnv(t, awsemu.AccountA)
	e.createGroup(t, "analysts")
	if _, err := NewAccess(e.clients).Create(t.Context(), request(customresource.ActionCreate, "Grant", "", map[string]any{"PolicyMode": "Managed", "Groups": "analysts"}, nil)); err != nil {
		t.Fatal(err)
	}
	arn := ledgerArn(testLoc, "analysts")
	got, err := e.iam.GetPolicy(t.Context(), &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(got.Policy.AttachmentCount) != 0 {
		t.Errorf("the ledger is attached %d times", aws.ToInt32(got.Policy.AttachmentCount))
	}
	v, err := e.iam.GetPolicyVersion(t.Context(), &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: got.Policy.DefaultVersionId})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := policy.Parse(aws.ToString(v.PolicyVersion.Document))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range doc.Statement {
		if s.Effect != "Deny" {
			t.Errorf("ledger statement %q has Effect %s, want Deny", s.Sid, s.Effect)
		}
	}
}

// A person may give the ledger a new version or attach it somewhere;
// either makes IAM refuse DeletePolicy with DeleteConflict. The last
// grant's Delete must still succeed and remove the ledger.
func TestLedgerChangedByHandIsDeletedWithTheLastGrant(t *testing.T) {
	tests := map[string]func(t *testing.T, e *env, arn string){
		"new version": func(t *testing.T, e *env, arn string) {
			doc := ledgerDocument(arn)
			if _, err := e.iam.CreatePolicyVersion(t.Context(), &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(doc)}); err != nil {
				t.Fatal(err)
			}
		},
		"attached by mistake": func(t *testing.T, e *env, arn string) {
			e.createRole(t, "bystander", "/")
			if _, err := e.iam.AttachRolePolicy(t.Context(), &iam.AttachRolePolicyInput{RoleName: aws.String("bystander"), PolicyArn: aws.String(arn)}); err != nil {
				t.Fatal(err)
			}
		},
	}
	for name, change := range tests {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, awsemu.AccountA)
			e.createGroup(t, "analysts")
			r := NewAccess(e.clients)
			props := map[string]any{"PolicyMode": "Managed", "Groups": "analysts"}
			res, err := r.Create(t.Context(), request(customresource.ActionCreate, "Grant", "", props, nil))
			if err != nil {
				t.Fatal(err)
			}
			change(t, e, ledgerArn(testLoc, "analysts"))
			if err := r.Delete(t.Context(), request(customresource.ActionDelete, "Grant", res.PhysicalResourceID, props, nil)); err != nil {
				t.Fatalf("Delete: %v", err)
			}
			if e.ledgerExists(t, "analysts") {
				t.Error("the ledger outlives the last grant")
			}
			if e.groupHoldsManaged(t, "analysts") {
				t.Error("the group keeps the managed policy after the grant is deleted")
			}
		})
	}
}

// IAM names are case-insensitive: grants that spell the group differently
// share one ledger, and an Update that only changes the spelling changes
// nothing.
func TestGroupGrantsSpelledInDifferentCaseShareALedger(t *testing.T) {
	e := newEnv(t, awsemu.AccountA)
	e.createGroup(t, "Analysts")
	r := NewAccess(e.clients)
	upper := map[string]any{"PolicyMode": "Managed", "Groups": "Analysts"}
	lower := map[string]any{"PolicyMode": "Managed", "Groups": "analysts"}
	a, err := r.Create(t.Context(), request(customresource.ActionCreate, "GrantA", "", upper, nil))
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.Create(t.Context(), request(customresource.ActionCreate, "GrantB", "", lower, nil))
	if err != nil {
		t.Fatal(err)
	}
	e.calls.reset()
	if _, err := r.Update(t.Context(), request(customresource.ActionUpdate, "GrantB", b.PhysicalResourceID, upper, lower)); err != nil {
		t.Fatal(err)
	}
	if m := e.calls.mutating(); len(m) > 0 {
		t.Errorf("an update that only changes the group's spelling made mutating calls: %v", m)
	}

	if err := r.Delete(t.Context(), request(customresource.ActionDelete, "GrantA", a.PhysicalResourceID, upper, nil)); err != nil {
		t.Fatal(err)
	}
	if !e.groupHoldsManaged(t, "analysts") {
		t.Fatal("deleting GrantA detached the policy that GrantB holds")
	}
	if err := r.Delete(t.Context(), request(customresource.ActionDelete, "GrantB", b.PhysicalResourceID, upper, nil)); err != nil {
		t.Fatal(err)
	}
	if e.groupHoldsManaged(t, "ANALYSTS") {
		t.Error("the group keeps the managed policy after both grants are deleted")
	}
	if e.ledgerExists(t, "Analysts") {
		t.Error("the ledger outlives the last grant")
	}
}

// IAM group names may hold a comma, which IAM refuses in a tag value: the
// ledger's tag that names its group must still be a valid value.
func TestLedgerTagValuesAreValidForIAM(t *testing.T) {
	valid := regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$`)
	e := newEnv(t, awsemu.AccountA)
	e.createGroup(t, "ops,analysts")
	if _, err := NewAccess(e.clients).Create(t.Context(), request(customresource.ActionCreate, "Grant", "", map[string]any{"PolicyMode": "Managed", "Groups": []any{"ops,analysts"}}, nil)); err != nil {
		t.Fatal(err)
	}
	got := e.grantRecords(t, principal{Kind: kindGroup, Name: "ops,analysts"})
	if len(got) == 0 {
		t.Fatal("the ledger has no tags")
	}
	for k, v := range got {
		if !valid.MatchString(v) {
			t.Errorf("tag %s = %q is not a valid IAM tag value", k, v)
		}
	}
}

// A ledger deleted by hand takes the group's records with it. The grant's
// Delete still succeeds, and it keeps the policy attached: without the
// records it cannot know that no one else holds it.
func TestGroupGrantWhoseLedgerWasDeletedByHand(t *testing.T) {
	e := newEnv(t, awsemu.AccountA)
	e.createGroup(t, "analysts")
	r := NewAccess(e.clients)
	props := map[string]any{"PolicyMode": "Managed", "Groups": "analysts"}
	res, err := r.Create(t.Context(), request(customresource.ActionCreate, "Grant", "", props, nil))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.iam.DeletePolicy(t.Context(), &iam.DeletePolicyInput{PolicyArn: aws.String(ledgerArn(testLoc, "analysts"))}); err != nil {
		t.Fatal(err)
	}
	if err := r.Delete(t.Context(), request(customresource.ActionDelete, "Grant", res.PhysicalResourceID, props, nil)); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if !e.groupHoldsManaged(t, "analysts") {
		t.Error("the Delete detached the policy without records that say no one else holds it")
	}
}
