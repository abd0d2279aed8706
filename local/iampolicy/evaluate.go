package iampolicy

import "fmt"

// Effect is the outcome of an evaluation.
type Effect int

const (
	// ImplicitDeny: no statement allows the request.
	ImplicitDeny Effect = iota
	// Allow: a statement allows the request and none denies it.
	Allow
	// ExplicitDeny: a Deny statement applies to the request.
	ExplicitDeny
)

func (e Effect) String() string {
	switch e {
	case Allow:
		return "allow"
	case ExplicitDeny:
		return "explicit deny"
	}
	return "implicit deny"
}

// Source says which kind of policy a Decision's statement is in.
type Source int

const (
	// Identity: an identity-based policy of the caller.
	Identity Source = iota
	// Resource: the resource-based policy (for sts:AssumeRole, the
	// role's trust policy).
	Resource
)

func (s Source) String() string {
	if s == Resource {
		return "resource-based policy"
	}
	return "identity-based policy"
}

// Decision is the outcome of an evaluation and the statement that
// decided it. For an implicit deny, Policy and Statement are -1, and
// Source says which kind of policy lacked an Allow.
type Decision struct {
	Effect    Effect
	Source    Source
	Policy    int // index of the document in the evaluated list
	Statement int // index of the statement in the document
	Sid       string
}

// Allowed reports whether the request is allowed.
func (d Decision) Allowed() bool { return d.Effect == Allow }

func (d Decision) String() string {
	if d.Statement < 0 {
		return fmt.Sprintf("%s: no %s allows it", d.Effect, d.Source)
	}
	s := fmt.Sprintf("%s by %s %d statement %d", d.Effect, d.Source, d.Policy, d.Statement)
	if d.Sid != "" {
		s += " (" + d.Sid + ")"
	}
	return s
}

func implicitDeny(src Source) Decision {
	return Decision{Effect: ImplicitDeny, Source: src, Policy: -1, Statement: -1}
}

// Evaluate decides req against the caller's identity-based policies: an
// explicit Deny in any of them wins, then the first Allow, else the
// request is implicitly denied. Principal elements are ignored.
func Evaluate(docs []Document, req Request) Decision {
	ctx := newRequestContext(req)
	allow := implicitDeny(Identity)
	for i, d := range docs {
		for j, st := range d.Statements {
			if !st.applies(d.Version, req, ctx) {
				continue
			}
			dec := Decision{Source: Identity, Policy: i, Statement: j, Sid: st.Sid}
			if st.Effect == "Deny" {
				dec.Effect = ExplicitDeny
				return dec
			}
			if allow.Effect != Allow {
				dec.Effect = Allow
				allow = dec
			}
		}
	}
	return allow
}

// ResourceDecision is a Decision on a resource-based policy.
type ResourceDecision struct {
	Decision
	// Named says the allowing statement names the caller itself (its
	// user, role or session ARN), not just its account or "*": only
	// such a statement grants access without the caller's identity
	// policies.
	Named bool
}

// EvaluateResource decides req against one resource-based policy (a
// trust policy, a secret's or bucket's policy): a statement applies when
// its Principal matches the caller (or its NotPrincipal does not), and
// its action, resource and conditions match. Policy is 0 in the result.
func EvaluateResource(doc Document, req Request) ResourceDecision {
	ctx := newRequestContext(req)
	out := ResourceDecision{Decision: implicitDeny(Resource)}
	for j, st := range doc.Statements {
		var named bool
		switch {
		case st.Principal != nil:
			m := principalMatch(st.Principal, req.Principal)
			if m == noMatch {
				continue
			}
			named = m == byName
		case st.NotPrincipal != nil:
			if principalMatch(st.NotPrincipal, req.Principal) != noMatch {
				continue
			}
		default:
			continue // a resource-based statement without a principal grants no one
		}
		if !st.applies(doc.Version, req, ctx) {
			continue
		}
		dec := Decision{Source: Resource, Policy: 0, Statement: j, Sid: st.Sid}
		if st.Effect == "Deny" {
			dec.Effect = ExplicitDeny
			return ResourceDecision{Decision: dec}
		}
		// Prefer a statement that names the caller over one that
		// names only its account.
		if out.Effect != Allow || (named && !out.Named) {
			dec.Effect = Allow
			out = ResourceDecision{Decision: dec, Named: named}
		}
	}
	return out
}

// AssumeRole decides sts:AssumeRole of the role whose trust policy is
// trust and whose account is roleAccount, by the caller of req with
// identity-based policies identity. req.Action and req.Resource should be
// "sts:AssumeRole" and the role's ARN; sts:ExternalId goes in
// req.Context. As in IAM: a Deny in either policy wins; the trust policy
// must allow the caller; and unless it names the caller itself in the
// role's own account (or names a service), the caller's identity
// policies must allow too.
func AssumeRole(trust Document, roleAccount string, identity []Document, req Request) Decision {
	t := EvaluateResource(trust, req)
	id := Evaluate(identity, req)
	switch {
	case t.Effect == ExplicitDeny:
		return t.Decision
	case id.Effect == ExplicitDeny:
		return id
	case t.Effect != Allow:
		return t.Decision
	case t.Named && (req.Principal.Account == roleAccount || req.Principal.Service != ""):
		// A service has no identity policies to consult.
		return t.Decision
	}
	return id
}

// applies reports whether the statement's action, resource and
// conditions match the request; Effect and principals are the caller's
// business.
func (st Statement) applies(version string, req Request, ctx requestContext) bool {
	if st.Action != nil && !matchAny(st.Action, req.Action, true, false, ctx) {
		return false
	}
	if st.NotAction != nil && matchAny(st.NotAction, req.Action, true, false, ctx) {
		return false
	}
	vars := version == Version2012
	if st.Resource != nil && !matchAny(st.Resource, req.Resource, false, vars, ctx) {
		return false
	}
	if st.NotResource != nil && matchAny(st.NotResource, req.Resource, false, vars, ctx) {
		return false
	}
	for _, c := range st.Conditions {
		if !c.holds(vars, ctx) {
			return false
		}
	}
	return true
}

func matchAny(patterns []string, value string, fold, vars bool, ctx requestContext) bool {
	for _, s := range patterns {
		if s == "*" {
			return true
		}
		p, ok := compilePattern(s, vars, ctx.variable)
		if ok && p.match(value, fold) {
			return true
		}
	}
	return false
}

func (c Condition) holds(vars bool, ctx requestContext) bool {
	policy := make([]pattern, 0, len(c.Values))
	for _, v := range c.Values {
		if p, ok := compilePattern(v, vars && c.op.spec.variables, ctx.variable); ok {
			policy = append(policy, p)
		}
	}
	return c.op.holds(ctx.values(c.Key), policy, c.Values)
}
