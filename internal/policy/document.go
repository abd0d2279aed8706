package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// Version is the only policy language version this package writes.
const Version = "2012-10-17"

// Document is an IAM policy document.
type Document struct {
	Version   string      `json:"Version"`
	ID        string      `json:"Id,omitempty"`
	Statement []Statement `json:"Statement"`
}

// UnmarshalJSON reads a document whose Statement is a list of statements
// or, as IAM's grammar also allows, a single statement object.
func (d *Document) UnmarshalJSON(b []byte) error {
	var raw struct {
		Version   string          `json:"Version"`
		ID        string          `json:"Id"`
		Statement json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*d = Document{Version: raw.Version, ID: raw.ID}
	text := bytes.TrimSpace(raw.Statement)
	switch {
	case len(text) == 0 || bytes.Equal(text, []byte("null")):
		return nil
	case text[0] == '{':
		var one Statement
		if err := json.Unmarshal(text, &one); err != nil {
			return fmt.Errorf("statement: %w", err)
		}
		d.Statement = []Statement{one}
		return nil
	}
	if err := json.Unmarshal(text, &d.Statement); err != nil {
		return fmt.Errorf("statements: %w", err)
	}
	return nil
}

// Statement is one statement of a Document. Principal and NotPrincipal are
// used only in trust policies. Every element of IAM's grammar has a field,
// so that a document read back from IAM loses nothing that could change its
// meaning.
type Statement struct {
	Sid          string     `json:"Sid,omitempty"`
	Effect       string     `json:"Effect"`
	Principal    *Principal `json:"Principal,omitempty"`
	NotPrincipal *Principal `json:"NotPrincipal,omitempty"`
	Action       Value      `json:"Action,omitempty"`
	NotAction    Value      `json:"NotAction,omitempty"`
	Resource     Value      `json:"Resource,omitempty"`
	NotResource  Value      `json:"NotResource,omitempty"`
	Condition    Condition  `json:"Condition,omitempty"`
}

// Condition maps a condition operator (StringEquals, StringLike, ...) to
// condition keys and their values.
type Condition map[string]map[string]Value

// Effects of a statement.
const (
	Allow = "Allow"
	Deny  = "Deny"
)

// Value is a policy element that IAM accepts either as a single string or as
// a list of strings. It is written as a string when it holds one item.
type Value []string

// MarshalJSON writes a single item as a string and anything else as a list.
func (v Value) MarshalJSON() ([]byte, error) {
	if len(v) == 1 {
		return json.Marshal(v[0])
	}
	return json.Marshal([]string(v))
}

// UnmarshalJSON reads a string or a list of strings.
func (v *Value) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*v = Value{s}
		return nil
	}
	var list []string
	if err := json.Unmarshal(b, &list); err != nil {
		return fmt.Errorf("expected a string or a list of strings, got %s", bytes.TrimSpace(b))
	}
	*v = list
	return nil
}

// Principal is the Principal element of a trust policy: either "*" (All) or
// a map from principal type (AWS, Service, Federated) to identifiers.
type Principal struct {
	All bool
	IDs map[string]Value
}

// MarshalJSON writes "*" or the map of principal types.
func (p Principal) MarshalJSON() ([]byte, error) {
	if p.All {
		return json.Marshal("*")
	}
	return json.Marshal(p.IDs)
}

// UnmarshalJSON reads "*" or a map of principal types.
func (p *Principal) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		if s != "*" {
			return fmt.Errorf("a principal given as a string must be \"*\", got %q", s)
		}
		*p = Principal{All: true}
		return nil
	}
	var ids map[string]Value
	if err := json.Unmarshal(b, &ids); err != nil {
		return fmt.Errorf("principal: %w", err)
	}
	*p = Principal{IDs: ids}
	return nil
}

// Parse reads a policy document as IAM returns it: plain JSON, or JSON
// URL-encoded as in GetPolicyVersion, GetRole and GetRolePolicy responses.
func Parse(s string) (Document, error) {
	text := strings.TrimSpace(s)
	if !strings.HasPrefix(text, "{") {
		decoded, err := url.QueryUnescape(text)
		if err != nil {
			return Document{}, fmt.Errorf("decoding URL-encoded policy document: %w", err)
		}
		text = decoded
	}
	var d Document
	if err := json.Unmarshal([]byte(text), &d); err != nil {
		return Document{}, fmt.Errorf("parsing policy document: %w", err)
	}
	return d, nil
}

// JSON returns the document as compact JSON, the form sent to IAM.
func (d Document) JSON() (string, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return "", fmt.Errorf("encoding policy document: %w", err)
	}
	return string(b), nil
}

// Indented returns the document as indented JSON, the form of the golden
// files and the documentation.
func (d Document) Indented() (string, error) {
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return "", fmt.Errorf("encoding policy document: %w", err)
	}
	return string(b) + "\n", nil
}
