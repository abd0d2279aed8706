package iampolicy

import (
	"encoding/base64"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// operator is a parsed condition operator such as
// "ForAnyValue:StringLikeIfExists".
type operator struct {
	base     string // e.g. "StringLike"
	set      string // "", "ForAnyValue" or "ForAllValues"
	ifExists bool
	spec     operatorSpec
}

// operatorSpec says how a base operator compares one policy value with
// one request value. Negated operators are stored as their positive
// comparison with negated set: IAM's rules for missing keys and for
// several values depend on which kind an operator is.
type operatorSpec struct {
	negated bool
	// variables says whether policy variables are replaced in the
	// operator's values; IAM does so for string, ARN and Bool operators.
	variables bool
	compare   func(policy pattern, value string) bool
}

var operators = map[string]operatorSpec{
	"StringEquals":              {variables: true, compare: stringEquals},
	"StringNotEquals":           {variables: true, compare: stringEquals, negated: true},
	"StringEqualsIgnoreCase":    {variables: true, compare: stringEqualsFold},
	"StringNotEqualsIgnoreCase": {variables: true, compare: stringEqualsFold, negated: true},
	"StringLike":                {variables: true, compare: stringLike},
	"StringNotLike":             {variables: true, compare: stringLike, negated: true},
	"ArnEquals":                 {variables: true, compare: arnLike},
	"ArnLike":                   {variables: true, compare: arnLike},
	"ArnNotEquals":              {variables: true, compare: arnLike, negated: true},
	"ArnNotLike":                {variables: true, compare: arnLike, negated: true},
	"Bool":                      {variables: true, compare: boolEquals},
	"NumericEquals":             {compare: numeric(func(c int) bool { return c == 0 })},
	"NumericNotEquals":          {compare: numeric(func(c int) bool { return c == 0 }), negated: true},
	"NumericLessThan":           {compare: numeric(func(c int) bool { return c < 0 })},
	"NumericLessThanEquals":     {compare: numeric(func(c int) bool { return c <= 0 })},
	"NumericGreaterThan":        {compare: numeric(func(c int) bool { return c > 0 })},
	"NumericGreaterThanEquals":  {compare: numeric(func(c int) bool { return c >= 0 })},
	"DateEquals":                {compare: date(func(c int) bool { return c == 0 })},
	"DateNotEquals":             {compare: date(func(c int) bool { return c == 0 }), negated: true},
	"DateLessThan":              {compare: date(func(c int) bool { return c < 0 })},
	"DateLessThanEquals":        {compare: date(func(c int) bool { return c <= 0 })},
	"DateGreaterThan":           {compare: date(func(c int) bool { return c > 0 })},
	"DateGreaterThanEquals":     {compare: date(func(c int) bool { return c >= 0 })},
	"BinaryEquals":              {compare: binaryEquals},
	"IpAddress":                 {compare: ipInRange},
	"NotIpAddress":              {compare: ipInRange, negated: true},
	"Null":                      {},
}

func parseOperator(name string) (operator, error) {
	op := operator{base: name}
	if set, rest, ok := strings.Cut(op.base, ":"); ok {
		if set != "ForAnyValue" && set != "ForAllValues" {
			return operator{}, fmt.Errorf("unknown set operator %q; allowed are ForAnyValue and ForAllValues", set)
		}
		op.set, op.base = set, rest
	}
	if b, ok := strings.CutSuffix(op.base, "IfExists"); ok {
		op.ifExists, op.base = true, b
	}
	spec, ok := operators[op.base]
	if !ok {
		return operator{}, fmt.Errorf("unknown condition operator %q", op.base)
	}
	if op.base == "Null" && (op.ifExists || op.set != "") {
		return operator{}, fmt.Errorf("the Null operator takes neither IfExists nor a set operator")
	}
	op.spec = spec
	return op, nil
}

// holds reports whether the condition is true for the request. values
// are the request's values of the condition's key (none when the key is
// missing); policy are the condition's values after variable
// replacement, without those whose variables had no value.
func (op operator) holds(values []string, policy []pattern, nullValues []string) bool {
	present := len(values) > 0
	if op.base == "Null" {
		for _, v := range nullValues {
			if (v == "true") != present {
				return true
			}
		}
		return false
	}
	anyMatch := func(v string) bool {
		for _, p := range policy {
			if op.spec.compare(p, v) {
				return true
			}
		}
		return false
	}
	satisfies := func(v string) bool { return anyMatch(v) != op.spec.negated }
	switch op.set {
	case "ForAllValues":
		// True for an empty or missing set: the pitfall the IAM
		// documentation warns of for Allow statements.
		for _, v := range values {
			if !satisfies(v) {
				return false
			}
		}
		return true
	case "ForAnyValue":
		for _, v := range values {
			if satisfies(v) {
				return true
			}
		}
		return false
	}
	if !present {
		return op.ifExists || op.spec.negated
	}
	if op.spec.negated {
		for _, v := range values {
			if anyMatch(v) {
				return false
			}
		}
		return true
	}
	for _, v := range values {
		if anyMatch(v) {
			return true
		}
	}
	return false
}

func stringEquals(p pattern, v string) bool     { return p.text() == v }
func stringEqualsFold(p pattern, v string) bool { return strings.EqualFold(p.text(), v) }
func stringLike(p pattern, v string) bool       { return p.match(v, false) }
func arnLike(p pattern, v string) bool          { return p.matchARN(v) }
func boolEquals(p pattern, v string) bool       { return strings.EqualFold(p.text(), v) }
func binaryEquals(p pattern, v string) bool {
	a, err1 := base64.StdEncoding.DecodeString(p.text())
	b, err2 := base64.StdEncoding.DecodeString(v)
	return err1 == nil && err2 == nil && string(a) == string(b)
}

// numeric compares request value with policy value; a value that is not
// a number matches nothing.
func numeric(ok func(cmp int) bool) func(pattern, string) bool {
	return func(p pattern, v string) bool {
		want, err1 := strconv.ParseFloat(p.text(), 64)
		got, err2 := strconv.ParseFloat(v, 64)
		if err1 != nil || err2 != nil {
			return false
		}
		switch {
		case got < want:
			return ok(-1)
		case got > want:
			return ok(1)
		}
		return ok(0)
	}
}

func date(ok func(cmp int) bool) func(pattern, string) bool {
	return func(p pattern, v string) bool {
		want, ok1 := parseDate(p.text())
		got, ok2 := parseDate(v)
		if !ok1 || !ok2 {
			return false
		}
		return ok(got.Compare(want))
	}
}

// parseDate reads the forms IAM takes: ISO 8601 date-times, dates, and
// seconds since the epoch.
func parseDate(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0), true
	}
	return time.Time{}, false
}

func ipInRange(p pattern, v string) bool {
	addr, err := netip.ParseAddr(v)
	if err != nil {
		return false
	}
	text := p.text()
	if !strings.Contains(text, "/") {
		want, err := netip.ParseAddr(text)
		return err == nil && want == addr
	}
	prefix, err := netip.ParsePrefix(text)
	return err == nil && prefix.Contains(addr)
}
