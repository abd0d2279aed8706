package iampolicy

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func docs(t *testing.T, texts ...string) []Document {
	t.Helper()
	out := make([]Document, len(texts))
	for i, s := range texts {
		d, err := Parse(s)
		if err != nil {
			t.Fatalf("document %d: %v", i, err)
		}
		out[i] = d
	}
	return out
}

// Evaluation logic as the IAM User Guide describes it for one account:
// a Deny anywhere wins, an Allow is needed, and Not* elements invert
// only their own element.
func TestEvaluate(t *testing.T) {
	alice := Principal{ARN: "arn:aws:iam::123456789012:user/alice", Account: "123456789012", UserID: "AIDAALICE", Username: "alice"}
	const (
		allowS3 = `{"Version":"2012-10-17","Statement":{"Sid":"S3","Effect":"Allow","Action":"s3:*","Resource":"*"}}`
		denyPut = `{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"s3:Get*","Resource":"*"},{"Sid":"NoPut","Effect":"Deny","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"}]}`
		home    = `{"Version":"2012-10-17","Statement":{"Sid":"Home","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::b/home/${aws:username}/*"}}`
		notIAM  = `{"Version":"2012-10-17","Statement":{"Sid":"AllButIAM","Effect":"Allow","NotAction":"iam:*","Resource":"*"}}`
		notRes  = `{"Version":"2012-10-17","Statement":{"Sid":"NotSecret","Effect":"Deny","Action":"s3:*","NotResource":["arn:aws:s3:::public/*"]}}`
		mfaDeny = `{"Version":"2012-10-17","Statement":{"Sid":"DenyWithoutMFA","Effect":"Deny","Action":"*","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}}`
	)
	tests := map[string]struct {
		policies []string
		action   string
		resource string
		ctx      map[string][]string
		want     Decision
	}{
		"no policies: implicit deny": {
			nil, "s3:GetObject", "arn:aws:s3:::b/k", nil,
			Decision{Effect: ImplicitDeny, Source: Identity, Policy: -1, Statement: -1},
		},
		"an allow": {
			[]string{allowS3}, "s3:GetObject", "arn:aws:s3:::b/k", nil,
			Decision{Effect: Allow, Policy: 0, Statement: 0, Sid: "S3"},
		},
		"actions ignore case": {
			[]string{allowS3}, "S3:getobject", "arn:aws:s3:::b/k", nil,
			Decision{Effect: Allow, Policy: 0, Statement: 0, Sid: "S3"},
		},
		"another service: implicit deny": {
			[]string{allowS3}, "ec2:RunInstances", "*", nil,
			Decision{Effect: ImplicitDeny, Policy: -1, Statement: -1},
		},
		"a deny in another policy wins over an allow": {
			[]string{allowS3, denyPut}, "s3:PutObject", "arn:aws:s3:::b/k", nil,
			Decision{Effect: ExplicitDeny, Policy: 1, Statement: 1, Sid: "NoPut"},
		},
		"the deny's resource does not match": {
			[]string{allowS3, denyPut}, "s3:PutObject", "arn:aws:s3:::other/k", nil,
			Decision{Effect: Allow, Policy: 0, Statement: 0, Sid: "S3"},
		},
		"the first allow decides": {
			[]string{denyPut, allowS3}, "s3:GetObject", "arn:aws:s3:::b/k", nil,
			Decision{Effect: Allow, Policy: 0, Statement: 0, Sid: "Read"},
		},
		"own home folder": {
			[]string{home}, "s3:PutObject", "arn:aws:s3:::b/home/alice/notes.txt", nil,
			Decision{Effect: Allow, Policy: 0, Statement: 0, Sid: "Home"},
		},
		"another user's home folder": {
			[]string{home}, "s3:PutObject", "arn:aws:s3:::b/home/bob/notes.txt", nil,
			Decision{Effect: ImplicitDeny, Policy: -1, Statement: -1},
		},
		"resources are case-sensitive": {
			[]string{home}, "s3:PutObject", "arn:aws:s3:::b/HOME/alice/notes.txt", nil,
			Decision{Effect: ImplicitDeny, Policy: -1, Statement: -1},
		},
		"NotAction allows other services": {
			[]string{notIAM}, "s3:ListBucket", "*", nil,
			Decision{Effect: Allow, Policy: 0, Statement: 0, Sid: "AllButIAM"},
		},
		"NotAction does not allow the listed one": {
			[]string{notIAM}, "iam:CreateUser", "*", nil,
			Decision{Effect: ImplicitDeny, Policy: -1, Statement: -1},
		},
		"NotResource deny covers other resources": {
			[]string{allowS3, notRes}, "s3:GetObject", "arn:aws:s3:::private/k", nil,
			Decision{Effect: ExplicitDeny, Policy: 1, Statement: 0, Sid: "NotSecret"},
		},
		"NotResource deny spares the listed one": {
			[]string{allowS3, notRes}, "s3:GetObject", "arn:aws:s3:::public/k", nil,
			Decision{Effect: Allow, Policy: 0, Statement: 0, Sid: "S3"},
		},
		"deny without MFA, MFA absent": {
			[]string{allowS3, mfaDeny}, "s3:GetObject", "arn:aws:s3:::b/k", map[string][]string{"aws:MultiFactorAuthPresent": {"false"}},
			Decision{Effect: ExplicitDeny, Policy: 1, Statement: 0, Sid: "DenyWithoutMFA"},
		},
		"deny without MFA, MFA present": {
			[]string{allowS3, mfaDeny}, "s3:GetObject", "arn:aws:s3:::b/k", map[string][]string{"aws:MultiFactorAuthPresent": {"true"}},
			Decision{Effect: Allow, Policy: 0, Statement: 0, Sid: "S3"},
		},
		"deny without MFA, key missing (IfExists)": {
			[]string{allowS3, mfaDeny}, "s3:GetObject", "arn:aws:s3:::b/k", nil,
			Decision{Effect: ExplicitDeny, Policy: 1, Statement: 0, Sid: "DenyWithoutMFA"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := Evaluate(docs(t, tc.policies...), Request{Action: tc.action, Resource: tc.resource, Principal: alice, Context: tc.ctx})
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Evaluate (-want +got):\n%s", diff)
			}
		})
	}
}

