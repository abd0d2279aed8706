package access

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/google/go-cmp/cmp"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/internal/policy"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
)

const roleAArn = "arn:aws:iam::111111111111:role/someRoleA"

func TestCrossAccountRoleCreate(t *testing.T) {
	srv := awsemu.Start()
	defer srv.Close()
	a, b := envFor(srv, awsemu.AccountA), envFor(srv, awsemu.AccountB)
	b.createCluster(t, "analytics", "admin")
	a.createRole(t, "someRoleA", "/")
	r := NewCrossAccountRole(b.clients)

	tests := map[string]struct {
		props        map[string]any
		wantManaged  bool
		wantInline   bool
		wantExternal string
	}{
		"managed, as in the seed": {
			props:       map[string]any{"TrustedPrincipalArns": []any{roleAArn}, "PolicyMode": "Managed"},
			wantManaged: true,
		},
		"scoped with external ID": {
			props:        map[string]any{"TrustedPrincipalArns": roleAArn, "ExternalId": "analytics-ext-1", "Clusters": "analytics", "MaxSessionDuration": "7200", "Description": "Data API access for account A"},
			wantInline:   true,
			wantExternal: "analytics-ext-1",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			res, err := r.Create(t.Context(), request(customresource.ActionCreate, "CrossRole", "", tc.props, nil))
			if err != nil {
				t.Fatalf("Create: %v", err)
			}
			name := res.Data["RoleName"]
			if want := "arn:aws:iam::222222222222:role/redshift-data-api/" + name; res.PhysicalResourceID != want || res.Data["RoleArn"] != want {
				t.Errorf("physical ID %q, RoleArn %q, want %q", res.PhysicalResourceID, res.Data["RoleArn"], want)
			}
			got, err := b.iam.GetRole(t.Context(), &iam.GetRoleInput{RoleName: aws.String(name)})
			if err != nil {
				t.Fatal(err)
			}
			trust, err := policy.Parse(aws.ToString(got.Role.AssumeRolePolicyDocument))
			if err != nil {
				t.Fatal(err)
			}
			if want := policy.TrustPolicy("aws", []string{roleAArn}, tc.wantExternal); !policy.Equivalent(want, trust) {
				t.Errorf("trust policy %s", aws.ToString(got.Role.AssumeRolePolicyDocument))
			}
			if got := slices.Contains(b.attachedTo(t, kindRole, name), managedArn); got != tc.wantManaged {
				t.Errorf("managed policy attached: %v, want %v", got, tc.wantManaged)
			}
			_, hasInline, err := r.inlinePolicy(t.Context(), name)
			if err != nil {
				t.Fatal(err)
			}
			if hasInline != tc.wantInline {
				t.Errorf("inline policy: %v, want %v", hasInline, tc.wantInline)
			}
			if err := r.Delete(t.Context(), request(customresource.ActionDelete, "CrossRole", res.PhysicalResourceID, tc.props, nil)); err != nil {
				t.Fatalf("Delete: %v", err)
			}
			if ok, err := b.roleExists(t.Context(), res.PhysicalResourceID); err != nil || ok {
				t.Errorf("role exists after Delete: %v, %v", ok, err)
			}
		})
	}
}

