package guardrail

import (
	"errors"
	"strings"
	"testing"
)

const (
	own   = "111111111111"
	other = "222222222222"
)

// check runs one case: want "" means allowed, else the guardrail expected.
func check(t *testing.T, err error, wantProp string, want Guardrail) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatalf("refused: %v", err)
		}
		return
	}
	var v *Violation
	if !errors.As(err, &v) {
		t.Fatalf("got %v, want a *Violation of %s", err, want)
	}
	if v.Guardrail != want || v.Property != wantProp {
		t.Fatalf("got %s/%s, want %s/%s (%v)", v.Property, v.Guardrail, wantProp, want, err)
	}
	if v.Allowed == "" {
		t.Fatalf("violation says nothing about what is allowed: %v", err)
	}
}

func TestCheckAssumeRoleArns(t *testing.T) {
	cases := map[string]struct {
		cfg  Config
		arns []string
		want Guardrail
	}{
		"other account":     {arns: []string{"arn:aws:iam::" + other + ":role/reader"}},
		"own account admin": {arns: []string{"arn:aws:iam::" + own + ":role/Admin"}, want: SameAccountAssumeRole},
		"role wildcard":     {arns: []string{"arn:aws:iam::" + other + ":role/*"}, want: NoWildcard},
		"account wildcard":  {arns: []string{"arn:aws:iam::*:role/*"}, want: NoWildcard},
		"service-linked":    {arns: []string{"arn:aws:iam::" + other + ":role/aws-service-role/redshift.amazonaws.com/AWSServiceRoleForRedshift"}, want: ServiceLinkedPrincipal},
		"wrong partition":   {arns: []string{"arn:aws-cn:iam::" + other + ":role/r"}, want: NoWildcard},
		"not on allowlist":  {cfg: Config{AssumeRoleAccounts: []string{"333333333333"}}, arns: []string{"arn:aws:iam::" + other + ":role/r"}, want: AssumeRoleAccounts},
		"on allowlist":      {cfg: Config{AssumeRoleAccounts: []string{other}}, arns: []string{"arn:aws:iam::" + other + ":role/r"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			check(t, tc.cfg.CheckAssumeRoleArns("aws", own, tc.arns), "AssumeRoleArns", tc.want)
		})
	}
}

func TestCheckTrustedPrincipals(t *testing.T) {
	cases := map[string]struct {
		cfg     Config
		trusted []string
		want    Guardrail
	}{
		"role":            {trusted: []string{"arn:aws:iam::" + other + ":role/app"}},
		"root":            {trusted: []string{"arn:aws:iam::" + other + ":root"}},
		"account id":      {trusted: []string{other}},
		"star":            {trusted: []string{"*"}, want: NoWildcard},
		"role wildcard":   {trusted: []string{"arn:aws:iam::" + other + ":role/*"}, want: NoWildcard},
		"user":            {trusted: []string{"arn:aws:iam::" + other + ":user/bob"}, want: TrustedPrincipalKind},
		"wrong partition": {trusted: []string{"arn:aws-us-gov:iam::" + other + ":role/app"}, want: TrustedPrincipalKind},
		"empty":           {trusted: nil, want: TrustedPrincipalKind},
		"any account root": {cfg: Config{TrustedAccounts: []string{"333333333333"}},
			trusted: []string{"arn:aws:iam::" + other + ":root"}, want: TrustedAccounts},
		"allowed account": {cfg: Config{TrustedAccounts: []string{other}}, trusted: []string{other}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			check(t, tc.cfg.CheckTrustedPrincipals("aws", tc.trusted), "TrustedPrincipalArns", tc.want)
		})
	}
}

func TestCheckExternalIDAndBoundaryAndMode(t *testing.T) {
	strict := Config{RequireExternalID: true, DisableManagedMode: true, PermissionsBoundaryArn: "arn:aws:iam::" + own + ":policy/Boundary"}
	check(t, strict.CheckExternalID(""), "ExternalId", RequiredExternalID)
	check(t, strict.CheckExternalID("abc-123"), "", "")
	check(t, Config{}.CheckExternalID(""), "", "")
	check(t, strict.CheckPolicyMode("Managed"), "PolicyMode", ManagedMode)
	check(t, strict.CheckPolicyMode("Scoped"), "", "")
	check(t, Config{}.CheckPolicyMode("Managed"), "", "")
	check(t, strict.CheckPermissionsBoundary(""), "PermissionsBoundaryArn", PermissionsBoundary)
	check(t, strict.CheckPermissionsBoundary("arn:aws:iam::aws:policy/AdministratorAccess"), "PermissionsBoundaryArn", PermissionsBoundary)
	check(t, strict.CheckPermissionsBoundary(strict.PermissionsBoundaryArn), "", "")
	check(t, Config{}.CheckPermissionsBoundary(""), "", "")
	if strict.TrustConditions() != nil {
		t.Error("no organization set, but trust conditions returned")
	}
	org := Config{TrustOrgID: "o-abc123"}
	if got := org.TrustConditions()["StringEquals"]["aws:PrincipalOrgID"]; got != "o-abc123" {
		t.Errorf("aws:PrincipalOrgID = %q, want o-abc123", got)
	}
}

