package iam

import (
	"strings"
	"time"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
	"github.com/redshift-data-access/redshift-data-access/local/iampolicy"
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
// the role must exist and have propagated, and local/iampolicy's
// AssumeRole must allow it with the role's trust policy and the caller's
// identity-based policies (those Authorize collects), the request
// carrying sts:ExternalId and the caller's aws:userid, aws:username and
// aws:PrincipalOrgID. It returns the role, or the AccessDenied or
// ValidationError that STS returns.
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
	trust, err := iampolicy.Parse(role.trust)
	if err != nil {
		return AssumedRole{}, denied
	}
	docs, boundary, principal, _ := s.callerPolicies(c.Caller)
	req := iampolicy.Request{Action: "sts:AssumeRole", Resource: roleArn, Principal: principal}
	if externalID != "" {
		req.Context = map[string][]string{"sts:ExternalId": {externalID}}
	}
	d := iampolicy.AssumeRole(trust, target.account, docs, req)
	if !d.Allowed() {
		return AssumedRole{}, denied
	}
	// An allow that needed the caller's own policies is limited by its
	// permissions boundary too.
	if d.Source == iampolicy.Identity && boundary != nil && !iampolicy.Evaluate([]iampolicy.Document{*boundary}, req).Allowed() {
		return AssumedRole{}, denied
	}
	return AssumedRole{
		Account: target.account, Partition: target.partition, Name: role.name, ID: role.id, Arn: role.arn,
		MaxSessionSeconds: role.maxSession,
	}, nil
}
