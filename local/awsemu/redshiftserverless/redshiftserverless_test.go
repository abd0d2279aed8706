package redshiftserverless_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/redshiftserverless"
	"github.com/aws/aws-sdk-go-v2/service/redshiftserverless/types"
	"github.com/google/go-cmp/cmp"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu/internal/redshifttest"
)

func TestRedshiftServerlessNamespaceAndWorkgroup(t *testing.T) {
	srv := awsemu.Start()
	t.Cleanup(srv.Close)
	ctx := context.Background()
	client := redshiftserverless.NewFromConfig(srv.Config(awsemu.AccountA))

	created := redshifttest.CreateWorkgroup(t, client, "analytics")
	arn := aws.ToString(created.WorkgroupArn)
	if !regexp.MustCompile(`^arn:aws:redshift-serverless:us-east-1:111111111111:workgroup/[0-9a-f-]{36}$`).MatchString(arn) {
		t.Errorf("workgroup ARN = %q, want arn:aws:redshift-serverless:us-east-1:111111111111:workgroup/<uuid>", arn)
	}
	got, err := client.GetWorkgroup(ctx, &redshiftserverless.GetWorkgroupInput{WorkgroupName: aws.String("analytics")})
	if err != nil {
		t.Fatalf("GetWorkgroup: %v", err)
	}
	type summary struct {
		Arn, Name, Namespace, Status, Address string
		Port                                  int32
	}
	want := summary{arn, "analytics", "analytics-ns", "AVAILABLE", "analytics.111111111111.us-east-1.redshift-serverless.amazonaws.com", 5439}
	w := got.Workgroup
	if diff := cmp.Diff(want, summary{aws.ToString(w.WorkgroupArn), aws.ToString(w.WorkgroupName), aws.ToString(w.NamespaceName), string(w.Status), aws.ToString(w.Endpoint.Address), aws.ToInt32(w.Endpoint.Port)}); diff != "" {
		t.Errorf("GetWorkgroup (-want +got):\n%s", diff)
	}
	if w.CreationDate == nil {
		t.Error("GetWorkgroup has no creation date")
	}

	ns, err := client.GetNamespace(ctx, &redshiftserverless.GetNamespaceInput{NamespaceName: aws.String("analytics-ns")})
	if err != nil {
		t.Fatalf("GetNamespace: %v", err)
	}
	if got, want := aws.ToString(ns.Namespace.DbName), "dev"; got != want {
		t.Errorf("namespace dbName = %q, want %q", got, want)
	}

	var conflict *types.ConflictException
	if _, err := client.CreateWorkgroup(ctx, &redshiftserverless.CreateWorkgroupInput{WorkgroupName: aws.String("analytics"), NamespaceName: aws.String("analytics-ns")}); !errors.As(err, &conflict) {
		t.Errorf("CreateWorkgroup of an existing name: err = %v, want ConflictException", err)
	}
	var notFound *types.ResourceNotFoundException
	if _, err := client.CreateWorkgroup(ctx, &redshiftserverless.CreateWorkgroupInput{WorkgroupName: aws.String("other"), NamespaceName: aws.String("missing")}); !errors.As(err, &notFound) {
		t.Errorf("CreateWorkgroup in a missing namespace: err = %v, want ResourceNotFoundException", err)
	}
	if _, err := client.GetNamespace(ctx, &redshiftserverless.GetNamespaceInput{NamespaceName: aws.String("missing")}); !errors.As(err, &notFound) {
		t.Errorf("GetNamespace of a missing namespace: err = %v, want ResourceNotFoundException", err)
	}
	if _, err := client.DeleteWorkgroup(ctx, &redshiftserverless.DeleteWorkgroupInput{WorkgroupName: aws.String("analytics")}); err != nil {
		t.Fatalf("DeleteWorkgroup: %v", err)
	}
	if _, err := client.GetWorkgroup(ctx, &redshiftserverless.GetWorkgroupInput{WorkgroupName: aws.String("analytics")}); !errors.As(err, &notFound) {
		t.Errorf("GetWorkgroup after delete: err = %v, want ResourceNotFoundException", err)
	}
}