func TestCrossAccountRoleUpdate(t *testing.T) {
	srv := awsemu.Start()
	defer srv.Close()
	a, b := envFor(srv, awsemu.AccountA), envFor(srv, awsemu.AccountB)
	b.createCluster(t, "analytics", "admin")
	a.createRole(t, "someRoleA", "/")
	a.createRole(t, "someRoleA2", "/")
	r := NewCrossAccountRole(b.clients)
	v1 := map[string]any{"TrustedPrincipalArns": []any{roleAArn}, "PolicyMode": "Managed", "Tags": []any{map[string]any{"Key": "team", "Value": "data"}}}
	res, err := r.Create(t.Context(), request(customresource.ActionCreate, "CrossRole", "", v1, nil))
	if err != nil {
		t.Fatal(err)
	}
	id, name := res.PhysicalResourceID, res.Data["RoleName"]

	b.calls.reset()
	if _, err := r.Update(t.Context(), request(customresource.ActionUpdate, "CrossRole", id, v1, v1)); err != nil {
		t.Fatal(err)
	}
	if m := b.calls.mutating(); len(m) > 0 {
		t.Errorf("no-op update made mutating calls: %v", m)
	}

	v2 := map[string]any{"TrustedPrincipalArns": []any{roleAArn, "arn:aws:iam::111111111111:role/someRoleA2"}, "Clusters": "analytics", "MaxSessionDuration": 7200, "Tags": map[string]any{"owner": "platform"}}
	b.calls.reset()
	got, err := r.Update(t.Context(), request(customresource.ActionUpdate, "CrossRole", id, v2, v1))
	if err != nil {
		t.Fatal(err)
	}
	if got.PhysicalResourceID != id {
		t.Errorf("physical ID changed to %s", got.PhysicalResourceID)
	}
	wantOps := []string{"UpdateAssumeRolePolicy", "UpdateRole", "TagRole", "UntagRole", "PutRolePolicy", "DetachRolePolicy"}
	if diff := cmp.Diff(wantOps, b.calls.mutating()); diff != "" {
		t.Errorf("mutating calls (-want +got):\n%s", diff)
	}
	role, err := b.iam.GetRole(t.Context(), &iam.GetRoleInput{RoleName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(role.Role.MaxSessionDuration) != 7200 {
		t.Errorf("MaxSessionDuration = %d", aws.ToInt32(role.Role.MaxSessionDuration))
	}
	tagMap := map[string]string{}
	for _, tag := range role.Role.Tags {
		tagMap[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
	}
	wantTags := map[string]string{"owner": "platform", tagStackID: testStack, tagLogicalID: "CrossRole"}
	if diff := cmp.Diff(wantTags, tagMap); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}

	v3 := map[string]any{"TrustedPrincipalArns": []any{roleAArn}, "RoleName": "data-api-from-a", "PolicyMode": "Managed"}
	replaced, err := r.Update(t.Context(), request(customresource.ActionUpdate, "CrossRole", id, v3, v2))
	if err != nil {
		t.Fatal(err)
	}
	if replaced.PhysicalResourceID != "arn:aws:iam::222222222222:role/redshift-data-api/data-api-from-a" {
		t.Errorf("replacement physical ID %s", replaced.PhysicalResourceID)
	}
	if ok, err := b.roleExists(t.Context(), id); err != nil || !ok {
		t.Errorf("old role gone after the replacing update: %v, %v", ok, err)
	}
}

func TestCrossAccountRoleRetriesInvalidPrincipal(t *testing.T) {
	srv := awsemu.Start()
	defer srv.Close()
	srv.SetIAMPropagationDelay(1500 * time.Millisecond)
	a, b := envFor(srv, awsemu.AccountA), envFor(srv, awsemu.AccountB)
	b.createCluster(t, "analytics", "admin")
	a.createRole(t, "someRoleA", "/")
	r := NewCrossAccountRole(b.clients)
	props := map[string]any{"TrustedPrincipalArns": []any{roleAArn}, "PolicyMode": "Managed"}

	t.Run("within the bound", func(t *testing.T) {
		if _, err := r.Create(t.Context(), request(customresource.ActionCreate, "CrossRole", "", props, nil)); err != nil {
			t.Fatalf("Create: %v", err)
		}
	})
	t.Run("past the bound", func(t *testing.T) {
		short := NewCrossAccountRole(b.clients)
		short.principalWait = 200 * time.Millisecond
		ghost := map[string]any{"TrustedPrincipalArns": []any{"arn:aws:iam::111111111111:role/never-created"}, "PolicyMode": "Managed"}
		_, err := short.Create(t.Context(), request(customresource.ActionCreate, "Ghost", "", ghost, nil))
		var malformed *iamtypes.MalformedPolicyDocumentException
		if !errors.As(err, &malformed) {
			t.Errorf("error = %v, want MalformedPolicyDocument after the bound", err)
		}
		var pe *customresource.PropertyError
		if !errors.As(err, &pe) || pe.Property != "TrustedPrincipalArns" {
			t.Errorf("error = %v, want one that names TrustedPrincipalArns", err)
		}
	})
}

// TestCrossAccountScenario follows the seed: account B owns the cluster and
// a role trusting someRoleA of account A; an Access grant in account A
// lets someRoleA assume it; someRoleA's session then assumes the role.
func TestCrossAccountScenario(t *testing.T) {
	srv := awsemu.Start()
	defer srv.Close()
	a, b := envFor(srv, awsemu.AccountA), envFor(srv, awsemu.AccountB)
	b.createCluster(t, "analytics", "admin")
	a.createRole(t, "someRoleA", "/")

	roleB, err := NewCrossAccountRole(b.clients).Create(t.Context(), request(customresource.ActionCreate, "CrossRole", "", map[string]any{"TrustedPrincipalArns": []any{roleAArn}, "Clusters": "analytics"}, nil))
	if err != nil {
		t.Fatal(err)
	}
	assumeB := func(t *testing.T) error {
		sessionA := srv.Config(awsemu.AccountA)
		sessionA.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(srv.Config(awsemu.AccountA)), roleAArn))
		_, err := sts.NewFromConfig(sessionA).AssumeRole(t.Context(), &sts.AssumeRoleInput{RoleArn: aws.String(roleB.PhysicalResourceID), RoleSessionName: aws.String("data-api")})
		return err
	}
	if err := assumeB(t); err == nil {
		t.Fatal("someRoleA assumed the role in account B before any grant allowed it")
	}
	access := map[string]any{"Roles": []any{"someRoleA"}, "AssumeRoleArns": []any{roleB.PhysicalResourceID}}
	if _, err := NewAccess(a.clients).Create(t.Context(), request(customresource.ActionCreate, "CallerSide", "", access, nil)); err != nil {
		t.Fatal(err)
	}
	if err := assumeB(t); err != nil {
		t.Errorf("AssumeRole from account A after the grant: %v", err)
	}
}