func TestCheckSecretArns(t *testing.T) {
	tagged := "arn:aws:secretsmanager:eu-west-1:" + own + ":secret:redshift-data-api/s-AbCdEf"
	plain := "arn:aws:secretsmanager:eu-west-1:" + own + ":secret:prod/db-admin-XyZ123"
	facts := map[string]SecretFact{tagged: {Found: true, DataAPITagged: true}, plain: {Found: true}}
	cases := map[string]struct {
		cfg   Config
		arns  []string
		facts map[string]SecretFact
		want  Guardrail
	}{
		"tagged secret":        {arns: []string{tagged}, facts: facts},
		"every secret":         {arns: []string{"arn:aws:secretsmanager:*:*:secret:*"}, facts: facts, want: SecretExactArn},
		"prefix wildcard":      {arns: []string{"arn:aws:secretsmanager:eu-west-1:" + own + ":secret:prod/*"}, want: SecretExactArn},
		"untagged secret":      {arns: []string{plain}, facts: facts, want: SecretDataAPITag},
		"untagged but relaxed": {cfg: Config{AllowUntaggedSecrets: true}, arns: []string{plain}, facts: facts},
		"missing secret":       {arns: []string{tagged + "x"}, facts: facts, want: SecretExactArn},
		"syntax only":          {arns: []string{plain}},
		"not a secret":         {arns: []string{"arn:aws:iam::" + own + ":role/x"}, want: SecretExactArn},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			check(t, tc.cfg.CheckSecretArns("aws", tc.arns, tc.facts), "SecretArns", tc.want)
		})
	}
}

func TestCheckDbUser(t *testing.T) {
	cases := map[string]struct {
		cfg     Config
		user    string
		masters []string
		want    Guardrail
	}{
		"default":            {user: ""},
		"data api user":      {user: "redshift_data_api_user", masters: []string{"awsuser"}},
		"master":             {cfg: Config{DbUsers: []string{"awsuser"}}, user: "AWSUser", masters: []string{"awsuser"}, want: DbUserNotMaster},
		"other user":         {user: "analyst", want: DbUserAllowlist},
		"allowed other user": {cfg: Config{DbUsers: []string{"analyst"}}, user: "analyst"},
		"wildcard":           {user: "*", want: NoWildcard},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			check(t, tc.cfg.CheckDbUser(tc.user, tc.masters), "DbUser", tc.want)
		})
	}
}

func TestCheckTargets(t *testing.T) {
	cases := map[string]struct {
		cfg                  Config
		clusters, workgroups []string
		wantProp             string
		want                 Guardrail
	}{
		"named":              {clusters: []string{"c1"}, workgroups: []string{"wg1"}},
		"cluster wildcard":   {clusters: []string{"arn:aws:redshift:eu-west-1:" + own + ":cluster:*"}, wantProp: "Clusters", want: NoWildcard},
		"workgroup wildcard": {workgroups: []string{"arn:aws:redshift-serverless:eu-west-1:" + own + ":workgroup/*"}, wantProp: "Workgroups", want: NoWildcard},
		"star in name":       {clusters: []string{"prod-*"}, wantProp: "Clusters", want: NoWildcard},
		"not listed":         {cfg: Config{Clusters: []string{"c1"}}, clusters: []string{"c2"}, wantProp: "Clusters", want: TargetAllowlist},
		"listed":             {cfg: Config{Clusters: []string{"c1"}, Workgroups: []string{"wg1"}}, clusters: []string{"c1"}, workgroups: []string{"wg1"}},
		"workgroup unlisted": {cfg: Config{Workgroups: []string{"wg1"}}, workgroups: []string{"wg2"}, wantProp: "Workgroups", want: TargetAllowlist},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			check(t, tc.cfg.CheckTargets(tc.clusters, tc.workgroups), tc.wantProp, tc.want)
		})
	}
}

func TestCheckPrincipalList(t *testing.T) {
	cfg := Config{ProviderRoleArns: []string{"arn:aws:iam::" + own + ":role/Provider-AccessRole-X"}, ProviderRoleNamePrefix: "RedshiftDataApiProvider-"}
	cases := map[string]struct {
		prop  string
		items []string
		want  Guardrail
	}{
		"role names":          {prop: "Roles", items: []string{"app", "arn:aws:iam::" + own + ":role/team/analyst"}},
		"empty item":          {prop: "Users", items: []string{"bob", ""}, want: PrincipalListItem},
		"blank item":          {prop: "Groups", items: []string{" "}, want: PrincipalListItem},
		"wildcard":            {prop: "Roles", items: []string{"arn:aws:iam::" + own + ":role/*"}, want: NoWildcard},
		"service-linked":      {prop: "Roles", items: []string{"arn:aws:iam::" + own + ":role/aws-service-role/redshift.amazonaws.com/AWSServiceRoleForRedshift"}, want: ServiceLinkedPrincipal},
		"service-linked name": {prop: "Roles", items: []string{"AWSServiceRoleForRedshift"}, want: ServiceLinkedPrincipal},
		"provider by arn":     {prop: "Roles", items: []string{"arn:aws:iam::" + own + ":role/Provider-AccessRole-X"}, want: ProviderPrincipal},
		"provider by name":    {prop: "Roles", items: []string{"Provider-AccessRole-X"}, want: ProviderPrincipal},
		"provider prefix":     {prop: "Roles", items: []string{"RedshiftDataApiProvider-SecretRole"}, want: ProviderPrincipal},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			check(t, cfg.CheckPrincipalList(tc.prop, tc.items), tc.prop, tc.want)
		})
	}
}

