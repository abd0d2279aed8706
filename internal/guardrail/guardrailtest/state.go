// Package guardrailtest reads the whole state an attack on the provider
// could change, so that tests of the guardrails can assert that a refused
// request left it exactly as it was.
package guardrailtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// State is a full read of one account's IAM, Secrets Manager and EC2 VPC
// endpoints. Each value is the JSON of what the read APIs answered; a
// secret's value is kept as its SHA-256 only, so that a diff never prints
// it.
type State struct {
	Roles     map[string]string
	Users     map[string]string
	Groups    map[string]string
	Policies  map[string]string
	Secrets   map[string]string
	Endpoints map[string]string
}

// Read reads the State of the account cfg belongs to. IAM users and
// groups are read by name (users and groups: those the test made), since
// the local emulator lists roles and policies but not users or groups;
// managedPolicies are AWS managed policy ARNs whose attachments to read
// besides the account's own policies.
func Read(ctx context.Context, cfg aws.Config, users, groups, managedPolicies []string) (State, error) {
	s := State{Roles: map[string]string{}, Users: map[string]string{}, Groups: map[string]string{}, Policies: map[string]string{}, Secrets: map[string]string{}, Endpoints: map[string]string{}}
	if err := readIAM(ctx, iam.NewFromConfig(cfg), &s, users, groups, managedPolicies); err != nil {
		return State{}, err
	}
	if err := readSecrets(ctx, secretsmanager.NewFromConfig(cfg), &s); err != nil {
		return State{}, err
	}
	if err := readEndpoints(ctx, ec2.NewFromConfig(cfg), &s); err != nil {
		return State{}, err
	}
	return s, nil
}

// record keeps the JSON of parts, in order, under key.
func record(m map[string]string, key string, parts ...any) error {
	b, err := json.Marshal(parts)
	if err != nil {
		return fmt.Errorf("encoding %s: %w", key, err)
	}
	m[key] = string(b)
	return nil
}

func readIAM(ctx context.Context, c *iam.Client, s *State, users, groups, managed []string) error {
	roles, err := c.ListRoles(ctx, &iam.ListRolesInput{})
	if err != nil {
		return fmt.Errorf("listing roles: %w", err)
	}
	for _, r := range roles.Roles {
		name := aws.String(aws.ToString(r.RoleName))
		role, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: name})
		if err != nil {
			return fmt.Errorf("getting role %s: %w", *name, err)
		}
		inline, err := c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: name})
		if err != nil {
			return err
		}
		docs := []string{}
		for _, p := range inline.PolicyNames {
			d, err := c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: name, PolicyName: aws.String(p)})
			if err != nil {
				return err
			}
			docs = append(docs, p, aws.ToString(d.PolicyDocument))
		}
		att, err := c.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: name})
		if err != nil {
			return err
		}
		tags, err := c.ListRoleTags(ctx, &iam.ListRoleTagsInput{RoleName: name})
		if err != nil {
			return err
		}
		if err := record(s.Roles, *name, role.Role, docs, att.AttachedPolicies, tags.Tags); err != nil {
			return err
		}
	}
	for _, u := range users {
		user, err := c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(u)})
		if err != nil {
			return fmt.Errorf("getting user %s: %w", u, err)
		}
		att, err := c.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: aws.String(u)})
		if err != nil {
			return err
		}
		tags, err := c.ListUserTags(ctx, &iam.ListUserTagsInput{UserName: aws.String(u)})
		if err != nil {
			return err
		}
		if err := record(s.Users, u, user.User, att.AttachedPolicies, tags.Tags); err != nil {
			return err
		}
	}
	for _, g := range groups {
		group, err := c.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String(g)})
		if err != nil {
			return fmt.Errorf("getting group %s: %w", g, err)
		}
		att, err := c.ListAttachedGroupPolicies(ctx, &iam.ListAttachedGroupPoliciesInput{GroupName: aws.String(g)})
		if err != nil {
			return err
		}
		if err := record(s.Groups, g, group.Group, group.Users, att.AttachedPolicies); err != nil {
			return err
		}
	}
	local, err := c.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeLocal})
	if err != nil {
		return fmt.Errorf("listing policies: %w", err)
	}
	arns := append([]string(nil), managed...)
	for _, p := range local.Policies {
		arns = append(arns, aws.ToString(p.Arn))
	}
	sort.Strings(arns)
	for _, arn := range arns {
		entities, err := c.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String(arn)})
		if err != nil {
			return fmt.Errorf("listing the entities of policy %s: %w", arn, err)
		}
		parts := []any{entities.PolicyRoles, entities.PolicyUsers, entities.PolicyGroups}
		if !contains(managed, arn) {
			pol, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
			if err != nil {
				return err
			}
			versions, err := c.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: aws.String(arn)})
			if err != nil {
				return err
			}
			for _, v := range versions.Versions {
				doc, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: v.VersionId})
				if err != nil {
					return err
				}
				parts = append(parts, doc.PolicyVersion)
			}
			tags, err := c.ListPolicyTags(ctx, &iam.ListPolicyTagsInput{PolicyArn: aws.String(arn)})
			if err != nil {
				return err
			}
			parts = append(parts, pol.Policy, tags.Tags)
		}
		if err := record(s.Policies, arn, parts...); err != nil {
			return err
		}
	}
	return nil
}

func readSecrets(ctx context.Context, c *secretsmanager.Client, s *State) error {
	list, err := c.ListSecrets(ctx, &secretsmanager.ListSecretsInput{IncludePlannedDeletion: aws.Bool(true)})
	if err != nil {
		return fmt.Errorf("listing secrets: %w", err)
	}
	for _, e := range list.SecretList {
		arn := aws.ToString(e.ARN)
		d, err := c.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(arn)})
		if err != nil {
			return fmt.Errorf("describing secret %s: %w", arn, err)
		}
		digest := "scheduled for deletion"
		if d.DeletedDate == nil {
			v, err := c.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(arn)})
			if err != nil {
				return fmt.Errorf("getting the value of secret %s: %w", arn, err)
			}
			sum := sha256.Sum256([]byte(aws.ToString(v.SecretString)))
			digest = hex.EncodeToString(sum[:]) + " " + aws.ToString(v.VersionId)
		}
		if err := record(s.Secrets, arn, d, digest); err != nil {
			return err
		}
	}
	return nil
}

func readEndpoints(ctx context.Context, c *ec2.Client, s *State) error {
	out, err := c.DescribeVpcEndpoints(ctx, &ec2.DescribeVpcEndpointsInput{})
	if err != nil {
		return fmt.Errorf("describing VPC endpoints: %w", err)
	}
	for _, e := range out.VpcEndpoints {
		if err := record(s.Endpoints, aws.ToString(e.VpcEndpointId), e); err != nil {
			return err
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