func TestCrossAccountRoleDeleteLeavesRolesItDidNotCreate(t *testing.T) {
	e := newEnv(t, awsemu.AccountB)
	arn := e.createRole(t, "hand-made", "/redshift-data-api/")
	if _, err := e.iam.AttachRolePolicy(t.Context(), &iam.AttachRolePolicyInput{RoleName: aws.String("hand-made"), PolicyArn: aws.String(managedArn)}); err != nil {
		t.Fatal(err)
	}
	r := NewCrossAccountRole(e.clients)
	for _, id := range []string{arn, customresource.FailedCreateMarker("x"), "not-an-arn"} {
		e.calls.reset()
		if err := r.Delete(t.Context(), request(customresource.ActionDelete, "CrossRole", id, nil, nil)); err != nil {
			t.Errorf("Delete %s: %v", id, err)
		}
		if m := e.calls.mutating(); len(m) > 0 {
			t.Errorf("Delete %s made mutating calls %v", id, m)
		}
	}
	if ok, err := e.roleExists(t.Context(), arn); err != nil || !ok {
		t.Errorf("hand-made role deleted: %v, %v", ok, err)
	}
}

func TestCrossAccountRoleCreateWithPermissionsBoundary(t *testing.T) {
	e := newEnv(t, awsemu.AccountB)
	props := map[string]any{"TrustedPrincipalArns": []any{"111111111111"}, "PolicyMode": "Managed", "PermissionsBoundaryArn": managedArn}
	res, err := NewCrossAccountRole(e.clients).Create(t.Context(), request(customresource.ActionCreate, "Bounded", "", props, nil))
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.iam.GetRole(t.Context(), &iam.GetRoleInput{RoleName: aws.String(res.Data["RoleName"])})
	if err != nil {
		t.Fatal(err)
	}
	if got.Role.PermissionsBoundary == nil || aws.ToString(got.Role.PermissionsBoundary.PermissionsBoundaryArn) != managedArn {
		t.Errorf("permissions boundary %+v, want %s", got.Role.PermissionsBoundary, managedArn)
	}
}

// IAM names are unique in an account whatever the path, so a replacement
// that keeps an explicit name cannot be created: the update fails on the
// property before anything changes, and the old entity stays as it was.
func TestUpdateThatKeepsAnExplicitNameCannotReplace(t *testing.T) {
	tests := map[string]struct {
		resourceType string
		v1, v2       map[string]any
		wantProperty string
	}{
		"policy path": {
			resourceType: AccessType,
			v1:           map[string]any{"Roles": "analyst", "Clusters": "analytics", "PolicyName": "fixed"},
			v2:           map[string]any{"Roles": "analyst", "Clusters": "analytics", "PolicyName": "fixed", "PolicyPath": "/redshift-data-api/data/"},
			wantProperty: "PolicyPath",
		},
		"policy name case": {
			resourceType: AccessType,
			v1:           map[string]any{"Roles": "analyst", "Clusters": "analytics", "PolicyName": "fixed"},
			v2:           map[string]any{"Roles": "analyst", "Clusters": "analytics", "PolicyName": "Fixed"},
			wantProperty: "PolicyName",
		},
		"role path": {
			resourceType: CrossAccountRoleType,
			v1:           map[string]any{"TrustedPrincipalArns": "111111111111", "PolicyMode": "Managed", "RoleName": "fixed"},
			v2:           map[string]any{"TrustedPrincipalArns": "111111111111", "PolicyMode": "Managed", "RoleName": "fixed", "RolePath": "/redshift-data-api/data/"},
			wantProperty: "RolePath",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, awsemu.AccountA)
			e.createRole(t, "analyst", "/")
			var r customresource.Resource = NewAccess(e.clients)
			exists := e.policyExists
			if tc.resourceType == CrossAccountRoleType {
				r, exists = NewCrossAccountRole(e.clients), e.roleExists
			}
			res, err := r.Create(t.Context(), request(customresource.ActionCreate, "Named", "", tc.v1, nil))
			if err != nil {
				t.Fatal(err)
			}
			e.calls.reset()
			_, err = r.Update(t.Context(), request(customresource.ActionUpdate, "Named", res.PhysicalResourceID, tc.v2, tc.v1))
			var pe *customresource.PropertyError
			if !errors.As(err, &pe) || pe.Property != tc.wantProperty {
				t.Fatalf("Update error = %v, want a PropertyError on %s", err, tc.wantProperty)
			}
			if m := e.calls.mutating(); len(m) > 0 {
				t.Errorf("mutating calls before the failure: %v", m)
			}
			if ok, err := exists(t.Context(), res.PhysicalResourceID); err != nil || !ok {
				t.Errorf("%s gone after the failed update: %v, %v", res.PhysicalResourceID, ok, err)
			}
		})
	}
}

