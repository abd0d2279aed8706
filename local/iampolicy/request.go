package iampolicy

import "strings"

// Principal is the identity that makes a request.
type Principal struct {
	// ARN is the caller's ARN: an IAM user, a role session
	// (arn:aws:sts::<account>:assumed-role/<role>/<session>) or an
	// account root.
	ARN string
	// RoleARN is, for a role session, the IAM ARN of its role (with
	// its path), which trust and resource policies name.
	RoleARN  string
	Account  string
	UserID   string // aws:userid, e.g. AIDA... or AROA...:<session>
	Username string // aws:username; IAM users only
	OrgID    string // aws:PrincipalOrgID; "" outside an organization
	// Service is a service principal such as lambda.amazonaws.com, for
	// a service that assumes a role; "" for IAM identities.
	Service string
}

// Request is what a caller asks for.
type Request struct {
	Action    string // e.g. "redshift-data:ExecuteStatement"
	Resource  string // an ARN, or "*" for an action on no resource
	Principal Principal
	// Context holds the request's condition keys, such as
	// "aws:ResourceTag/RedshiftDataFullAccess" or
	// "redshift-data:statement-owner-iam-userid". Keys compare without
	// regard to case; a key with no values counts as missing. The
	// principal's global keys (aws:userid, aws:username,
	// aws:PrincipalAccount, aws:PrincipalArn, aws:PrincipalOrgID) are
	// added from Principal unless set here.
	Context map[string][]string
}

// ResourceTags returns the condition keys that a resource's tags put in
// a request's context: aws:ResourceTag/<key> for every service and,
// where the service has its own form too (Secrets Manager's
// secretsmanager:ResourceTag/<key>), <service>:ResourceTag/<key>.
func ResourceTags(service string, tags map[string]string) map[string][]string {
	out := make(map[string][]string, 2*len(tags))
	for k, v := range tags {
		out["aws:ResourceTag/"+k] = []string{v}
		if service != "" {
			out[service+":ResourceTag/"+k] = []string{v}
		}
	}
	return out
}

// requestContext is a request's condition keys, lower-cased.
type requestContext map[string][]string

func newRequestContext(req Request) requestContext {
	ctx := make(requestContext, len(req.Context)+5)
	for k, v := range req.Context {
		ctx[strings.ToLower(k)] = v
	}
	principalArn := req.Principal.ARN
	if req.Principal.RoleARN != "" {
		principalArn = req.Principal.RoleARN
	}
	for k, v := range map[string]string{
		"aws:userid":           req.Principal.UserID,
		"aws:username":         req.Principal.Username,
		"aws:principalaccount": req.Principal.Account,
		"aws:principalarn":     principalArn,
		"aws:principalorgid":   req.Principal.OrgID,
	} {
		if _, set := ctx[k]; !set && v != "" {
			ctx[k] = []string{v}
		}
	}
	return ctx
}

func (c requestContext) values(key string) []string { return c[strings.ToLower(key)] }

// variable is the value of a policy variable: only a key with exactly
// one value can be one.
func (c requestContext) variable(key string) (string, bool) {
	v := c.values(key)
	if len(v) != 1 {
		return "", false
	}
	return v[0], true
}
