package sqldb

import (
	"crypto/md5"
	"encoding/hex"
	"maps"
	"slices"
	"strings"
)

// This file keeps what GRANT, REVOKE, groups and roles act on: schemas and
// tables per database, user groups, RBAC roles, the privileges granted to
// each user, and who owns what. It adds the statements
//
//	CREATE GROUP name / CREATE ROLE name / CREATE SCHEMA name [AUTHORIZATION user]
//	CREATE TABLE schema.table (...)    (columns are not kept)
//	ALTER GROUP name { ADD | DROP } USER user [, ...]
//	GRANT ROLE name TO user / REVOKE ROLE name FROM user
//	GRANT privileges ON { DATABASE d | SCHEMA s | ALL TABLES IN SCHEMA s | [TABLE] s.t } TO ...
//
// with Redshift's errors for a missing object, group, role or user, and a
// DROP USER that fails while the user owns an object or holds a privilege.

// objects is the part of a cluster's (or namespace's) state beside its
// users. It is copied for a batch with the users, so a failed transaction
// leaves it as it was.
type objects struct {
	schemas map[string]string          // database/schema -> owner
	tables  map[string]string          // database/schema/table -> owner
	groups  map[string]map[string]bool // group -> members
	roles   map[string]map[string]bool // role -> users granted it
	grants  map[string]map[string]bool // user -> "database|privilege ON object"

	// database and sessionUser are the session of the statement running.
	database    string
	sessionUser string
}

func newObjects() *objects {
	return &objects{schemas: map[string]string{}, tables: map[string]string{}, groups: map[string]map[string]bool{},
		roles: map[string]map[string]bool{}, grants: map[string]map[string]bool{}}
}

// objectsOf returns db's objects, creating them on first use.
func (db *Tx) objectsOf() *objects {
	if db.objects == nil {
		db.objects = newObjects()
	}
	return db.objects
}

func (o *objects) clone() *objects {
	if o == nil {
		return nil
	}
	deep := func(m map[string]map[string]bool) map[string]map[string]bool {
		out := make(map[string]map[string]bool, len(m))
		for k, v := range m {
			out[k] = maps.Clone(v)
		}
		return out
	}
	return &objects{schemas: maps.Clone(o.schemas), tables: maps.Clone(o.tables), groups: deep(o.groups),
		roles: deep(o.roles), grants: deep(o.grants), database: o.database, sessionUser: o.sessionUser}
}

// schemaExists reports whether schema exists in the session's database;
// every database has public.
func (o *objects) schemaExists(schema string) bool {
	_, ok := o.schemas[o.database+"/"+schema]
	return ok || schema == "public"
}

// passwordMatches reports whether password logs user in against stored,
// which is a password, or Redshift's md5 form of one:
// "md5" + md5(password + user name).
func passwordMatches(stored, user, password string) bool {
	if strings.HasPrefix(stored, "md5") && len(stored) == 35 {
		return stored == "md5"+md5Hex(password+user)
	}
	return stored == password
}

// execObjects runs the statements of this file; handled is false for any
// other statement, which p is then left at the start of.
func (db *Tx) execObjects(p *parser) (handled bool, err error) {
	start := p.pos
	switch {
	case p.keyword("create"):
		switch {
		case p.keyword("group"):
			return true, db.createNamed(p, db.objectsOf().groups, "group")
		case p.keyword("role"):
			return true, db.createNamed(p, db.objectsOf().roles, "role")
		case p.keyword("schema"):
			return true, db.createSchema(p)
		case p.keyword("table"):
			return true, db.createTable(p)
		}
	case p.keyword("alter"):
		if p.keyword("group") {
			return true, db.alterGroup(p)
		}
	case p.keyword("grant"), p.keyword("revoke"):
		if handled, err := db.grantObjects(p, p.toks[start].text == "grant"); handled {
			return true, err
		}
	}
	p.pos = start
	return false, nil
}

func (db *Tx) createNamed(p *parser, set map[string]map[string]bool, what string) error {
	name, err := p.name()
	if err != nil {
		return err
	}
	if err := p.end(); err != nil {
		return err
	}
	if _, ok := set[name]; ok {
		return sqlErrorf("%s %q already exists", what, name)
	}
	set[name] = map[string]bool{}
	return nil
}