// sts:AssumeRole: the trust policy must allow the caller, and the
// caller's identity policies must too unless the trust policy names the
// caller itself in the role's account.
func TestAssumeRole(t *testing.T) {
	const (
		roleArn   = "arn:aws:iam::111111111111:role/redshift-data-api/reader"
		roleAcct  = "111111111111"
		allowSelf = `{"Version":"2012-10-17","Statement":{"Sid":"Assume","Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::111111111111:role/redshift-data-api/*"}}`
		denyAll   = `{"Version":"2012-10-17","Statement":{"Sid":"NoAssume","Effect":"Deny","Action":"sts:*","Resource":"*"}}`
	)
	same := Principal{ARN: "arn:aws:iam::111111111111:user/alice", Account: "111111111111", UserID: "AIDAALICE", Username: "alice"}
	sameSession := Principal{ARN: "arn:aws:sts::111111111111:assumed-role/caller/s", RoleARN: "arn:aws:iam::111111111111:role/caller", Account: "111111111111", UserID: "AROACALLER:s"}
	cross := Principal{ARN: "arn:aws:sts::222222222222:assumed-role/someRoleB/s", RoleARN: "arn:aws:iam::222222222222:role/redshift-data-api/someRoleB", Account: "222222222222", UserID: "AROAB:s", OrgID: "o-example"}
	trust := func(principal, condition string) string {
		if condition != "" {
			condition = `,"Condition":` + condition
		}
		return `{"Version":"2012-10-17","Statement":{"Sid":"Trust","Effect":"Allow","Principal":` + principal + `,"Action":"sts:AssumeRole"` + condition + `}}`
	}
	trustAllowed := Decision{Effect: Allow, Source: Resource, Statement: 0, Sid: "Trust"}
	trustMissing := Decision{Effect: ImplicitDeny, Source: Resource, Policy: -1, Statement: -1}
	identityAllowed := Decision{Effect: Allow, Source: Identity, Statement: 0, Sid: "Assume"}
	identityMissing := Decision{Effect: ImplicitDeny, Source: Identity, Policy: -1, Statement: -1}
	tests := map[string]struct {
		trust    string
		identity []string
		caller   Principal
		ctx      map[string][]string
		want     Decision
	}{
		"account root, identity allows":          {trust(`{"AWS":"arn:aws:iam::111111111111:root"}`, ""), []string{allowSelf}, same, nil, identityAllowed},
		"account root, identity silent":          {trust(`{"AWS":"arn:aws:iam::111111111111:root"}`, ""), nil, same, nil, identityMissing},
		"the root of another partition":          {trust(`{"AWS":"arn:aws-cn:iam::111111111111:root"}`, ""), []string{allowSelf}, same, nil, trustMissing},
		"bare account ID means the root":         {trust(`{"AWS":"111111111111"}`, ""), []string{allowSelf}, sameSession, nil, identityAllowed},
		"named user in the account":              {trust(`{"AWS":"arn:aws:iam::111111111111:user/alice"}`, ""), nil, same, nil, trustAllowed},
		"role ARN covers its sessions":           {trust(`{"AWS":["arn:aws:iam::111111111111:user/bob","arn:aws:iam::111111111111:role/caller"]}`, ""), nil, sameSession, nil, trustAllowed},
		"another user of the account":            {trust(`{"AWS":"arn:aws:iam::111111111111:user/bob"}`, ""), []string{allowSelf}, same, nil, trustMissing},
		"another account's root":                 {trust(`{"AWS":"arn:aws:iam::333333333333:root"}`, ""), []string{allowSelf}, cross, nil, trustMissing},
		"cross-account role, identity allows":    {trust(`{"AWS":"arn:aws:iam::222222222222:role/redshift-data-api/someRoleB"}`, ""), []string{allowSelf}, cross, nil, identityAllowed},
		"cross-account role, identity silent":    {trust(`{"AWS":"arn:aws:iam::222222222222:role/redshift-data-api/someRoleB"}`, ""), nil, cross, nil, identityMissing},
		"star, identity allows":                  {trust(`"*"`, ""), []string{allowSelf}, cross, nil, identityAllowed},
		"star, identity silent":                  {trust(`{"AWS":"*"}`, ""), nil, same, nil, identityMissing},
		"identity deny wins over a named caller": {trust(`{"AWS":"arn:aws:iam::111111111111:user/alice"}`, ""), []string{denyAll}, same, nil, Decision{Effect: ExplicitDeny, Source: Identity, Statement: 0, Sid: "NoAssume"}},
		"external ID matches":                    {trust(`{"AWS":"222222222222"}`, `{"StringEquals":{"sts:ExternalId":"ext-1"}}`), []string{allowSelf}, cross, map[string][]string{"sts:ExternalId": {"ext-1"}}, identityAllowed},
		"external ID wrong":                      {trust(`{"AWS":"222222222222"}`, `{"StringEquals":{"sts:ExternalId":"ext-1"}}`), []string{allowSelf}, cross, map[string][]string{"sts:ExternalId": {"ext-2"}}, trustMissing},
		"external ID missing":                    {trust(`{"AWS":"222222222222"}`, `{"StringEquals":{"sts:ExternalId":"ext-1"}}`), []string{allowSelf}, cross, nil, trustMissing},
		"organization matches":                   {trust(`"*"`, `{"StringEquals":{"aws:PrincipalOrgID":"o-example"}}`), []string{allowSelf}, cross, nil, identityAllowed},
		"outside the organization":               {trust(`"*"`, `{"StringEquals":{"aws:PrincipalOrgID":"o-example"}}`), []string{allowSelf}, same, nil, trustMissing},
		"service principal":                      {trust(`{"Service":"lambda.amazonaws.com"}`, ""), nil, Principal{Service: "lambda.amazonaws.com"}, nil, trustAllowed},
		"another service":                        {trust(`{"Service":"lambda.amazonaws.com"}`, ""), nil, Principal{Service: "ec2.amazonaws.com"}, nil, trustMissing},
		"trust deny wins": {
			`{"Version":"2012-10-17","Statement":[{"Sid":"Trust","Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"},{"Sid":"NotBob","Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111111111111:user/alice"},"Action":"sts:*"}]}`,
			[]string{allowSelf}, same, nil, Decision{Effect: ExplicitDeny, Source: Resource, Statement: 1, Sid: "NotBob"},
		},
		"NotPrincipal deny spares the listed caller": {
			`{"Version":"2012-10-17","Statement":[{"Sid":"Trust","Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"},{"Sid":"OnlyAlice","Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111111111111:user/alice"},"Action":"sts:AssumeRole"}]}`,
			[]string{allowSelf}, same, nil, identityAllowed,
		},
		"NotPrincipal deny covers everyone else": {
			`{"Version":"2012-10-17","Statement":[{"Sid":"Trust","Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"},{"Sid":"OnlyAlice","Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111111111111:user/alice"},"Action":"sts:AssumeRole"}]}`,
			[]string{allowSelf}, cross, nil, Decision{Effect: ExplicitDeny, Source: Resource, Statement: 1, Sid: "OnlyAlice"},
		},
		"trust for another action": {`{"Version":"2012-10-17","Statement":{"Sid":"Trust","Effect":"Allow","Principal":"*","Action":"sts:TagSession"}}`, []string{allowSelf}, same, nil, trustMissing},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			tr := docs(t, tc.trust)[0]
			req := Request{Action: "sts:AssumeRole", Resource: roleArn, Principal: tc.caller, Context: tc.ctx}
			got := AssumeRole(tr, roleAcct, docs(t, tc.identity...), req)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("AssumeRole (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEvaluateResourceNamed(t *testing.T) {
	doc := docs(t, `{"Version":"2012-10-17","Statement":[
		{"Sid":"Account","Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"secretsmanager:GetSecretValue","Resource":"*"},
		{"Sid":"Role","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/reader"},"Action":"secretsmanager:GetSecretValue","Resource":"*"},
		{"Sid":"NoPrincipal","Effect":"Allow","Action":"secretsmanager:*","Resource":"*"}]}`)[0]
	reader := Principal{ARN: "arn:aws:sts::111111111111:assumed-role/reader/s", RoleARN: "arn:aws:iam::111111111111:role/reader", Account: "111111111111"}
	other := Principal{ARN: "arn:aws:iam::111111111111:user/bob", Account: "111111111111"}
	tests := map[string]struct {
		caller Principal
		action string
		want   ResourceDecision
	}{
		"the named role beats the account":    {reader, "secretsmanager:GetSecretValue", ResourceDecision{Decision{Effect: Allow, Source: Resource, Statement: 1, Sid: "Role"}, true}},
		"another principal of the account":    {other, "secretsmanager:GetSecretValue", ResourceDecision{Decision{Effect: Allow, Source: Resource, Statement: 0, Sid: "Account"}, false}},
		"a statement without Principal: none": {reader, "secretsmanager:DeleteSecret", ResourceDecision{Decision: implicitDeny(Resource)}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := EvaluateResource(doc, Request{Action: tc.action, Resource: "arn:aws:secretsmanager:us-east-1:111111111111:secret:s", Principal: tc.caller})
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("EvaluateResource (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecisionString(t *testing.T) {
	tests := map[Decision]string{
		{Effect: ExplicitDeny, Source: Identity, Policy: 1, Statement: 4, Sid: "DenyCreateAPIUser"}: "explicit deny by identity-based policy 1 statement 4 (DenyCreateAPIUser)",
		{Effect: Allow, Source: Resource, Policy: 0, Statement: 0}:                                  "allow by resource-based policy 0 statement 0",
		implicitDeny(Resource): "implicit deny: no resource-based policy allows it",
	}
	for d, want := range tests {
		if got := d.String(); got != want {
			t.Errorf("String() = %q, want %q", got, want)
		}
	}
}