func TestCheckPrincipal(t *testing.T) {
	cfg := Config{PrincipalPaths: []string{"/apps/"}, PrincipalTagKey: "data-access", PrincipalTagValue: "yes",
		ProviderRoleArns: []string{"arn:aws:iam::" + own + ":role/apps/provider"}}
	ok := PrincipalFact{Property: "Roles", Name: "app", Found: true, Arn: "arn:aws:iam::" + own + ":role/apps/app", Path: "/apps/", Tags: map[string]string{"data-access": "yes"}}
	with := func(f func(*PrincipalFact)) PrincipalFact { p := ok; f(&p); return p }
	cases := map[string]struct {
		cfg  Config
		p    PrincipalFact
		want Guardrail
	}{
		"allowed":         {cfg: cfg, p: ok},
		"missing":         {cfg: cfg, p: with(func(p *PrincipalFact) { p.Found = false }), want: PrincipalExists},
		"service-linked":  {cfg: Config{}, p: with(func(p *PrincipalFact) { p.Path = "/aws-service-role/redshift.amazonaws.com/" }), want: ServiceLinkedPrincipal},
		"provider role":   {cfg: cfg, p: with(func(p *PrincipalFact) { p.Arn = cfg.ProviderRoleArns[0] }), want: ProviderPrincipal},
		"other path":      {cfg: cfg, p: with(func(p *PrincipalFact) { p.Path = "/" }), want: PrincipalPaths},
		"untagged":        {cfg: cfg, p: with(func(p *PrincipalFact) { p.Tags = nil }), want: PrincipalTag},
		"wrong tag value": {cfg: cfg, p: with(func(p *PrincipalFact) { p.Tags = map[string]string{"data-access": "no"} }), want: PrincipalTag},
		"no bounds":       {cfg: Config{}, p: with(func(p *PrincipalFact) { p.Path = "/"; p.Tags = nil })},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			check(t, tc.cfg.CheckPrincipal(tc.p), "Roles", tc.want)
		})
	}
}

func TestCheckProviderPath(t *testing.T) {
	cases := map[string]struct {
		path string
		want Guardrail
	}{
		"default":   {path: ""},
		"provider":  {path: "/redshift-data-api/"},
		"under":     {path: "/redshift-data-api/team-a/"},
		"dotdot":    {path: "/../", want: ProviderPathPrefix},
		"root":      {path: "/", want: ProviderPathPrefix},
		"escape":    {path: "/redshift-data-api/../admin/", want: ProviderPathPrefix},
		"dot":       {path: "/redshift-data-api/./", want: ProviderPathPrefix},
		"double":    {path: "/redshift-data-api//", want: ProviderPathPrefix},
		"elsewhere": {path: "/admin/", want: ProviderPathPrefix},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) { check(t, CheckProviderPath("RolePath", tc.path), "RolePath", tc.want) })
	}
}

func TestCheckUsername(t *testing.T) {
	cases := map[string]struct {
		name string
		want Guardrail
	}{
		"plain":   {name: "app_user"},
		"iam":     {name: "IAMR:analyst"},
		"letters": {name: "müller"},
		"nul":     {name: "a\x00b", want: UsernameCharacters},
		"newline": {name: "a\nb", want: UsernameCharacters},
		"tab":     {name: "a\tb", want: UsernameCharacters},
		"space":   {name: "a b", want: UsernameCharacters},
		"emoji":   {name: "user😀", want: UsernameCharacters},
		"empty":   {name: "", want: UsernameCharacters},
		"long":    {name: strings.Repeat("a", 129), want: UsernameCharacters},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) { check(t, CheckUsername(tc.name), "Username", tc.want) })
	}
}

// TestViolationIsShort checks that a 100 KB value cannot push the allowed
// part out of a 4 KB response, and that control characters are escaped.
func TestViolationIsShort(t *testing.T) {
	huge := strings.Repeat("x", 100<<10) + "\n"
	err := Config{}.CheckSecretArns("aws", []string{"arn:aws:secretsmanager:*:*:secret:" + huge}, nil)
	var v *Violation
	if !errors.As(err, &v) {
		t.Fatalf("got %v, want a *Violation", err)
	}
	msg := err.Error()
	if len(msg) > 512 {
		t.Errorf("message has %d bytes, want at most 512", len(msg))
	}
	if !strings.HasSuffix(msg, "allowed: "+v.Allowed) {
		t.Errorf("message does not end with the allowed part: %q", msg)
	}
	if strings.ContainsAny(v.Value, "\n\x00") {
		t.Errorf("value carries raw control characters: %q", v.Value)
	}
}
