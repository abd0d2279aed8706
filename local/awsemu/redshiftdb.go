package awsemu

import (
	"fmt"
	"maps"
	"slices"
)

// rsDatabase is what the emulator knows of the inside of a cluster or a
// serverless namespace: its databases and its users. Redshift users belong
// to the cluster (or namespace), not to one database, so every database of
// the cluster sees the same users.
type rsDatabase struct {
	databases map[string]bool
	users     map[string]*rsDBUser
	objects   *rsObjects // see redshiftsql_objects.go
}

// rsDBUser is a database user. A user created with PASSWORD DISABLE, or
// through IAM, can log in only with temporary credentials.
type rsDBUser struct {
	password string
	disabled bool
	// unknown marks an admin whose password Secrets Manager manages for
	// Redshift; the emulator accepts any password for it.
	unknown bool
}

// newRsDatabase returns the database of a new cluster or namespace with its
// first database and its admin user.
func newRsDatabase(dbName, admin, password string, managedPassword bool) *rsDatabase {
	db := &rsDatabase{databases: map[string]bool{dbName: true}, users: map[string]*rsDBUser{}}
	if admin != "" {
		db.users[admin] = &rsDBUser{password: password, unknown: managedPassword}
	}
	return db
}

// clone returns a copy for a batch, which applies its statements as one
// transaction.
func (db *rsDatabase) clone() *rsDatabase {
	users := make(map[string]*rsDBUser, len(db.users))
	for name, u := range db.users {
		cp := *u
		users[name] = &cp
	}
	return &rsDatabase{databases: db.databases, users: users, objects: db.objects.clone()}
}

// ensureUser creates name, without a password, unless it exists.
func (db *rsDatabase) ensureUser(name string) {
	if _, ok := db.users[name]; !ok {
		db.users[name] = &rsDBUser{disabled: true}
	}
}

// userNames returns the users in name order, as pg_user lists them.
func (db *rsDatabase) userNames() []string {
	return slices.Sorted(maps.Keys(db.users))
}

// rsLoginError is a failed connection: the statement fails with Redshift's
// FATAL message.
type rsLoginError struct{ msg string }

func (e *rsLoginError) Error() string { return e.msg }

// connect checks that a session may open on database as user. password is
// checked only when withPassword is set; temporary credentials skip it.
func (db *rsDatabase) connect(database, user, password string, withPassword bool) error {
	if !db.databases[database] {
		return &rsLoginError{fmt.Sprintf("FATAL: database %q does not exist", database)}
	}
	u, ok := db.users[user]
	if !ok {
		if withPassword {
			return &rsLoginError{fmt.Sprintf("FATAL: password authentication failed for user %q", user)}
		}
		return &rsLoginError{fmt.Sprintf("FATAL: user %q does not exist", user)}
	}
	if withPassword && !u.unknown && (u.disabled || !rsPasswordMatches(u.password, user, password)) {
		return &rsLoginError{fmt.Sprintf("FATAL: password authentication failed for user %q", user)}
	}
	return nil
}
