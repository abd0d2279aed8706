package iam

import (
	"crypto/rand"
	"strings"
	"sync"
	"time"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
)

// state is the IAM data of every account. One mutex guards all of it:
// STS AssumeRole reads roles of two accounts in one decision.
type state struct {
	mu sync.Mutex
	// propagationDelay is how long a new role or user stays invisible as
	// a principal in trust policies and to sts:AssumeRole.
	propagationDelay time.Duration
	// partition is the ARN partition of every IAM ARN the emulator issues.
	partition string
	// managed are the AWS managed policies, shared read-only by every account.
	managed  map[string]*policy
	accounts map[string]*account
	ids      map[string]bool // every unique ID issued, to keep them unique
	// orgs is the emulated organization of each account that is in one
	// (SetOrganization).
	orgs map[string]string
}

type account struct {
	id        string
	partition string
	// managed are the AWS managed policies, by ARN in the account's partition.
	managed  map[string]*policy
	policies map[string]*policy // customer managed, by lower-case name
	roles    map[string]*role   // by lower-case name: IAM names are case-insensitive
	users    map[string]*user
	groups   map[string]*group
}

// entityKind names the three kinds of IAM identity that policies attach to.
type entityKind string

const (
	kindRole  entityKind = "role"
	kindUser  entityKind = "user"
	kindGroup entityKind = "group"
)

// entityParam is the request parameter that names an entity of kind.
func entityParam(kind entityKind) string {
	switch kind {
	case kindRole:
		return "RoleName"
	case kindUser:
		return "UserName"
	default:
		return "GroupName"
	}
}

// entity is what roles, users and groups have in common.
type entity struct {
	kind     entityKind
	name     string
	path     string
	id       string
	arn      string
	created  time.Time
	tags     []tag
	attached []string          // managed policy ARNs, in attachment order
	inline   map[string]string // inline policy name -> document
}

type role struct {
	entity
	trust       string
	description string
	maxSession  int
	boundary    string
}

type user struct {
	entity
	boundary string
}

type group struct {
	entity
	members []string // lower-case user names
}

func stateOf(e *protocol.Env) *state {
	return protocol.State(e, "iam", func() *state {
		s := &state{
			partition: e.Partition(),
			managed:   awsManagedPolicies(e.Partition()),
			accounts:  map[string]*account{},
			ids:       map[string]bool{},
			orgs:      map[string]string{},
		}
		for _, p := range s.managed {
			s.ids[p.id] = true
		}
		return s
	})
}

// SetPropagationDelay makes every role and user created from now on
// (and those created less than d ago) invalid as a principal until it is d
// old: a trust policy that names it fails with MalformedPolicyDocument
// "Invalid principal in policy", and sts:AssumeRole of a role younger than
// d is denied. Real IAM behaves so for a few seconds after a create. Zero,
// the default, turns the delay off.
func SetPropagationDelay(e *protocol.Env, d time.Duration) {
	s := stateOf(e)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.propagationDelay = d
}

// account returns the IAM data of account id, creating it on first use.
// The caller holds s.mu.
func (s *state) account(id string) *account {
	a := s.accounts[id]
	if a == nil {
		a = &account{
			id:        id,
			partition: s.partition,
			managed:   s.managed,
			policies:  map[string]*policy{},
			roles:     map[string]*role{},
			users:     map[string]*user{},
			groups:    map[string]*group{},
		}
		s.accounts[id] = a
	}
	return a
}

// lockCall locks the IAM state for the duration of one request and returns
// the caller's account. The caller must call the returned unlock.
func lockCall(c *protocol.Call) (*state, *account, func()) {
	s := stateOf(c.Env)
	s.mu.Lock()
	return s, s.account(c.Account()), s.mu.Unlock
}

// on serves the part of an IAM request that acts on one role, user,
// group or policy: it checks the required parameter param, locks the IAM
// state for the rest of the request, finds what param names with find and
// runs serve on it. Handlers check their other parameters first, because
// IAM reports invalid input before a missing entity.
func on[T any](c *protocol.Call, param string, find func(a *account, id string) (T, error), serve func(s *state, a *account, v T) (any, error)) (any, error) {
	id, err := c.Query.Required(param)
	if err != nil {
		return nil, err
	}
	s, a, unlock := lockCall(c)
	defer unlock()
	v, err := find(a, id)
	if err != nil {
		return nil, err
	}
	return serve(s, a, v)
}

