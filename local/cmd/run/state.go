package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/smithy-go"
)

// This file reads back, through the SDK, what each resource made, for the
// report. It prints no secret value: of a secret's value only the JSON keys.

var gone = []string{"(does not exist)"}

// secretState reads a Secrets Manager secret.
func secretState(c *secretsmanager.Client) stateReader {
	return func(ctx context.Context, arn string) ([]string, bool, error) {
		out, err := c.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: &arn})
		var notFound *smtypes.ResourceNotFoundException
		if errors.As(err, &notFound) {
			return gone, false, nil
		}
		if err != nil {
			return nil, false, fmt.Errorf("describing secret %s: %w", arn, err)
		}
		if out.DeletedDate != nil {
			return []string{"scheduled for deletion on " + out.DeletedDate.UTC().Format("2006-01-02")}, false, nil
		}
		tags := map[string]string{}
		for _, t := range out.Tags {
			tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
		value, err := c.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: &arn})
		if err != nil {
			return nil, false, fmt.Errorf("reading the value of secret %s: %w", arn, err)
		}
		var fields map[string]any
		if err := json.Unmarshal([]byte(aws.ToString(value.SecretString)), &fields); err != nil {
			// The error could quote the value; say only what went wrong.
			return nil, false, fmt.Errorf("secret %s does not hold a JSON object", arn)
		}
		lines := []string{
			"name " + aws.ToString(out.Name),
			"value: JSON keys " + strings.Join(slices.Sorted(maps.Keys(fields)), ", ") + " (values redacted)",
			"tags " + sortedPairs(tags),
		}
		if d := aws.ToString(out.Description); d != "" {
			lines = append(lines, "description "+d)
		}
		return lines, true, nil
	}
}

// accessState reads what an Access resource made: its scoped policy, or,
// for a Managed grant, the grant's tags and attachments on the roles it
// may hold.
func accessState(c *iam.Client, roles ...string) stateReader {
	return func(ctx context.Context, id string) ([]string, bool, error) {
		if strings.HasPrefix(id, "arn:") {
			return policyState(ctx, c, id)
		}
		return grantState(ctx, c, id, roles)
	}
}

func policyState(ctx context.Context, c *iam.Client, arn string) ([]string, bool, error) {
	p, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: &arn})
	var notFound *iamtypes.NoSuchEntityException
	if errors.As(err, &notFound) {
		return gone, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("getting policy %s: %w", arn, err)
	}
	v, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: &arn, VersionId: p.Policy.DefaultVersionId})
	if err != nil {
		return nil, false, fmt.Errorf("getting version %s of policy %s: %w", aws.ToString(p.Policy.DefaultVersionId), arn, err)
	}
	doc, err := indentedDocument(aws.ToString(v.PolicyVersion.Document))
	if err != nil {
		return nil, false, fmt.Errorf("reading the document of policy %s: %w", arn, err)
	}
	ents, err := c.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: &arn})
	if err != nil {
		return nil, false, fmt.Errorf("listing the entities of policy %s: %w", arn, err)
	}
	var attached []string
	for _, r := range ents.PolicyRoles {
		attached = append(attached, "role/"+aws.ToString(r.RoleName))
	}
	for _, u := range ents.PolicyUsers {
		attached = append(attached, "user/"+aws.ToString(u.UserName))
	}
	for _, g := range ents.PolicyGroups {
		attached = append(attached, "group/"+aws.ToString(g.GroupName))
	}
	lines := []string{
		fmt.Sprintf("policy %s, default version %s, attached to %s", aws.ToString(p.Policy.PolicyName), aws.ToString(p.Policy.DefaultVersionId), strings.Join(attached, ", ")),
		"document:",
	}
	return append(lines, doc...), true, nil
}

// indentedDocument decodes an IAM policy document, which IAM returns
// URL-encoded, into indented JSON lines.
func indentedDocument(encoded string) ([]string, error) {
	raw, err := url.QueryUnescape(encoded)
	if err != nil {
		return nil, err
	}
	var v any
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(v, "  ", "  ")
	if err != nil {
		return nil, err
	}
	return strings.Split("  "+string(b), "\n"), nil
}

