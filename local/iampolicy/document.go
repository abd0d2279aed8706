package iampolicy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Version2012 is the policy language version in which policy variables
// are replaced; in documents of any other version they are literal text.
const Version2012 = "2012-10-17"

// Document is a parsed IAM policy document.
type Document struct {
	Version    string
	Statements []Statement
}

// Statement is one statement of a policy document. A nil list means the
// element is absent.
type Statement struct {
	Sid          string
	Effect       string // "Allow" or "Deny"
	Principal    Principals
	NotPrincipal Principals
	Action       []string
	NotAction    []string
	Resource     []string
	NotResource  []string
	Conditions   []Condition
}

// Principals is a Principal or NotPrincipal element by principal type
// ("AWS", "Service", "Federated", "CanonicalUser"). The element "*" is
// {"AWS": ["*"]}. A nil map means the element is absent.
type Principals map[string][]string

// Condition is one key of one operator of a Condition element, such as
// "StringLike": {"secretsmanager:ResourceTag/RedshiftDataFullAccess": "*"}.
type Condition struct {
	Operator string // as written, e.g. "ForAllValues:StringLikeIfExists"
	Key      string
	Values   []string
	op       operator
}

// SyntaxError says which part of a document breaks IAM's grammar.
type SyntaxError struct {
	Path   string // e.g. "Statement[2].Effect"; "" for the whole document
	Reason string
}

func (e *SyntaxError) Error() string {
	if e.Path == "" {
		return "policy document: " + e.Reason
	}
	return "policy document " + e.Path + ": " + e.Reason
}

func syntaxError(path, format string, args ...any) error {
	return &SyntaxError{Path: path, Reason: fmt.Sprintf(format, args...)}
}

// Parse parses a policy document. Every failure is a *SyntaxError.
func Parse(doc string) (Document, error) {
	var top map[string]json.RawMessage
	dec := json.NewDecoder(strings.NewReader(doc))
	if err := dec.Decode(&top); err != nil || dec.More() {
		return Document{}, syntaxError("", "not a JSON object")
	}
	var d Document
	var stmts json.RawMessage
	for _, k := range sortedKeys(top) {
		v := top[k]
		switch k {
		case "Version":
			if json.Unmarshal(v, &d.Version) != nil {
				return Document{}, syntaxError("Version", "must be a string")
			}
			if d.Version != Version2012 && d.Version != "2008-10-17" {
				return Document{}, syntaxError("Version", "%q is not 2012-10-17 or 2008-10-17", d.Version)
			}
		case "Id":
		case "Statement":
			stmts = v
		default:
			return Document{}, syntaxError(k, "unknown element; allowed are Version, Id and Statement")
		}
	}
	if stmts == nil {
		return Document{}, syntaxError("Statement", "missing")
	}
	list, err := objectOrList(stmts)
	if err != nil {
		return Document{}, syntaxError("Statement", "must be an object or a list of objects")
	}
	if len(list) == 0 {
		return Document{}, syntaxError("Statement", "has no statements")
	}
	for i, raw := range list {
		st, err := parseStatement(fmt.Sprintf("Statement[%d]", i), raw)
		if err != nil {
			return Document{}, err
		}
		d.Statements = append(d.Statements, st)
	}
	return d, nil
}

// MustParse is Parse for documents known to be valid, such as test
// fixtures and embedded managed policies; it panics on a bad document.
func MustParse(doc string) Document {
	d, err := Parse(doc)
	if err != nil {
		panic(err)
	}
	return d
}

func objectOrList(raw json.RawMessage) ([]json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '{' {
		return []json.RawMessage{raw}, nil
	}
	var list []json.RawMessage
	err := json.Unmarshal(raw, &list)
	return list, err
}

