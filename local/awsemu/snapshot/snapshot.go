// Package snapshot reads the whole state a test can change in the
// emulator (IAM, Secrets Manager, EC2 VPC endpoints) through the SDK, so
// that a test can show that a refused request changed nothing.
package snapshot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/google/go-cmp/cmp"
)

// State is a full read of the emulator's IAM, Secrets Manager and VPC
// endpoints (but those in state deleted), keyed by name or ID. Secret values appear only as hashes, so
// that a failing comparison prints no secret.
type State struct {
	Roles     map[string]Entity
	Users     map[string]Entity
	Groups    map[string]Entity
	Policies  map[string]Policy
	Secrets   map[string]Secret
	Endpoints map[string]string
}

// Entity is a role, user or group: its tags, attached policies, inline
// policy names and, for a role, trust policy and boundary.
type Entity struct {
	Tags     map[string]string
	Attached []string
	Inline   []string
	Trust    string
	Boundary string
}

// Policy is a customer managed policy: its tags and versions' documents.
type Policy struct {
	Tags     map[string]string
	Default  string
	Versions map[string]string
}

// Secret is a secret's description, tags, deletion date and value hashes
// by version.
type Secret struct {
	Description string
	KmsKeyID    string
	Tags        map[string]string
	Deleted     string
	Versions    map[string]string
}

// Take reads the state with clients made from cfg. The emulator lists
// roles, policies, secrets and endpoints, but not users or groups: the
// test names those it made.
func Take(t testing.TB, cfg aws.Config, users, groups []string) State {
	t.Helper()
	ctx := context.Background()
	s := State{Roles: map[string]Entity{}, Users: map[string]Entity{}, Groups: map[string]Entity{}, Policies: map[string]Policy{}, Secrets: map[string]Secret{}, Endpoints: map[string]string{}}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("snapshot: %v", err)
		}
	}
	c := iam.NewFromConfig(cfg)
	var roles []iamtypes.Role
	for p := iam.NewListRolesPaginator(c, &iam.ListRolesInput{}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		must(err)
		roles = append(roles, page.Roles...)
	}
	for _, r := range roles {
		name := aws.ToString(r.RoleName)
		full, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: r.RoleName})
		must(err)
		e := Entity{Tags: iamTags(full.Role.Tags), Trust: aws.ToString(full.Role.AssumeRolePolicyDocument)}
		if b := full.Role.PermissionsBoundary; b != nil {
			e.Boundary = aws.ToString(b.PermissionsBoundaryArn)
		}
		att, err := c.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: r.RoleName})
		must(err)
		e.Attached = attachedArns(att.AttachedPolicies)
		in, err := c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: r.RoleName})
		must(err)
		e.Inline = sorted(in.PolicyNames)
		for _, p := range e.Inline {
			doc, err := c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: r.RoleName, PolicyName: aws.String(p)})
			must(err)
			e.Inline = append(e.Inline, aws.ToString(doc.PolicyDocument))
		}
		s.Roles[name] = e
	}
	for _, u := range users {
		tags, err := c.ListUserTags(ctx, &iam.ListUserTagsInput{UserName: aws.String(u)})
		must(err)
		att, err := c.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: aws.String(u)})
		must(err)
		s.Users[u] = Entity{Tags: iamTags(tags.Tags), Attached: attachedArns(att.AttachedPolicies)}
	}
	for _, g := range groups {
		att, err := c.ListAttachedGroupPolicies(ctx, &iam.ListAttachedGroupPoliciesInput{GroupName: aws.String(g)})
		must(err)
		s.Groups[g] = Entity{Attached: attachedArns(att.AttachedPolicies)}
	}
	var pols []iamtypes.Policy
	for p := iam.NewListPoliciesPaginator(c, &iam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeLocal}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		must(err)
		pols = append(pols, page.Policies...)
	}
	for _, p := range pols {
		tags, err := c.ListPolicyTags(ctx, &iam.ListPolicyTagsInput{PolicyArn: p.Arn})
		must(err)
		vs, err := c.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: p.Arn})
		must(err)
		pol := Policy{Tags: iamTags(tags.Tags), Default: aws.ToString(p.DefaultVersionId), Versions: map[string]string{}}
		for _, v := range vs.Versions {
			doc, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: p.Arn, VersionId: v.VersionId})
			must(err)
			pol.Versions[aws.ToString(v.VersionId)] = aws.ToString(doc.PolicyVersion.Document)
		}
		s.Policies[aws.ToString(p.Arn)] = pol
	}
	sm := secretsmanager.NewFromConfig(cfg)
	var secrets []smtypes.SecretListEntry
	for p := secretsmanager.NewListSecretsPaginator(sm, &secretsmanager.ListSecretsInput{IncludePlannedDeletion: aws.Bool(true)}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		must(err)
		secrets = append(secrets, page.SecretList...)
	}
	for _, e := range secrets {
		d, err := sm.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: e.ARN})
		must(err)
		sec := Secret{Description: aws.ToString(d.Description), KmsKeyID: aws.ToString(d.KmsKeyId), Tags: map[string]string{}, Versions: map[string]string{}}
		for _, tg := range d.Tags {
			sec.Tags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
		}
		if d.DeletedDate != nil {
			sec.Deleted = d.DeletedDate.String()
		} else {
			for id := range d.VersionIdsToStages {
				v, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: e.ARN, VersionId: aws.String(id)})
				must(err)
				sum := sha256.Sum256([]byte(aws.ToString(v.SecretString)))
				sec.Versions[id] = hex.EncodeToString(sum[:])
			}
		}
		s.Secrets[aws.ToString(e.ARN)] = sec
	}
	var eps []ec2types.VpcEndpoint
	for p := ec2.NewDescribeVpcEndpointsPaginator(ec2.NewFromConfig(cfg), &ec2.DescribeVpcEndpointsInput{}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		must(err)
		eps = append(eps, page.VpcEndpoints...)
	}
	for _, ep := range eps {
		if strings.EqualFold(string(ep.State), "deleted") {
			// EC2 lists a deleted endpoint for a while; it is gone.
			continue
		}
		b, err := json.Marshal(ep) // every field, pointers followed
		must(err)
		s.Endpoints[aws.ToString(ep.VpcEndpointId)] = string(b)
	}
	return s
}

// Unchanged fails t when after differs from before.
func Unchanged(t testing.TB, before, after State) {
	t.Helper()
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("the emulator's state changed (-before +after):\n%s", diff)
	}
}

func iamTags(list []iamtypes.Tag) map[string]string {
	out := map[string]string{}
	for _, t := range list {
		out[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return out
}

func attachedArns(list []iamtypes.AttachedPolicy) []string {
	out := make([]string, 0, len(list))
	for _, a := range list {
		out = append(out, aws.ToString(a.PolicyArn))
	}
	return sorted(out)
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}
