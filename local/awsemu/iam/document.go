package iam

import (
	"bytes"
	"encoding/json"
	"path"
	"strings"
	"unicode"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
)

// iamPolicyDocument is the part of the IAM policy grammar the emulator
// checks and evaluates.
type iamPolicyDocument struct {
	Version   string
	Statement []iamStatement
}

type iamStatement struct {
	Sid          string
	Effect       string
	Principal    *iamPrincipals
	NotPrincipal *iamPrincipals
	Action       policyStrings
	NotAction    policyStrings
	Resource     policyStrings
	NotResource  policyStrings
	Condition    map[string]map[string]policyStrings
	hasResource  bool
	hasAction    bool
}

// iamPrincipals is a Principal element: "*" or a map such as
// {"AWS": [...], "Service": "..."}.
type iamPrincipals map[string]policyStrings

func (p *iamPrincipals) UnmarshalJSON(b []byte) error {
	var star string
	if err := json.Unmarshal(b, &star); err == nil {
		if star != "*" {
			return errIAMPolicySyntax
		}
		*p = iamPrincipals{"AWS": {"*"}}
		return nil
	}
	m := map[string]policyStrings{}
	if err := json.Unmarshal(b, &m); err != nil {
		return errIAMPolicySyntax
	}
	*p = m
	return nil
}

// policyStrings is a policy value that is either a string or a list of
// strings.
type policyStrings []string

func (l *policyStrings) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*l = policyStrings{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errIAMPolicySyntax
	}
	*l = many
	return nil
}

var errIAMPolicySyntax = protocol.Errorf("MalformedPolicyDocument", "Syntax errors in policy.")

// iamDocumentKind says which rules a policy document must follow.
type iamDocumentKind int

const (
	iamIdentityDocument iamDocumentKind = iota // an inline permission policy
	iamManagedDocument                         // a version of a managed permission policy
	iamTrustDocument                           // a role's AssumeRolePolicyDocument
)

// iamParsePolicy checks doc against IAM's grammar for kind and
// returns it parsed. Every failure is MalformedPolicyDocument, as in IAM.
func iamParsePolicy(doc string, kind iamDocumentKind) (iamPolicyDocument, error) {
	var top map[string]json.RawMessage
	dec := json.NewDecoder(strings.NewReader(doc))
	if err := dec.Decode(&top); err != nil || dec.More() {
		return iamPolicyDocument{}, protocol.Errorf("MalformedPolicyDocument", "This policy contains invalid Json")
	}
	var pd iamPolicyDocument
	for k, v := range top {
		switch k {
		case "Version":
			if json.Unmarshal(v, &pd.Version) != nil {
				return iamPolicyDocument{}, errIAMPolicySyntax
			}
		case "Id":
		case "Statement":
			stmts, err := iamParseStatements(v)
			if err != nil {
				return iamPolicyDocument{}, err
			}
			pd.Statement = stmts
		default:
			return iamPolicyDocument{}, errIAMPolicySyntax
		}
	}
	// Without a Version a document is in the 2008-10-17 language, which
	// IAM still takes for inline and trust policies but not for managed
	// ones.
	switch {
	case pd.Version == "" && kind == iamManagedDocument:
		return iamPolicyDocument{}, protocol.Errorf("MalformedPolicyDocument", "A managed policy must have a version string")
	case pd.Version != "" && pd.Version != "2012-10-17" && pd.Version != "2008-10-17":
		return iamPolicyDocument{}, protocol.Errorf("MalformedPolicyDocument", "The policy failed legacy parsing")
	}
	if len(pd.Statement) == 0 {
		return iamPolicyDocument{}, errIAMPolicySyntax
	}
	for _, st := range pd.Statement {
		if err := iamCheckStatement(st, kind); err != nil {
			return iamPolicyDocument{}, err
		}
	}
	return pd, nil
}

func iamParseStatements(raw json.RawMessage) ([]iamStatement, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '{' {
		raw = append(append([]byte{'['}, raw...), ']')
	}
	var objs []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &objs); err != nil {
		return nil, errIAMPolicySyntax
	}
	out := make([]iamStatement, 0, len(objs))
	for _, obj := range objs {
		var st iamStatement
		for k, v := range obj {
			var err error
			switch k {
			case "Sid":
				err = json.Unmarshal(v, &st.Sid)
			case "Effect":
				err = json.Unmarshal(v, &st.Effect)
			case "Principal":
				err = json.Unmarshal(v, &st.Principal)
			case "NotPrincipal":
				err = json.Unmarshal(v, &st.NotPrincipal)
			case "Action":
				st.hasAction = true
				err = json.Unmarshal(v, &st.Action)
			case "NotAction":
				st.hasAction = true
				err = json.Unmarshal(v, &st.NotAction)
			case "Resource":
				st.hasResource = true
				err = json.Unmarshal(v, &st.Resource)
			case "NotResource":
				st.hasResource = true
				err = json.Unmarshal(v, &st.NotResource)
			case "Condition":
				err = json.Unmarshal(v, &st.Condition)
			default:
				return nil, errIAMPolicySyntax
			}
			if err != nil {
				return nil, errIAMPolicySyntax
			}
		}
		out = append(out, st)
	}
	return out, nil
}