// grantState reads a Managed grant: it exists while one of roles carries
// the tag whose key is the grant ID.
func grantState(ctx context.Context, c *iam.Client, id string, roles []string) ([]string, bool, error) {
	var lines []string
	exists := false
	for _, role := range roles {
		tags, err := c.ListRoleTags(ctx, &iam.ListRoleTagsInput{RoleName: &role})
		if err != nil {
			return nil, false, fmt.Errorf("listing the tags of role %s: %w", role, err)
		}
		held := map[string]string{}
		for _, t := range tags.Tags {
			if k := aws.ToString(t.Key); strings.HasPrefix(k, "redshift-data-access:") {
				held[k] = aws.ToString(t.Value)
			}
		}
		if _, ok := held[id]; ok {
			exists = true
		}
		pols, err := c.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: &role})
		if err != nil {
			return nil, false, fmt.Errorf("listing the policies of role %s: %w", role, err)
		}
		var names []string
		for _, p := range pols.AttachedPolicies {
			names = append(names, aws.ToString(p.PolicyName))
		}
		lines = append(lines, fmt.Sprintf("role %s: policies [%s], grant tags [%s]", role, strings.Join(names, ", "), sortedPairs(held)))
	}
	return lines, exists, nil
}

// roleState reads an IAM role by ARN.
func roleState(c *iam.Client) stateReader {
	return func(ctx context.Context, arn string) ([]string, bool, error) {
		name := arn[strings.LastIndex(arn, "/")+1:]
		out, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: &name})
		var notFound *iamtypes.NoSuchEntityException
		if errors.As(err, &notFound) {
			return gone, false, nil
		}
		if err != nil {
			return nil, false, fmt.Errorf("getting role %s: %w", name, err)
		}
		if aws.ToString(out.Role.Arn) != arn {
			return []string{"another role has the name: " + aws.ToString(out.Role.Arn)}, false, nil
		}
		pols, err := c.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: &name})
		if err != nil {
			return nil, false, fmt.Errorf("listing the policies of role %s: %w", name, err)
		}
		var names []string
		for _, p := range pols.AttachedPolicies {
			names = append(names, aws.ToString(p.PolicyName))
		}
		trust, err := url.QueryUnescape(aws.ToString(out.Role.AssumeRolePolicyDocument))
		if err != nil {
			return nil, false, fmt.Errorf("decoding the trust policy of role %s: %w", name, err)
		}
		lines := []string{
			"role " + name + ", path " + aws.ToString(out.Role.Path),
			"trust policy " + trust,
			"policies " + strings.Join(names, ", "),
		}
		if d := aws.ToString(out.Role.Description); d != "" {
			lines = append(lines, "description "+d)
		}
		return lines, true, nil
	}
}

// endpointState reads a VPC endpoint; one deleted or being deleted does
// not exist any more.
func endpointState(c *ec2.Client) stateReader {
	return func(ctx context.Context, id string) ([]string, bool, error) {
		out, err := c.DescribeVpcEndpoints(ctx, &ec2.DescribeVpcEndpointsInput{VpcEndpointIds: []string{id}})
		var apiErr smithy.APIError
		if errors.As(err, &apiErr) && apiErr.ErrorCode() == "InvalidVpcEndpointId.NotFound" {
			return gone, false, nil
		}
		if err != nil {
			return nil, false, fmt.Errorf("describing VPC endpoint %s: %w", id, err)
		}
		if len(out.VpcEndpoints) == 0 {
			return gone, false, nil
		}
		ep := out.VpcEndpoints[0]
		state := strings.ToLower(string(ep.State))
		if state == "deleted" || state == "deleting" {
			return []string{"state " + state}, false, nil
		}
		var dns, groups []string
		for _, e := range ep.DnsEntries {
			dns = append(dns, aws.ToString(e.DnsName))
		}
		for _, g := range ep.Groups {
			groups = append(groups, aws.ToString(g.GroupId))
		}
		return []string{
			fmt.Sprintf("state %s, VPC %s, service %s, private DNS %t", state, aws.ToString(ep.VpcId), aws.ToString(ep.ServiceName), aws.ToBool(ep.PrivateDnsEnabled)),
			"subnets " + strings.Join(ep.SubnetIds, ", "),
			"security groups " + strings.Join(groups, ", "),
			"network interfaces " + strings.Join(ep.NetworkInterfaceIds, ", "),
			"DNS names " + strings.Join(dns, ", "),
			"tags " + sortedPairs(ec2TagMap(ep.Tags)),
		}, true, nil
	}
}

func ec2TagMap(tags []ec2types.Tag) map[string]string {
	m := map[string]string{}
	for _, t := range tags {
		m[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return m
}
