package customresource

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// PropertyError is invalid input: it names the property, what was wrong and
// what is allowed. Resources return it (possibly joined with others) before
// they create or change anything.
type PropertyError struct {
	// Property is the property's name, or the names of unknown properties
	// joined with commas.
	Property string
	// Problem says what is wrong with the value.
	Problem string
	// Allowed says what the property accepts.
	Allowed string
}

// Error renders the error as "property <name>: <problem>; allowed:
// <allowed>", which is what a CloudFormation user reads in the Reason.
func (e *PropertyError) Error() string {
	msg := fmt.Sprintf("property %s: %s", e.Property, e.Problem)
	if e.Allowed != "" {
		msg += "; allowed: " + e.Allowed
	}
	return msg
}

// IsInvalidInput reports whether err carries a PropertyError.
func IsInvalidInput(err error) bool {
	var pe *PropertyError
	return errors.As(err, &pe)
}

// PropertyReader reads resource properties in both the forms CloudFormation
// and JSON-typed callers send them ("true" and true, "30" and 30), records
// every problem, and reports properties it was never asked for as unknown.
//
//	p := customresource.NewPropertyReader(req.Properties)
//	name := p.String("Name")
//	length := p.Int("PasswordLength", 32, 8, 64)
//	if err := p.Err(); err != nil { ... }
type PropertyReader struct {
	props map[string]any
	seen  map[string]bool
	errs  []error
}

// NewPropertyReader reads props. ServiceToken and ServiceTimeout, which
// CloudFormation reads on every custom resource, are never reported as
// unknown.
func NewPropertyReader(props map[string]any) *PropertyReader {
	return &PropertyReader{props: props, seen: map[string]bool{"ServiceToken": true, "ServiceTimeout": true}}
}

// Fail records a problem with a property.
func (p *PropertyReader) Fail(property, problem, allowed string) {
	p.errs = append(p.errs, &PropertyError{Property: property, Problem: problem, Allowed: allowed})
}

// Has reports whether the property is present and not null.
func (p *PropertyReader) Has(name string) bool {
	p.seen[name] = true
	v, ok := p.props[name]
	return ok && v != nil
}

// String returns a string property, or "" when absent. Numbers and booleans
// are accepted in their string form.
func (p *PropertyReader) String(name string) string {
	p.seen[name] = true
	v, ok := p.props[name]
	if !ok || v == nil {
		return ""
	}
	switch x := v.(type) {
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case json.Number:
		return x.String()
	case int:
		return strconv.Itoa(x)
	}
	p.Fail(name, fmt.Sprintf("expected a string, got %s", describe(v)), "a string")
	return ""
}

// RequiredString is String that records a problem when the property is
// absent or empty.
func (p *PropertyReader) RequiredString(name, allowed string) string {
	s := p.String(name)
	if s == "" && p.errsFor(name) == 0 {
		p.Fail(name, "is required", allowed)
	}
	return s
}

// Enum returns a string property that must be one of allowed (compared
// case-insensitively, returned in the canonical spelling), or def when
// absent.
func (p *PropertyReader) Enum(name, def string, allowed ...string) string {
	s := p.String(name)
	if s == "" {
		return def
	}
	for _, a := range allowed {
		if strings.EqualFold(a, s) {
			return a
		}
	}
	p.Fail(name, fmt.Sprintf("%q is not a valid value", s), strings.Join(allowed, ", "))
	return def
}

// Int returns an integer property within [min, max], or def when absent.
func (p *PropertyReader) Int(name string, def, min, max int) int {
	p.seen[name] = true
	v, ok := p.props[name]
	if !ok || v == nil || v == "" {
		return def
	}
	allowed := fmt.Sprintf("a whole number from %d to %d", min, max)
	var n int
	switch x := v.(type) {
	case string:
		i, err := strconv.Atoi(strings.TrimSpace(x))
		if err != nil {
			p.Fail(name, fmt.Sprintf("%q is not a whole number", x), allowed)
			return def
		}
		n = i
	case float64:
		if x != math.Trunc(x) || math.Abs(x) > math.MaxInt32 {
			p.Fail(name, fmt.Sprintf("%v is not a whole number", x), allowed)
			return def
		}
		n = int(x)
	case int:
		n = x
	case json.Number:
		i, err := strconv.Atoi(x.String())
		if err != nil {
			p.Fail(name, fmt.Sprintf("%s is not a whole number", x), allowed)
			return def
		}
		n = i
	default:
		p.Fail(name, fmt.Sprintf("expected a number, got %s", describe(v)), allowed)
		return def
	}
	if n < min || n > max {
		p.Fail(name, fmt.Sprintf("%d is out of range", n), allowed)
		return def
	}
	return n
}