func (db *Tx) createSchema(p *parser) error {
	o := db.objectsOf()
	name, err := p.name()
	if err != nil {
		return err
	}
	owner := o.sessionUser
	if p.keyword("authorization") {
		if owner, err = p.name(); err != nil {
			return err
		}
		if _, ok := db.users[owner]; !ok {
			return sqlErrorf("user %q does not exist", owner)
		}
	}
	if err := p.end(); err != nil {
		return err
	}
	if o.schemaExists(name) {
		return sqlErrorf("schema %q already exists", name)
	}
	o.schemas[o.database+"/"+name] = owner
	return nil
}

func (db *Tx) createTable(p *parser) error {
	o := db.objectsOf()
	schema, table, err := tableName(p)
	if err != nil {
		return err
	}
	if !o.schemaExists(schema) {
		return sqlErrorf("schema %q does not exist", schema)
	}
	key := o.database + "/" + schema + "/" + table
	if _, ok := o.tables[key]; ok {
		return sqlErrorf("relation %q already exists", table)
	}
	// The column list and options are not kept.
	o.tables[key] = o.sessionUser
	return nil
}

// tableName reads schema.table, or a table of public.
func tableName(p *parser) (schema, table string, err error) {
	first, err := p.name()
	if err != nil {
		return "", "", err
	}
	if !p.punct(".") {
		return "public", first, nil
	}
	table, err = p.name()
	return first, table, err
}

func (db *Tx) alterGroup(p *parser) error {
	o := db.objectsOf()
	group, err := p.name()
	if err != nil {
		return err
	}
	add := p.keyword("add")
	if !add && !p.keyword("drop") {
		return p.syntaxError()
	}
	if err := p.expect("user"); err != nil {
		return err
	}
	users, err := p.names()
	if err != nil {
		return err
	}
	if err := p.end(); err != nil {
		return err
	}
	members, ok := o.groups[group]
	if !ok {
		return sqlErrorf("group %q does not exist", group)
	}
	for _, u := range users {
		if _, ok := db.users[u]; !ok {
			return sqlErrorf("user %q does not exist", u)
		}
	}
	for _, u := range users {
		if add {
			members[u] = true
		} else {
			delete(members, u)
		}
	}
	return nil
}

// grantObjects runs GRANT (grant) or REVOKE of a role or of privileges on
// the four kinds of object this file keeps; other GRANTs are left to
// sql.go.
func (db *Tx) grantObjects(p *parser, grant bool) (bool, error) {
	o := db.objectsOf()
	preposition := "from"
	if grant {
		preposition = "to"
	}
	if p.keyword("role") {
		role, err := p.name()
		if err != nil {
			return true, err
		}
		if err := p.expect(preposition); err != nil {
			return true, err
		}
		users, err := p.names()
		if err != nil {
			return true, err
		}
		granted, ok := o.roles[role]
		if !ok {
			return true, sqlErrorf("role %q does not exist", role)
		}
		for _, u := range users {
			if _, ok := db.users[u]; !ok {
				return true, sqlErrorf("user %q does not exist", u)
			}
		}
		for _, u := range users {
			if grant {
				granted[u] = true
			} else {
				delete(granted, u)
			}
		}
		return true, p.end()
	}
	start := p.pos
	var privs []string
	for !p.keyword("on") {
		t := p.next()
		switch {
		case t.kind == tokEOF:
			return true, p.syntaxError()
		case t.kind == tokIdent && t.text != "privileges":
			privs = append(privs, t.text)
		}
	}
	object, err := db.grantObject(p)
	if err != nil || object == "" {
		if err == nil {
			p.pos = start
		}
		return err != nil, err
	}
	if err := p.expect(preposition); err != nil {
		return true, err
	}
	if p.keyword("group") || p.keyword("role") || p.keyword("public") {
		// Grants to groups, roles and PUBLIC are accepted but not kept.
		return true, nil
	}
	users, err := p.names()
	if err != nil {
		return true, err
	}
	for _, u := range users {
		if _, ok := db.users[u]; !ok {
			return true, sqlErrorf("user %q does not exist", u)
		}
	}
	for _, u := range users {
		held := o.grants[u]
		if held == nil {
			held = map[string]bool{}
			o.grants[u] = held
		}
		for _, priv := range privs {
			key := o.database + "|" + priv + " ON " + object
			if grant {
				held[key] = true
				continue
			}
			delete(held, key)
			if priv == "all" {
				for k := range held {
					if strings.HasPrefix(k, o.database+"|") && strings.HasSuffix(k, " ON "+object) {
						delete(held, k)
					}
				}
			}
		}
	}
	return true, nil
}

