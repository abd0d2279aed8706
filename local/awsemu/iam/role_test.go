package iam_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	emuiam "github.com/redshift-data-access/redshift-data-access/local/awsemu/iam"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
)

func trustFor(principal string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + principal + `"},"Action":"sts:AssumeRole"}]}`
}

func TestIAMCreateRoleValidation(t *testing.T) {
	tests := map[string]struct {
		in       iam.CreateRoleInput
		wantCode string
	}{
		"service principal":           {in: iam.CreateRoleInput{AssumeRolePolicyDocument: aws.String(testTrustLambda)}},
		"account root":                {in: iam.CreateRoleInput{AssumeRolePolicyDocument: aws.String(testTrustAccountA)}},
		"account ID":                  {in: iam.CreateRoleInput{AssumeRolePolicyDocument: aws.String(trustFor(awsemu.AccountB))}},
		"existing role of account B":  {in: iam.CreateRoleInput{AssumeRolePolicyDocument: aws.String(trustFor("arn:aws:iam::222222222222:role/caller"))}},
		"role of an unknown account":  {in: iam.CreateRoleInput{AssumeRolePolicyDocument: aws.String(trustFor("arn:aws:iam::333333333333:role/anything"))}},
		"missing role of account B":   {in: iam.CreateRoleInput{AssumeRolePolicyDocument: aws.String(trustFor("arn:aws:iam::222222222222:role/missing"))}, wantCode: "MalformedPolicyDocument"},
		"role ARN with a wrong path":  {in: iam.CreateRoleInput{AssumeRolePolicyDocument: aws.String(trustFor("arn:aws:iam::222222222222:role/other/caller"))}, wantCode: "MalformedPolicyDocument"},
		"not an ARN":                  {in: iam.CreateRoleInput{AssumeRolePolicyDocument: aws.String(trustFor("someone"))}, wantCode: "MalformedPolicyDocument"},
		"trust with Resource":         {in: iam.CreateRoleInput{AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Resource":"*"}]}`)}, wantCode: "MalformedPolicyDocument"},
		"trust without Principal":     {in: iam.CreateRoleInput{AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}`)}, wantCode: "MalformedPolicyDocument"},
		"trust with a non-STS action": {in: iam.CreateRoleInput{AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject"}]}`)}, wantCode: "MalformedPolicyDocument"},
		"trust not JSON":              {in: iam.CreateRoleInput{AssumeRolePolicyDocument: aws.String(`trust me`)}, wantCode: "MalformedPolicyDocument"},
		"trust without Version":       {in: iam.CreateRoleInput{AssumeRolePolicyDocument: aws.String(`{"Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)}},
		"trust of unknown Version":    {in: iam.CreateRoleInput{AssumeRolePolicyDocument: aws.String(`{"Version":"2020-01-01","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)}, wantCode: "MalformedPolicyDocument"},
		"session too short":           {in: iam.CreateRoleInput{AssumeRolePolicyDocument: aws.String(testTrustLambda), MaxSessionDuration: aws.Int32(3599)}, wantCode: "ValidationError"},
		"session too long":            {in: iam.CreateRoleInput{AssumeRolePolicyDocument: aws.String(testTrustLambda), MaxSessionDuration: aws.Int32(43201)}, wantCode: "ValidationError"},
		"missing boundary":            {in: iam.CreateRoleInput{AssumeRolePolicyDocument: aws.String(testTrustLambda), PermissionsBoundary: aws.String("arn:aws:iam::111111111111:policy/missing")}, wantCode: "NoSuchEntity"},
		"duplicate name, any case":    {in: iam.CreateRoleInput{RoleName: aws.String("EXISTING"), AssumeRolePolicyDocument: aws.String(testTrustLambda)}, wantCode: "EntityAlreadyExists"},
		"bad name":                    {in: iam.CreateRoleInput{RoleName: aws.String("a/b"), AssumeRolePolicyDocument: aws.String(testTrustLambda)}, wantCode: "ValidationError"},
		"aws: tag":                    {in: iam.CreateRoleInput{AssumeRolePolicyDocument: aws.String(testTrustLambda), Tags: []types.Tag{{Key: aws.String("aws:x"), Value: aws.String("1")}}}, wantCode: "InvalidInput"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, clientA, clientB := clients(t)
			mustCreateRole(t, clientA, "existing", testTrustLambda)
			mustCreateRole(t, clientB, "caller", testTrustLambda)
			in := tc.in
			if in.RoleName == nil {
				in.RoleName = aws.String("new")
			}
			_, err := clientA.CreateRole(context.Background(), &in)
			if got := errCode(t, err); got != tc.wantCode {
				t.Errorf("error code = %q, want %q (err %v)", got, tc.wantCode, err)
			}
		})
	}
}

func TestIAMRoleLifecycle(t *testing.T) {
	ctx := context.Background()
	_, client, _ := clients(t)
	boundary := mustCreatePolicy(t, client, "boundary", testIdentityPolicy).Arn
	created, err := client.CreateRole(ctx, &iam.CreateRoleInput{
		RoleName: aws.String("reader"), Path: aws.String("/redshift-data-api/"),
		AssumeRolePolicyDocument: aws.String(testTrustAccountA), Description: aws.String("reads"),
		MaxSessionDuration: aws.Int32(7200), PermissionsBoundary: boundary,
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("data")}},
	})
	if err != nil {
		t.Fatalf("CreateRole: %v", err)
	}
	got, err := client.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("reader")})
	if err != nil {
		t.Fatalf("GetRole: %v", err)
	}
	want := &types.Role{
		RoleName: aws.String("reader"), Path: aws.String("/redshift-data-api/"), RoleId: created.Role.RoleId,
		Arn:         aws.String("arn:aws:iam::111111111111:role/redshift-data-api/reader"),
		Description: aws.String("reads"), MaxSessionDuration: aws.Int32(7200),
		PermissionsBoundary: &types.AttachedPermissionsBoundary{PermissionsBoundaryArn: boundary, PermissionsBoundaryType: types.PermissionsBoundaryAttachmentTypePolicy},
		Tags:                []types.Tag{{Key: aws.String("team"), Value: aws.String("data")}},
	}
	opts := []cmp.Option{
		cmpopts.IgnoreUnexported(types.Role{}, types.Tag{}, types.AttachedPermissionsBoundary{}),
		cmpopts.IgnoreFields(types.Role{}, "CreateDate", "AssumeRolePolicyDocument"),
	}
	if diff := cmp.Diff(want, got.Role, opts...); diff != "" {
		t.Errorf("GetRole (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(testTrustAccountA, decodeDocument(t, got.Role.AssumeRolePolicyDocument)); diff != "" {
		t.Errorf("trust policy (-want +got):\n%s", diff)
	}

	steps := []struct {
		name     string
		call     func() error
		wantCode string
	}{
		{"update", func() error {
			_, err := client.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String("reader"), Description: aws.String("reads more"), MaxSessionDuration: aws.Int32(3600)})
			return err
		}, ""},
		{"update out of range", func() error {
			_, err := client.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String("reader"), MaxSessionDuration: aws.Int32(60)})
			return err
		}, "ValidationError"},
		{"update trust", func() error {
			_, err := client.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("reader"), PolicyDocument: aws.String(testTrustLambda)})
			return err
		}, ""},
		{"update trust to a missing principal", func() error {
			_, err := client.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("reader"), PolicyDocument: aws.String(trustFor("arn:aws:iam::111111111111:role/missing"))})
			return err
		}, "MalformedPolicyDocument"},
		{"inline policy without Version, in the 2008-10-17 language", func() error {
			_, err := client.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("reader"), PolicyName: aws.String("inline"), PolicyDocument: aws.String(`{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)})
			return err
		}, ""},
		{"inline policy", func() error {
			_, err := client.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("reader"), PolicyName: aws.String("inline"), PolicyDocument: aws.String(testIdentityPolicy)})
			return err
		}, ""},
		{"malformed inline policy", func() error {
			_, err := client.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("reader"), PolicyName: aws.String("bad"), PolicyDocument: aws.String(`{}`)})
			return err
		}, "MalformedPolicyDocument"},
		{"attach", func() error {
			_, err := client.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("reader"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonRedshiftDataFullAccess")})
			return err
		}, ""},
		{"delete while attached", func() error {
			_, err := client.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("reader")})
			return err
		}, "DeleteConflict"},
		{"detach", func() error {
			_, err := client.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String("reader"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonRedshiftDataFullAccess")})
			return err
		}, ""},
		{"delete with an inline policy", func() error {
			_, err := client.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("reader")})
			return err
		}, "DeleteConflict"},
		{"get a missing inline policy", func() error {
			_, err := client.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("reader"), PolicyName: aws.String("missing")})
			return err
		}, "NoSuchEntity"},
	}
	for _, s := range steps {
		if got := errCode(t, s.call()); got != s.wantCode {
			t.Fatalf("%s: error code = %q, want %q", s.name, got, s.wantCode)
		}
	}

	got, err = client.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("reader")})
	if err != nil {
		t.Fatalf("GetRole after updates: %v", err)
	}
	if aws.ToString(got.Role.Description) != "reads more" || aws.ToInt32(got.Role.MaxSessionDuration) != 3600 || decodeDocument(t, got.Role.AssumeRolePolicyDocument) != testTrustLambda {
		t.Errorf("role after updates: description %q, max session %d, trust %s", aws.ToString(got.Role.Description), aws.ToInt32(got.Role.MaxSessionDuration), decodeDocument(t, got.Role.AssumeRolePolicyDocument))
	}
	names, err := client.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("reader")})
	if err != nil {
		t.Fatalf("ListRolePolicies: %v", err)
	}
	if diff := cmp.Diff([]string{"inline"}, names.PolicyNames); diff != "" {
		t.Errorf("inline policies (-want +got):\n%s", diff)
	}
	inline, err := client.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("reader"), PolicyName: aws.String("inline")})
	if err != nil {
		t.Fatalf("GetRolePolicy: %v", err)
	}
	if diff := cmp.Diff(testIdentityPolicy, decodeDocument(t, inline.PolicyDocument)); diff != "" {
		t.Errorf("inline document (-want +got):\n%s", diff)
	}
	if _, err := client.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("reader"), PolicyName: aws.String("inline")}); err != nil {
		t.Fatalf("DeleteRolePolicy: %v", err)
	}
	if _, err := client.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("reader")}); err != nil {
		t.Fatalf("DeleteRole: %v", err)
	}
	_, err = client.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("reader")})
	var notFound *types.NoSuchEntityException
	if !errors.As(err, &notFound) {
		t.Errorf("GetRole after delete: err = %v, want NoSuchEntityException", err)
	}
}

func TestIAMRoleTags(t *testing.T) {
	ctx := context.Background()
	_, client, _ := clients(t)
	mustCreateRole(t, client, "app", testTrustLambda)
	tag := func(k, v string) types.Tag { return types.Tag{Key: aws.String(k), Value: aws.String(v)} }
	if _, err := client.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String("app"), Tags: []types.Tag{tag("a", "1"), tag("b", "2")}}); err != nil {
		t.Fatalf("TagRole: %v", err)
	}
	if _, err := client.UntagRole(ctx, &iam.UntagRoleInput{RoleName: aws.String("app"), TagKeys: []string{"a"}}); err != nil {
		t.Fatalf("UntagRole: %v", err)
	}
	out, err := client.ListRoleTags(ctx, &iam.ListRoleTagsInput{RoleName: aws.String("app")})
	if err != nil {
		t.Fatalf("ListRoleTags: %v", err)
	}
	if diff := cmp.Diff([]types.Tag{tag("b", "2")}, out.Tags, cmpopts.IgnoreUnexported(types.Tag{})); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	many := make([]types.Tag, 0, emuiam.MaxTags)
	for i := range emuiam.MaxTags {
		many = append(many, tag("k"+time.Duration(i).String(), "v"))
	}
	_, err = client.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String("app"), Tags: many})
	if got := errCode(t, err); got != "LimitExceeded" {
		t.Errorf("tagging past %d tags: code = %q, want LimitExceeded", emuiam.MaxTags, got)
	}
	_, err = client.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String("missing"), Tags: []types.Tag{tag("a", "1")}})
	if got := errCode(t, err); got != "NoSuchEntity" {
		t.Errorf("TagRole of a missing role: code = %q, want NoSuchEntity", got)
	}
}

func TestIAMListRoles(t *testing.T) {
	ctx := context.Background()
	_, client, _ := clients(t)
	for _, r := range []struct{ name, path string }{{"c", "/"}, {"a", "/app/"}, {"b", "/app/"}} {
		if _, err := client.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(r.name), Path: aws.String(r.path), AssumeRolePolicyDocument: aws.String(testTrustLambda)}); err != nil {
			t.Fatalf("CreateRole %s: %v", r.name, err)
		}
	}
	tests := map[string]struct {
		in   iam.ListRolesInput
		want []string
	}{
		"all":         {want: []string{"a", "b", "c"}},
		"path prefix": {in: iam.ListRolesInput{PathPrefix: aws.String("/app/")}, want: []string{"a", "b"}},
		"first page":  {in: iam.ListRolesInput{MaxItems: aws.Int32(1)}, want: []string{"a"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			out, err := client.ListRoles(ctx, &tc.in)
			if err != nil {
				t.Fatalf("ListRoles: %v", err)
			}
			var got []string
			for _, r := range out.Roles {
				got = append(got, aws.ToString(r.RoleName))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("roles (-want +got):\n%s", diff)
			}
		})
	}
}

func TestIAMAttachErrors(t *testing.T) {
	const managed = "arn:aws:iam::aws:policy/AmazonRedshiftDataFullAccess"
	tests := map[string]struct {
		role, policy string
		detach       bool
		wantCode     string
	}{
		"attach twice is a no-op":      {role: "app", policy: managed},
		"missing role":                 {role: "missing", policy: managed, wantCode: "NoSuchEntity"},
		"missing policy":               {role: "app", policy: "arn:aws:iam::111111111111:policy/missing", wantCode: "NoSuchEntity"},
		"policy of another account":    {role: "app", policy: "arn:aws:iam::222222222222:policy/theirs", wantCode: "NoSuchEntity"},
		"malformed ARN":                {role: "app", policy: "not-an-arn", wantCode: "InvalidInput"},
		"detach a policy not attached": {role: "app", policy: "arn:aws:iam::111111111111:policy/mine", detach: true, wantCode: "NoSuchEntity"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			_, clientA, clientB := clients(t)
			mustCreateRole(t, clientA, "app", testTrustLambda)
			mustCreatePolicy(t, clientA, "mine", testIdentityPolicy)
			mustCreatePolicy(t, clientB, "theirs", testIdentityPolicy)
			if _, err := clientA.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("app"), PolicyArn: aws.String(managed)}); err != nil {
				t.Fatalf("AttachRolePolicy: %v", err)
			}
			var err error
			if tc.detach {
				_, err = clientA.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String(tc.role), PolicyArn: aws.String(tc.policy)})
			} else {
				_, err = clientA.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(tc.role), PolicyArn: aws.String(tc.policy)})
			}
			if got := errCode(t, err); got != tc.wantCode {
				t.Errorf("error code = %q, want %q (err %v)", got, tc.wantCode, err)
			}
			out, err := clientA.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("app")})
			if err != nil {
				t.Fatalf("ListAttachedRolePolicies: %v", err)
			}
			if len(out.AttachedPolicies) != 1 || aws.ToString(out.AttachedPolicies[0].PolicyArn) != managed {
				t.Errorf("attached policies = %v, want only %s", out.AttachedPolicies, managed)
			}
		})
	}
}

// TestIAMPropagationDelay drives the emulator's clock instead of sleeping:
// a role younger than the delay is not yet a valid principal.
func TestIAMPropagationDelay(t *testing.T) {
	ctx := context.Background()
	clock := &testClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	srv, clientA, clientB := clients(t, awsemu.WithClock(clock.Now))
	srv.SetIAMPropagationDelay(10 * time.Second)
	caller := mustCreateRole(t, clientA, "caller", testTrustLambda)
	trust := aws.String(trustFor(aws.ToString(caller.Arn)))

	_, err := clientB.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("target"), AssumeRolePolicyDocument: trust})
	var malformed *types.MalformedPolicyDocumentException
	if !errors.As(err, &malformed) {
		t.Fatalf("CreateRole naming a new principal: err = %v, want MalformedPolicyDocumentException", err)
	}
	mustCreateRole(t, clientB, "target", testTrustLambda)
	clock.Advance(9 * time.Second)
	_, err = clientB.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("target"), PolicyDocument: trust})
	if !errors.As(err, &malformed) {
		t.Fatalf("UpdateAssumeRolePolicy before the delay: err = %v, want MalformedPolicyDocumentException", err)
	}
	clock.Advance(time.Second)
	if _, err := clientB.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("target"), PolicyDocument: trust}); err != nil {
		t.Fatalf("UpdateAssumeRolePolicy after the delay: %v", err)
	}

	user, err := clientA.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("person")})
	if err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	userTrust := aws.String(trustFor(aws.ToString(user.User.Arn)))
	_, err = clientB.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("target"), PolicyDocument: userTrust})
	if !errors.As(err, &malformed) {
		t.Fatalf("trust naming a new user: err = %v, want MalformedPolicyDocumentException", err)
	}
	clock.Advance(10 * time.Second)
	if _, err := clientB.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("target"), PolicyDocument: userTrust}); err != nil {
		t.Fatalf("trust naming the user after the delay: %v", err)
	}
}
