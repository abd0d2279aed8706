package dataaccess

import (
	"sort"
	"strings"

	"github.com/aws/jsii-runtime-go"

	"github.com/redshift-data-access/redshift-data-access/internal/guardrail"
)

// GuardrailProps are the provider owner's bounds on what stack authors may
// ask the functions for. The zero value is the safe default: no
// same-account or wildcard AssumeRoleArns, only exact SecretArns of tagged
// secrets, DbUser only redshift_data_api_user and never a master user, no
// wildcard targets, no service-linked or provider roles as grantees.
// docs/guardrails.md describes each field and the threat it guards against.
type GuardrailProps struct {
	// AssumeRoleAccounts limits AssumeRoleArns to roles of these accounts.
	AssumeRoleAccounts []string
	// TrustedAccounts limits TrustedPrincipalArns to these accounts.
	TrustedAccounts []string
	// TrustOrgID adds aws:PrincipalOrgID to every cross-account trust policy.
	TrustOrgID string
	// RequireExternalID makes ExternalId mandatory on cross-account roles.
	RequireExternalID bool
	// AllowUntaggedSecrets lets SecretArns name secrets without the
	// RedshiftDataFullAccess tag.
	AllowUntaggedSecrets bool
	// DbUsers are database users DbUser may name besides redshift_data_api_user.
	DbUsers []string
	// Clusters and Workgroups, when set, are the only allowed targets.
	Clusters   []string
	Workgroups []string
	// PrincipalPaths, when set, are the IAM paths grantees must be under.
	PrincipalPaths []string
	// PrincipalTag ("key" or "key=value"), when set, must be on grantees.
	PrincipalTag string
	// DisableManagedMode refuses PolicyMode Managed.
	DisableManagedMode bool
	// PermissionsBoundaryArn, when set, is required on every cross-account
	// role, by the handler and by the access function's IAM policy.
	PermissionsBoundaryArn string
}

// config converts the props to the functions' own Config, with the
// provider's role ARNs added so that no grant can target them.
func (g GuardrailProps) config(providerRoleArns []string) guardrail.Config {
	c := guardrail.Config{
		AssumeRoleAccounts: g.AssumeRoleAccounts, TrustedAccounts: g.TrustedAccounts,
		TrustOrgID: g.TrustOrgID, RequireExternalID: g.RequireExternalID,
		AllowUntaggedSecrets: g.AllowUntaggedSecrets, DbUsers: g.DbUsers,
		Clusters: g.Clusters, Workgroups: g.Workgroups,
		ProviderRoleArns: providerRoleArns, PrincipalPaths: g.PrincipalPaths,
		DisableManagedMode: g.DisableManagedMode, PermissionsBoundaryArn: g.PermissionsBoundaryArn,
	}
	c.PrincipalTagKey, c.PrincipalTagValue, _ = strings.Cut(g.PrincipalTag, "=")
	return c
}

// addGuardrailEnvironment renders the bounds into every function's
// environment under the names guardrail.FromEnv reads.
func (p *Provider) addGuardrailEnvironment(g GuardrailProps) {
	var roleArns []string
	for _, fn := range Functions() {
		roleArns = append(roleArns, *p.functions[fn].Role().RoleArn())
	}
	env := g.config(roleArns).Environment()
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, fn := range Functions() {
		for _, k := range keys {
			p.functions[fn].AddEnvironment(jsii.String(k), jsii.String(env[k]), nil)
		}
	}
}
