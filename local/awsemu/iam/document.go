package iam

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
)

// policyDocument is the part of the IAM policy grammar the emulator
// checks and evaluates.
type policyDocument struct {
	Version   string
	Statement []statement
}

type statement struct {
	Sid          string
	Effect       string
	Principal    *principals
	NotPrincipal *principals
	Action       policyStrings
	NotAction    policyStrings
	Resource     policyStrings
	NotResource  policyStrings
	Condition    map[string]map[string]policyStrings
	hasResource  bool
	hasAction    bool
}

// principals is a Principal element: "*" or a map such as
// {"AWS": [...], "Service": "..."}.
type principals map[string]policyStrings

func (p *principals) UnmarshalJSON(b []byte) error {
	var star string
	if err := json.Unmarshal(b, &star); err == nil {
		if star != "*" {
			return errIAMPolicySyntax
		}
		*p = principals{"AWS": {"*"}}
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

// documentKind says which rules a policy document must follow.
type documentKind int

const (
	identityDocument documentKind = iota // an inline permission policy
	managedDocument                      // a version of a managed permission policy
	trustDocument                        // a role's AssumeRolePolicyDocument
)

// parsePolicy checks doc against IAM's grammar for kind and
// returns it parsed. Every failure is MalformedPolicyDocument, as in IAM.
func parsePolicy(doc string, kind documentKind) (policyDocument, error) {
	var top map[string]json.RawMessage
	dec := json.NewDecoder(strings.NewReader(doc))
	if err := dec.Decode(&top); err != nil || dec.More() {
		return policyDocument{}, protocol.Errorf("MalformedPolicyDocument", "This policy contains invalid Json")
	}
	var pd policyDocument
	for k, v := range top {
		switch k {
		case "Version":
			if json.Unmarshal(v, &pd.Version) != nil {
				return policyDocument{}, errIAMPolicySyntax
			}
		case "Id":
		case "Statement":
			stmts, err := parseStatements(v)
			if err != nil {
				return policyDocument{}, err
			}
			pd.Statement = stmts
		default:
			return policyDocument{}, errIAMPolicySyntax
		}
	}
	// Without a Version a document is in the 2008-10-17 language, which
	// IAM still takes for inline and trust policies but not for managed
	// ones.
	switch {
	case pd.Version == "" && kind == managedDocument:
		return policyDocument{}, protocol.Errorf("MalformedPolicyDocument", "A managed policy must have a version string")
	case pd.Version != "" && pd.Version != "2012-10-17" && pd.Version != "2008-10-17":
		return policyDocument{}, protocol.Errorf("MalformedPolicyDocument", "The policy failed legacy parsing")
	}
	if len(pd.Statement) == 0 {
		return policyDocument{}, errIAMPolicySyntax
	}
	for _, st := range pd.Statement {
		if err := checkStatement(st, kind); err != nil {
			return policyDocument{}, err
		}
	}
	return pd, nil
}

func parseStatements(raw json.RawMessage) ([]statement, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '{' {
		raw = append(append([]byte{'['}, raw...), ']')
	}
	var objs []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &objs); err != nil {
		return nil, errIAMPolicySyntax
	}
	out := make([]statement, 0, len(objs))
	for _, obj := range objs {
		var st statement
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

func checkStatement(st statement, kind documentKind) error {
	if st.Effect != "Allow" && st.Effect != "Deny" {
		return errIAMPolicySyntax
	}
	if !st.hasAction {
		return protocol.Errorf("MalformedPolicyDocument", "Policy statement must contain actions.")
	}
	switch kind {
	case identityDocument, managedDocument:
		if st.Principal != nil || st.NotPrincipal != nil {
			return protocol.Errorf("MalformedPolicyDocument", "Policy document should not specify a principal.")
		}
		if !st.hasResource {
			return protocol.Errorf("MalformedPolicyDocument", "Policy statement must contain resources.")
		}
	case trustDocument:
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
func (pd policyDocument) awsPrincipals() []string {
	var out []string
	for _, st := range pd.Statement {
		if st.Principal != nil {
			out = append(out, (*st.Principal)["AWS"]...)
		}
	}
	return out
}

// policySize is the length IAM counts against its policy size quotas:
// the document without white space.
func policySize(doc string) int {
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
