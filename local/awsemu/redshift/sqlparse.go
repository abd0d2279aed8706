package redshift

import (
	"fmt"
	"strings"
	"unicode"
)

// This file splits SQL into tokens and walks them for redshiftsql.go.

// rsSQLError is an error that Redshift reports for a statement.
type rsSQLError struct{ msg string }

func (e *rsSQLError) Error() string { return e.msg }

func rsSQLErrorf(format string, args ...any) *rsSQLError {
	return &rsSQLError{msg: "ERROR: " + fmt.Sprintf(format, args...)}
}

type rsTokenKind int

const (
	rsTokIdent rsTokenKind = iota
	rsTokQuotedIdent
	rsTokString
	rsTokNumber
	rsTokPunct
	rsTokEOF
)

type rsToken struct {
	kind rsTokenKind
	text string // identifiers folded to lower case unless quoted
}

// shown is how an error message quotes the token: never a string literal,
// which may be a password.
func (t rsToken) shown() string {
	switch t.kind {
	case rsTokString:
		return "'***'"
	case rsTokEOF:
		return "end of input"
	}
	return t.text
}

func rsTokenize(sql string, params map[string]string) ([]rsToken, error) {
	var toks []rsToken
	rs := []rune(sql)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case r == '-' && i+1 < len(rs) && rs[i+1] == '-':
			for i < len(rs) && rs[i] != '\n' {
				i++
			}
		case r == '\'' || r == '"':
			text, next, ok := rsQuoted(rs, i)
			if !ok {
				return nil, rsSQLErrorf("unterminated quoted string")
			}
			kind := rsTokString
			if r == '"' {
				kind = rsTokQuotedIdent
			}
			toks = append(toks, rsToken{kind, text})
			i = next
		case r == ':' && i+1 < len(rs) && rsIdentRune(rs[i+1]):
			j := i + 1
			for j < len(rs) && rsIdentRune(rs[j]) {
				j++
			}
			name := string(rs[i+1 : j])
			v, ok := params[name]
			if !ok {
				return nil, rsSQLErrorf("parameter :%s has no value", name)
			}
			toks = append(toks, rsToken{rsTokString, v})
			i = j
		case unicode.IsDigit(r):
			j := i
			for j < len(rs) && unicode.IsDigit(rs[j]) {
				j++
			}
			toks = append(toks, rsToken{rsTokNumber, string(rs[i:j])})
			i = j
		case rsIdentRune(r):
			j := i
			for j < len(rs) && (rsIdentRune(rs[j]) || rs[j] == '$') {
				j++
			}
			toks = append(toks, rsToken{rsTokIdent, strings.ToLower(string(rs[i:j]))})
			i = j
		default:
			toks = append(toks, rsToken{rsTokPunct, string(r)})
			i++
		}
	}
	// A trailing semicolon ends the statement; anything after it is a
	// second statement, which ExecuteStatement does not run.
	if n := len(toks); n > 0 && toks[n-1] == (rsToken{rsTokPunct, ";"}) {
		toks = toks[:n-1]
	}
	return append(toks, rsToken{kind: rsTokEOF}), nil
}

func rsIdentRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// rsQuoted reads a quoted string or identifier starting at rs[i], where a
// doubled quote stands for itself.
func rsQuoted(rs []rune, i int) (text string, next int, ok bool) {
	q := rs[i]
	var b strings.Builder
	for j := i + 1; j < len(rs); j++ {
		if rs[j] != q {
			b.WriteRune(rs[j])
			continue
		}
		if j+1 < len(rs) && rs[j+1] == q {
			b.WriteRune(q)
			j++
			continue
		}
		return b.String(), j + 1, true
	}
	return "", 0, false
}

// rsParser walks the tokens of one statement.
type rsParser struct {
	toks []rsToken
	pos  int
}

func (p *rsParser) peek() rsToken { return p.toks[p.pos] }

func (p *rsParser) next() rsToken {
	t := p.toks[p.pos]
	if t.kind != rsTokEOF {
		p.pos++
	}
	return t
}

// keyword consumes the unquoted word kw if it comes next.
func (p *rsParser) keyword(kw string) bool {
	if t := p.peek(); t.kind == rsTokIdent && t.text == kw {
		p.pos++
		return true
	}
	return false
}

func (p *rsParser) punct(s string) bool {
	if t := p.peek(); t.kind == rsTokPunct && t.text == s {
		p.pos++
		return true
	}
	return false
}

func (p *rsParser) syntaxError() error {
	return rsSQLErrorf("syntax error at or near %q", p.peek().shown())
}

func (p *rsParser) expect(kw string) error {
	if !p.keyword(kw) {
		return p.syntaxError()
	}
	return nil
}

func (p *rsParser) end() error {
	if p.peek().kind != rsTokEOF {
		return p.syntaxError()
	}
	return nil
}

func (p *rsParser) name() (string, error) {
	t := p.peek()
	if t.kind != rsTokIdent && t.kind != rsTokQuotedIdent {
		return "", p.syntaxError()
	}
	p.pos++
	return t.text, nil
}

func (p *rsParser) names() ([]string, error) {
	var out []string
	for {
		n, err := p.name()
		if err != nil {
			return nil, err
		}
		out = append(out, n)
		if !p.punct(",") {
			return out, nil
		}
	}
}
