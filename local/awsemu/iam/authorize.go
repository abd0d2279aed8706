package iam

import (
	"net/http"
	"strings"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
	"github.com/redshift-data-access/redshift-data-access/local/iampolicy"
)

// Identity-based authorization for the calls the emulator authorizes
// (the Redshift Data API, secretsmanager:GetSecretValue, the Redshift
// credential operations and sts:AssumeRole). Every service asks
// Authorize; this file is the one place that collects a caller's
// policies and builds the request that local/iampolicy decides.
//
// Who is checked:
//   - the root user of an account (the emulator's own access keys, and any
//     key it did not issue, which acts as AccountA's root) is allowed
//     everything, as an account's root is in AWS;
//   - a role session has its role's inline and attached managed policies
//     (default versions), limited by the role's permissions boundary; a
//     session whose role no longer exists has none;
//   - an IAM user has its own policies and its groups', limited by its
//     permissions boundary.

// Authorize decides whether c's caller may perform action (for example
// redshift-data:ExecuteStatement) on resource (an ARN, or "*"), with the
// request's condition keys context (resource tags, service keys such as
// redshift-data:statement-owner-iam-userid). It returns nil when the
// caller's identity-based policies allow it, else the AccessDenied error
// of c's service.
func Authorize(c *protocol.Call, action, resource string, context map[string][]string) error {
	req, docs, boundary, admin := callerRequest(c, action, resource, context)
	if admin {
		return nil
	}
	d := iampolicy.Evaluate(docs, req)
	if d.Allowed() && boundary != nil {
		if b := iampolicy.Evaluate([]iampolicy.Document{*boundary}, req); !b.Allowed() {
			return denied(c, action, resource, b, "permissions boundary")
		}
	}
	if !d.Allowed() {
		return denied(c, action, resource, d, "identity-based policy")
	}
	return nil
}

// SetOrganization puts account in the emulated organization orgID (for
// example o-a1b2c3d4e5), so that its principals' requests carry
// aws:PrincipalOrgID; "" takes it out again.
func SetOrganization(e *protocol.Env, account, orgID string) {
	s := stateOf(e)
	s.mu.Lock()
	defer s.mu.Unlock()
	if orgID == "" {
		delete(s.orgs, account)
		return
	}
	s.orgs[account] = orgID
}

// allowAll is what an account's root user may do.
var allowAll = iampolicy.MustParse(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`)

// callerRequest builds the request that c's caller makes, and returns
// the caller's identity-based policies and permissions boundary, or admin
// for an account root.
func callerRequest(c *protocol.Call, action, resource string, context map[string][]string) (req iampolicy.Request, docs []iampolicy.Document, boundary *iampolicy.Document, admin bool) {
	s := stateOf(c.Env)
	s.mu.Lock()
	defer s.mu.Unlock()
	req = iampolicy.Request{Action: action, Resource: resource, Context: context}
	docs, boundary, req.Principal, admin = s.callerPolicies(c.Caller)
	return req, docs, boundary, admin
}

// callerPolicies collects what IAM knows of caller. The caller holds s.mu.
func (s *state) callerPolicies(caller protocol.Identity) (docs []iampolicy.Document, boundary *iampolicy.Document, p iampolicy.Principal, admin bool) {
	p = iampolicy.Principal{ARN: caller.Arn, RoleARN: caller.RoleArn, Account: caller.Account, UserID: caller.UserID, OrgID: s.orgs[caller.Account]}
	if caller.Arn == protocol.RootIdentity(arnPartition(caller.Arn), caller.Account).Arn {
		return []iampolicy.Document{allowAll}, nil, p, true
	}
	var ent *entity
	var boundaryArn string
	var a *account
	switch {
	case caller.RoleArn != "":
		target, ok := parseIAMArn(caller.RoleArn)
		if !ok {
			return nil, nil, p, false
		}
		a = s.account(target.account)
		r := a.roles[strings.ToLower(target.name)]
		if r == nil || r.arn != caller.RoleArn {
			return nil, nil, p, false
		}
		ent, boundaryArn = &r.entity, r.boundary
	default:
		target, ok := parseIAMArn(caller.Arn)
		if !ok || target.kind != "user" {
			return nil, nil, p, false
		}
		a = s.account(target.account)
		u := a.users[strings.ToLower(target.name)]
		if u == nil || u.arn != caller.Arn {
			return nil, nil, p, false
		}
		ent, boundaryArn = &u.entity, u.boundary
		p.Username = u.name
		for _, g := range a.groups {
			for _, m := range g.members {
				if m == strings.ToLower(u.name) {
					docs = append(docs, a.entityDocuments(&g.entity)...)
				}
			}
		}
	}
	docs = append(a.entityDocuments(ent), docs...)
	if boundaryArn != "" {
		if d, ok := a.managedDocument(boundaryArn); ok {
			boundary = &d
		} else {
			boundary = &iampolicy.Document{} // a boundary that no longer exists allows nothing
		}
	}
	return docs, boundary, p, false
}

// entityDocuments are the inline and attached managed policies of a
// role, user or group. A document IAM stored but the evaluator cannot
// read grants nothing. The caller holds the state's lock.
func (a *account) entityDocuments(ent *entity) []iampolicy.Document {
	var docs []iampolicy.Document
	for _, text := range ent.inline {
		if d, err := iampolicy.Parse(text); err == nil {
			docs = append(docs, d)
		}
	}
	for _, arn := range ent.attached {
		if d, ok := a.managedDocument(arn); ok {
			docs = append(docs, d)
		}
	}
	return docs
}

// managedDocument is the default version of managed policy arn.
func (a *account) managedDocument(arn string) (iampolicy.Document, bool) {
	pol, err := a.policy(arn)
	if err != nil {
		return iampolicy.Document{}, false
	}
	v, err := pol.version(pol.defaultVersion)
	if err != nil {
		return iampolicy.Document{}, false
	}
	d, err := iampolicy.Parse(v.document)
	return d, err == nil
}

// denied is the AccessDenied error that c's service answers: IAM and STS
// (query) with code AccessDenied and the short message, Redshift (query)
// with AccessDenied, and the JSON services with AccessDeniedException,
// both with the reason AWS appends.
func denied(c *protocol.Call, action, resource string, d iampolicy.Decision, kind string) error {
	msg := "User: " + c.Caller.Arn + " is not authorized to perform: " + action + " on resource: " + resource
	if c.Service == "sts" || c.Service == "iam" {
		return &protocol.APIError{Status: http.StatusForbidden, Code: "AccessDenied", Message: msg}
	}
	if d.Effect == iampolicy.ExplicitDeny {
		msg += " with an explicit deny in a " + kind
	} else {
		msg += " because no " + kind + " allows the " + action + " action"
	}
	if c.Service == "redshift" {
		return &protocol.APIError{Status: http.StatusForbidden, Code: "AccessDenied", Message: msg}
	}
	return &protocol.APIError{Status: http.StatusBadRequest, Code: "AccessDeniedException", Message: msg}
}
