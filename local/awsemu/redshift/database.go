package redshift

import (
	"fmt"
	"maps"
	"slices"
)

// database is what the emulator knows of the inside of a cluster or a
// serverless namespace: its databases and its users. Redshift users belong
// to the cluster (or namespace), not to one database, so every database of
// the cluster sees the same users.
type database struct {
	databases map[string]bool
	users     map[string]*dbUser
}

// dbUser is a database user. A user created with PASSWORD DISABLE, or
// through IAM, can log in only with temporary credentials.
type dbUser struct {
	password string
	disabled bool
	// unknown marks an admin whose password Secrets Manager manages for
	// Redshift; the emulator accepts any password for it.
	unknown bool
}

// newRsDatabase returns the database of a new cluster or namespace with its
// first database and its admin user.
func newRsDatabase(dbName, admin, password string, managedPassword bool) *database {
	db := &database{databases: map[string]bool{dbName: true}, users: map[string]*dbUser{}}
	if admin != "" {
		db.users[admin] = &dbUser{password: password, unknown: managedPassword}
	}
	return db
}

// clone returns a copy for a batch, which applies its statements as one
// transaction.
func (db *database) clone() *database {
	users := make(map[string]*dbUser, len(db.users))
	for name, u := range db.users {
		cp := *u
		users[name] = &cp
	}
	return &database{databases: db.databases, users: users}
}

// ensureUser creates name, without a password, unless it exists.
func (db *database) ensureUser(name string) {
	if _, ok := db.users[name]; !ok {
		db.users[name] = &dbUser{disabled: true}
	}
}

// userNames returns the users in name order, as pg_user lists them.
func (db *database) userNames() []string {
	return slices.Sorted(maps.Keys(db.users))
}

// loginError is a failed connection: the statement fails with Redshift's
// FATAL message.
type loginError struct{ msg string }

func (e *loginError) Error() string { return e.msg }

// connect checks that a session may open on database as user. password is
// checked only when withPassword is set; temporary credentials skip it.
func (db *database) connect(database, user, password string, withPassword bool) error {
	if !db.databases[database] {
		return &loginError{fmt.Sprintf("FATAL: database %q does not exist", database)}
	}
	u, ok := db.users[user]
	if !ok {
		if withPassword {
			return &loginError{fmt.Sprintf("FATAL: password authentication failed for user %q", user)}
		}
		return &loginError{fmt.Sprintf("FATAL: user %q does not exist", user)}
	}
	if withPassword && !u.unknown && (u.disabled || u.password != password) {
		return &loginError{fmt.Sprintf("FATAL: password authentication failed for user %q", user)}
	}
	return nil
}