// Bool returns a boolean property ("true"/"false" or JSON booleans,
// case-insensitive), or def when absent.
func (p *PropertyReader) Bool(name string, def bool) bool {
	p.seen[name] = true
	v, ok := p.props[name]
	if !ok || v == nil || v == "" {
		return def
	}
	switch x := v.(type) {
	case bool:
		return x
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "true":
			return true
		case "false":
			return false
		}
		p.Fail(name, fmt.Sprintf("%q is not a boolean", x), `true or false`)
		return def
	}
	p.Fail(name, fmt.Sprintf("%s is not a boolean", describe(v)), `true or false`)
	return def
}

// StringList returns a list of strings. A JSON list of strings is the usual
// form; a single string is accepted as a comma-separated list, as
// CloudFormation passes CommaDelimitedList parameters. Empty items are
// dropped; duplicates are kept in first-seen order only once.
func (p *PropertyReader) StringList(name string) []string {
	p.seen[name] = true
	v, ok := p.props[name]
	if !ok || v == nil {
		return nil
	}
	var raw []string
	switch x := v.(type) {
	case string:
		raw = strings.Split(x, ",")
	case []string:
		raw = x
	case []any:
		for i, item := range x {
			s, ok := item.(string)
			if !ok {
				p.Fail(name, fmt.Sprintf("item %d is %s", i, describe(item)), "a list of strings")
				return nil
			}
			raw = append(raw, s)
		}
	default:
		p.Fail(name, fmt.Sprintf("expected a list of strings, got %s", describe(v)), "a list of strings")
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, s := range raw {
		s = strings.TrimSpace(s)
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}

// Tags returns a tag map from either a list of {"Key": k, "Value": v}
// objects (CloudFormation's usual form) or a plain JSON object.
func (p *PropertyReader) Tags(name string) map[string]string {
	p.seen[name] = true
	v, ok := p.props[name]
	if !ok || v == nil {
		return nil
	}
	allowed := `a list of {"Key": ..., "Value": ...} objects, or an object of key-value pairs`
	out := map[string]string{}
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			s, ok := val.(string)
			if !ok {
				p.Fail(name, fmt.Sprintf("the value of tag %q is %s", k, describe(val)), allowed)
				return nil
			}
			out[k] = s
		}
	case []any:
		for i, item := range x {
			m, ok := item.(map[string]any)
			if !ok {
				p.Fail(name, fmt.Sprintf("item %d is %s", i, describe(item)), allowed)
				return nil
			}
			k, kok := m["Key"].(string)
			val, vok := m["Value"].(string)
			if !kok || k == "" || !vok {
				p.Fail(name, fmt.Sprintf("item %d needs a string Key and a string Value", i), allowed)
				return nil
			}
			out[k] = val
		}
	default:
		p.Fail(name, fmt.Sprintf("expected tags, got %s", describe(v)), allowed)
		return nil
	}
	return out
}

// JSON returns a property that holds a JSON document, given either as a
// JSON string or as an object, re-encoded compactly; "" when absent.
func (p *PropertyReader) JSON(name string) string {
	p.seen[name] = true
	v, ok := p.props[name]
	if !ok || v == nil || v == "" {
		return ""
	}
	if s, ok := v.(string); ok {
		var doc any
		if err := json.Unmarshal([]byte(s), &doc); err != nil {
			p.Fail(name, "is not valid JSON: "+err.Error(), "a JSON document, as an object or a string")
			return ""
		}
		v = doc
	}
	b, err := json.Marshal(v)
	if err != nil {
		p.Fail(name, "cannot be encoded as JSON: "+err.Error(), "a JSON document")
		return ""
	}
	return string(b)
}

// Err returns every recorded problem, plus one for each property that no
// getter asked for, or nil.
func (p *PropertyReader) Err() error {
	var unknown []string
	for k := range p.props {
		if !p.seen[k] {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	errs := append([]error(nil), p.errs...)
	if len(unknown) > 0 {
		known := make([]string, 0, len(p.seen))
		for k := range p.seen {
			if k != "ServiceToken" && k != "ServiceTimeout" {
				known = append(known, k)
			}
		}
		sort.Strings(known)
		errs = append(errs, &PropertyError{
			Property: strings.Join(unknown, ", "),
			Problem:  "unknown property",
			Allowed:  strings.Join(known, ", "),
		})
	}
	return errors.Join(errs...)
}

func (p *PropertyReader) errsFor(name string) int {
	n := 0
	for _, e := range p.errs {
		var pe *PropertyError
		if errors.As(e, &pe) && pe.Property == name {
			n++
		}
	}
	return n
}

func describe(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case float64, int, json.Number:
		return "a number"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("a %T", v)
}
