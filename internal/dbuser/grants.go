package dbuser

import (
	"fmt"
	"slices"
	"strings"
)

// objectKind is what a grant is on. Its String is the SQL that names the
// kind of object after ON; the kinds are an allowlist.
type objectKind int

const (
	onDatabase objectKind = iota
	onSchema
	onAllTablesInSchema
	onTable
)

func (k objectKind) String() string {
	return [...]string{"DATABASE", "SCHEMA", "ALL TABLES IN SCHEMA", "TABLE"}[k]
}

// privileges are Redshift's privileges for each kind of object (GRANT in
// the Redshift Database Developer Guide). ALL stands for all of them.
var privileges = map[objectKind][]string{
	onDatabase:          {"ALL", "ALTER", "CREATE", "TEMP", "TEMPORARY"},
	onSchema:            {"ALL", "ALTER", "CREATE", "DROP", "USAGE"},
	onAllTablesInSchema: {"ALL", "ALTER", "DELETE", "DROP", "INSERT", "REFERENCES", "SELECT", "TRUNCATE", "UPDATE"},
	onTable:             {"ALL", "ALTER", "DELETE", "DROP", "INSERT", "REFERENCES", "SELECT", "TRUNCATE", "UPDATE"},
}

// onForms is what On accepts, for error messages.
const onForms = `one of "DATABASE d", "SCHEMA s", "ALL TABLES IN SCHEMA s" and "TABLE s.t", where a name is bare (letters, digits, _ and $) or in double quotes with inner quotes doubled`

// object is what a grant is on: a database, a schema, all tables of a
// schema, or one table (schema and table).
type object struct {
	kind  objectKind
	names []ident
}

// sql is the object as it follows ON, with every name quoted.
func (o object) sql() string {
	parts := make([]string, len(o.names))
	for i, n := range o.names {
		parts[i] = n.quoted()
	}
	return o.kind.String() + " " + strings.Join(parts, ".")
}

// key identifies the object for comparing grants.
func (o object) key() string { return o.sql() }

// grant is one privilege on one object; a resource's grants are a set of
// them, so that an update can revoke and grant by difference.
type grant struct {
	privilege string
	on        object
}

// parseOn reads an On value: a keyword form of onForms, then the names.
func parseOn(s string) (object, string) {
	s = strings.TrimSpace(s)
	for _, kind := range []objectKind{onAllTablesInSchema, onDatabase, onSchema, onTable} {
		kw := kind.String()
		if len(s) <= len(kw) || !strings.EqualFold(s[:len(kw)], kw) || (s[len(kw)] != ' ' && s[len(kw)] != '\t') {
			continue
		}
		names, problem := parseNames(strings.TrimSpace(s[len(kw):]))
		if problem != "" {
			return object{}, fmt.Sprintf("%q: %s", s, problem)
		}
		want := 1
		if kind == onTable {
			want = 2
		}
		if len(names) != want {
			return object{}, fmt.Sprintf("%q names %d parts where %s takes %d", s, len(names), kind, want)
		}
		return object{kind: kind, names: names}, ""
	}
	return object{}, fmt.Sprintf("%q is not of a known form", s)
}

// parseNames reads dot-separated names, each bare or double-quoted.
func parseNames(s string) ([]ident, string) {
	var out []ident
	for {
		var name string
		switch {
		case s == "":
			return nil, "a name is missing"
		case s[0] == '"':
			var b strings.Builder
			i := 1
			for ; i < len(s); i++ {
				if s[i] != '"' {
					b.WriteByte(s[i])
					continue
				}
				if i+1 < len(s) && s[i+1] == '"' {
					b.WriteByte('"')
					i++
					continue
				}
				break
			}
			if i >= len(s) {
				return nil, "a quoted name is not closed"
			}
			name, s = b.String(), s[i+1:]
		default:
			i := strings.IndexFunc(s, func(r rune) bool { return !isBareNameRune(r) })
			if i == 0 {
				return nil, fmt.Sprintf("unexpected %q; quote names with other characters", s[:1])
			}
			if i < 0 {
				i = len(s)
			}
			name, s = s[:i], s[i:]
		}
		id, err := newIdent(name)
		if err != nil {
			return nil, err.Error()
		}
		out = append(out, id)
		if s == "" {
			return out, ""
		}
		if s[0] != '.' {
			return nil, fmt.Sprintf("unexpected %q after a name", s)
		}
		s = s[1:]
	}
}

// isBareNameRune is what a name without quotes may hold: Redshift's
// standard identifiers, ASCII letters, digits, _ and $, and UTF-8 letters.
func isBareNameRune(r rune) bool {
	return r == '_' || r == '$' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 127 && r != '"'
}

// normalizePrivilege returns the canonical spelling of p for kind, or ""
// when kind has no such privilege. "ALL PRIVILEGES" is ALL.
func normalizePrivilege(kind objectKind, p string) string {
	p = strings.ToUpper(strings.Join(strings.Fields(p), " "))
	if p == "ALL PRIVILEGES" {
		p = "ALL"
	}
	if slices.Contains(privileges[kind], p) {
		return p
	}
	return ""
}
