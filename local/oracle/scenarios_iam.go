package oracle

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func createRole(ctx context.Context, b backend, tr *transcript, label, name string, tags ...iamtypes.Tag) {
	out, err := b.iam.CreateRole(ctx, &iam.CreateRoleInput{
		RoleName: aws.String(name), Path: aws.String("/redshift-data-api/"),
		AssumeRolePolicyDocument: aws.String(diffTrust), Tags: tags,
	})
	tr.record(label, err, func() []string {
		r := out.Role
		return []string{field("RoleName", aws.ToString(r.RoleName)), field("Arn", aws.ToString(r.Arn)), field("Path", aws.ToString(r.Path)), uniqueID("RoleId", aws.ToString(r.RoleId))}
	})
}

func getRole(ctx context.Context, b backend, tr *transcript, label, name string) {
	out, err := b.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
	tr.record(label, err, func() []string {
		r := out.Role
		return []string{field("Description", aws.ToString(r.Description)), field("MaxSessionDuration", aws.ToInt32(r.MaxSessionDuration)), field("Tags", iamTags(r.Tags))}
	})
	if err == nil {
		tr.note(label+" trust document", document(aws.ToString(out.Role.AssumeRolePolicyDocument), diffTrust)...)
	}
}

func deleteRole(ctx context.Context, b backend, tr *transcript, label, name string) {
	_, err := b.iam.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(name)})
	tr.record(label, err, nil)
}

func iamRoleScenarios() map[string]scenario {
	return map[string]scenario{
		"iam role create get delete": {
			run: func(ctx context.Context, b backend, id string, tr *transcript) {
				createRole(ctx, b, tr, "create role", id)
				_, err := b.iam.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String(id), Description: aws.String("differential"), MaxSessionDuration: aws.Int32(7200)})
				tr.record("update role", err, nil)
				getRole(ctx, b, tr, "get role", id)
				deleteRole(ctx, b, tr, "delete role", id)
				getRole(ctx, b, tr, "get deleted role", id)
				deleteRole(ctx, b, tr, "delete deleted role", id)
			},
		},
		"iam role duplicate name": {
			run: func(ctx context.Context, b backend, id string, tr *transcript) {
				createRole(ctx, b, tr, "create role", id)
				createRole(ctx, b, tr, "create same name", id)
				createRole(ctx, b, tr, "create name differing in case", strings.ToUpper(id))
			},
		},
		"iam role tags": {
			run: func(ctx context.Context, b backend, id string, tr *transcript) {
				createRole(ctx, b, tr, "create role with tag", id, iamtypes.Tag{Key: aws.String("a"), Value: aws.String("1")})
				_, err := b.iam.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String(id), Tags: []iamtypes.Tag{
					{Key: aws.String("a"), Value: aws.String("2")}, {Key: aws.String("b"), Value: aws.String("3")},
				}})
				tr.record("tag role", err, nil)
				getRole(ctx, b, tr, "get tagged role", id)
				_, err = b.iam.UntagRole(ctx, &iam.UntagRoleInput{RoleName: aws.String(id), TagKeys: []string{"a", "absent"}})
				tr.record("untag role", err, nil)
				getRole(ctx, b, tr, "get untagged role", id)
				_, err = b.iam.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String(id + "-missing"), Tags: []iamtypes.Tag{{Key: aws.String("a"), Value: aws.String("1")}}})
				tr.record("tag missing role", err, nil)
			},
		},
		"iam role inline policy": {
			run: func(ctx context.Context, b backend, id string, tr *transcript) {
				createRole(ctx, b, tr, "create role", id)
				put := &iam.PutRolePolicyInput{RoleName: aws.String(id), PolicyName: aws.String("inline"), PolicyDocument: aws.String(diffIdentityPolicy)}
				_, err := b.iam.PutRolePolicy(ctx, put)
				tr.record("put inline policy", err, nil)
				_, err = b.iam.PutRolePolicy(ctx, put)
				tr.record("put same inline policy again", err, nil)
				get := &iam.GetRolePolicyInput{RoleName: aws.String(id), PolicyName: aws.String("inline")}
				out, err := b.iam.GetRolePolicy(ctx, get)
				tr.record("get inline policy", err, func() []string { return []string{field("PolicyName", aws.ToString(out.PolicyName))} })
				if err == nil {
					tr.note("get inline policy document", document(aws.ToString(out.PolicyDocument), diffIdentityPolicy)...)
				}
				list, err := b.iam.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String(id)})
				tr.record("list inline policies", err, func() []string { return []string{field("PolicyNames", list.PolicyNames)} })
				deleteRole(ctx, b, tr, "delete role with inline policy", id)
				del := &iam.DeleteRolePolicyInput{RoleName: aws.String(id), PolicyName: aws.String("inline")}
				_, err = b.iam.DeleteRolePolicy(ctx, del)
				tr.record("delete inline policy", err, nil)
				_, err = b.iam.GetRolePolicy(ctx, get)
				tr.record("get deleted inline policy", err, nil)
				_, err = b.iam.DeleteRolePolicy(ctx, del)
				tr.record("delete deleted inline policy", err, nil)
				deleteRole(ctx, b, tr, "delete role", id)
			},
		},
	}
}

// IAM managed policies.

