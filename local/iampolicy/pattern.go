package iampolicy

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// A pattern is a policy value after policy variables are replaced: runes
// that are literal, and the wildcards "*" (any run of characters) and
// "?" (any one character). Keeping them apart lets ${*} stand for a
// literal "*" even where "*" is a wildcard.
type pattern []patternRune

type patternRune struct {
	r        rune
	wildcard bool // r is '*' or '?' meant as a wildcard
}

// literalPattern is s with no wildcards.
func literalPattern(s string) pattern {
	p := make(pattern, 0, len(s))
	for _, r := range s {
		p = append(p, patternRune{r: r})
	}
	return p
}

// compilePattern turns a policy value into a pattern. With substitute,
// policy variables ${key} and ${key, 'default'} are replaced by the
// request's value of key (as literal text), and ${*}, ${?}, ${$} by the
// literal characters. ok is false when a variable has no value and no
// default: IAM then treats the value as matching nothing.
func compilePattern(s string, substitute bool, lookup func(string) (string, bool)) (p pattern, ok bool) {
	p = make(pattern, 0, len(s))
	for i := 0; i < len(s); {
		if substitute && strings.HasPrefix(s[i:], "${") {
			if end := strings.IndexByte(s[i:], '}'); end > 0 {
				inner := s[i+2 : i+end]
				i += end + 1
				switch inner {
				case "*", "?", "$":
					p = append(p, patternRune{r: rune(inner[0])})
					continue
				}
				val, found := resolveVariable(inner, lookup)
				if !found {
					return nil, false
				}
				p = append(p, literalPattern(val)...)
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		p = append(p, patternRune{r: r, wildcard: r == '*' || r == '?'})
		i += size
	}
	return p, true
}

// resolveVariable looks up the key of a variable, "aws:userid" or
// "aws:username, 'nobody'".
func resolveVariable(inner string, lookup func(string) (string, bool)) (string, bool) {
	key, def, hasDefault := strings.Cut(inner, ",")
	key = strings.TrimSpace(key)
	if v, ok := lookup(key); ok {
		return v, true
	}
	if !hasDefault {
		return "", false
	}
	def = strings.TrimSpace(def)
	if len(def) < 2 || def[0] != '\'' || def[len(def)-1] != '\'' {
		return "", false
	}
	return strings.ReplaceAll(def[1:len(def)-1], "''", "'"), true
}

// text is the pattern as plain text, wildcards included, for the
// operators that compare exactly.
func (p pattern) text() string {
	var b strings.Builder
	for _, pr := range p {
		b.WriteRune(pr.r)
	}
	return b.String()
}

// match reports whether value matches the pattern; with fold, letters
// compare without regard to case.
func (p pattern) match(value string, fold bool) bool {
	v := []rune(value)
	eq := func(a, b rune) bool {
		return a == b || fold && unicode.ToLower(a) == unicode.ToLower(b)
	}
	// The classic wildcard walk: remember the last "*" and retry from
	// one character further on a mismatch.
	pi, vi, star, mark := 0, 0, -1, 0
	for vi < len(v) {
		switch {
		case pi < len(p) && p[pi].wildcard && p[pi].r == '?':
			pi++
			vi++
		case pi < len(p) && p[pi].wildcard && p[pi].r == '*':
			star, mark = pi, vi
			pi++
		case pi < len(p) && eq(p[pi].r, v[vi]):
			pi++
			vi++
		case star >= 0:
			pi, mark = star+1, mark+1
			vi = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi].wildcard && p[pi].r == '*' {
		pi++
	}
	return pi == len(p)
}

// matchARN compares an ARN pattern with an ARN segment by segment, as
// ArnEquals and ArnLike do. It splits the pattern itself because
// an escaped ${*} or a wildcard must stay what it is in each segment,
// which no ARN parser keeps apart. A wildcard never spans a ":" between the
// first six segments, and a value that is not an ARN matches nothing.
func (p pattern) matchARN(value string) bool {
	vs := strings.SplitN(value, ":", 6)
	if len(vs) != 6 || vs[0] != "arn" {
		return false
	}
	var ps []pattern
	start := 0
	for i, pr := range p {
		if len(ps) == 5 {
			break
		}
		if !pr.wildcard && pr.r == ':' {
			ps = append(ps, p[start:i])
			start = i + 1
		}
	}
	if len(ps) != 5 {
		return false
	}
	ps = append(ps, p[start:])
	for i := range ps {
		if !ps[i].match(vs[i], false) {
			return false
		}
	}
	return true
}
