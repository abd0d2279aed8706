package dbuser

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxIdentifierBytes is Redshift's limit on a name: 127 bytes of UTF-8,
// not counting the quotes of a delimited identifier.
const maxIdentifierBytes = 127

// identifierRules is what a name may be, for error messages.
const identifierRules = "1 to 127 bytes of printable UTF-8 (quotes, spaces, colons and non-ASCII letters are allowed)"

// ident is a Redshift name that passed checkIdentifier. SQL is built only
// from idents (through quoted) and keywords, never from raw strings, so an
// unvalidated value cannot reach a statement.
type ident struct{ name string }

// newIdent validates s as a Redshift name.
func newIdent(s string) (ident, error) {
	if problem := checkIdentifier(s); problem != "" {
		return ident{}, &IdentifierError{Problem: problem}
	}
	return ident{name: s}, nil
}

// String is the name as Redshift stores it.
func (i ident) String() string { return i.name }

// quoted is the name as a delimited identifier: in double quotes, with
// every double quote inside doubled, so that no name can end the
// identifier early.
func (i ident) quoted() string { return quoteIdentifier(i.name) }

// quoteIdentifier quotes s as a delimited identifier. Callers outside
// ident use it only in tests; statements take idents.
func quoteIdentifier(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// IdentifierError is a name that Redshift does not accept.
type IdentifierError struct {
	Problem string
}

func (e *IdentifierError) Error() string {
	return "not a valid Redshift name: " + e.Problem + "; allowed: " + identifierRules
}

// checkIdentifier returns "" when s can be a Redshift name used as a
// delimited identifier, and otherwise what is wrong with it.
func checkIdentifier(s string) string {
	switch {
	case s == "":
		return "it is empty"
	case !utf8.ValidString(s):
		return "it is not valid UTF-8"
	case len(s) > maxIdentifierBytes:
		return fmt.Sprintf("it is %d bytes long", len(s))
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return fmt.Sprintf("it contains the non-printable character %U", r)
		}
	}
	return ""
}