func TestRedshiftServerlessTags(t *testing.T) {
	srv := awsemu.Start()
	t.Cleanup(srv.Close)
	ctx := context.Background()
	client := redshiftserverless.NewFromConfig(srv.Config(awsemu.AccountA))
	arn := aws.ToString(redshifttest.CreateWorkgroup(t, client, "analytics").WorkgroupArn)

	listTags := func() map[string]string {
		t.Helper()
		out, err := client.ListTagsForResource(ctx, &redshiftserverless.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
		if err != nil {
			t.Fatalf("ListTagsForResource: %v", err)
		}
		m := map[string]string{}
		for _, tag := range out.Tags {
			m[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
		}
		return m
	}
	if diff := cmp.Diff(map[string]string{"team": "data"}, listTags()); diff != "" {
		t.Errorf("tags after create (-want +got):\n%s", diff)
	}
	if _, err := client.TagResource(ctx, &redshiftserverless.TagResourceInput{ResourceArn: aws.String(arn), Tags: []types.Tag{
		{Key: aws.String("RedshiftDataFullAccess"), Value: aws.String("serverless")},
		{Key: aws.String("team"), Value: aws.String("platform")},
	}}); err != nil {
		t.Fatalf("TagResource: %v", err)
	}
	if diff := cmp.Diff(map[string]string{"team": "platform", "RedshiftDataFullAccess": "serverless"}, listTags()); diff != "" {
		t.Errorf("tags after TagResource (-want +got):\n%s", diff)
	}
	if _, err := client.UntagResource(ctx, &redshiftserverless.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"team", "absent"}}); err != nil {
		t.Fatalf("UntagResource: %v", err)
	}
	if diff := cmp.Diff(map[string]string{"RedshiftDataFullAccess": "serverless"}, listTags()); diff != "" {
		t.Errorf("tags after UntagResource (-want +got):\n%s", diff)
	}

	missing := "arn:aws:redshift-serverless:us-east-1:111111111111:workgroup/00000000-0000-0000-0000-000000000000"
	tests := map[string]struct {
		call func() error
		want error
	}{
		"list tags of a missing workgroup": {func() error {
			_, err := client.ListTagsForResource(ctx, &redshiftserverless.ListTagsForResourceInput{ResourceArn: aws.String(missing)})
			return err
		}, &types.ResourceNotFoundException{}},
		"tag a missing workgroup": {func() error {
			_, err := client.TagResource(ctx, &redshiftserverless.TagResourceInput{ResourceArn: aws.String(missing), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
			return err
		}, &types.ResourceNotFoundException{}},
		"untag a missing workgroup": {func() error {
			_, err := client.UntagResource(ctx, &redshiftserverless.UntagResourceInput{ResourceArn: aws.String(missing), TagKeys: []string{"k"}})
			return err
		}, &types.ResourceNotFoundException{}},
		"workgroup of another account": {func() error {
			_, err := redshiftserverless.NewFromConfig(srv.Config(awsemu.AccountB)).ListTagsForResource(ctx, &redshiftserverless.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
			return err
		}, &types.ResourceNotFoundException{}},
		"a resource name that is no ARN": {func() error {
			_, err := client.ListTagsForResource(ctx, &redshiftserverless.ListTagsForResourceInput{ResourceArn: aws.String("workgroup/analytics")})
			return err
		}, &types.ValidationException{}},
		"too many tags": {func() error {
			var tags []types.Tag
			for i := range 50 {
				tags = append(tags, types.Tag{Key: aws.String(fmt.Sprintf("key%d", i)), Value: aws.String("v")})
			}
			_, err := client.TagResource(ctx, &redshiftserverless.TagResourceInput{ResourceArn: aws.String(arn), Tags: tags})
			return err
		}, &types.TooManyTagsException{}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := tc.call()
			switch want := tc.want.(type) {
			case *types.ResourceNotFoundException:
				if !errors.As(err, &want) {
					t.Errorf("err = %v, want ResourceNotFoundException", err)
				}
			case *types.TooManyTagsException:
				if !errors.As(err, &want) {
					t.Errorf("err = %v, want TooManyTagsException", err)
				}
			case *types.ValidationException:
				if !errors.As(err, &want) {
					t.Errorf("err = %v, want ValidationException", err)
				}
			}
		})
	}
}

func TestRedshiftServerlessGetCredentials(t *testing.T) {
	clock := redshifttest.NewClock()
	srv := awsemu.Start(awsemu.WithClock(clock.Now))
	t.Cleanup(srv.Close)
	redshifttest.CreateWorkgroup(t, redshiftserverless.NewFromConfig(srv.Config(awsemu.AccountA)), "analytics")
	tests := map[string]struct {
		workgroup   string
		duration    *int32
		wantUser    string
		wantExpires time.Duration
		wantCode    string
	}{
		"IAM user, default hour":     {workgroup: "analytics", wantUser: "IAM:alice", wantExpires: time.Hour},
		"role, fifteen minutes":      {workgroup: "analytics", duration: aws.Int32(900), wantUser: "IAMR:app-role", wantExpires: 15 * time.Minute},
		"duration below the minimum": {workgroup: "analytics", duration: aws.Int32(899), wantCode: "ValidationException"},
		"missing workgroup":          {workgroup: "missing", wantCode: "ResourceNotFoundException"},
	}
	identities := map[string]aws.Config{
		"IAM:alice":     redshifttest.ConfigAs(t, srv, "AKIARSSUSERALICE0001", redshifttest.UserIdentity),
		"IAMR:app-role": redshifttest.ConfigAs(t, srv, "ASIARSSROLEAPP000001", redshifttest.RoleIdentity),
	}
	names := make([]string, 0, len(tests))
	for name := range tests {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		tc := tests[name]
		t.Run(name, func(t *testing.T) {
			cfg, ok := identities[tc.wantUser]
			if !ok {
				cfg = srv.Config(awsemu.AccountA)
			}
			out, err := redshiftserverless.NewFromConfig(cfg).GetCredentials(context.Background(), &redshiftserverless.GetCredentialsInput{
				WorkgroupName: aws.String(tc.workgroup), DbName: aws.String("dev"), DurationSeconds: tc.duration,
			})
			if got := redshifttest.ErrorCode(err); got != tc.wantCode {
				t.Fatalf("code = %q, want %q (err %v)", got, tc.wantCode, err)
			}
			if tc.wantCode != "" {
				return
			}
			got := struct {
				User     string
				Expires  time.Time
				Password bool
			}{aws.ToString(out.DbUser), aws.ToTime(out.Expiration), aws.ToString(out.DbPassword) != ""}
			want := struct {
				User     string
				Expires  time.Time
				Password bool
			}{tc.wantUser, clock.Now().Add(tc.wantExpires), true}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("credentials (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRedshiftServerlessCreateValidation(t *testing.T) {
	srv := awsemu.Start()
	t.Cleanup(srv.Close)
	ctx := context.Background()
	client := redshiftserverless.NewFromConfig(srv.Config(awsemu.AccountA))
	redshifttest.CreateWorkgroup(t, client, "taken")
	tests := map[string]struct {
		call     func() error
		wantCode string
	}{
		"namespace name with capitals": {func() error {
			_, err := client.CreateNamespace(ctx, &redshiftserverless.CreateNamespaceInput{NamespaceName: aws.String("Analytics")})
			return err
		}, "ValidationException"},
		"weak admin password": {func() error {
			_, err := client.CreateNamespace(ctx, &redshiftserverless.CreateNamespaceInput{NamespaceName: aws.String("weak"), AdminUsername: aws.String("admin"), AdminUserPassword: aws.String("password")})
			return err
		}, "ValidationException"},
		"existing namespace": {func() error {
			_, err := client.CreateNamespace(ctx, &redshiftserverless.CreateNamespaceInput{NamespaceName: aws.String("taken-ns")})
			return err
		}, "ConflictException"},
		"second workgroup in a namespace": {func() error {
			_, err := client.CreateWorkgroup(ctx, &redshiftserverless.CreateWorkgroupInput{WorkgroupName: aws.String("second"), NamespaceName: aws.String("taken-ns")})
			return err
		}, "ConflictException"},
		"workgroup name too short": {func() error {
			_, err := client.CreateWorkgroup(ctx, &redshiftserverless.CreateWorkgroupInput{WorkgroupName: aws.String("wg"), NamespaceName: aws.String("taken-ns")})
			return err
		}, "ValidationException"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := redshifttest.ErrorCode(tc.call()); got != tc.wantCode {
				t.Errorf("code = %q, want %q", got, tc.wantCode)
			}
		})
	}
}

func TestRedshiftServerlessListWorkgroups(t *testing.T) {
	srv := awsemu.Start()
	t.Cleanup(srv.Close)
	ctx := context.Background()
	client := redshiftserverless.NewFromConfig(srv.Config(awsemu.AccountA))
	for _, name := range []string{"charlie", "alpha", "bravo"} {
		redshifttest.CreateWorkgroup(t, client, name)
	}
	redshifttest.CreateWorkgroup(t, redshiftserverless.NewFromConfig(srv.Config(awsemu.AccountB)), "other-account")

	var got []string
	pages := redshiftserverless.NewListWorkgroupsPaginator(client, &redshiftserverless.ListWorkgroupsInput{MaxResults: aws.Int32(2)})
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if err != nil {
			t.Fatalf("ListWorkgroups: %v", err)
		}
		for _, wg := range out.Workgroups {
			got = append(got, aws.ToString(wg.WorkgroupName)+" "+string(wg.Status))
		}
	}
	if diff := cmp.Diff([]string{"alpha AVAILABLE", "bravo AVAILABLE", "charlie AVAILABLE"}, got); diff != "" {
		t.Errorf("workgroups (-want +got):\n%s", diff)
	}

	_, err := client.ListWorkgroups(ctx, &redshiftserverless.ListWorkgroupsInput{NextToken: aws.String("not-a-token")})
	var invalid *types.ValidationException
	if !errors.As(err, &invalid) {
		t.Errorf("ListWorkgroups with a foreign token: err = %v, want ValidationException", err)
	}
}