func TestCrossAccountRolePathChangeReplaces(t *testing.T) {
	e := newEnv(t, awsemu.AccountB)
	r := NewCrossAccountRole(e.clients)
	v1 := map[string]any{"TrustedPrincipalArns": "111111111111", "PolicyMode": "Managed"}
	res, err := r.Create(t.Context(), request(customresource.ActionCreate, "CrossRole", "", v1, nil))
	if err != nil {
		t.Fatal(err)
	}
	v2 := map[string]any{"TrustedPrincipalArns": "111111111111", "PolicyMode": "Managed", "RolePath": "/redshift-data-api/data/"}
	got, err := r.Update(t.Context(), request(customresource.ActionUpdate, "CrossRole", res.PhysicalResourceID, v2, v1))
	if err != nil {
		t.Fatal(err)
	}
	if path, _ := iamPathName(got.PhysicalResourceID); path != "/redshift-data-api/data/" {
		t.Errorf("replacement %s is not under /data/", got.PhysicalResourceID)
	}
	if ok, err := e.roleExists(t.Context(), res.PhysicalResourceID); err != nil || !ok {
		t.Errorf("old role gone after the replacing update: %v, %v", ok, err)
	}
}

func TestCrossAccountRoleUpdateRetriesInvalidPrincipal(t *testing.T) {
	srv := awsemu.Start()
	defer srv.Close()
	a, b := envFor(srv, awsemu.AccountA), envFor(srv, awsemu.AccountB)
	b.createCluster(t, "analytics", "admin")
	a.createRole(t, "someRoleA", "/")
	r := NewCrossAccountRole(b.clients)
	v1 := map[string]any{"TrustedPrincipalArns": []any{roleAArn}, "PolicyMode": "Managed"}
	res, err := r.Create(t.Context(), request(customresource.ActionCreate, "CrossRole", "", v1, nil))
	if err != nil {
		t.Fatal(err)
	}
	// A role created in account A just now is not yet a valid principal
	// for IAM in account B.
	srv.SetIAMPropagationDelay(300 * time.Millisecond)
	fresh := a.createRole(t, "freshRoleA", "/")
	v2 := map[string]any{"TrustedPrincipalArns": []any{roleAArn, fresh}, "PolicyMode": "Managed"}
	if _, err := r.Update(t.Context(), request(customresource.ActionUpdate, "CrossRole", res.PhysicalResourceID, v2, v1)); err != nil {
		t.Fatalf("Update trusting a principal that is still propagating: %v", err)
	}
	got, err := b.iam.GetRole(t.Context(), &iam.GetRoleInput{RoleName: aws.String(res.Data["RoleName"])})
	if err != nil {
		t.Fatal(err)
	}
	trust, err := policy.Parse(aws.ToString(got.Role.AssumeRolePolicyDocument))
	if err != nil {
		t.Fatal(err)
	}
	if want := policy.TrustPolicy("aws", []string{roleAArn, fresh}, ""); !policy.Equivalent(want, trust) {
		t.Errorf("trust policy %s", aws.ToString(got.Role.AssumeRolePolicyDocument))
	}
}

// The retry stops when the request's context ends, not at its own bound,
// so that the handler can still answer before the Lambda deadline.
func TestInvalidPrincipalRetryEndsWithTheContext(t *testing.T) {
	srv := awsemu.Start()
	defer srv.Close()
	r := NewCrossAccountRole(envFor(srv, awsemu.AccountB).clients)
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	ghost := map[string]any{"TrustedPrincipalArns": []any{"arn:aws:iam::111111111111:role/never-created"}, "PolicyMode": "Managed"}
	start := time.Now()
	_, err := r.Create(ctx, request(customresource.ActionCreate, "Ghost", "", ghost, nil))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error = %v, want the context's deadline", err)
	}
	// Without watching the context the retry would wait its first delay.
	if elapsed := time.Since(start); elapsed >= invalidPrincipalFirstDelay {
		t.Errorf("Create returned after %s, not when the context ended", elapsed)
	}
}