// entityFinder is the find function of on for a role, user or group.
func entityFinder(kind entityKind) func(a *account, name string) (*entity, error) {
	return func(a *account, name string) (*entity, error) { return a.entity(kind, name) }
}

// newID returns a unique IAM ID with prefix, for example AROA for roles,
// in AWS's form: the prefix and 17 upper-case letters and digits.
func (s *state) newID(prefix string) string {
	for {
		id := prefix + RandomID(17)
		if !s.ids[id] {
			s.ids[id] = true
			return id
		}
	}
}

const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

// RandomID returns n random characters of the alphabet of IAM unique IDs
// and access key IDs.
func RandomID(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = idAlphabet[int(b[i])%len(idAlphabet)]
	}
	return string(b)
}

// find looks name up in an account's roles, users or groups, which are
// keyed by lower-case name because IAM names are case-insensitive.
func find[T any](m map[string]*T, kind entityKind, name string) (*T, error) {
	if v := m[strings.ToLower(name)]; v != nil {
		return v, nil
	}
	return nil, protocol.NotFoundf("NoSuchEntity", "The %s with name %s cannot be found.", kind, name)
}

func (a *account) role(name string) (*role, error)   { return find(a.roles, kindRole, name) }
func (a *account) user(name string) (*user, error)   { return find(a.users, kindUser, name) }
func (a *account) group(name string) (*group, error) { return find(a.groups, kindGroup, name) }

// base is the part that roles, users and groups share.
func (e *entity) base() *entity { return e }

// entityOf turns the result of role, user or group into its shared part.
func entityOf[T interface{ base() *entity }](v T, err error) (*entity, error) {
	if err != nil {
		return nil, err
	}
	return v.base(), nil
}

// entity finds a role, user or group of the account by name.
func (a *account) entity(kind entityKind, name string) (*entity, error) {
	switch kind {
	case kindRole:
		return entityOf(a.role(name))
	case kindUser:
		return entityOf(a.user(name))
	default:
		return entityOf(a.group(name))
	}
}

// idPrefixes are the prefixes of the unique IDs of roles, users and
// groups, as in AWS.
var idPrefixes = map[entityKind]string{kindRole: "AROA", kindUser: "AIDA", kindGroup: "AGPA"}

// newEntity returns a new role, user or group of account a, after checking
// that the account has none of that name. The caller holds s.mu and
// stores the entity.
func (s *state) newEntity(a *account, kind entityKind, name, path string, tags []tag, now time.Time) (entity, error) {
	if _, err := a.entity(kind, name); err == nil {
		return entity{}, protocol.Conflictf("EntityAlreadyExists", "%s%s with name %s already exists.", strings.ToUpper(string(kind[:1])), kind[1:], name)
	}
	return entity{
		kind: kind, name: name, path: path, id: s.newID(idPrefixes[kind]),
		arn:     a.arn(string(kind) + path + name),
		created: now, tags: tags, inline: map[string]string{},
	}, nil
}

// entities lists every role, user and group of the account.
func (a *account) entities() []*entity {
	var out []*entity
	for _, r := range a.roles {
		out = append(out, &r.entity)
	}
	for _, u := range a.users {
		out = append(out, &u.entity)
	}
	for _, g := range a.groups {
		out = append(out, &g.entity)
	}
	return out
}

// Role is a read-only view of an emulated IAM role, for other services
// of the emulator (for example Redshift Serverless, which maps a role
// session to the database user IAMR:<name>).
type Role struct {
	Account string
	Name    string
	Path    string
	Arn     string
	RoleID  string
	Tags    map[string]string
}

// LookupRole returns the role with ARN arn, in whichever emulated
// account owns it, and whether it exists. The path in arn must match.
func LookupRole(e *protocol.Env, arn string) (Role, bool) {
	p, ok := parseIAMArn(arn)
	if !ok || p.kind != "role" {
		return Role{}, false
	}
	s := stateOf(e)
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.account(p.account).roles[strings.ToLower(p.name)]
	if r == nil || r.arn != arn {
		return Role{}, false
	}
	tags := map[string]string{}
	for _, t := range r.tags {
		tags[t.Key] = t.Value
	}
	return Role{Account: p.account, Name: r.name, Path: r.path, Arn: r.arn, RoleID: r.id, Tags: tags}, true
}

// arn is the ARN of an IAM resource of the account, such as
// role/path/name.
func (a *account) arn(resource string) string {
	return "arn:" + a.partition + ":iam::" + a.id + ":" + resource
}
