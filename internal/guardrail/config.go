package guardrail

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// The environment variables Config reads. Lists are comma-separated; an
// unset or empty variable keeps the safe default.
const (
	// EnvAssumeRoleAccounts: accounts whose roles AssumeRoleArns may name.
	// Default: any account but the function's own.
	EnvAssumeRoleAccounts = "RDA_GUARDRAIL_ASSUME_ROLE_ACCOUNTS"
	// EnvTrustedAccounts: accounts TrustedPrincipalArns may name. Default:
	// any account.
	EnvTrustedAccounts = "RDA_GUARDRAIL_TRUSTED_ACCOUNTS"
	// EnvTrustOrgID: an organization ID put as aws:PrincipalOrgID in every
	// cross-account trust policy. Default: none.
	EnvTrustOrgID = "RDA_GUARDRAIL_TRUST_ORG_ID"
	// EnvRequireExternalID: "true" makes ExternalId mandatory. Default: false.
	EnvRequireExternalID = "RDA_GUARDRAIL_REQUIRE_EXTERNAL_ID"
	// EnvAllowUntaggedSecrets: "true" lets SecretArns name secrets without
	// the RedshiftDataFullAccess tag. Default: false.
	EnvAllowUntaggedSecrets = "RDA_GUARDRAIL_ALLOW_UNTAGGED_SECRETS"
	// EnvDbUsers: database users DbUser may name besides
	// redshift_data_api_user. Default: none.
	EnvDbUsers = "RDA_GUARDRAIL_DB_USERS"
	// EnvClusters and EnvWorkgroups: the only targets allowed (names or
	// ARNs). Default: any.
	EnvClusters   = "RDA_GUARDRAIL_CLUSTERS"
	EnvWorkgroups = "RDA_GUARDRAIL_WORKGROUPS"
	// EnvProviderRoleArns: the provider's own roles, never a grantee.
	EnvProviderRoleArns = "RDA_GUARDRAIL_PROVIDER_ROLE_ARNS"
	// EnvProviderRoleNamePrefix: a name prefix of the provider's own roles.
	EnvProviderRoleNamePrefix = "RDA_GUARDRAIL_PROVIDER_ROLE_NAME_PREFIX"
	// EnvPrincipalPaths: IAM paths grantees must be under. Default: any.
	EnvPrincipalPaths = "RDA_GUARDRAIL_PRINCIPAL_PATHS"
	// EnvPrincipalTag: "key" or "key=value" a grantee must carry. Default: none.
	EnvPrincipalTag = "RDA_GUARDRAIL_PRINCIPAL_TAG"
	// EnvDisableManagedMode: "true" refuses PolicyMode Managed. Default: false.
	EnvDisableManagedMode = "RDA_GUARDRAIL_DISABLE_MANAGED_MODE"
	// EnvPermissionsBoundaryArn: the boundary every cross-account role
	// must have. Default: none required.
	EnvPermissionsBoundaryArn = "RDA_GUARDRAIL_PERMISSIONS_BOUNDARY_ARN"
)

// DataAPIUser is the database user of AmazonRedshiftDataFullAccess.
const DataAPIUser = "redshift_data_api_user"

// ProviderPath is the IAM path of every policy and role the provider
// creates; RolePath and PolicyPath must stay under it.
const ProviderPath = "/redshift-data-api/"

// Config is the provider owner's bounds. The zero value is the safe default.
type Config struct {
	AssumeRoleAccounts     []string
	TrustedAccounts        []string
	TrustOrgID             string
	RequireExternalID      bool
	AllowUntaggedSecrets   bool
	DbUsers                []string
	Clusters               []string
	Workgroups             []string
	ProviderRoleArns       []string
	ProviderRoleNamePrefix string
	PrincipalPaths         []string
	PrincipalTagKey        string
	PrincipalTagValue      string // empty: any value
	DisableManagedMode     bool
	PermissionsBoundaryArn string
}

