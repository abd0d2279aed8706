package access

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/internal/guardrail"
	"github.com/redshift-data-access/redshift-data-access/internal/policy"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
	emustate "github.com/redshift-data-access/redshift-data-access/local/awsemu/snapshot"
)

// An owner's DbUsers allowlist that names a master user still never lets
// it through: those attacks set one. Principal attacks add a principal,
// since an Update checks only the principals it adds.

// attack is a request that asks for more than the guardrails allow. A
// non-empty guard wants a *guardrail.Violation of prop and guard; an empty
// one a *customresource.PropertyError of prop that is no Violation.
type attack struct {
	props map[string]any
	g     guardrail.Config
	prop  string
	guard guardrail.Guardrail
}

// guardedEnv is account A with the principals, clusters and secrets the
// attacks name.
type guardedEnv struct {
	*env
	untaggedSecret, taggedSecret string
}

func newGuardedEnv(t *testing.T) guardedEnv {
	t.Helper()
	e := newEnv(t, awsemu.AccountA)
	e.createRole(t, "analyst", "/")
	e.createRole(t, "admin", "/")
	e.createRole(t, "AWSServiceRoleForRedshift", "/aws-service-role/redshift.amazonaws.com/")
	e.createRole(t, "rda-provider-access", "/")
	e.createUser(t, "etl")
	e.createGroup(t, "analysts")
	secret := func(name string, tags ...smtypes.Tag) string {
		out, err := e.secrets.CreateSecret(t.Context(), &secretsmanager.CreateSecretInput{Name: aws.String(name), SecretString: aws.String(`{"username":"u","password":"Passw0rd-fixture"}`), Tags: tags})
		if err != nil {
			t.Fatalf("creating secret %s: %v", name, err)
		}
		return aws.ToString(out.ARN)
	}
	return guardedEnv{
		env:            e,
		untaggedSecret: secret("hand-made-untagged"),
		taggedSecret:   secret("hand-made-tagged", smtypes.Tag{Key: aws.String(policy.TagKey), Value: aws.String("analytics")}),
	}
}

// state is the full read of account A that an attack must leave as it is.
func (e guardedEnv) state(t *testing.T) emustate.State {
	t.Helper()
	return emustate.Take(t, e.srv.Config(awsemu.AccountA), []string{"etl"}, []string{"analysts"})
}

// refused checks that err is the refusal a wants.
func (a attack) refused(t *testing.T, err error) {
	t.Helper()
	var v *guardrail.Violation
	if a.guard == "" {
		var pe *customresource.PropertyError
		if !errors.As(err, &pe) || pe.Property != a.prop || errors.As(err, &v) {
			t.Errorf("error = %v, want a PropertyError of %s", err, a.prop)
		}
		return
	}
	if !errors.As(err, &v) {
		t.Errorf("error = %v, want a *guardrail.Violation", err)
		return
	}
	if v.Property != a.prop || v.Guardrail != a.guard {
		t.Errorf("violation of %s by %s, want %s by %s (%v)", v.Property, v.Guardrail, a.prop, a.guard, err)
	}
	if !customresource.IsInvalidInput(err) {
		t.Errorf("a violation is not invalid input to the runtime: %v", err)
	}
}

// valid are the properties of the grant the Update attacks start from.
var validAccess = map[string]any{"Roles": []any{"analyst"}, "Clusters": []any{"analytics"}}