func parseStatement(path string, raw json.RawMessage) (Statement, error) {
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil || obj == nil {
		return Statement{}, syntaxError(path, "must be an object")
	}
	var st Statement
	for _, k := range sortedKeys(obj) {
		v := obj[k]
		p := path + "." + k
		var err error
		switch k {
		case "Sid":
			if json.Unmarshal(v, &st.Sid) != nil {
				err = syntaxError(p, "must be a string")
			}
		case "Effect":
			if json.Unmarshal(v, &st.Effect) != nil || (st.Effect != "Allow" && st.Effect != "Deny") {
				err = syntaxError(p, "must be Allow or Deny")
			}
		case "Principal":
			st.Principal, err = parsePrincipals(p, v)
		case "NotPrincipal":
			st.NotPrincipal, err = parsePrincipals(p, v)
		case "Action":
			st.Action, err = parseStrings(p, v)
		case "NotAction":
			st.NotAction, err = parseStrings(p, v)
		case "Resource":
			st.Resource, err = parseStrings(p, v)
		case "NotResource":
			st.NotResource, err = parseStrings(p, v)
		case "Condition":
			st.Conditions, err = parseConditions(p, v)
		default:
			err = syntaxError(p, "unknown element")
		}
		if err != nil {
			return Statement{}, err
		}
	}
	switch {
	case st.Effect == "":
		return Statement{}, syntaxError(path+".Effect", "missing; must be Allow or Deny")
	case (st.Action == nil) == (st.NotAction == nil):
		return Statement{}, syntaxError(path, "must have exactly one of Action and NotAction")
	case st.Resource != nil && st.NotResource != nil:
		return Statement{}, syntaxError(path, "must not have both Resource and NotResource")
	case st.Principal != nil && st.NotPrincipal != nil:
		return Statement{}, syntaxError(path, "must not have both Principal and NotPrincipal")
	}
	return st, nil
}

// parseStrings reads a string or a list of strings. The result is never
// nil, so that an empty list stays distinct from an absent element.
func parseStrings(path string, raw json.RawMessage) ([]string, error) {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}, nil
	}
	many := []string{}
	if json.Unmarshal(raw, &many) != nil {
		return nil, syntaxError(path, "must be a string or a list of strings")
	}
	return many, nil
}

func parsePrincipals(path string, raw json.RawMessage) (Principals, error) {
	var star string
	if json.Unmarshal(raw, &star) == nil {
		if star != "*" {
			return nil, syntaxError(path, "a string principal must be \"*\"")
		}
		return Principals{"AWS": {"*"}}, nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil || m == nil {
		return nil, syntaxError(path, "must be \"*\" or an object of principal types")
	}
	out := Principals{}
	for _, typ := range sortedKeys(m) {
		switch typ {
		case "AWS", "Service", "Federated", "CanonicalUser":
		default:
			return nil, syntaxError(path+"."+typ, "unknown principal type; allowed are AWS, Service, Federated and CanonicalUser")
		}
		vals, err := parseStrings(path+"."+typ, m[typ])
		if err != nil {
			return nil, err
		}
		out[typ] = vals
	}
	return out, nil
}

func parseConditions(path string, raw json.RawMessage) ([]Condition, error) {
	var ops map[string]map[string]json.RawMessage
	if json.Unmarshal(raw, &ops) != nil || ops == nil {
		return nil, syntaxError(path, "must be an object of operators, each an object of keys")
	}
	out := []Condition{}
	for _, name := range sortedKeys(ops) {
		op, err := parseOperator(name)
		if err != nil {
			return nil, syntaxError(path+"."+name, "%v", err)
		}
		for _, key := range sortedKeys(ops[name]) {
			p := path + "." + name + "." + key
			vals, err := conditionValues(p, ops[name][key])
			if err != nil {
				return nil, err
			}
			if op.base == "Null" {
				for _, v := range vals {
					if v != "true" && v != "false" {
						return nil, syntaxError(p, "a Null value must be true or false, not %q", v)
					}
				}
			}
			out = append(out, Condition{Operator: name, Key: key, Values: vals, op: op})
		}
	}
	return out, nil
}

// conditionValues reads a condition's values: strings, numbers or
// booleans, alone or in a list, all kept as their text.
func conditionValues(path string, raw json.RawMessage) ([]string, error) {
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		list = []json.RawMessage{raw}
	}
	out := make([]string, 0, len(list))
	for _, v := range list {
		var s string
		if json.Unmarshal(v, &s) == nil {
			out = append(out, s)
			continue
		}
		var n json.Number
		if json.Unmarshal(v, &n) == nil {
			out = append(out, n.String())
			continue
		}
		var b bool
		if json.Unmarshal(v, &b) == nil {
			out = append(out, fmt.Sprint(b))
			continue
		}
		return nil, syntaxError(path, "values must be strings, numbers or booleans")
	}
	return out, nil
}

// sortedKeys makes parsing, and so the first error reported, independent
// of Go's map order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
