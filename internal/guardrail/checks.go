package guardrail

import (
	"fmt"
	"strings"
	"unicode"
)

// CheckAssumeRoleArns checks AssumeRoleArns: exact role ARNs of another
// account than ownAccount (the function's), in ownPartition, and of an
// account on the allowlist when one is set; never service-linked roles.
func (c Config) CheckAssumeRoleArns(ownPartition, ownAccount string, arns []string) error {
	const prop = "AssumeRoleArns"
	allowed := "exact role ARNs of another account, " + listOr(c.AssumeRoleAccounts, "any account but this one")
	for _, s := range arns {
		if hasWildcard(s) {
			return violation(prop, NoWildcard, s, "wildcards would let the principals assume any matching role", allowed)
		}
		a, ok := parseARN(s)
		if !ok || a.Service != "iam" || !strings.HasPrefix(a.Resource, "role/") || a.Partition != ownPartition {
			return violation(prop, NoWildcard, s, "is not a role ARN of partition "+ownPartition, allowed)
		}
		if path, _ := iamPathAndName(a.Resource); strings.HasPrefix(path, "/aws-service-role/") {
			return violation(prop, ServiceLinkedPrincipal, s, "is a service-linked role", allowed)
		}
		if a.Account == ownAccount {
			return violation(prop, SameAccountAssumeRole, s, "sts:AssumeRole inside this account is privilege escalation, not cross-account access", allowed)
		}
		if len(c.AssumeRoleAccounts) > 0 && !contains(c.AssumeRoleAccounts, a.Account) {
			return violation(prop, AssumeRoleAccounts, s, "its account is not on the provider's allowlist", allowed)
		}
	}
	return nil
}

// CheckTrustedPrincipals checks TrustedPrincipalArns: only role ARNs,
// account-root ARNs or account IDs, in ownPartition, no wildcards, and of
// allowed accounts when an allowlist is set.
func (c Config) CheckTrustedPrincipals(ownPartition string, trusted []string) error {
	const prop = "TrustedPrincipalArns"
	allowed := "role ARNs, account-root ARNs or 12-digit account IDs of " + listOr(c.TrustedAccounts, "any account") + ", no wildcards"
	if len(trusted) == 0 {
		return violation(prop, TrustedPrincipalKind, "", "is empty", allowed)
	}
	for _, s := range trusted {
		if hasWildcard(s) {
			return violation(prop, NoWildcard, s, "a wildcard trusts anyone", allowed)
		}
		account := s
		if !isAccountID(s) {
			a, ok := parseARN(s)
			if !ok || a.Service != "iam" || a.Partition != ownPartition || !isAccountID(a.Account) ||
				!(a.Resource == "root" || strings.HasPrefix(a.Resource, "role/") && len(a.Resource) > len("role/")) {
				return violation(prop, TrustedPrincipalKind, s, "is not a role or account-root ARN of partition "+ownPartition, allowed)
			}
			account = a.Account
		}
		if len(c.TrustedAccounts) > 0 && !contains(c.TrustedAccounts, account) {
			return violation(prop, TrustedAccounts, s, "its account is not on the provider's allowlist", allowed)
		}
	}
	return nil
}

// CheckExternalID checks ExternalId when the owner made it mandatory.
func (c Config) CheckExternalID(externalID string) error {
	if c.RequireExternalID && externalID == "" {
		return violation("ExternalId", RequiredExternalID, externalID, "is required by the provider", "an external ID agreed with the trusted account")
	}
	return nil
}

// SecretFact is what a handler looked up about one secret of SecretArns
// (DescribeSecret) before calling CheckSecretArns.
type SecretFact struct {
	Found bool
	// DataAPITagged: the secret carries the RedshiftDataFullAccess tag.
	DataAPITagged bool
}

// CheckSecretArns checks SecretArns: exact secret ARNs (no wildcards) of
// ownPartition; each must be in facts as found and, unless the owner relaxed
// it, tagged RedshiftDataFullAccess. Call it with nil facts for the
// syntactic half (at synth); facts must then be looked up before deploying.
func (c Config) CheckSecretArns(ownPartition string, arns []string, facts map[string]SecretFact) error {
	const prop = "SecretArns"
	allowed := "exact secret ARNs"
	if !c.AllowUntaggedSecrets {
		allowed += " of secrets tagged RedshiftDataFullAccess"
	}
	for _, s := range arns {
		if hasWildcard(s) {
			return violation(prop, SecretExactArn, s, "a wildcard would grant GetSecretValue on every matching secret", allowed)
		}
		a, ok := parseARN(s)
		if !ok || a.Service != "secretsmanager" || a.Partition != ownPartition || !strings.HasPrefix(a.Resource, "secret:") {
			return violation(prop, SecretExactArn, s, "is not a secret ARN of partition "+ownPartition, allowed)
		}
		if facts == nil {
			continue
		}
		f := facts[s]
		if !f.Found {
			return violation(prop, SecretExactArn, s, "no such secret", allowed)
		}
		if !f.DataAPITagged && !c.AllowUntaggedSecrets {
			return violation(prop, SecretDataAPITag, s, "the secret does not carry the RedshiftDataFullAccess tag", allowed)
		}
	}
	return nil
}

