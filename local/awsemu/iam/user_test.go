package iam_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestIAMUsersAndGroups(t *testing.T) {
	ctx := context.Background()
	_, client, _ := clients(t)
	const managed = "arn:aws:iam::aws:policy/AmazonRedshiftDataFullAccess"
	var userArn string
	steps := []struct {
		name     string
		call     func() error
		wantCode string
	}{
		{"create user", func() error {
			out, err := client.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("analyst"), Path: aws.String("/people/"), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("data")}}})
			if err == nil {
				userArn = aws.ToString(out.User.Arn)
			}
			return err
		}, ""},
		{"create the user again", func() error {
			_, err := client.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("Analyst")})
			return err
		}, "EntityAlreadyExists"},
		{"get a missing user", func() error {
			_, err := client.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("missing")})
			return err
		}, "NoSuchEntity"},
		{"create group", func() error {
			_, err := client.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("analysts")})
			return err
		}, ""},
		{"create the group again", func() error {
			_, err := client.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("analysts")})
			return err
		}, "EntityAlreadyExists"},
		{"add user to group", func() error {
			_, err := client.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("analysts"), UserName: aws.String("analyst")})
			return err
		}, ""},
		{"attach to user", func() error {
			_, err := client.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("analyst"), PolicyArn: aws.String(managed)})
			return err
		}, ""},
		{"attach to group", func() error {
			_, err := client.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("analysts"), PolicyArn: aws.String(managed)})
			return err
		}, ""},
		{"attach to a missing group", func() error {
			_, err := client.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("missing"), PolicyArn: aws.String(managed)})
			return err
		}, "NoSuchEntity"},
		{"delete user while attached", func() error {
			_, err := client.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("analyst")})
			return err
		}, "DeleteConflict"},
		{"delete group while attached", func() error {
			_, err := client.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("analysts")})
			return err
		}, "DeleteConflict"},
	}
	for _, s := range steps {
		if got := errCode(t, s.call()); got != s.wantCode {
			t.Fatalf("%s: error code = %q, want %q", s.name, got, s.wantCode)
		}
	}
	if userArn != "arn:aws:iam::111111111111:user/people/analyst" {
		t.Errorf("user ARN = %s", userArn)
	}

	entities, err := client.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String(managed)})
	if err != nil {
		t.Fatalf("ListEntitiesForPolicy: %v", err)
	}
	got := map[string][]string{}
	for _, u := range entities.PolicyUsers {
		got["users"] = append(got["users"], aws.ToString(u.UserName))
	}
	for _, g := range entities.PolicyGroups {
		got["groups"] = append(got["groups"], aws.ToString(g.GroupName))
	}
	for _, r := range entities.PolicyRoles {
		got["roles"] = append(got["roles"], aws.ToString(r.RoleName))
	}
	if diff := cmp.Diff(map[string][]string{"users": {"analyst"}, "groups": {"analysts"}}, got); diff != "" {
		t.Errorf("entities for policy (-want +got):\n%s", diff)
	}
	group, err := client.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("analysts")})
	if err != nil {
		t.Fatalf("GetGroup: %v", err)
	}
	if len(group.Users) != 1 || aws.ToString(group.Users[0].UserName) != "analyst" || aws.ToString(group.Group.GroupId)[:4] != "AGPA" {
		t.Errorf("GetGroup = %+v, users %v", group.Group, group.Users)
	}
	for _, kind := range []string{"user", "group"} {
		var out []types.AttachedPolicy
		if kind == "user" {
			r, err := client.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: aws.String("analyst")})
			if err != nil {
				t.Fatalf("ListAttachedUserPolicies: %v", err)
			}
			out = r.AttachedPolicies
		} else {
			r, err := client.ListAttachedGroupPolicies(ctx, &iam.ListAttachedGroupPoliciesInput{GroupName: aws.String("analysts")})
			if err != nil {
				t.Fatalf("ListAttachedGroupPolicies: %v", err)
			}
			out = r.AttachedPolicies
		}
		want := []types.AttachedPolicy{{PolicyArn: aws.String(managed), PolicyName: aws.String("AmazonRedshiftDataFullAccess")}}
		if diff := cmp.Diff(want, out, cmpopts.IgnoreUnexported(types.AttachedPolicy{})); diff != "" {
			t.Errorf("%s attached policies (-want +got):\n%s", kind, diff)
		}
	}

	cleanup := []struct {
		name     string
		call     func() error
		wantCode string
	}{
		{"detach from user", func() error {
			_, err := client.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String("analyst"), PolicyArn: aws.String(managed)})
			return err
		}, ""},
		{"delete user while in a group", func() error {
			_, err := client.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("analyst")})
			return err
		}, "DeleteConflict"},
		{"detach from group", func() error {
			_, err := client.DetachGroupPolicy(ctx, &iam.DetachGroupPolicyInput{GroupName: aws.String("analysts"), PolicyArn: aws.String(managed)})
			return err
		}, ""},
		{"delete group with members", func() error {
			_, err := client.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("analysts")})
			return err
		}, "DeleteConflict"},
		{"remove user from group", func() error {
			_, err := client.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: aws.String("analysts"), UserName: aws.String("analyst")})
			return err
		}, ""},
		{"delete group", func() error {
			_, err := client.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("analysts")})
			return err
		}, ""},
		{"delete user", func() error {
			_, err := client.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("analyst")})
			return err
		}, ""},
		{"get the deleted group", func() error {
			_, err := client.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("analysts")})
			return err
		}, "NoSuchEntity"},
	}
	for _, s := range cleanup {
		if got := errCode(t, s.call()); got != s.wantCode {
			t.Fatalf("%s: error code = %q, want %q", s.name, got, s.wantCode)
		}
	}
}

func TestIAMUserTags(t *testing.T) {
	ctx := context.Background()
	_, client, _ := clients(t)
	if _, err := client.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u"), Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("1")}}}); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	tag := func(k, v string) types.Tag { return types.Tag{Key: aws.String(k), Value: aws.String(v)} }
	if _, err := client.TagUser(ctx, &iam.TagUserInput{UserName: aws.String("u"), Tags: []types.Tag{tag("b", "2"), tag("a", "3")}}); err != nil {
		t.Fatalf("TagUser: %v", err)
	}
	if _, err := client.UntagUser(ctx, &iam.UntagUserInput{UserName: aws.String("u"), TagKeys: []string{"b"}}); err != nil {
		t.Fatalf("UntagUser: %v", err)
	}
	tests := map[string]struct {
		get  func() ([]types.Tag, error)
		want []types.Tag
	}{
		"ListUserTags": {get: func() ([]types.Tag, error) {
			out, err := client.ListUserTags(ctx, &iam.ListUserTagsInput{UserName: aws.String("u")})
			if err != nil {
				return nil, err
			}
			return out.Tags, nil
		}, want: []types.Tag{tag("a", "3")}},
		"GetUser": {get: func() ([]types.Tag, error) {
			out, err := client.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("u")})
			if err != nil {
				return nil, err
			}
			return out.User.Tags, nil
		}, want: []types.Tag{tag("a", "3")}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := tc.get()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.IgnoreUnexported(types.Tag{})); diff != "" {
				t.Errorf("tags (-want +got):\n%s", diff)
			}
		})
	}
	_, err := client.UntagUser(ctx, &iam.UntagUserInput{UserName: aws.String("missing"), TagKeys: []string{"a"}})
	if got := errCode(t, err); got != "NoSuchEntity" {
		t.Errorf("UntagUser of a missing user: code = %q, want NoSuchEntity", got)
	}
}
