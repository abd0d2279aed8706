package sqldb

import (
	"fmt"
	"strings"
	"unicode"
)

// This file splits SQL into tokens and walks them for sql.go.

// sqlError is an error that Redshift reports for a statement.
type sqlError struct{ msg string }

func (e *sqlError) Error() string { return e.msg }

func sqlErrorf(format string, args ...any) *sqlError {
	return &sqlError{msg: "ERROR: " + fmt.Sprintf(format, args...)}
}

type tokenKind int

const (
	tokIdent tokenKind = iota
	tokQuotedIdent
	tokString
	tokNumber
	tokPunct
	tokEOF
)

type token struct {
	kind tokenKind
	text string // identifiers folded to lower case unless quoted
}

// shown is how an error message quotes the token: never a string literal,
// which may be a password.
func (t token) shown() string {
	switch t.kind {
	case tokString:
		return "'***'"
	case tokEOF:
		return "end of input"
	}
	return t.text
}

func tokenize(sql string, params map[string]string) ([]token, error) {
	var toks []token
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
			text, next, ok := quoted(rs, i)
			if !ok {
				return nil, sqlErrorf("unterminated quoted string")
			}
			kind := tokString
			if r == '"' {
				kind = tokQuotedIdent
			}
			toks = append(toks, token{kind, text})
			i = next
		case r == ':' && i+1 < len(rs) && identRune(rs[i+1]):
			j := i + 1
			for j < len(rs) && identRune(rs[j]) {
				j++
			}
			name := string(rs[i+1 : j])
			v, ok := params[name]
			if !ok {
				return nil, sqlErrorf("parameter :%s has no value", name)
			}
			toks = append(toks, token{tokString, v})
			i = j
		case unicode.IsDigit(r):
			j := i
			for j < len(rs) && unicode.IsDigit(rs[j]) {
				j++
			}
			toks = append(toks, token{tokNumber, string(rs[i:j])})
			i = j
		case identRune(r):
			j := i
			for j < len(rs) && (identRune(rs[j]) || rs[j] == '$') {
				j++
			}
			toks = append(toks, token{tokIdent, strings.ToLower(string(rs[i:j]))})
			i = j
		default:
			toks = append(toks, token{tokPunct, string(r)})
			i++
		}
	}
	// A trailing semicolon ends the statement; anything after it is a
	// second statement, which ExecuteStatement does not run.
	if n := len(toks); n > 0 && toks[n-1] == (token{tokPunct, ";"}) {
		toks = toks[:n-1]
	}
	return append(toks, token{kind: tokEOF}), nil
}

func identRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// quoted reads a quoted string or identifier starting at rs[i], where a
// doubled quote stands for itself.
func quoted(rs []rune, i int) (text string, next int, ok bool) {
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

// parser walks the tokens of one statement.
type parser struct {
	toks []token
	pos  int
}

func (p *parser) peek() token { return p.toks[p.pos] }

func (p *parser) next() token {
	t := p.toks[p.pos]
	if t.kind != tokEOF {
		p.pos++
	}
	return t
}

// keyword consumes the unquoted word kw if it comes next.
func (p *parser) keyword(kw string) bool {
	if t := p.peek(); t.kind == tokIdent && t.text == kw {
		p.pos++
		return true
	}
	return false
}

func (p *parser) punct(s string) bool {
	if t := p.peek(); t.kind == tokPunct && t.text == s {
		p.pos++
		return true
	}
	return false
}

func (p *parser) syntaxError() error {
	return sqlErrorf("syntax error at or near %q", p.peek().shown())
}

func (p *parser) expect(kw string) error {
	if !p.keyword(kw) {
		return p.syntaxError()
	}
	return nil
}

func (p *parser) end() error {
	if p.peek().kind != tokEOF {
		return p.syntaxError()
	}
	return nil
}

func (p *parser) name() (string, error) {
	t := p.peek()
	if t.kind != tokIdent && t.kind != tokQuotedIdent {
		return "", p.syntaxError()
	}
	p.pos++
	return t.text, nil
}

func (p *parser) names() ([]string, error) {
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
