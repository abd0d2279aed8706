package dbuser

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestGeneratedSQL(t *testing.T) {
	long := strings.Repeat("a", maxIdentifierBytes)
	tests := map[string]struct {
		user string
		want string
	}{
		"plain":          {user: "redshift_data_api_user", want: `CREATE USER "redshift_data_api_user" PASSWORD DISABLE`},
		"double quote":   {user: `a"b`, want: `CREATE USER "a""b" PASSWORD DISABLE`},
		"quote at end":   {user: `ab"`, want: `CREATE USER "ab""" PASSWORD DISABLE`},
		"space":          {user: "data user", want: `CREATE USER "data user" PASSWORD DISABLE`},
		"colon":          {user: "IAMR:analyst", want: `CREATE USER "IAMR:analyst" PASSWORD DISABLE`},
		"unicode":        {user: "usuário_ñ", want: `CREATE USER "usuário_ñ" PASSWORD DISABLE`},
		"injection":      {user: `x" PASSWORD 'p'; DROP USER "admin`, want: `CREATE USER "x"" PASSWORD 'p'; DROP USER ""admin" PASSWORD DISABLE`},
		"127 bytes":      {user: long, want: `CREATE USER "` + long + `" PASSWORD DISABLE`},
		"127 bytes utf8": {user: strings.Repeat("é", 63) + "a", want: `CREATE USER "` + strings.Repeat("é", 63) + `a" PASSWORD DISABLE`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			id, err := newIdent(tc.user)
			if err != nil {
				t.Fatalf("newIdent(%q): %v", tc.user, err)
			}
			if diff := cmp.Diff(tc.want, createUserSQL(id, nil)); diff != "" {
				t.Errorf("-want +got:\n%s", diff)
			}
		})
	}
}

func TestIdentifierRefused(t *testing.T) {
	for name, s := range map[string]string{
		"empty":           "",
		"128 bytes":       strings.Repeat("a", maxIdentifierBytes+1),
		"128 bytes utf8":  strings.Repeat("é", 64),
		"newline":         "a\nb",
		"nul":             "a\x00b",
		"invalid utf8":    "a\xffb",
		"non-break space": "a\u00a0b",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := newIdent(s)
			var ie *IdentifierError
			if !errors.As(err, &ie) {
				t.Fatalf("newIdent(%q) = %v, want an *IdentifierError", s, err)
			}
		})
	}
}

func TestGrantAndMembershipSQL(t *testing.T) {
	user := mustIdent(t, `IAMR:app"role`)
	on := func(s string) object {
		o, problem := parseOn(s)
		if problem != "" {
			t.Fatalf("parseOn(%q): %s", s, problem)
		}
		return o
	}
	grants := []grant{
		{"SELECT", on(`TABLE sales."order lines"`)},
		{"INSERT", on(`TABLE sales."order lines"`)},
		{"USAGE", on("SCHEMA sales")},
		{"TEMP", on(`DATABASE "dev"`)},
		{"SELECT", on(`ALL TABLES IN SCHEMA "we""ird"`)},
	}
	want := []string{
		`GRANT SELECT ON ALL TABLES IN SCHEMA "we""ird" TO "IAMR:app""role"`,
		`GRANT TEMP ON DATABASE "dev" TO "IAMR:app""role"`,
		`GRANT USAGE ON SCHEMA "sales" TO "IAMR:app""role"`,
		`GRANT INSERT, SELECT ON TABLE "sales"."order lines" TO "IAMR:app""role"`,
	}
	if diff := cmp.Diff(want, grantSQL(grants, user)); diff != "" {
		t.Errorf("grants -want +got:\n%s", diff)
	}
	if diff := cmp.Diff(`REVOKE USAGE ON SCHEMA "sales" FROM "IAMR:app""role"`, revokeSQL(grants[2:3], user)[0]); diff != "" {
		t.Errorf("revoke -want +got:\n%s", diff)
	}
	g := mustIdent(t, "readers")
	for got, want := range map[string]string{
		addToGroupSQL(g, user):    `ALTER GROUP "readers" ADD USER "IAMR:app""role"`,
		dropFromGroupSQL(g, user): `ALTER GROUP "readers" DROP USER "IAMR:app""role"`,
		grantRoleSQL(g, user):     `GRANT ROLE "readers" TO "IAMR:app""role"`,
		revokeRoleSQL(g, user):    `REVOKE ROLE "readers" FROM "IAMR:app""role"`,
		dropUserSQL(user):         `DROP USER "IAMR:app""role"`,
	} {
		if got != want {
			t.Errorf("got %s, want %s", got, want)
		}
	}
}

func TestPasswordHash(t *testing.T) {
	// The example of CREATE USER in the Redshift Database Developer Guide:
	// password ez for user1 hashes to md5153c434b4b77c89e6b94f12c5393af5b.
	h := hashPassword("ez", mustIdent(t, "user1"))
	if got, want := createUserSQL(mustIdent(t, "user1"), &h), `CREATE USER "user1" PASSWORD 'md5153c434b4b77c89e6b94f12c5393af5b'`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if got := alterPasswordSQL(mustIdent(t, "user1"), nil); got != `ALTER USER "user1" PASSWORD DISABLE` {
		t.Errorf("got %s", got)
	}
}

func mustIdent(t *testing.T, s string) ident {
	t.Helper()
	id, err := newIdent(s)
	if err != nil {
		t.Fatalf("newIdent(%q): %v", s, err)
	}
	return id
}

// readQuoted reads the delimited identifier at the start of s as SQL does
// (a doubled quote stands for one) and returns its value and the rest.
func readQuoted(s string) (value, rest string, ok bool) {
	if !strings.HasPrefix(s, `"`) {
		return "", s, false
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] != '"' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == '"' {
			b.WriteByte('"')
			i++
			continue
		}
		return b.String(), s[i+1:], true
	}
	return "", "", false
}

// FuzzQuoteIdentifier checks that no name, once accepted, can end its
// quoted identifier early: a SQL reader sees exactly one identifier with
// the name's value, and the statement around it stays intact.
func FuzzQuoteIdentifier(f *testing.F) {
	for _, s := range []string{"a", `"`, `""`, `a"b`, `" ; DROP USER "x`, "IAMR:r", "é", `\"`, "a b", strings.Repeat(`"`, 127)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := newIdent(s)
		if err != nil {
			return
		}
		value, rest, ok := readQuoted(id.quoted())
		if !ok || rest != "" || value != s {
			t.Fatalf("quoted %q reads back as %q with %q left (closed: %v)", s, value, rest, ok)
		}
		stmt := dropFromGroupSQL(id, id)
		tail, ok := strings.CutPrefix(stmt, "ALTER GROUP ")
		if !ok {
			t.Fatalf("statement %q", stmt)
		}
		v1, tail, ok1 := readQuoted(tail)
		tail, ok2 := strings.CutPrefix(tail, " DROP USER ")
		v2, tail, ok3 := readQuoted(tail)
		if !ok1 || !ok2 || !ok3 || tail != "" || v1 != s || v2 != s {
			t.Fatalf("statement %q does not read back as two identifiers %q", stmt, s)
		}
	})
}
