package sqldb

import "strings"

// This file recognises the few SQL statements that provisioning runs
// through the Data API, enough to keep the users of a cluster or namespace:
//
//	CREATE USER name [WITH] PASSWORD { 'password' | DISABLE } [options]
//	DROP USER [IF EXISTS] name [, ...]
//	ALTER USER name [options]   (PASSWORD and RENAME TO take effect)
//	GRANT ... TO name [, ...] / REVOKE ... FROM name [, ...]
//	SELECT 1
//	SELECT usename FROM pg_user [WHERE usename = 'name']
//
// Like Redshift, CREATE USER has no IF NOT EXISTS. Anything else fails with
// a syntax error. Parameters (:name) are replaced by their values as string
// literals.

// Exec runs one SQL statement against tx's copy of its DB.
func (db *Tx) Exec(sql string, params map[string]string) (*Result, error) {
	toks, err := tokenize(sql, params)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	if handled, err := db.execObjects(p); handled {
		return nil, err
	}
	switch {
	case p.keyword("create"):
		return nil, db.createUser(p)
	case p.keyword("drop"):
		return nil, db.dropUser(p)
	case p.keyword("alter"):
		return nil, db.alterUser(p)
	case p.keyword("grant"):
		return nil, db.grant(p, "to")
	case p.keyword("revoke"):
		return nil, db.grant(p, "from")
	case p.keyword("select"):
		return db.selectQuery(p)
	}
	return nil, p.syntaxError()
}

func (db *Tx) createUser(p *parser) error {
	if err := p.expect("user"); err != nil {
		return err
	}
	name, err := p.name()
	if err != nil {
		return err
	}
	p.keyword("with")
	if err := p.expect("password"); err != nil {
		return err
	}
	u := &dbUser{}
	switch t := p.next(); {
	case t.kind == tokIdent && t.text == "disable":
		u.disabled = true
	case t.kind == tokString:
		if !ValidPassword(t.text) && !strings.HasPrefix(t.text, "md5") && !strings.HasPrefix(t.text, "sha256|") {
			return sqlErrorf("password must be 8 to 64 characters with an uppercase letter, a lowercase letter and a digit, without ' \" \\ / @ or space")
		}
		u.password = t.text
	default:
		p.pos--
		return p.syntaxError()
	}
	// Options such as CREATEDB, CONNECTION LIMIT or SESSION TIMEOUT have
	// no effect on what the emulator keeps.
	if _, ok := db.users[name]; ok {
		return sqlErrorf("user %q already exists", name)
	}
	db.users[name] = u
	return nil
}

func (db *Tx) dropUser(p *parser) error {
	if err := p.expect("user"); err != nil {
		return err
	}
	ifExists := p.keyword("if")
	if ifExists {
		if err := p.expect("exists"); err != nil {
			return err
		}
	}
	names, err := p.names()
	if err != nil {
		return err
	}
	if err := p.end(); err != nil {
		return err
	}
	for _, n := range names {
		if _, ok := db.users[n]; !ok && !ifExists {
			return sqlErrorf("user %q does not exist", n)
		}
	}
	for _, n := range names {
		if _, ok := db.users[n]; ok {
			if err := db.objects.dropBlocked(n); err != nil {
				return err
			}
		}
	}
	for _, n := range names {
		delete(db.users, n)
		db.objects.forgetUser(n)
	}
	return nil
}

func (db *Tx) alterUser(p *parser) error {
	if err := p.expect("user"); err != nil {
		return err
	}
	name, err := p.name()
	if err != nil {
		return err
	}
	u, ok := db.users[name]
	if !ok {
		return sqlErrorf("user %q does not exist", name)
	}
	if p.keyword("rename") {
		if err := p.expect("to"); err != nil {
			return err
		}
		newName, err := p.name()
		if err != nil {
			return err
		}
		if _, taken := db.users[newName]; taken {
			return sqlErrorf("user %q already exists", newName)
		}
		delete(db.users, name)
		db.users[newName] = u
		return p.end()
	}
	for p.peek().kind != tokEOF {
		if !p.keyword("password") {
			p.next()
			continue
		}
		switch t := p.next(); {
		case t.kind == tokIdent && t.text == "disable":
			u.password, u.disabled = "", true
		case t.kind == tokString:
			u.password, u.disabled = t.text, false
		default:
			p.pos--
			return p.syntaxError()
		}
	}
	return nil
}

// grant accepts GRANT and REVOKE; the grantees after TO (or FROM) must be
// users that exist, unless they are PUBLIC, a GROUP or a ROLE.
func (db *Tx) grant(p *parser, preposition string) error {
	for !p.keyword(preposition) {
		if p.next().kind == tokEOF {
			return p.syntaxError()
		}
	}
	if p.keyword("group") || p.keyword("role") {
		return nil
	}
	names, err := p.names()
	if err != nil {
		return err
	}
	for _, n := range names {
		if _, ok := db.users[n]; !ok && n != "public" {
			return sqlErrorf("user %q does not exist", n)
		}
	}
	return nil
}

func (db *Tx) selectQuery(p *parser) (*Result, error) {
	if t := p.peek(); t.kind == tokNumber && t.text == "1" {
		p.next()
		if err := p.end(); err != nil {
			return nil, err
		}
		return &Result{
			Columns: []Column{{Name: "?column?", Label: "?column?", TypeName: "int4", Length: 10, IsSigned: true, Nullable: 1, Precision: 10}},
			Rows:    [][]Field{{{LongValue: int64Ptr(1)}}},
		}, nil
	}
	if err := p.expect("usename"); err != nil {
		return nil, err
	}
	if err := p.expect("from"); err != nil {
		return nil, err
	}
	if p.keyword("pg_catalog") && !p.punct(".") {
		return nil, p.syntaxError()
	}
	if err := p.expect("pg_user"); err != nil {
		return nil, err
	}
	filter, filtered := "", false
	if p.keyword("where") {
		if err := p.expect("usename"); err != nil {
			return nil, err
		}
		if !p.punct("=") {
			return nil, p.syntaxError()
		}
		t := p.next()
		if t.kind != tokString {
			p.pos--
			return nil, p.syntaxError()
		}
		filter, filtered = t.text, true
	}
	if err := p.end(); err != nil {
		return nil, err
	}
	res := &Result{Columns: []Column{{
		Name: "usename", Label: "usename", TypeName: "name", Length: 128, IsCaseSensitive: true,
		Nullable: 1, SchemaName: "pg_catalog", TableName: "pg_user",
	}}}
	for _, n := range db.userNames() {
		if !filtered || n == filter {
			res.Rows = append(res.Rows, []Field{{StringValue: &n}})
		}
	}
	return res, nil
}

func int64Ptr(v int64) *int64 { return &v }
