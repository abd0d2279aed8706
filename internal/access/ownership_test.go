package access

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
	emustate "github.com/redshift-data-access/redshift-data-access/local/awsemu/snapshot"
)

func (e *env) state(t *testing.T) emustate.State {
	t.Helper()
	return emustate.Take(t, e.srv.Config(e.account), []string{"etl"}, []string{"analysts"})
}

// foreignTags are the cases of an IAM entity not made by the test's
// resource "Grant": none of the records, and another stack's.
var foreignTags = map[string][]iamtypes.Tag{
	"hand-made": nil,
	"other stack": {
		{Key: aws.String(tagStackID), Value: aws.String("arn:aws:cloudformation:us-east-1:111111111111:stack/other/1")},
		{Key: aws.String(tagLogicalID), Value: aws.String("Grant")},
	},
}

func TestScopedUpdateOfAPolicyNotCreatedByThisResourceFails(t *testing.T) {
	e := newEnv(t, awsemu.AccountA)
	e.createRole(t, "analyst", "/")
	e.createUser(t, "etl")
	e.createGroup(t, "analysts")
	r := NewAccess(e.clients)
	for name, tags := range foreignTags {
		t.Run(name, func(t *testing.T) {
			out, err := e.iam.CreatePolicy(t.Context(), &iam.CreatePolicyInput{
				PolicyName: aws.String("admin-" + fmt.Sprint(len(tags))), Path: aws.String("/redshift-data-api/"), Tags: tags,
				PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`),
			})
			if err != nil {
				t.Fatal(err)
			}
			arn := aws.ToString(out.Policy.Arn)
			props := map[string]any{"Roles": []any{"analyst"}, "Clusters": []any{"analytics"}}
			before := e.state(t)
			_, err = r.Update(t.Context(), request(customresource.ActionUpdate, "Grant", arn, props, map[string]any{"Clusters": []any{"analytics"}}))
			var notOwned *customresource.NotOwnedError
			if !errors.As(err, &notOwned) {
				t.Fatalf("Update: %v, want a *customresource.NotOwnedError", err)
			}
			if err := r.Delete(t.Context(), request(customresource.ActionDelete, "Grant", arn, props, nil)); err != nil {
				t.Fatalf("Delete: %v, want success", err)
			}
			emustate.Unchanged(t, before, e.state(t))
		})
	}
}

func TestCrossAccountRoleUpdateOfARoleNotCreatedByThisResourceFails(t *testing.T) {
	e := newEnv(t, awsemu.AccountA)
	e.createUser(t, "etl")
	e.createGroup(t, "analysts")
	r := NewCrossAccountRole(e.clients)
	for name, tags := range foreignTags {
		t.Run(name, func(t *testing.T) {
			roleName := "handmade-" + fmt.Sprint(len(tags))
			out, err := e.iam.CreateRole(t.Context(), &iam.CreateRoleInput{
				RoleName: aws.String(roleName), Tags: tags,
				AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}]}`),
			})
			if err != nil {
				t.Fatal(err)
			}
			arn := aws.ToString(out.Role.Arn)
			props := map[string]any{"TrustedPrincipalArns": []any{awsemu.AccountB}, "PolicyMode": "Managed"}
			before := e.state(t)
			_, err = r.Update(t.Context(), request(customresource.ActionUpdate, "Grant", arn, props, props))
			var notOwned *customresource.NotOwnedError
			if !errors.As(err, &notOwned) {
				t.Fatalf("Update: %v, want a *customresource.NotOwnedError", err)
			}
			if err := r.Delete(t.Context(), request(customresource.ActionDelete, "Grant", arn, props, nil)); err != nil {
				t.Fatalf("Delete: %v, want success", err)
			}
			emustate.Unchanged(t, before, e.state(t))
		})
	}
}

