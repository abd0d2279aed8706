package dbuser

import (
	"crypto/md5"
	"encoding/hex"
	"slices"
	"strings"
)

// This file builds the SQL the resource runs. Every name comes in as an
// ident and goes out quoted; every keyword is a constant here or comes
// from the allowlists of grants.go; the only literal is a password hash of
// hex digits. No property value is spliced into a statement any other way.

// passwordHash is the form of a password that Redshift accepts in place of
// the password itself: "md5" followed by the MD5 of the password and the
// user name, in hex. A statement carries only this, never the password:
// the Data API returns a statement's text to whoever may describe it.
type passwordHash struct{ hex string }

// hashPassword returns the md5 form of password for user. Redshift stores
// the names of users in lower case, which properties validation requires.
func hashPassword(password string, user ident) passwordHash {
	sum := md5.Sum([]byte(password + user.String()))
	return passwordHash{hex: "md5" + hex.EncodeToString(sum[:])}
}

// literal is the hash as a string literal; it holds only hex digits.
func (h passwordHash) literal() string { return "'" + h.hex + "'" }

// passwordClause is PASSWORD with the hash, or PASSWORD DISABLE when the
// user logs in only with temporary credentials.
func passwordClause(h *passwordHash) string {
	if h == nil {
		return "PASSWORD DISABLE"
	}
	return "PASSWORD " + h.literal()
}

func createUserSQL(user ident, h *passwordHash) string {
	return "CREATE USER " + user.quoted() + " " + passwordClause(h)
}

func alterPasswordSQL(user ident, h *passwordHash) string {
	return "ALTER USER " + user.quoted() + " " + passwordClause(h)
}

func dropUserSQL(user ident) string { return "DROP USER " + user.quoted() }

func addToGroupSQL(group, user ident) string {
	return "ALTER GROUP " + group.quoted() + " ADD USER " + user.quoted()
}

func dropFromGroupSQL(group, user ident) string {
	return "ALTER GROUP " + group.quoted() + " DROP USER " + user.quoted()
}

func grantRoleSQL(role, user ident) string {
	return "GRANT ROLE " + role.quoted() + " TO " + user.quoted()
}

func revokeRoleSQL(role, user ident) string {
	return "REVOKE ROLE " + role.quoted() + " FROM " + user.quoted()
}

// userExistsSQL finds the user by name; the name is passed as the
// parameter :name, not in the text.
const userExistsSQL = "SELECT usename FROM pg_user WHERE usename = :name"

// grantSQL returns one GRANT per object, privileges in allowlist order.
func grantSQL(grants []grant, user ident) []string {
	return privilegeSQL("GRANT ", " TO ", grants, user)
}

// revokeSQL returns one REVOKE per object.
func revokeSQL(grants []grant, user ident) []string {
	return privilegeSQL("REVOKE ", " FROM ", grants, user)
}

func privilegeSQL(verb, preposition string, grants []grant, user ident) []string {
	byObject := map[string][]grant{}
	var keys []string
	for _, g := range grants {
		k := g.on.key()
		if _, ok := byObject[k]; !ok {
			keys = append(keys, k)
		}
		byObject[k] = append(byObject[k], g)
	}
	slices.Sort(keys)
	var out []string
	for _, k := range keys {
		gs := byObject[k]
		allowed := privileges[gs[0].on.kind]
		slices.SortFunc(gs, func(a, b grant) int {
			return slices.Index(allowed, a.privilege) - slices.Index(allowed, b.privilege)
		})
		privs := make([]string, len(gs))
		for i, g := range gs {
			privs[i] = g.privilege
		}
		out = append(out, verb+strings.Join(privs, ", ")+" ON "+gs[0].on.sql()+preposition+user.quoted())
	}
	return out
}