func createPolicy(ctx context.Context, b backend, tr *transcript, label, name, doc string) string {
	out, err := b.iam.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(name), Path: aws.String("/redshift-data-api/"), PolicyDocument: aws.String(doc)})
	tr.record(label, err, func() []string {
		p := out.Policy
		return []string{field("Arn", aws.ToString(p.Arn)), field("DefaultVersionId", aws.ToString(p.DefaultVersionId)), field("AttachmentCount", aws.ToInt32(p.AttachmentCount)), uniqueID("PolicyId", aws.ToString(p.PolicyId))}
	})
	if err != nil {
		return ""
	}
	return aws.ToString(out.Policy.Arn)
}

func getPolicy(ctx context.Context, b backend, tr *transcript, label, arn string) {
	out, err := b.iam.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
	tr.record(label, err, func() []string {
		return []string{field("DefaultVersionId", aws.ToString(out.Policy.DefaultVersionId)), field("AttachmentCount", aws.ToInt32(out.Policy.AttachmentCount))}
	})
}

func attachPolicy(ctx context.Context, b backend, tr *transcript, label, role, arn string) {
	_, err := b.iam.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(role), PolicyArn: aws.String(arn)})
	tr.record(label, err, nil)
}

func detachPolicy(ctx context.Context, b backend, tr *transcript, label, role, arn string) {
	_, err := b.iam.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String(role), PolicyArn: aws.String(arn)})
	tr.record(label, err, nil)
}

func deletePolicy(ctx context.Context, b backend, tr *transcript, label, arn string) {
	_, err := b.iam.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(arn)})
	tr.record(label, err, nil)
}

// missingPolicyArn is a well-formed ARN of a policy no scenario creates.
func missingPolicyArn(id string) string {
	return "arn:aws:iam::123456789012:policy/redshift-data-api/" + id + "-missing"
}

func iamPolicyScenarios() map[string]scenario {
	return map[string]scenario{
		"iam policy versions limit": {
			run: func(ctx context.Context, b backend, id string, tr *transcript) {
				arn := createPolicy(ctx, b, tr, "create policy", id, diffIdentityPolicy)
				// A managed policy holds at most five versions
				// (IAM quotas); the sixth create is LimitExceeded.
				for i := 2; i <= 6; i++ {
					out, err := b.iam.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(diffIdentityPolicy), SetAsDefault: i == 5})
					tr.record(fmt.Sprintf("create version %d", i), err, func() []string {
						return []string{field("VersionId", aws.ToString(out.PolicyVersion.VersionId)), field("IsDefaultVersion", out.PolicyVersion.IsDefaultVersion)}
					})
				}
				getPolicy(ctx, b, tr, "get policy", arn)
				_, err := b.iam.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v5")})
				tr.record("delete default version", err, nil)
				_, err = b.iam.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v2")})
				tr.record("delete version v2", err, nil)
			},
		},
		"iam policy attach detach": {run: func(ctx context.Context, b backend, id string, tr *transcript) {
			createRole(ctx, b, tr, "create role", id)
			arn := createPolicy(ctx, b, tr, "create policy", id, diffIdentityPolicy)
			attachPolicy(ctx, b, tr, "attach", id, arn)
			attachPolicy(ctx, b, tr, "attach again", id, arn)
			getPolicy(ctx, b, tr, "get attached policy", arn)
			list, err := b.iam.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(id)})
			tr.record("list attached", err, func() []string {
				var names []string
				for _, p := range list.AttachedPolicies {
					names = append(names, aws.ToString(p.PolicyName)+"@"+aws.ToString(p.PolicyArn))
				}
				return []string{field("AttachedPolicies", names)}
			})
			detachPolicy(ctx, b, tr, "detach", id, arn)
			getPolicy(ctx, b, tr, "get detached policy", arn)
			detachPolicy(ctx, b, tr, "detach again", id, arn)
			attachPolicy(ctx, b, tr, "attach to missing role", id+"-missing", arn)
			attachPolicy(ctx, b, tr, "attach missing policy", id, missingPolicyArn(id))
		}},
		"iam policy delete conflict": {run: func(ctx context.Context, b backend, id string, tr *transcript) {
			createRole(ctx, b, tr, "create role", id)
			arn := createPolicy(ctx, b, tr, "create policy", id, diffIdentityPolicy)
			createPolicy(ctx, b, tr, "create same policy name", id, diffIdentityPolicy)
			attachPolicy(ctx, b, tr, "attach", id, arn)
			deletePolicy(ctx, b, tr, "delete attached policy", arn)
			deleteRole(ctx, b, tr, "delete role with attached policy", id)
			detachPolicy(ctx, b, tr, "detach", id, arn)
			deletePolicy(ctx, b, tr, "delete policy", arn)
			getPolicy(ctx, b, tr, "get deleted policy", arn)
			deletePolicy(ctx, b, tr, "delete deleted policy", arn)
			deleteRole(ctx, b, tr, "delete role", id)
		}},
		"iam malformed policy document": {
			run: func(ctx context.Context, b backend, id string, tr *transcript) {
				createPolicy(ctx, b, tr, "create policy with invalid JSON", id, `{"Version":"2012-10-17","Statement":[`)
				_, err := b.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(id), AssumeRolePolicyDocument: aws.String("not a policy")})
				tr.record("create role with invalid trust", err, nil)
			},
		},
	}
}
