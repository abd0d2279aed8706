package iam_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	emuiam "github.com/redshift-data-access/redshift-data-access/local/awsemu/iam"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
)

func TestIAMCreatePolicyValidation(t *testing.T) {
	big := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":["` + strings.Repeat("a", emuiam.ManagedPolicySizeLimit) + `"]}]}`
	tests := map[string]struct {
		name, path, doc string
		wantCode        string
	}{
		"valid":                    {name: "ok", doc: testIdentityPolicy},
		"valid with path":          {name: "ok", path: "/redshift-data-api/", doc: testIdentityPolicy},
		"duplicate name":           {name: "Existing", doc: testIdentityPolicy, wantCode: "EntityAlreadyExists"},
		"duplicate name, any case": {name: "existing", doc: testIdentityPolicy, wantCode: "EntityAlreadyExists"},
		"not JSON":                 {name: "p", doc: `{"Version":`, wantCode: "MalformedPolicyDocument"},
		"no Version":               {name: "p", doc: `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, wantCode: "MalformedPolicyDocument"},
		"unknown Version":          {name: "p", doc: `{"Version":"2020-01-01","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, wantCode: "MalformedPolicyDocument"},
		"no Statement":             {name: "p", doc: `{"Version":"2012-10-17"}`, wantCode: "MalformedPolicyDocument"},
		"bad Effect":               {name: "p", doc: `{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}`, wantCode: "MalformedPolicyDocument"},
		"no Resource":              {name: "p", doc: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*"}]}`, wantCode: "MalformedPolicyDocument"},
		"Principal in identity":    {name: "p", doc: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`, wantCode: "MalformedPolicyDocument"},
		"too large":                {name: "p", doc: big, wantCode: "LimitExceeded"},
		"bad name":                 {name: "no spaces", doc: testIdentityPolicy, wantCode: "ValidationError"},
		"bad path":                 {name: "p", path: "no-slashes", doc: testIdentityPolicy, wantCode: "ValidationError"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, client, _ := clients(t)
			mustCreatePolicy(t, client, "Existing", testIdentityPolicy)
			in := &iam.CreatePolicyInput{PolicyName: aws.String(tc.name), PolicyDocument: aws.String(tc.doc)}
			if tc.path != "" {
				in.Path = aws.String(tc.path)
			}
			_, err := client.CreatePolicy(context.Background(), in)
			if got := errCode(t, err); got != tc.wantCode {
				t.Errorf("error code = %q, want %q (err %v)", got, tc.wantCode, err)
			}
		})
	}
}

func TestIAMPolicyReadBack(t *testing.T) {
	ctx := context.Background()
	_, client, _ := clients(t)
	created, err := client.CreatePolicy(ctx, &iam.CreatePolicyInput{
		PolicyName:     aws.String("data-api"),
		Path:           aws.String("/redshift-data-api/"),
		Description:    aws.String("scoped Data API access"),
		PolicyDocument: aws.String(testIdentityPolicy),
		Tags:           []types.Tag{{Key: aws.String("team"), Value: aws.String("data")}},
	})
	if err != nil {
		t.Fatalf("CreatePolicy: %v", err)
	}
	wantArn := "arn:aws:iam::111111111111:policy/redshift-data-api/data-api"
	if got := aws.ToString(created.Policy.Arn); got != wantArn {
		t.Fatalf("Arn = %s, want %s", got, wantArn)
	}
	got, err := client.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(wantArn)})
	if err != nil {
		t.Fatalf("GetPolicy: %v", err)
	}
	want := &types.Policy{
		PolicyName: aws.String("data-api"), Arn: aws.String(wantArn), Path: aws.String("/redshift-data-api/"),
		DefaultVersionId: aws.String("v1"), AttachmentCount: aws.Int32(0), PermissionsBoundaryUsageCount: aws.Int32(0),
		IsAttachable: true, Description: aws.String("scoped Data API access"),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("data")}},
	}
	if diff := cmp.Diff(want, got.Policy, cmpopts.IgnoreUnexported(types.Policy{}, types.Tag{}), cmpopts.IgnoreFields(types.Policy{}, "PolicyId", "CreateDate", "UpdateDate")); diff != "" {
		t.Errorf("GetPolicy (-want +got):\n%s", diff)
	}
	if id := aws.ToString(got.Policy.PolicyId); !strings.HasPrefix(id, "ANPA") || len(id) != 21 {
		t.Errorf("PolicyId = %s, want ANPA and 17 characters", id)
	}
	if got.Policy.CreateDate == nil || got.Policy.CreateDate.IsZero() {
		t.Errorf("CreateDate is missing")
	}
	v, err := client.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(wantArn), VersionId: aws.String("v1")})
	if err != nil {
		t.Fatalf("GetPolicyVersion: %v", err)
	}
	if strings.Contains(aws.ToString(v.PolicyVersion.Document), "{") {
		t.Errorf("Document is not URL-encoded: %s", aws.ToString(v.PolicyVersion.Document))
	}
	if diff := cmp.Diff(testIdentityPolicy, decodeDocument(t, v.PolicyVersion.Document)); diff != "" {
		t.Errorf("document (-want +got):\n%s", diff)
	}
	_, err = client.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::111111111111:policy/missing")})
	var notFound *types.NoSuchEntityException
	if !errors.As(err, &notFound) {
		t.Errorf("GetPolicy of a missing policy: err = %v, want NoSuchEntityException", err)
	}
}

func TestIAMPolicyVersions(t *testing.T) {
	ctx := context.Background()
	_, client, _ := clients(t)
	arn := mustCreatePolicy(t, client, "versioned", testIdentityPolicy).Arn
	for i := 2; i <= emuiam.MaxPolicyVersions; i++ {
		if _, err := client.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: aws.String(testIdentityPolicy), SetAsDefault: i == 3}); err != nil {
			t.Fatalf("CreatePolicyVersion %d: %v", i, err)
		}
	}
	steps := []struct {
		name     string
		call     func() error
		wantCode string
	}{
		{"sixth version", func() error {
			_, err := client.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: aws.String(testIdentityPolicy)})
			return err
		}, "LimitExceeded"},
		{"delete the default version", func() error {
			_, err := client.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v3")})
			return err
		}, "DeleteConflict"},
		{"delete a missing version", func() error {
			_, err := client.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v9")})
			return err
		}, "NoSuchEntity"},
		{"default to a missing version", func() error {
			_, err := client.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v9")})
			return err
		}, "NoSuchEntity"},
		{"delete policy with non-default versions", func() error {
			_, err := client.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: arn})
			return err
		}, "DeleteConflict"},
		{"default to v5", func() error {
			_, err := client.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v5")})
			return err
		}, ""},
		{"delete v1", func() error {
			_, err := client.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v1")})
			return err
		}, ""},
		{"a new version after a delete is v6", func() error {
			out, err := client.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: aws.String(testIdentityPolicy)})
			if err == nil && aws.ToString(out.PolicyVersion.VersionId) != "v6" {
				t.Errorf("VersionId = %s, want v6", aws.ToString(out.PolicyVersion.VersionId))
			}
			return err
		}, ""},
	}
	for _, s := range steps {
		if got := errCode(t, s.call()); got != s.wantCode {
			t.Fatalf("%s: error code = %q, want %q", s.name, got, s.wantCode)
		}
	}
	list, err := client.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: arn})
	if err != nil {
		t.Fatalf("ListPolicyVersions: %v", err)
	}
	var got []string
	for _, v := range list.Versions {
		id := aws.ToString(v.VersionId)
		if v.IsDefaultVersion {
			id += "*"
		}
		got = append(got, id)
	}
	if diff := cmp.Diff([]string{"v6", "v5*", "v4", "v3", "v2"}, got); diff != "" {
		t.Errorf("versions, newest first, default starred (-want +got):\n%s", diff)
	}
	for _, v := range []string{"v2", "v3", "v4", "v6"} {
		if _, err := client.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: arn, VersionId: aws.String(v)}); err != nil {
			t.Fatalf("DeletePolicyVersion %s: %v", v, err)
		}
	}
	if _, err := client.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: arn}); err != nil {
		t.Fatalf("DeletePolicy with only the default version left: %v", err)
	}
	_, err = client.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: arn})
	if got := errCode(t, err); got != "NoSuchEntity" {
		t.Errorf("GetPolicy after delete: code = %q, want NoSuchEntity", got)
	}
}

func TestIAMDeletePolicyWhileAttached(t *testing.T) {
	ctx := context.Background()
	_, client, _ := clients(t)
	arn := mustCreatePolicy(t, client, "attached", testIdentityPolicy).Arn
	mustCreateRole(t, client, "app", testTrustLambda)
	if _, err := client.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("app"), PolicyArn: arn}); err != nil {
		t.Fatalf("AttachRolePolicy: %v", err)
	}
	got, err := client.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: arn})
	if err != nil {
		t.Fatalf("GetPolicy: %v", err)
	}
	if n := aws.ToInt32(got.Policy.AttachmentCount); n != 1 {
		t.Errorf("AttachmentCount = %d, want 1", n)
	}
	_, err = client.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: arn})
	var conflict *types.DeleteConflictException
	if !errors.As(err, &conflict) {
		t.Fatalf("DeletePolicy while attached: err = %v, want DeleteConflictException", err)
	}
	if _, err := client.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String("app"), PolicyArn: arn}); err != nil {
		t.Fatalf("DetachRolePolicy: %v", err)
	}
	if _, err := client.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("bounded"), AssumeRolePolicyDocument: aws.String(testTrustLambda), PermissionsBoundary: arn}); err != nil {
		t.Fatalf("CreateRole with the policy as boundary: %v", err)
	}
	_, err = client.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: arn})
	if !errors.As(err, &conflict) {
		t.Fatalf("DeletePolicy while a permissions boundary: err = %v, want DeleteConflictException", err)
	}
	if _, err := client.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("bounded")}); err != nil {
		t.Fatalf("DeleteRole: %v", err)
	}
	if _, err := client.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: arn}); err != nil {
		t.Fatalf("DeletePolicy after detach: %v", err)
	}
}

func TestIAMListPolicies(t *testing.T) {
	ctx := context.Background()
	_, client, _ := clients(t)
	for _, name := range []string{"a", "b"} {
		if _, err := client.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(name), Path: aws.String("/team/"), PolicyDocument: aws.String(testIdentityPolicy)}); err != nil {
			t.Fatalf("CreatePolicy %s: %v", name, err)
		}
	}
	mustCreatePolicy(t, client, "c", testIdentityPolicy)
	mustCreateRole(t, client, "app", testTrustLambda)
	if _, err := client.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("app"), PolicyArn: aws.String("arn:aws:iam::111111111111:policy/c")}); err != nil {
		t.Fatalf("AttachRolePolicy: %v", err)
	}
	tests := map[string]struct {
		in   iam.ListPoliciesInput
		want []string
	}{
		"local":          {in: iam.ListPoliciesInput{Scope: types.PolicyScopeTypeLocal}, want: []string{"a", "b", "c"}},
		"aws":            {in: iam.ListPoliciesInput{Scope: types.PolicyScopeTypeAws}, want: []string{"AmazonRedshiftDataFullAccess"}},
		"all":            {in: iam.ListPoliciesInput{}, want: []string{"a", "AmazonRedshiftDataFullAccess", "b", "c"}},
		"path prefix":    {in: iam.ListPoliciesInput{PathPrefix: aws.String("/team/")}, want: []string{"a", "b"}},
		"only attached":  {in: iam.ListPoliciesInput{OnlyAttached: true}, want: []string{"c"}},
		"first page":     {in: iam.ListPoliciesInput{Scope: types.PolicyScopeTypeLocal, MaxItems: aws.Int32(2)}, want: []string{"a", "b"}},
		"following page": {in: iam.ListPoliciesInput{Scope: types.PolicyScopeTypeLocal, MaxItems: aws.Int32(2), Marker: aws.String("2")}, want: []string{"c"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			out, err := client.ListPolicies(ctx, &tc.in)
			if err != nil {
				t.Fatalf("ListPolicies: %v", err)
			}
			var got []string
			for _, p := range out.Policies {
				got = append(got, aws.ToString(p.PolicyName))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("policies (-want +got):\n%s", diff)
			}
		})
	}
	pages := iam.NewListPoliciesPaginator(client, &iam.ListPoliciesInput{Scope: types.PolicyScopeTypeLocal, MaxItems: aws.Int32(1)})
	n := 0
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			t.Fatalf("ListPolicies page: %v", err)
		}
		n += len(page.Policies)
	}
	if n != 3 {
		t.Errorf("paginator saw %d policies, want 3", n)
	}
}

func TestIAMPolicyTags(t *testing.T) {
	ctx := context.Background()
	_, client, _ := clients(t)
	arn := mustCreatePolicy(t, client, "tagged", testIdentityPolicy).Arn
	tag := func(k, v string) types.Tag { return types.Tag{Key: aws.String(k), Value: aws.String(v)} }
	if _, err := client.TagPolicy(ctx, &iam.TagPolicyInput{PolicyArn: arn, Tags: []types.Tag{tag("a", "1"), tag("b", "2")}}); err != nil {
		t.Fatalf("TagPolicy: %v", err)
	}
	if _, err := client.TagPolicy(ctx, &iam.TagPolicyInput{PolicyArn: arn, Tags: []types.Tag{tag("A", "3")}}); err != nil {
		t.Fatalf("TagPolicy overwrite: %v", err)
	}
	if _, err := client.UntagPolicy(ctx, &iam.UntagPolicyInput{PolicyArn: arn, TagKeys: []string{"b", "never-set"}}); err != nil {
		t.Fatalf("UntagPolicy: %v", err)
	}
	out, err := client.ListPolicyTags(ctx, &iam.ListPolicyTagsInput{PolicyArn: arn})
	if err != nil {
		t.Fatalf("ListPolicyTags: %v", err)
	}
	if diff := cmp.Diff([]types.Tag{tag("A", "3")}, out.Tags, cmpopts.IgnoreUnexported(types.Tag{})); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	_, err = client.TagPolicy(ctx, &iam.TagPolicyInput{PolicyArn: arn, Tags: []types.Tag{tag("x", "1"), tag("X", "2")}})
	if got := errCode(t, err); got != "InvalidInput" {
		t.Errorf("duplicate tag keys: code = %q, want InvalidInput", got)
	}
	for _, bad := range []types.Tag{tag("group", "a,b"), tag("k;", "v")} {
		_, err = client.TagPolicy(ctx, &iam.TagPolicyInput{PolicyArn: arn, Tags: []types.Tag{bad}})
		if got := errCode(t, err); got != "ValidationError" {
			t.Errorf("tag %s=%s outside IAM's character set: code = %q, want ValidationError", *bad.Key, *bad.Value, got)
		}
	}
}

func TestIAMManagedPolicy(t *testing.T) {
	ctx := context.Background()
	_, clientA, clientB := clients(t)
	arn := aws.String("arn:aws:iam::aws:policy/AmazonRedshiftDataFullAccess")
	want, ok := awsemu.ManagedPolicyDocument("AmazonRedshiftDataFullAccess")
	if !ok || !strings.Contains(want, "redshift-data:BatchExecuteStatement") {
		t.Fatalf("ManagedPolicyDocument = %q, %v", want, ok)
	}
	if _, ok := awsemu.ManagedPolicyDocument("NoSuchPolicy"); ok {
		t.Errorf("ManagedPolicyDocument of an unknown policy reports ok")
	}
	mustCreateRole(t, clientA, "app", testTrustLambda)
	if _, err := clientA.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("app"), PolicyArn: arn}); err != nil {
		t.Fatalf("AttachRolePolicy: %v", err)
	}
	for account, tc := range map[string]struct {
		client      *iam.Client
		attachments int32
	}{"A": {clientA, 1}, "B": {clientB, 0}} {
		got, err := tc.client.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: arn})
		if err != nil {
			t.Fatalf("GetPolicy in %s: %v", account, err)
		}
		if aws.ToInt32(got.Policy.AttachmentCount) != tc.attachments || aws.ToString(got.Policy.DefaultVersionId) != "v5" {
			t.Errorf("account %s: AttachmentCount %d, DefaultVersionId %s; want %d, v5", account, aws.ToInt32(got.Policy.AttachmentCount), aws.ToString(got.Policy.DefaultVersionId), tc.attachments)
		}
	}
	v, err := clientB.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v5")})
	if err != nil {
		t.Fatalf("GetPolicyVersion: %v", err)
	}
	if diff := cmp.Diff(want, decodeDocument(t, v.PolicyVersion.Document)); diff != "" {
		t.Errorf("managed document (-want +got):\n%s", diff)
	}
	_, err = clientB.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: arn})
	if got := errCode(t, err); got != "AccessDenied" {
		t.Errorf("DeletePolicy of an AWS managed policy: code = %q, want AccessDenied", got)
	}
}
