package iam_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/google/go-cmp/cmp"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
)

const (
	callerRoleArn = "arn:aws:iam::111111111111:role/caller"
	targetRoleArn = "arn:aws:iam::222222222222:role/target"
)

// sessionConfig is cfg signed with the session credentials of creds.
func sessionConfig(cfg aws.Config, creds *ststypes.Credentials) aws.Config {
	cfg.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(creds.AccessKeyId), aws.ToString(creds.SecretAccessKey), aws.ToString(creds.SessionToken))
	return cfg
}

// assumeCallerRole returns an STS client acting as a session of the role
// "caller" in AccountA.
func assumeCallerRole(t *testing.T, srv *awsemu.Server) *sts.Client {
	t.Helper()
	out, err := sts.NewFromConfig(srv.Config(awsemu.AccountA)).AssumeRole(context.Background(), &sts.AssumeRoleInput{RoleArn: aws.String(callerRoleArn), RoleSessionName: aws.String("caller-session")})
	if err != nil {
		t.Fatalf("AssumeRole %s: %v", callerRoleArn, err)
	}
	return sts.NewFromConfig(sessionConfig(srv.Config(awsemu.AccountA), out.Credentials))
}

func TestSTSAssumeRole(t *testing.T) {
	const allowAssume = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::222222222222:role/*"}]}`
	withExternalID := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"shared-secret-id"}}}]}`
	denyCaller := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"},{"Effect":"Deny","Principal":{"AWS":"` + callerRoleArn + `"},"Action":"sts:AssumeRole"}]}`
	tests := map[string]struct {
		trust           string
		maxSession      int32
		asRole          bool // call as a session of the caller role instead of AccountA's root
		callerMayAssume bool
		roleArn         string
		externalID      string
		duration        int32
		wantCode        string
	}{
		"root of a trusted account":               {trust: testTrustAccountA},
		"role named in trust, with permission":    {trust: trustFor(callerRoleArn), asRole: true, callerMayAssume: true},
		"role named in trust, without permission": {trust: trustFor(callerRoleArn), asRole: true, wantCode: "AccessDenied"},
		"role through account trust":              {trust: testTrustAccountA, asRole: true, callerMayAssume: true},
		"account not trusted":                     {trust: trustFor(awsemu.AccountB), wantCode: "AccessDenied"},
		"missing role":                            {trust: testTrustAccountA, roleArn: "arn:aws:iam::222222222222:role/missing", wantCode: "AccessDenied"},
		"role ARN with the wrong path":            {trust: testTrustAccountA, roleArn: "arn:aws:iam::222222222222:role/other/target", wantCode: "AccessDenied"},
		"external ID required, none given":        {trust: withExternalID, wantCode: "AccessDenied"},
		"external ID given":                       {trust: withExternalID, externalID: "shared-secret-id"},
		"explicit deny wins":                      {trust: denyCaller, asRole: true, callerMayAssume: true, wantCode: "AccessDenied"},
		"longer than the role allows":             {trust: testTrustAccountA, duration: 7200, wantCode: "ValidationError"},
		"within the role's maximum":               {trust: testTrustAccountA, maxSession: 7200, duration: 7200},
		"role chaining beyond an hour":            {trust: trustFor(callerRoleArn), asRole: true, callerMayAssume: true, maxSession: 7200, duration: 7200, wantCode: "ValidationError"},
		"session shorter than fifteen minutes":    {trust: testTrustAccountA, duration: 600, wantCode: "ValidationError"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			srv, iamA, iamB := clients(t)
			mustCreateRole(t, iamA, "caller", testTrustAccountA)
			if tc.callerMayAssume {
				if _, err := iamA.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("caller"), PolicyName: aws.String("assume"), PolicyDocument: aws.String(allowAssume)}); err != nil {
					t.Fatalf("PutRolePolicy: %v", err)
				}
			}
			in := &iam.CreateRoleInput{RoleName: aws.String("target"), AssumeRolePolicyDocument: aws.String(tc.trust)}
			if tc.maxSession != 0 {
				in.MaxSessionDuration = aws.Int32(tc.maxSession)
			}
			if _, err := iamB.CreateRole(ctx, in); err != nil {
				t.Fatalf("CreateRole target: %v", err)
			}
			client := sts.NewFromConfig(srv.Config(awsemu.AccountA))
			if tc.asRole {
				client = assumeCallerRole(t, srv)
			}
			roleArn := targetRoleArn
			if tc.roleArn != "" {
				roleArn = tc.roleArn
			}
			req := &sts.AssumeRoleInput{RoleArn: aws.String(roleArn), RoleSessionName: aws.String("sess")}
			if tc.externalID != "" {
				req.ExternalId = aws.String(tc.externalID)
			}
			if tc.duration != 0 {
				req.DurationSeconds = aws.Int32(tc.duration)
			}
			out, err := client.AssumeRole(ctx, req)
			if got := errCode(t, err); got != tc.wantCode {
				t.Fatalf("error code = %q, want %q (err %v)", got, tc.wantCode, err)
			}
			if err != nil {
				return
			}
			who, err := sts.NewFromConfig(sessionConfig(srv.Config(awsemu.AccountA), out.Credentials)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			if err != nil {
				t.Fatalf("GetCallerIdentity with the session: %v", err)
			}
			got := []string{aws.ToString(who.Account), aws.ToString(who.Arn), aws.ToString(out.AssumedRoleUser.Arn)}
			want := []string{awsemu.AccountB, "arn:aws:sts::222222222222:assumed-role/target/sess", "arn:aws:sts::222222222222:assumed-role/target/sess"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("session identity (-want +got):\n%s", diff)
			}
			if id := aws.ToString(who.UserId); !strings.HasPrefix(id, "AROA") || !strings.HasSuffix(id, ":sess") {
				t.Errorf("UserId = %s, want AROA...:sess", id)
			}
			if !strings.HasPrefix(aws.ToString(out.Credentials.AccessKeyId), "ASIA") || out.Credentials.Expiration == nil {
				t.Errorf("credentials: key %s, expiration %v", aws.ToString(out.Credentials.AccessKeyId), out.Credentials.Expiration)
			}
		})
	}
}

// TestSTSAssumeRoleAfterPropagation uses the emulator's clock: a role
// younger than the propagation delay cannot be assumed yet, as when a
// handler assumes a role right after creating it.
func TestSTSAssumeRoleAfterPropagation(t *testing.T) {
	ctx := context.Background()
	clock := &testClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	srv, _, iamB := clients(t, awsemu.WithClock(clock.Now))
	srv.SetIAMPropagationDelay(5 * time.Second)
	mustCreateRole(t, iamB, "target", testTrustAccountA)
	client := sts.NewFromConfig(srv.Config(awsemu.AccountA))
	in := &sts.AssumeRoleInput{RoleArn: aws.String(targetRoleArn), RoleSessionName: aws.String("early")}
	_, err := client.AssumeRole(ctx, in)
	if got := errCode(t, err); got != "AccessDenied" {
		t.Fatalf("AssumeRole of a new role: code = %q, want AccessDenied", got)
	}
	clock.Advance(5 * time.Second)
	if _, err := client.AssumeRole(ctx, in); err != nil {
		t.Fatalf("AssumeRole after the delay: %v", err)
	}
}

func TestLookupIAMRole(t *testing.T) {
	srv, _, iamB := clients(t)
	created := mustCreateRole(t, iamB, "target", testTrustAccountA)
	tests := map[string]struct {
		arn    string
		want   awsemu.IAMRole
		wantOK bool
	}{
		"existing role": {arn: targetRoleArn, wantOK: true, want: awsemu.IAMRole{Account: awsemu.AccountB, Name: "target", Path: "/", Arn: targetRoleArn, RoleID: aws.ToString(created.RoleId), Tags: map[string]string{}}},
		"other account": {arn: "arn:aws:iam::111111111111:role/target"},
		"wrong path":    {arn: "arn:aws:iam::222222222222:role/x/target"},
		"not an ARN":    {arn: "target"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, ok := srv.LookupIAMRole(tc.arn)
			if ok != tc.wantOK {
				t.Fatalf("ok = %v, want %v", ok, tc.wantOK)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("LookupIAMRole (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSTSAssumeRoleValidation(t *testing.T) {
	srv, _, _ := clients(t)
	tests := map[string]struct {
		in       sts.AssumeRoleInput
		wantCode string
	}{
		"session name too short":  {in: sts.AssumeRoleInput{RoleArn: aws.String(targetRoleArn), RoleSessionName: aws.String("x")}, wantCode: "ValidationError"},
		"session name with space": {in: sts.AssumeRoleInput{RoleArn: aws.String(targetRoleArn), RoleSessionName: aws.String("a b")}, wantCode: "ValidationError"},
		"not a role ARN":          {in: sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::222222222222:user/u"), RoleSessionName: aws.String("sess")}, wantCode: "ValidationError"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := sts.NewFromConfig(srv.Config(awsemu.AccountA)).AssumeRole(context.Background(), &tc.in)
			if got := errCode(t, err); got != tc.wantCode {
				t.Errorf("error code = %q, want %q (err %v)", got, tc.wantCode, err)
			}
		})
	}
}