func iamCheckStatement(st iamStatement, kind iamDocumentKind) error {
	if st.Effect != "Allow" && st.Effect != "Deny" {
		return errIAMPolicySyntax
	}
	if !st.hasAction {
		return protocol.Errorf("MalformedPolicyDocument", "Policy statement must contain actions.")
	}
	switch kind {
	case iamIdentityDocument, iamManagedDocument:
		if st.Principal != nil || st.NotPrincipal != nil {
			return protocol.Errorf("MalformedPolicyDocument", "Policy document should not specify a principal.")
		}
		if !st.hasResource {
			return protocol.Errorf("MalformedPolicyDocument", "Policy statement must contain resources.")
		}
	case iamTrustDocument:
		if st.hasResource {
			return protocol.Errorf("MalformedPolicyDocument", "Has prohibited field Resource")
		}
		if st.Principal == nil && st.NotPrincipal == nil {
			return protocol.Errorf("MalformedPolicyDocument", "Missing required field Principal")
		}
		for _, a := range append(append(policyStrings{}, st.Action...), st.NotAction...) {
			if !strings.HasPrefix(strings.ToLower(a), "sts:") && a != "*" {
				return protocol.Errorf("MalformedPolicyDocument", "AssumeRole policy may only specify STS AssumeRole actions.")
			}
		}
	}
	return nil
}

// awsPrincipals returns every "AWS" principal of the document's
// Principal elements.
func (pd iamPolicyDocument) awsPrincipals() []string {
	var out []string
	for _, st := range pd.Statement {
		if st.Principal != nil {
			out = append(out, (*st.Principal)["AWS"]...)
		}
	}
	return out
}

// iamPolicySize is the length IAM counts against its policy size quotas:
// the document without white space.
func iamPolicySize(doc string) int {
	n := 0
	for _, r := range doc {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

// The policy size quotas of IAM, in characters without white space.
const (
	ManagedPolicySizeLimit    = 6144
	roleInlinePolicySizeLimit = 10240
	trustPolicySizeLimit      = 2048
)

// iamMatchGlob reports whether value matches an IAM pattern with * and ?
// wildcards. Actions compare case-insensitively, resources exactly.
func iamMatchGlob(pattern, value string, foldCase bool) bool {
	if foldCase {
		pattern, value = strings.ToLower(pattern), strings.ToLower(value)
	}
	// path.Match treats "/" specially and knows [ and \; IAM does not, so
	// escape them and replace "/" by a byte that cannot occur in ARNs.
	r := strings.NewReplacer(`\`, `\\`, "[", `\[`, "/", "\x00")
	ok, err := path.Match(r.Replace(pattern), strings.ReplaceAll(value, "/", "\x00"))
	return err == nil && ok
}

func iamMatchAny(patterns []string, value string, foldCase bool) bool {
	for _, p := range patterns {
		if iamMatchGlob(p, value, foldCase) {
			return true
		}
	}
	return false
}

// matches reports whether an identity-policy statement covers
// action on resource. A statement with a Condition never matches: the
// emulator has no request context to evaluate it against, and treating
// it as absent is the conservative choice for an Allow.
func (st iamStatement) matches(action, resource string) bool {
	if len(st.Condition) > 0 {
		return false
	}
	if st.Action != nil && !iamMatchAny(st.Action, action, true) {
		return false
	}
	if st.NotAction != nil && iamMatchAny(st.NotAction, action, true) {
		return false
	}
	if st.Resource != nil && !iamMatchAny(st.Resource, resource, false) {
		return false
	}
	if st.NotResource != nil && iamMatchAny(st.NotResource, resource, false) {
		return false
	}
	return true
}

// iamIdentityAllows evaluates identity-based policy documents: an
// explicit Deny wins, otherwise some Allow must match.
func iamIdentityAllows(docs []string, action, resource string) bool {
	allowed := false
	for _, doc := range docs {
		pd, err := iamParsePolicy(doc, iamIdentityDocument)
		if err != nil {
			continue
		}
		for _, st := range pd.Statement {
			if !st.matches(action, resource) {
				continue
			}
			if st.Effect == "Deny" {
				return false
			}
			allowed = true
		}
	}
	return allowed
}
