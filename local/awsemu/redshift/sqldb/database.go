package sqldb

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
)

// DB is what the emulator knows of the inside of a cluster or a
// serverless namespace: its databases and its users. Redshift users belong
// to the cluster (or namespace), not to one database, so every database of
// the cluster sees the same users.
//
// A DB guards itself: clusters, namespaces and Data API statements may
// reach it from different requests at once.
type DB struct {
	mu sync.Mutex
	data
}

// Tx is the copy of a DB that one Update changes: the statements of a
// batch run on it, and take effect together when they all succeed.
type Tx struct {
	data
}

type data struct {
	databases map[string]bool
	users     map[string]*dbUser
	objects   *objects // schemas, tables, groups, roles, grants: objects.go
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

// New returns the database of a new cluster or namespace with its
// first database and its admin user.
func New(dbName, admin, password string, managedPassword bool) *DB {
	db := &DB{data: data{databases: map[string]bool{dbName: true}, users: map[string]*dbUser{}}}
	if admin != "" {
		db.users[admin] = &dbUser{password: password, unknown: managedPassword}
	}
	return db
}

// Update runs f on a copy of db and, when f returns nil, makes the copy's
// users and objects db's: the statements of a batch take effect together
// or not at all. db stays locked while f runs. It returns f's error.
func (db *DB) Update(f func(tx *Tx) error) error {
	db.mu.Lock()
	defer db.mu.Unlock()
	users := make(map[string]*dbUser, len(db.users))
	for name, u := range db.users {
		cp := *u
		users[name] = &cp
	}
	tx := &Tx{data: data{databases: db.databases, users: users, objects: db.objects.clone()}}
	if err := f(tx); err != nil {
		return err
	}
	db.users, db.objects = tx.users, tx.objects
	return nil
}

// EnsureUser creates name, without a password, unless it exists.
func (db *DB) EnsureUser(name string) {
	db.mu.Lock()
	defer db.mu.Unlock()
	if _, ok := db.users[name]; !ok {
		db.users[name] = &dbUser{disabled: true}
	}
}

// userNames returns the users in name order, as pg_user lists them.
func (db *Tx) userNames() []string {
	return slices.Sorted(maps.Keys(db.users))
}

// loginError is a failed connection: the statement fails with Redshift's
// FATAL message.
type loginError struct{ msg string }

func (e *loginError) Error() string { return e.msg }

// Connect checks that a session may open on database as user. password is
// checked only when withPassword is set; temporary credentials skip it.
func (db *DB) Connect(database, user, password string, withPassword bool) error {
	db.mu.Lock()
	defer db.mu.Unlock()
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
	if withPassword && !u.unknown && (u.disabled || !passwordMatches(u.password, user, password)) {
		return &loginError{fmt.Sprintf("FATAL: password authentication failed for user %q", user)}
	}
	return nil
}

// ValidPassword reports whether p meets Redshift's password rules.
func ValidPassword(p string) bool {
	if len(p) < 8 || len(p) > 64 || strings.ContainsAny(p, "'\"\\/@ ") {
		return false
	}
	var upper, lower, digit bool
	for _, r := range p {
		switch {
		case r < 33 || r > 126:
			return false
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= '0' && r <= '9':
			digit = true
		}
	}
	return upper && lower && digit
}
