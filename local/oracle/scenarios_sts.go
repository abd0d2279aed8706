package oracle

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func stsScenarios() map[string]scenario {
	return map[string]scenario{
		"sts get caller identity": {run: func(ctx context.Context, b backend, id string, tr *transcript) {
			out, err := b.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			tr.record("get caller identity", err, func() []string {
				account := aws.ToString(out.Account)
				return []string{field("Arn", aws.ToString(out.Arn)), field("UserId", aws.ToString(out.UserId)), field("ArnInAccount", strings.Contains(aws.ToString(out.Arn), "::"+account+":"))}
			})
		}},
		"sts assume role": {
			run: func(ctx context.Context, b backend, id string, tr *transcript) {
				caller, err := b.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
				tr.record("get caller identity", err, nil)
				if err != nil {
					return
				}
				role, err := b.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(id), AssumeRolePolicyDocument: aws.String(trustFor(aws.ToString(caller.Account)))})
				tr.record("create role trusting the caller's account", err, nil)
				if err != nil {
					return
				}
				roleArn := aws.ToString(role.Role.Arn)
				out, err := b.sts.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleArn), RoleSessionName: aws.String("differential")})
				tr.record("assume role", err, func() []string {
					u, c := out.AssumedRoleUser, out.Credentials
					return []string{
						field("Arn", aws.ToString(u.Arn)),
						field("AssumedRoleId", assumedRoleID(aws.ToString(u.AssumedRoleId), aws.ToString(role.Role.RoleId))),
						field("AccessKeyIdPrefix", prefix(aws.ToString(c.AccessKeyId), 4)),
						field("Expiration", fmt.Sprintf("now+%dm", int(math.Round(time.Until(aws.ToTime(c.Expiration)).Minutes())))),
					}
				})
				_, err = b.sts.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleArn + "-missing"), RoleSessionName: aws.String("differential")})
				tr.record("assume missing role", err, nil)
				_, err = b.sts.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleArn), RoleSessionName: aws.String("differential"), DurationSeconds: aws.Int32(600)})
				tr.record("assume for less than 15 minutes", err, nil)
			},
		},
	}
}

// assumedRoleID describes an AssumedRoleId, which STS documents as the
// role's unique ID and the session name joined by a colon.
func assumedRoleID(got, roleID string) string {
	if session, ok := strings.CutPrefix(got, roleID+":"); ok {
		return "RoleId:" + session
	}
	return "not-the-role-id"
}
