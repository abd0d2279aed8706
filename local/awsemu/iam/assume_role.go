package iam

import (
	"strings"
	"time"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
)

// AssumedRole is what sts:AssumeRole needs of the role it assumes.
type AssumedRole struct {
	Account   string
	Partition string
	Name      string
	ID        string
	Arn       string
	// MaxSessionSeconds is the role's MaxSessionDuration.
	MaxSessionSeconds int
}

// AuthorizeAssumeRole decides, as IAM does for sts:AssumeRole at time
// now, whether c's caller may assume the role roleArn, passing externalID:
// the role must exist and have propagated, its trust policy must admit
// the caller and, for a role session that the trust admits only through
// its account or that assumes a role in another account, the caller's own
// policies must allow sts:AssumeRole on the role. It returns the role, or
// the AccessDenied or ValidationError that STS returns.
func AuthorizeAssumeRole(c *protocol.Call, roleArn, externalID string, now time.Time) (AssumedRole, error) {
	s := stateOf(c.Env)
	s.mu.Lock()
	defer s.mu.Unlock()
	denied := accessDenied("User: %s is not authorized to perform: sts:AssumeRole on resource: %s", c.Caller.Arn, roleArn)
	target, ok := parseIAMArn(roleArn)
	if !ok || target.kind != "role" {
		return AssumedRole{}, protocol.Errorf("ValidationError", "%s is invalid", roleArn)
	}
	role := s.account(target.account).roles[strings.ToLower(target.name)]
	if role == nil || role.arn != roleArn || !s.propagated(role.created, now) {
		return AssumedRole{}, denied
	}
	match := trustAllows(role.trust, c.Caller, externalID)
	if match == trustDenied {
		return AssumedRole{}, denied
	}
	if c.Caller.RoleArn != "" && (match == trustByAccount || target.account != c.Caller.Account) {
		if !s.callerRoleAllows(c.Caller, "sts:AssumeRole", roleArn) {
			return AssumedRole{}, denied
		}
	}
	return AssumedRole{
		Account: target.account, Partition: target.partition, Name: role.name, ID: role.id, Arn: role.arn,
		MaxSessionSeconds: role.maxSession,
	}, nil
}

// callerRoleAllows evaluates the identity-based policies of the role
// behind a session. The caller holds s.mu.
func (s *state) callerRoleAllows(caller protocol.Identity, action, resource string) bool {
	p, ok := parseIAMArn(caller.RoleArn)
	if !ok {
		return false
	}
	a := s.account(p.account)
	r := a.roles[strings.ToLower(p.name)]
	if r == nil {
		return false
	}
	var docs []string
	for _, doc := range r.inline {
		docs = append(docs, doc)
	}
	for _, arn := range r.attached {
		pol, err := a.policy(arn)
		if err != nil {
			continue
		}
		if v, err := pol.version(pol.defaultVersion); err == nil {
			docs = append(docs, v.document)
		}
	}
	return identityAllows(docs, action, resource)
}