func accessAttacks(e guardedEnv) map[string]attack {
	scoped := func(kv ...any) map[string]any {
		m := map[string]any{"Roles": []any{"analyst"}, "Clusters": []any{"analytics"}}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	return map[string]attack{
		"assume a role of the own account": {props: scoped("AssumeRoleArns", []any{"arn:aws:iam::111111111111:role/admin"}), prop: "AssumeRoleArns", guard: guardrail.SameAccountAssumeRole},
		"assume role/*":                    {props: scoped("AssumeRoleArns", "arn:aws:iam::222222222222:role/*"), prop: "AssumeRoleArns", guard: guardrail.NoWildcard},
		"assume any account's roles":       {props: scoped("AssumeRoleArns", "arn:aws:iam::*:role/*"), prop: "AssumeRoleArns", guard: guardrail.NoWildcard},
		"assume a service-linked role":     {props: scoped("AssumeRoleArns", "arn:aws:iam::222222222222:role/aws-service-role/redshift.amazonaws.com/AWSServiceRoleForRedshift"), prop: "AssumeRoleArns", guard: guardrail.ServiceLinkedPrincipal},
		"assume an account off the allowlist": {props: scoped("AssumeRoleArns", "arn:aws:iam::222222222222:role/b"), g: guardrail.Config{AssumeRoleAccounts: []string{"333333333333"}},
			prop: "AssumeRoleArns", guard: guardrail.AssumeRoleAccounts},
		"every secret":                  {props: scoped("SecretArns", "arn:aws:secretsmanager:*:*:secret:*"), prop: "SecretArns", guard: guardrail.SecretExactArn},
		"an untagged secret":            {props: scoped("SecretArns", []any{e.untaggedSecret}), prop: "SecretArns", guard: guardrail.SecretDataAPITag},
		"a secret that does not exist":  {props: scoped("SecretArns", []any{"arn:aws:secretsmanager:us-east-1:111111111111:secret:ghost-AbCdEf"}), prop: "SecretArns", guard: guardrail.SecretExactArn},
		"the master user":               {props: scoped("DbUser", "admin"), g: guardrail.Config{DbUsers: []string{"admin"}}, prop: "DbUser", guard: guardrail.DbUserNotMaster},
		"the master user in capitals":   {props: scoped("DbUser", "ADMIN"), g: guardrail.Config{DbUsers: []string{"ADMIN"}}, prop: "DbUser", guard: guardrail.DbUserNotMaster},
		"another database user":         {props: scoped("DbUser", "etl_loader"), prop: "DbUser", guard: guardrail.DbUserAllowlist},
		"every cluster":                 {props: scoped("Clusters", "*"), prop: "Clusters", guard: guardrail.NoWildcard},
		"every cluster by ARN":          {props: scoped("Clusters", "arn:aws:redshift:us-east-1:111111111111:cluster:*"), prop: "Clusters", guard: guardrail.NoWildcard},
		"every workgroup":               {props: scoped("Workgroups", "arn:aws:redshift-serverless:us-east-1:111111111111:workgroup/*"), prop: "Workgroups", guard: guardrail.NoWildcard},
		"a cluster off the allowlist":   {props: scoped(), g: guardrail.Config{Clusters: []string{"other"}}, prop: "Clusters", guard: guardrail.TargetAllowlist},
		"a cluster that does not exist": {props: scoped("Clusters", "ghost"), prop: "Clusters"},
		"another account's cluster":     {props: scoped("Clusters", "arn:aws:redshift:us-east-1:222222222222:cluster:analytics"), prop: "Clusters"},
		"an empty principal item":       {props: scoped("Roles", []any{"analyst", ""}), prop: "Roles", guard: guardrail.PrincipalListItem},
		"an empty item in a string":     {props: scoped("Roles", "analyst,,admin"), prop: "Roles", guard: guardrail.PrincipalListItem},
		"a service-linked role":         {props: scoped("Roles", "AWSServiceRoleForRedshift"), prop: "Roles", guard: guardrail.ServiceLinkedPrincipal},
		"a provider role":               {props: scoped("Roles", "rda-provider-access"), g: guardrail.Config{ProviderRoleNamePrefix: "rda-provider-"}, prop: "Roles", guard: guardrail.ProviderPrincipal},
		"a principal off the paths":     {props: scoped("Roles", "admin"), g: guardrail.Config{PrincipalPaths: []string{"/teams/"}}, prop: "Roles", guard: guardrail.PrincipalPaths},
		"a user without the tag":        {props: scoped("Roles", nil, "Users", "etl"), g: guardrail.Config{PrincipalTagKey: "data-access"}, prop: "Users", guard: guardrail.PrincipalTag},
		"PolicyPath /":                  {props: scoped("PolicyPath", "/"), prop: "PolicyPath", guard: guardrail.ProviderPathPrefix},
		"PolicyPath with ..":            {props: scoped("PolicyPath", "/redshift-data-api/../"), prop: "PolicyPath", guard: guardrail.ProviderPathPrefix},
		"Managed mode switched off":     {props: map[string]any{"Roles": "analyst", "PolicyMode": "Managed"}, g: guardrail.Config{DisableManagedMode: true}, prop: "PolicyMode", guard: guardrail.ManagedMode},
	}
}

// TestAccessAttacksFailBeforeAnyChange runs every escalation through
// ordinary properties as a Create and as an Update of a valid grant: each
// fails with a violation of the property, and the account is exactly as
// it was.
func TestAccessAttacksFailBeforeAnyChange(t *testing.T) {
	e := newGuardedEnv(t)
	runAttacks(t, e, accessAttacks(e), validAccess, func(c Clients) customresource.Resource { return NewAccess(c) })
}

// runAttacks sends each attack as a Create, and as an Update of a resource
// created from valid, to the resource newResource makes with the attack's
// guardrails; each must be refused without a mutating call, and leave the
// account's state as it was.
func runAttacks(t *testing.T, e guardedEnv, attacks map[string]attack, valid map[string]any, newResource func(Clients) customresource.Resource) {
	t.Helper()
	existing, err := newResource(e.clients).Create(t.Context(), request(customresource.ActionCreate, "Existing", "", valid, nil))
	if err != nil {
		t.Fatalf("creating the resource to update: %v", err)
	}
	for name, a := range attacks {
		t.Run(name, func(t *testing.T) {
			c := e.clients
			c.Guardrails = a.g
			r := newResource(c)
			before := e.state(t)
			e.calls.reset()
			_, err := r.Create(t.Context(), request(customresource.ActionCreate, "Attack", "", a.props, nil))
			a.refused(t, err)
			_, err = r.Update(t.Context(), request(customresource.ActionUpdate, "Existing", existing.PhysicalResourceID, a.props, valid))
			a.refused(t, err)
			if m := e.calls.mutating(); len(m) > 0 {
				t.Errorf("refused requests made mutating calls: %v", m)
			}
			if diff := cmp.Diff(before, e.state(t)); diff != "" {
				t.Errorf("state changed (-before +after):\n%s", diff)
			}
		})
	}
}

// TestGuardrailsAllowWhatTheyBound: the bounds are not a blanket refusal.
// A tagged secret, another account's role and a principal that meets the
// owner's path and tag rules are granted; on Update the principal rules
// apply only to added principals.
func TestGuardrailsAllowWhatTheyBound(t *testing.T) {
	e := newGuardedEnv(t)
	if _, err := e.iam.TagRole(t.Context(), &iam.TagRoleInput{RoleName: aws.String("analyst"), Tags: tagList(map[string]string{"data-access": "yes"})}); err != nil {
		t.Fatal(err)
	}
	c := e.clients
	c.Guardrails = guardrail.Config{PrincipalTagKey: "data-access", AssumeRoleAccounts: []string{"222222222222"}}
	r := NewAccess(c)
	props := map[string]any{"Roles": "analyst", "Clusters": "analytics", "SecretArns": []any{e.taggedSecret}, "AssumeRoleArns": "arn:aws:iam::222222222222:role/b"}
	res, err := r.Create(t.Context(), request(customresource.ActionCreate, "Allowed", "", props, nil))
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	// admin lacks the tag: adding it is refused, keeping analyst is not
	// re-checked against a rule it met when it was granted.
	next := map[string]any{"Roles": "analyst,admin", "Clusters": "analytics"}
	_, err = r.Update(t.Context(), request(customresource.ActionUpdate, "Allowed", res.PhysicalResourceID, next, props))
	attack{prop: "Roles", guard: guardrail.PrincipalTag}.refused(t, err)
	if _, err := e.iam.UntagRole(t.Context(), &iam.UntagRoleInput{RoleName: aws.String("analyst"), TagKeys: []string{"data-access"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Update(t.Context(), request(customresource.ActionUpdate, "Allowed", res.PhysicalResourceID, map[string]any{"Roles": "analyst", "Clusters": "analytics"}, props)); err != nil {
		t.Errorf("Update keeping a principal granted before: %v", err)
	}
}

// TestHugeValueKeepsTheAllowedPart: a 100 KB value is cut in the Reason,
// so that what the guardrail allows is still said.
func TestHugeValueKeepsTheAllowedPart(t *testing.T) {
	e := newGuardedEnv(t)
	props := map[string]any{"Roles": "analyst", "Clusters": "analytics", "AssumeRoleArns": "arn:aws:iam::*:role/" + strings.Repeat("a", 100_000)}
	_, err := NewAccess(e.clients).Create(t.Context(), request(customresource.ActionCreate, "Huge", "", props, nil))
	var v *guardrail.Violation
	if !errors.As(err, &v) || v.Property != "AssumeRoleArns" {
		t.Fatalf("error = %.200v, want a violation of AssumeRoleArns", err)
	}
	msg := err.Error()
	if len(msg) > 1024 || v.Allowed == "" || !strings.HasSuffix(msg, "allowed: "+v.Allowed) {
		t.Errorf("the error of %d bytes does not end with what is allowed (%q)", len(msg), v.Allowed)
	}
}

var validRole = map[string]any{"TrustedPrincipalArns": "222222222222", "Clusters": "analytics"}

func roleAttacks(e guardedEnv) map[string]attack {
	role := func(kv ...any) map[string]any {
		m := map[string]any{"TrustedPrincipalArns": "222222222222", "Clusters": "analytics"}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	return map[string]attack{
		"trust anyone":                  {props: role("TrustedPrincipalArns", "*"), prop: "TrustedPrincipalArns", guard: guardrail.NoWildcard},
		"trust every account's root":    {props: role("TrustedPrincipalArns", "arn:aws:iam::*:root"), prop: "TrustedPrincipalArns", guard: guardrail.NoWildcard},
		"trust another partition":       {props: role("TrustedPrincipalArns", "arn:aws-cn:iam::222222222222:root"), prop: "TrustedPrincipalArns", guard: guardrail.TrustedPrincipalKind},
		"trust an account off the list": {props: role(), g: guardrail.Config{TrustedAccounts: []string{"333333333333"}}, prop: "TrustedPrincipalArns", guard: guardrail.TrustedAccounts},
		"no external ID":                {props: role(), g: guardrail.Config{RequireExternalID: true}, prop: "ExternalId", guard: guardrail.RequiredExternalID},
		"no permissions boundary":       {props: role(), g: guardrail.Config{PermissionsBoundaryArn: "arn:aws:iam::111111111111:policy/boundary"}, prop: "PermissionsBoundaryArn", guard: guardrail.PermissionsBoundary},
		"RolePath /../":                 {props: role("RolePath", "/../"), prop: "RolePath", guard: guardrail.ProviderPathPrefix},
		"every secret":                  {props: role("SecretArns", "arn:aws:secretsmanager:*:*:secret:*"), prop: "SecretArns", guard: guardrail.SecretExactArn},
		"an untagged secret":            {props: role("SecretArns", e.untaggedSecret), prop: "SecretArns", guard: guardrail.SecretDataAPITag},
		"assume an own role":            {props: role("AssumeRoleArns", "arn:aws:iam::111111111111:role/admin"), prop: "AssumeRoleArns", guard: guardrail.SameAccountAssumeRole},
		"the master user":               {props: role("DbUser", "admin"), g: guardrail.Config{DbUsers: []string{"admin"}}, prop: "DbUser", guard: guardrail.DbUserNotMaster},
		"every cluster":                 {props: role("Clusters", "*"), prop: "Clusters", guard: guardrail.NoWildcard},
		"a cluster that does not exist": {props: role("Clusters", "ghost"), prop: "Clusters"},
		"Managed mode switched off":     {props: map[string]any{"TrustedPrincipalArns": "222222222222", "PolicyMode": "Managed"}, g: guardrail.Config{DisableManagedMode: true}, prop: "PolicyMode", guard: guardrail.ManagedMode},
	}
}

// TestCrossAccountRoleAttacksFailBeforeAnyChange is the same for the
// cross-account role, with the "Invalid principal" retry left at its
// full bound: a refused trusted principal never reaches it.
func TestCrossAccountRoleAttacksFailBeforeAnyChange(t *testing.T) {
	e := newGuardedEnv(t)
	runAttacks(t, e, roleAttacks(e), validRole, func(c Clients) customresource.Resource { return NewCrossAccountRole(c) })
}

// TestTrustPolicyCarriesTheOrganization: with an organization set, the
// role's trust policy requires aws:PrincipalOrgID.
func TestTrustPolicyCarriesTheOrganization(t *testing.T) {
	e := newGuardedEnv(t)
	c := e.clients
	c.Guardrails = guardrail.Config{TrustOrgID: "o-a1b2c3d4e5"}
	res, err := NewCrossAccountRole(c).Create(t.Context(), request(customresource.ActionCreate, "OrgRole", "", validRole, nil))
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.iam.GetRole(t.Context(), &iam.GetRoleInput{RoleName: aws.String(res.Data["RoleName"])})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := policy.Parse(aws.ToString(got.Role.AssumeRolePolicyDocument))
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range doc.Statement {
		if diff := cmp.Diff(policy.Value{"o-a1b2c3d4e5"}, st.Condition["StringEquals"]["aws:PrincipalOrgID"]); diff != "" {
			t.Errorf("aws:PrincipalOrgID of a trust statement (-want +got):\n%s", diff)
		}
	}
}

// TestValidateAtSynthRunsTheFixedGuardrails: the validators the CDK
// constructs call refuse, without any AWS lookup, what no owner's
// configuration allows. (The constructs check the paths themselves.)
func TestValidateAtSynthRunsTheFixedGuardrails(t *testing.T) {
	tests := map[string]struct {
		validate func(map[string]any) error
		props    map[string]any
		prop     string
		guard    guardrail.Guardrail
	}{
		"empty principal item":    {ValidateAccessProperties, map[string]any{"Roles": []any{"a", ""}, "Clusters": "c1"}, "Roles", guardrail.PrincipalListItem},
		"service-linked role":     {ValidateAccessProperties, map[string]any{"Roles": "AWSServiceRoleForRedshift", "Clusters": "c1"}, "Roles", guardrail.ServiceLinkedPrincipal},
		"wildcard cluster":        {ValidateAccessProperties, map[string]any{"Roles": "a", "Clusters": "*"}, "Clusters", guardrail.NoWildcard},
		"role on every workgroup": {ValidateCrossAccountRoleProperties, map[string]any{"TrustedPrincipalArns": "222222222222", "Workgroups": "arn:aws:redshift-serverless:us-east-1:111111111111:workgroup/*"}, "Workgroups", guardrail.NoWildcard},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			attack{prop: tc.prop, guard: tc.guard}.refused(t, tc.validate(tc.props))
		})
	}
	if err := ValidateAccessProperties(map[string]any{"Roles": "a", "Clusters": "c1", "PolicyPath": "/redshift-data-api/team/"}); err != nil {
		t.Errorf("valid properties: %v", err)
	}
}

// deniedSecrets answers every DescribeSecret as IAM does for a secret the
// provider's role may not describe (one without the RedshiftDataFullAccess
// tag, under the role's condition).
type deniedSecrets struct{}

func (deniedSecrets) DescribeSecret(context.Context, *secretsmanager.DescribeSecretInput, ...func(*secretsmanager.Options)) (*secretsmanager.DescribeSecretOutput, error) {
	return nil, &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "not authorized to perform: secretsmanager:DescribeSecret"}
}

// TestSecretTheRoleMayNotDescribeIsRefused: AccessDenied on DescribeSecret
// is a violation of SecretArns, not an error that hides the guardrail.
func TestSecretTheRoleMayNotDescribeIsRefused(t *testing.T) {
	e := newGuardedEnv(t)
	c := e.clients
	c.Secrets = deniedSecrets{}
	before := e.state(t)
	props := map[string]any{"Roles": "analyst", "Clusters": "analytics", "SecretArns": e.untaggedSecret}
	_, err := NewAccess(c).Create(t.Context(), request(customresource.ActionCreate, "Denied", "", props, nil))
	attack{prop: "SecretArns", guard: guardrail.SecretExactArn}.refused(t, err)
	if diff := cmp.Diff(before, e.state(t)); diff != "" {
		t.Errorf("state changed (-before +after):\n%s", diff)
	}
}