// grantObject reads the object after ON and checks that it exists; ""
// with no error for a kind of object this file does not keep.
func (db *Tx) grantObject(p *parser) (string, error) {
	o := db.objectsOf()
	switch {
	case p.keyword("database"):
		name, err := p.name()
		if err != nil {
			return "", err
		}
		if !db.databases[name] {
			return "", sqlErrorf("database %q does not exist", name)
		}
		return "database " + name, nil
	case p.keyword("schema"):
		name, err := p.name()
		if err != nil {
			return "", err
		}
		if !o.schemaExists(name) {
			return "", sqlErrorf("schema %q does not exist", name)
		}
		return "schema " + name, nil
	case p.keyword("all"):
		for _, kw := range []string{"tables", "in", "schema"} {
			if err := p.expect(kw); err != nil {
				return "", err
			}
		}
		name, err := p.name()
		if err != nil {
			return "", err
		}
		if !o.schemaExists(name) {
			return "", sqlErrorf("schema %q does not exist", name)
		}
		return "all tables in schema " + name, nil
	case p.keyword("function"), p.keyword("procedure"), p.keyword("language"), p.keyword("datashare"), p.keyword("external"):
		return "", nil
	}
	p.keyword("table")
	schema, table, err := tableName(p)
	if err != nil {
		return "", err
	}
	if _, ok := o.tables[o.database+"/"+schema+"/"+table]; !ok {
		return "", sqlErrorf("relation %q does not exist", schema+"."+table)
	}
	return "table " + schema + "." + table, nil
}

// dropBlocked returns Redshift's error when user cannot be dropped: it
// owns a schema or a table, or holds a privilege.
func (o *objects) dropBlocked(user string) error {
	if o == nil {
		return nil
	}
	for _, owner := range o.schemas {
		if owner == user {
			return sqlErrorf("user %q cannot be dropped because the user owns some object", user)
		}
	}
	for _, owner := range o.tables {
		if owner == user {
			return sqlErrorf("user %q cannot be dropped because the user owns some object", user)
		}
	}
	if len(o.grants[user]) > 0 {
		return sqlErrorf("user %q cannot be dropped because the user has a privilege on some object", user)
	}
	return nil
}

// forgetUser removes a dropped user from groups and roles.
func (o *objects) forgetUser(user string) {
	if o == nil {
		return
	}
	for _, m := range o.groups {
		delete(m, user)
	}
	for _, m := range o.roles {
		delete(m, user)
	}
	delete(o.grants, user)
}

// SetSession names the database and the user of the session that runs
// tx's statements: CREATE SCHEMA and CREATE TABLE make that user the owner,
// and schemas and tables are looked up in that database.
func (db *Tx) SetSession(database, user string) {
	o := db.objectsOf()
	o.database, o.sessionUser = database, user
}

// Privileges returns what user holds on db's objects, as
// "database|privilege ON object", "member of group g" and "granted role
// r", sorted; tests read it back.
func (db *DB) Privileges(user string) []string {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.objects == nil {
		return nil
	}
	var out []string
	for k := range db.objects.grants[user] {
		out = append(out, k)
	}
	for g, m := range db.objects.groups {
		if m[user] {
			out = append(out, "member of group "+g)
		}
	}
	for r, m := range db.objects.roles {
		if m[user] {
			out = append(out, "granted role "+r)
		}
	}
	slices.Sort(out)
	return out
}

func md5Hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}