// CheckDbUser checks DbUser ("" means redshift_data_api_user): never a
// cluster's master user (masterUsers, looked up with DescribeClusters for
// the Clusters), and only redshift_data_api_user or the owner's allowlist.
func (c Config) CheckDbUser(dbUser string, masterUsers []string) error {
	const prop = "DbUser"
	if dbUser == "" {
		dbUser = DataAPIUser
	}
	allowed := listOr(append([]string{DataAPIUser}, c.DbUsers...), "")
	if hasWildcard(dbUser) {
		return violation(prop, NoWildcard, dbUser, "a wildcard names every database user", allowed+", never a master user")
	}
	if containsFold(masterUsers, dbUser) {
		return violation(prop, DbUserNotMaster, dbUser, "is the master user of a target cluster", allowed+", never a master user")
	}
	if !strings.EqualFold(dbUser, DataAPIUser) && !containsFold(c.DbUsers, dbUser) {
		return violation(prop, DbUserAllowlist, dbUser, "is not a database user the provider allows", allowed)
	}
	return nil
}

// CheckTargets checks Clusters and Workgroups (identifiers, names or ARNs):
// no wildcards anywhere, and only listed ones when the owner set a list.
func (c Config) CheckTargets(clusters, workgroups []string) error {
	for _, t := range []struct {
		prop  string
		items []string
		allow []string
	}{{"Clusters", clusters, c.Clusters}, {"Workgroups", workgroups, c.Workgroups}} {
		allowed := listOr(t.allow, "exact identifiers or ARNs") + ", no wildcards"
		for _, s := range t.items {
			if hasWildcard(s) {
				return violation(t.prop, NoWildcard, s, "a wildcard target is wider than the managed policy", allowed)
			}
			if len(t.allow) > 0 && !contains(t.allow, s) {
				return violation(t.prop, TargetAllowlist, s, "is not on the provider's allowlist", allowed)
			}
		}
	}
	return nil
}

// CheckPrincipalList checks one raw principal list (Roles, Users or Groups)
// as given, before empty items are dropped: no empty item, no wildcard, no
// service-linked role and none of the provider's own roles by name or ARN.
func (c Config) CheckPrincipalList(property string, items []string) error {
	allowed := "names or ARNs of principals in this account, no empty items or wildcards, no service-linked or provider roles"
	for i, s := range items {
		if strings.TrimSpace(s) == "" {
			return violation(property, PrincipalListItem, s, fmt.Sprintf("item %d is empty", i), allowed)
		}
		if hasWildcard(s) {
			return violation(property, NoWildcard, s, "a wildcard names no single principal", allowed)
		}
		name, path := s, "/"
		if a, ok := parseARN(s); ok {
			path, name = iamPathAndName(a.Resource)
		}
		if strings.HasPrefix(path, "/aws-service-role/") || strings.HasPrefix(name, "AWSServiceRoleFor") && property == "Roles" {
			return violation(property, ServiceLinkedPrincipal, s, "is a service-linked role, which AWS services own", allowed)
		}
		if property == "Roles" && c.isProviderRole(s, name) {
			return violation(property, ProviderPrincipal, s, "is one of the provider's own roles", allowed)
		}
	}
	return nil
}

func (c Config) isProviderRole(s, name string) bool {
	if c.ProviderRoleNamePrefix != "" && strings.HasPrefix(name, c.ProviderRoleNamePrefix) {
		return true
	}
	for _, own := range c.ProviderRoleArns {
		if own == s {
			return true
		}
		if a, ok := parseARN(own); ok {
			if _, n := iamPathAndName(a.Resource); n == name {
				return true
			}
		}
	}
	return false
}

// PrincipalFact is what a handler looked up about one principal (GetRole,
// GetUser or GetGroup, and ListRoleTags or ListUserTags) before calling
// CheckPrincipal.
type PrincipalFact struct {
	Property string // Roles, Users or Groups
	Name     string // as given in the property
	Found    bool
	Arn      string
	Path     string
	Tags     map[string]string // nil for groups, which have no tags
}

