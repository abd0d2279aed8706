package guardrail

import (
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

// Guardrail names one bound. Its value appears in the Reason a stack author
// reads, and in docs/guardrails.md.
type Guardrail string

// The guardrails.
const (
	SameAccountAssumeRole  Guardrail = "no-same-account-assume-role"
	AssumeRoleAccounts     Guardrail = "assume-role-account-allowlist"
	NoWildcard             Guardrail = "no-wildcards"
	TrustedPrincipalKind   Guardrail = "trusted-principal-kind"
	TrustedAccounts        Guardrail = "trusted-account-allowlist"
	RequiredExternalID     Guardrail = "external-id-required"
	SecretExactArn         Guardrail = "secret-exact-arn"
	SecretDataAPITag       Guardrail = "secret-data-api-tag"
	DbUserNotMaster        Guardrail = "db-user-not-master"
	DbUserAllowlist        Guardrail = "db-user-allowlist"
	TargetAllowlist        Guardrail = "target-allowlist"
	ServiceLinkedPrincipal Guardrail = "no-service-linked-principal"
	ProviderPrincipal      Guardrail = "no-provider-principal"
	PrincipalPaths         Guardrail = "principal-path-allowlist"
	PrincipalTag           Guardrail = "principal-tag-required"
	PrincipalExists        Guardrail = "principal-exists"
	PrincipalListItem      Guardrail = "principal-list-item"
	ManagedMode            Guardrail = "managed-mode"
	PermissionsBoundary    Guardrail = "permissions-boundary-required"
	ProviderPathPrefix     Guardrail = "provider-path-prefix"
	UsernameCharacters     Guardrail = "username-characters"
)

// maxValueRunes bounds the value a Violation quotes, so that a huge value
// cannot push the allowed part out of a 4 KB response.
const maxValueRunes = 80

// Violation is the error of every check: Property is the property that
// asks for more than the guardrail allows, Value the offending value
// (quoted, control characters escaped, truncated), Problem what is wrong
// and Allowed what the guardrail accepts.
type Violation struct {
	Property  string
	Guardrail Guardrail
	Value     string
	Problem   string
	Allowed   string
}

// Error renders "property P: V is refused by guardrail G: problem; allowed: A".
func (v *Violation) Error() string {
	return fmt.Sprintf("property %s: %s is refused by guardrail %s: %s; allowed: %s", v.Property, v.Value, v.Guardrail, v.Problem, v.Allowed)
}

// As lets errors.As see a Violation as a *customresource.PropertyError:
// it is invalid input, which the runtime reports as such and never retries.
func (v *Violation) As(target any) bool {
	pe, ok := target.(**customresource.PropertyError)
	if !ok {
		return false
	}
	*pe = &customresource.PropertyError{Property: v.Property, Problem: fmt.Sprintf("%s is refused by guardrail %s: %s", v.Value, v.Guardrail, v.Problem), Allowed: v.Allowed}
	return true
}

// violation builds a Violation with the value sanitised.
func violation(property string, g Guardrail, value, problem, allowed string) *Violation {
	return &Violation{Property: property, Guardrail: g, Value: sanitise(value), Problem: problem, Allowed: allowed}
}

// sanitise quotes s with Go's escapes (so NUL, newlines and other control
// characters show as escapes, never raw in a log line or a Reason) and cuts
// it to maxValueRunes runes, saying how long it was.
func sanitise(s string) string {
	n := utf8.RuneCountInString(s)
	if n <= maxValueRunes {
		return strconv.Quote(s)
	}
	cut := []rune(s)[:maxValueRunes]
	return fmt.Sprintf("%s... (%d characters)", strconv.Quote(string(cut)), n)
}