// FromEnv reads the Config from getenv (os.Getenv in main). A malformed
// value is an error naming the variable: the function must not run with
// bounds its owner did not mean.
func FromEnv(getenv func(string) string) (Config, error) {
	list := func(k string) []string {
		var out []string
		for _, s := range strings.Split(getenv(k), ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	var errs []string
	boolean := func(k string) bool {
		v := strings.TrimSpace(getenv(k))
		if v == "" {
			return false
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s=%q is not true or false", k, v))
		}
		return b
	}
	c := Config{
		AssumeRoleAccounts:     list(EnvAssumeRoleAccounts),
		TrustedAccounts:        list(EnvTrustedAccounts),
		TrustOrgID:             strings.TrimSpace(getenv(EnvTrustOrgID)),
		RequireExternalID:      boolean(EnvRequireExternalID),
		AllowUntaggedSecrets:   boolean(EnvAllowUntaggedSecrets),
		DbUsers:                list(EnvDbUsers),
		Clusters:               list(EnvClusters),
		Workgroups:             list(EnvWorkgroups),
		ProviderRoleArns:       list(EnvProviderRoleArns),
		ProviderRoleNamePrefix: strings.TrimSpace(getenv(EnvProviderRoleNamePrefix)),
		PrincipalPaths:         list(EnvPrincipalPaths),
		DisableManagedMode:     boolean(EnvDisableManagedMode),
		PermissionsBoundaryArn: strings.TrimSpace(getenv(EnvPermissionsBoundaryArn)),
	}
	if tag := strings.TrimSpace(getenv(EnvPrincipalTag)); tag != "" {
		c.PrincipalTagKey, c.PrincipalTagValue, _ = strings.Cut(tag, "=")
	}
	for _, k := range []struct {
		env string
		ids []string
	}{{EnvAssumeRoleAccounts, c.AssumeRoleAccounts}, {EnvTrustedAccounts, c.TrustedAccounts}} {
		for _, id := range k.ids {
			if !isAccountID(id) {
				errs = append(errs, fmt.Sprintf("%s: %q is not a 12-digit account ID", k.env, id))
			}
		}
	}
	for _, p := range c.PrincipalPaths {
		if !strings.HasPrefix(p, "/") || !strings.HasSuffix(p, "/") {
			errs = append(errs, fmt.Sprintf("%s: %q is not an IAM path (/.../)", EnvPrincipalPaths, p))
		}
	}
	if c.PermissionsBoundaryArn != "" {
		if a, ok := parseARN(c.PermissionsBoundaryArn); !ok || a.Service != "iam" || !strings.HasPrefix(a.Resource, "policy/") {
			errs = append(errs, fmt.Sprintf("%s: %q is not a managed policy ARN", EnvPermissionsBoundaryArn, c.PermissionsBoundaryArn))
		}
	}
	if len(errs) > 0 {
		return Config{}, fmt.Errorf("guardrail configuration: %s", strings.Join(errs, "; "))
	}
	return c, nil
}

// Environment renders c as the variables FromEnv reads, only those that
// differ from the default. The CDK constructs put it into each function's
// environment, so the names have one source.
func (c Config) Environment() map[string]string {
	env := map[string]string{}
	set := func(k, v string) {
		if v != "" {
			env[k] = v
		}
	}
	join := func(k string, v []string) { set(k, strings.Join(v, ",")) }
	flag := func(k string, b bool) {
		if b {
			env[k] = "true"
		}
	}
	join(EnvAssumeRoleAccounts, c.AssumeRoleAccounts)
	join(EnvTrustedAccounts, c.TrustedAccounts)
	set(EnvTrustOrgID, c.TrustOrgID)
	flag(EnvRequireExternalID, c.RequireExternalID)
	flag(EnvAllowUntaggedSecrets, c.AllowUntaggedSecrets)
	join(EnvDbUsers, c.DbUsers)
	join(EnvClusters, c.Clusters)
	join(EnvWorkgroups, c.Workgroups)
	join(EnvProviderRoleArns, c.ProviderRoleArns)
	set(EnvProviderRoleNamePrefix, c.ProviderRoleNamePrefix)
	join(EnvPrincipalPaths, c.PrincipalPaths)
	if c.PrincipalTagKey != "" {
		tag := c.PrincipalTagKey
		if c.PrincipalTagValue != "" {
			tag += "=" + c.PrincipalTagValue
		}
		env[EnvPrincipalTag] = tag
	}
	flag(EnvDisableManagedMode, c.DisableManagedMode)
	set(EnvPermissionsBoundaryArn, c.PermissionsBoundaryArn)
	return env
}

// TrustConditions returns the conditions to add to every cross-account
// trust policy: aws:PrincipalOrgID when an organization is set, else nil.
func (c Config) TrustConditions() map[string]map[string]string {
	if c.TrustOrgID == "" {
		return nil
	}
	return map[string]map[string]string{"StringEquals": {"aws:PrincipalOrgID": c.TrustOrgID}}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func listOr(list []string, none string) string {
	if len(list) == 0 {
		return none
	}
	l := append([]string(nil), list...)
	sort.Strings(l)
	return strings.Join(l, ", ")
}