// CheckPrincipal checks one looked-up principal: it exists, is not
// service-linked nor the provider's own, is under an allowed path and
// carries the required tag when the owner set them.
func (c Config) CheckPrincipal(p PrincipalFact) error {
	allowed := "existing principals of this account"
	if len(c.PrincipalPaths) > 0 {
		allowed += " under " + listOr(c.PrincipalPaths, "")
	}
	if c.PrincipalTagKey != "" {
		allowed += " tagged " + c.PrincipalTagKey
		if c.PrincipalTagValue != "" {
			allowed += "=" + c.PrincipalTagValue
		}
	}
	if !p.Found {
		return violation(p.Property, PrincipalExists, p.Name, "no such principal", allowed)
	}
	if strings.HasPrefix(p.Path, "/aws-service-role/") {
		return violation(p.Property, ServiceLinkedPrincipal, p.Name, "is a service-linked role", allowed)
	}
	if p.Property == "Roles" {
		name := p.Name
		if a, ok := parseARN(p.Arn); ok {
			_, name = iamPathAndName(a.Resource)
		}
		if c.isProviderRole(p.Arn, name) {
			return violation(p.Property, ProviderPrincipal, p.Name, "is one of the provider's own roles", allowed)
		}
	}
	if len(c.PrincipalPaths) > 0 {
		under := false
		for _, prefix := range c.PrincipalPaths {
			under = under || strings.HasPrefix(p.Path, prefix)
		}
		if !under {
			return violation(p.Property, PrincipalPaths, p.Name, "its path "+sanitise(p.Path)+" is not allowed", allowed)
		}
	}
	if c.PrincipalTagKey != "" && p.Property != "Groups" {
		v, ok := p.Tags[c.PrincipalTagKey]
		if !ok || c.PrincipalTagValue != "" && v != c.PrincipalTagValue {
			return violation(p.Property, PrincipalTag, p.Name, "does not carry the required tag", allowed)
		}
	}
	return nil
}

// CheckPolicyMode refuses PolicyMode Managed when the owner switched it off.
func (c Config) CheckPolicyMode(mode string) error {
	if c.DisableManagedMode && strings.EqualFold(mode, "Managed") {
		return violation("PolicyMode", ManagedMode, mode, "the provider does not attach AmazonRedshiftDataFullAccess", "Scoped")
	}
	return nil
}

// CheckPermissionsBoundary checks a cross-account role's
// PermissionsBoundaryArn when the owner requires a boundary.
func (c Config) CheckPermissionsBoundary(boundaryArn string) error {
	if c.PermissionsBoundaryArn != "" && boundaryArn != c.PermissionsBoundaryArn {
		return violation("PermissionsBoundaryArn", PermissionsBoundary, boundaryArn, "the provider requires a permissions boundary", c.PermissionsBoundaryArn)
	}
	return nil
}

// CheckProviderPath checks RolePath or PolicyPath ("" means ProviderPath):
// it must be ProviderPath or under it, with no empty, "." or ".." segment.
func CheckProviderPath(property, path string) error {
	if path == "" {
		return nil
	}
	allowed := ProviderPath + " or a path under it, without . or .. segments"
	if !strings.HasPrefix(path, ProviderPath) || !strings.HasSuffix(path, "/") {
		return violation(property, ProviderPathPrefix, path, "escapes the provider's path", allowed)
	}
	for _, seg := range strings.Split(path[1:len(path)-1], "/") {
		if seg == "" || seg == "." || seg == ".." {
			return violation(property, ProviderPathPrefix, path, "has an empty, . or .. segment", allowed)
		}
	}
	return nil
}

// CheckUsername checks a secret's Username: 1 to 128 characters, letters,
// digits and printable ASCII punctuation only; no control characters (NUL,
// newline), spaces, symbols or emoji.
func CheckUsername(username string) error {
	const allowed = "1 to 128 letters, digits and printable ASCII punctuation, no spaces, control characters or emoji"
	if username == "" || len([]rune(username)) > 128 {
		return violation("Username", UsernameCharacters, username, "has the wrong length", allowed)
	}
	for _, r := range username {
		ok := r > 0x20 && r < 0x7f || unicode.IsLetter(r) || unicode.IsDigit(r)
		if !ok {
			return violation("Username", UsernameCharacters, username, fmt.Sprintf("has the character %q", r), allowed)
		}
	}
	return nil
}