// TestManagedGrantIDOfAnotherResource: a request of resource Other with
// the physical ID of resource Grant's grant neither releases nor extends
// that grant.
func TestManagedGrantIDOfAnotherResource(t *testing.T) {
	e := newEnv(t, awsemu.AccountA)
	props := e.createGrantees(t)
	e.createRole(t, "loader", "/")
	r := NewAccess(e.clients)
	res, err := r.Create(t.Context(), request(customresource.ActionCreate, "Grant", "", props, nil))
	if err != nil {
		t.Fatal(err)
	}
	before := e.state(t)
	if err := r.Delete(t.Context(), request(customresource.ActionDelete, "Other", res.PhysicalResourceID, props, nil)); err != nil {
		t.Fatalf("Delete: %v, want success", err)
	}
	more := map[string]any{"PolicyMode": "Managed", "Roles": []any{"analyst", "loader"}}
	_, err = r.Update(t.Context(), request(customresource.ActionUpdate, "Other", res.PhysicalResourceID, more, props))
	var notOwned *customresource.NotOwnedError
	if !errors.As(err, &notOwned) {
		t.Fatalf("Update: %v, want a *customresource.NotOwnedError", err)
	}
	emustate.Unchanged(t, before, e.state(t))
}

// TestManagedUpdateAfterItsDeleteGrantsNothing: a redelivered Update that
// arrives after the grant's Delete must not attach the managed policy.
func TestManagedUpdateAfterItsDeleteGrantsNothing(t *testing.T) {
	e := newEnv(t, awsemu.AccountA)
	props := e.createGrantees(t)
	e.createRole(t, "loader", "/")
	r := NewAccess(e.clients)
	res, err := r.Create(t.Context(), request(customresource.ActionCreate, "Grant", "", props, nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Delete(t.Context(), request(customresource.ActionDelete, "Grant", res.PhysicalResourceID, props, nil)); err != nil {
		t.Fatal(err)
	}
	before := e.state(t)
	more := map[string]any{"PolicyMode": "Managed", "Roles": []any{"analyst", "loader"}}
	_, err = r.Update(t.Context(), request(customresource.ActionUpdate, "Grant", res.PhysicalResourceID, more, props))
	var gone *GrantGoneError
	if !errors.As(err, &gone) {
		t.Fatalf("Update: %v, want a *GrantGoneError", err)
	}
	emustate.Unchanged(t, before, e.state(t))
}

// TestManagedUpdateRacingItsDelete runs an Update that adds a principal
// and the grant's Delete (with the old properties) at the same time: in
// every order no principal may keep the managed policy or a record of the
// grant.
func TestManagedUpdateRacingItsDelete(t *testing.T) {
	e := newEnv(t, awsemu.AccountA)
	e.createRole(t, "analyst", "/")
	e.createRole(t, "loader", "/")
	r := NewAccess(e.clients)
	v1 := map[string]any{"PolicyMode": "Managed", "Roles": []any{"analyst"}}
	v2 := map[string]any{"PolicyMode": "Managed", "Roles": []any{"analyst", "loader"}}
	for i := range 8 {
		logical := fmt.Sprintf("Grant%d", i)
		res, err := r.Create(t.Context(), request(customresource.ActionCreate, logical, "", v1, nil))
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var updateErr, deleteErr error
		wg.Go(func() {
			_, updateErr = r.Update(t.Context(), request(customresource.ActionUpdate, logical, res.PhysicalResourceID, v2, v1))
		})
		wg.Go(func() {
			deleteErr = r.Delete(t.Context(), request(customresource.ActionDelete, logical, res.PhysicalResourceID, v1, nil))
		})
		wg.Wait()
		if deleteErr != nil {
			t.Fatalf("round %d: Delete: %v", i, deleteErr)
		}
		var gone *GrantGoneError
		if updateErr != nil && !errors.As(updateErr, &gone) {
			t.Logf("round %d: Update failed otherwise: %v", i, updateErr)
		}
		for _, role := range []string{"analyst", "loader"} {
			if slices.Contains(e.attachedTo(t, kindRole, role), managedArn) {
				t.Errorf("round %d: %s holds the managed policy after the grant's Delete (update error: %v)", i, role, updateErr)
			}
			held, err := tags(t.Context(), e.iam, principal{Kind: kindRole, Name: role})
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := held[res.PhysicalResourceID]; ok {
				t.Errorf("round %d: %s keeps the record of the deleted grant", i, role)
			}
		}
		// The Delete answered; a late redelivery of the Update must not
		// bring the grant back either.
		if _, err := r.Update(t.Context(), request(customresource.ActionUpdate, logical, res.PhysicalResourceID, v2, v1)); !errors.As(err, &gone) {
			t.Errorf("round %d: Update after the Delete: %v, want a *GrantGoneError", i, err)
		}
	}
}

// interleavingIAM runs a hook once, after the nth ListRoleTags of role or
// before the AttachRolePolicy to role, to put a whole Delete between two
// steps of an Update.
type interleavingIAM struct {
	IAMAPI
	role       string
	afterReads int // 0: hook before the attach
	reads      int
	hook       func()
}

func (c *interleavingIAM) fire() {
	if h := c.hook; h != nil {
		c.hook = nil
		h()
	}
}

func (c *interleavingIAM) ListRoleTags(ctx context.Context, in *iam.ListRoleTagsInput, opts ...func(*iam.Options)) (*iam.ListRoleTagsOutput, error) {
	out, err := c.IAMAPI.ListRoleTags(ctx, in, opts...)
	if aws.ToString(in.RoleName) == c.role && c.afterReads > 0 {
		if c.reads++; c.reads == c.afterReads {
			c.fire()
		}
	}
	return out, err
}

func (c *interleavingIAM) AttachRolePolicy(ctx context.Context, in *iam.AttachRolePolicyInput, opts ...func(*iam.Options)) (*iam.AttachRolePolicyOutput, error) {
	if aws.ToString(in.RoleName) == c.role && c.afterReads == 0 {
		c.fire()
	}
	return c.IAMAPI.AttachRolePolicy(ctx, in, opts...)
}

// TestManagedDeleteBetweenTheStepsOfAnUpdate puts the grant's Delete (with
// the old properties, which do not name loader) right before the Update
// attaches the policy to loader (its record written), and right after the Update's last look at
// the grant's other records: either the Update or the Delete must take
// loader's grant away.
func TestManagedDeleteBetweenTheStepsOfAnUpdate(t *testing.T) {
	cases := map[string]*interleavingIAM{
		"before the attach":   {role: "loader"},
		"after the last look": {role: "analyst", afterReads: 2},
	}
	for name, racing := range cases {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, awsemu.AccountA)
			e.createRole(t, "analyst", "/")
			e.createRole(t, "loader", "/")
			plain := NewAccess(e.clients)
			v1 := map[string]any{"PolicyMode": "Managed", "Roles": []any{"analyst"}}
			v2 := map[string]any{"PolicyMode": "Managed", "Roles": []any{"analyst", "loader"}}
			res, err := plain.Create(t.Context(), request(customresource.ActionCreate, "Grant", "", v1, nil))
			if err != nil {
				t.Fatal(err)
			}
			racing.IAMAPI = e.clients.IAM
			racing.hook = func() {
				if err := plain.Delete(t.Context(), request(customresource.ActionDelete, "Grant", res.PhysicalResourceID, v1, nil)); err != nil {
					t.Errorf("Delete: %v", err)
				}
			}
			clients := e.clients
			clients.IAM = racing
			_, updateErr := NewAccess(clients).Update(t.Context(), request(customresource.ActionUpdate, "Grant", res.PhysicalResourceID, v2, v1))
			if racing.hook != nil {
				t.Fatal("the Delete never ran inside the Update")
			}
			if slices.Contains(e.attachedTo(t, kindRole, "loader"), managedArn) {
				t.Errorf("loader holds the managed policy for the deleted grant (update error: %v)", updateErr)
			}
		})
	}
}
