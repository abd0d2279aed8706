package iam

import (
	"maps"
	"slices"
	"strings"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
)

// IAM's bounds of a role's MaxSessionDuration, in seconds.
const (
	minRoleSession     = 3600
	maxRoleSession     = 43200
	defaultRoleSession = 3600
)

type boundaryXML struct {
	PermissionsBoundaryType string
	PermissionsBoundaryArn  string
}

type roleXML struct {
	Path                     string
	RoleName                 string
	RoleId                   string
	Arn                      string
	CreateDate               string
	AssumeRolePolicyDocument string       `xml:",omitempty"`
	Description              string       `xml:",omitempty"`
	MaxSessionDuration       int          `xml:",omitempty"`
	PermissionsBoundary      *boundaryXML `xml:",omitempty"`
	Tags                     tagList      `xml:"Tags,omitempty"`
}

// view renders the role; ListRoles leaves out tags and the boundary, as
// IAM does.
func (r *role) view(full bool) roleXML {
	x := roleXML{
		Path: r.path, RoleName: r.name, RoleId: r.id, Arn: r.arn, CreateDate: formatTime(r.created),
		AssumeRolePolicyDocument: encodeDocument(r.trust), Description: r.description,
		MaxSessionDuration: r.maxSession,
	}
	if full {
		x.Tags = r.tags
		if r.boundary != "" {
			x.PermissionsBoundary = &boundaryXML{PermissionsBoundaryType: "PermissionsBoundaryPolicy", PermissionsBoundaryArn: r.boundary}
		}
	}
	return x
}

type roleResult struct {
	Role roleXML
}

// trustDocumentParam reads and checks a role trust policy, including that
// IAM already knows every principal it names. The caller holds s.mu.
func (s *state) trustDocumentParam(c *protocol.Call, field string) (string, error) {
	doc, err := c.Query.Required(field)
	if err != nil {
		return "", err
	}
	pd, err := parsePolicy(doc, trustDocument)
	if err != nil {
		return "", err
	}
	if policySize(doc) > trustPolicySizeLimit {
		return "", protocol.Conflictf("LimitExceeded", "Cannot exceed quota for ACLSizePerRole: %d", trustPolicySizeLimit)
	}
	for _, p := range pd.awsPrincipals() {
		if !s.knownPrincipal(p, c.Env.Now()) {
			return "", protocol.Errorf("MalformedPolicyDocument", "Invalid principal in policy: \"AWS\":\"%s\"", p)
		}
	}
	return doc, nil
}

func maxSessionParam(q protocol.QueryParams) (int, error) {
	n, err := q.Int("MaxSessionDuration", defaultRoleSession)
	if err != nil {
		return 0, err
	}
	if n < minRoleSession || n > maxRoleSession {
		return 0, protocol.Errorf("ValidationError", "1 validation error detected: Value '%d' at 'maxSessionDuration' failed to satisfy constraint: Member must have value between %d and %d", n, minRoleSession, maxRoleSession)
	}
	return n, nil
}

func descriptionParam(q protocol.QueryParams) (string, error) {
	d := q.Get("Description")
	if len(d) > 1000 {
		return "", protocol.Errorf("ValidationError", "1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 1000")
	}
	return d, nil
}

// boundaryParam checks the PermissionsBoundary parameter: a managed
// policy the account can attach.
func (a *account) boundaryParam(q protocol.QueryParams) (string, error) {
	arn := q.Get("PermissionsBoundary")
	if arn == "" {
		return "", nil
	}
	if _, err := a.policy(arn); err != nil {
		return "", protocol.NotFoundf("NoSuchEntity", "Scope ARN: %s does not exist or is not attachable.", arn)
	}
	return arn, nil
}

func CreateRole(c *protocol.Call) (any, error) {
	q := c.Query
	name, path, err := newEntityParams(q, kindRole, 64)
	if err != nil {
		return nil, err
	}
	maxSession, err := maxSessionParam(q)
	if err != nil {
		return nil, err
	}
	desc, err := descriptionParam(q)
	if err != nil {
		return nil, err
	}
	tags, err := tagsParam(q)
	if err != nil {
		return nil, err
	}
	s, a, unlock := lockCall(c)
	defer unlock()
	trust, err := s.trustDocumentParam(c, "AssumeRolePolicyDocument")
	if err != nil {
		return nil, err
	}
	boundary, err := a.boundaryParam(q)
	if err != nil {
		return nil, err
	}
	ent, err := s.newEntity(a, kindRole, name, path, tags, c.Env.Now())
	if err != nil {
		return nil, err
	}
	r := &role{entity: ent, trust: trust, description: desc, maxSession: maxSession, boundary: boundary}
	a.roles[strings.ToLower(name)] = r
	return roleResult{Role: r.view(true)}, nil
}

func GetRole(c *protocol.Call) (any, error) {
	return on(c, "RoleName", (*account).role, func(_ *state, _ *account, r *role) (any, error) {
		return roleResult{Role: r.view(true)}, nil
	})
}

func UpdateRole(c *protocol.Call) (any, error) {
	q := c.Query
	desc, err := descriptionParam(q)
	if err != nil {
		return nil, err
	}
	maxSession, err := maxSessionParam(q)
	if err != nil {
		return nil, err
	}
	return on(c, "RoleName", (*account).role, func(_ *state, _ *account, r *role) (any, error) {
		if q.Has("Description") {
			r.description = desc
		}
		if q.Has("MaxSessionDuration") {
			r.maxSession = maxSession
		}
		// UpdateRole, unlike most IAM writes, has an (empty) result
		// element that the SDK expects.
		return struct{}{}, nil
	})
}

func UpdateAssumeRolePolicy(c *protocol.Call) (any, error) {
	return on(c, "RoleName", (*account).role, func(s *state, _ *account, r *role) (any, error) {
		trust, err := s.trustDocumentParam(c, "PolicyDocument")
		if err != nil {
			return nil, err
		}
		r.trust = trust
		return nil, nil
	})
}

func DeleteRole(c *protocol.Call) (any, error) {
	return on(c, "RoleName", (*account).role, func(_ *state, a *account, r *role) (any, error) {
		if len(r.attached) > 0 {
			return nil, protocol.Conflictf("DeleteConflict", "Cannot delete entity, must detach all policies first.")
		}
		if len(r.inline) > 0 {
			return nil, protocol.Conflictf("DeleteConflict", "Cannot delete entity, must delete policies first.")
		}
		delete(a.roles, strings.ToLower(r.name))
		return nil, nil
	})
}

type listRolesResult struct {
	Roles []roleXML `xml:"Roles>member"`
	listPage
}

func ListRoles(c *protocol.Call) (any, error) {
	prefix := c.Query.Get("PathPrefix")
	_, a, unlock := lockCall(c)
	defer unlock()
	var views []roleXML
	for _, r := range a.roles {
		if strings.HasPrefix(r.path, prefix) {
			views = append(views, r.view(false))
		}
	}
	slices.SortFunc(views, func(x, y roleXML) int {
		return strings.Compare(strings.ToLower(x.RoleName), strings.ToLower(y.RoleName))
	})
	items, page, err := paginate(c.Query, views)
	if err != nil {
		return nil, err
	}
	return listRolesResult{Roles: items, listPage: page}, nil
}

func PutRolePolicy(c *protocol.Call) (any, error) {
	q := c.Query
	policyName, err := q.Required("PolicyName")
	if err != nil {
		return nil, err
	}
	if err := validateName("policyName", policyName, 128); err != nil {
		return nil, err
	}
	doc, err := identityDocumentParam(q, identityDocument, roleInlinePolicySizeLimit, "RolePolicySize")
	if err != nil {
		return nil, err
	}
	return on(c, "RoleName", (*account).role, func(_ *state, _ *account, r *role) (any, error) {
		r.inline[policyName] = doc
		return nil, nil
	})
}

// inlinePolicy finds an inline policy of the role; IAM's message names
// the policy.
func (r *role) inlinePolicy(name string) (string, error) {
	doc, ok := r.inline[name]
	if !ok {
		return "", protocol.NotFoundf("NoSuchEntity", "The role policy with name %s cannot be found.", name)
	}
	return doc, nil
}

type getRolePolicyResult struct {
	RoleName       string
	PolicyName     string
	PolicyDocument string
}

func GetRolePolicy(c *protocol.Call) (any, error) {
	policyName, err := c.Query.Required("PolicyName")
	if err != nil {
		return nil, err
	}
	return on(c, "RoleName", (*account).role, func(_ *state, _ *account, r *role) (any, error) {
		doc, err := r.inlinePolicy(policyName)
		if err != nil {
			return nil, err
		}
		return getRolePolicyResult{RoleName: r.name, PolicyName: policyName, PolicyDocument: encodeDocument(doc)}, nil
	})
}

func DeleteRolePolicy(c *protocol.Call) (any, error) {
	policyName, err := c.Query.Required("PolicyName")
	if err != nil {
		return nil, err
	}
	return on(c, "RoleName", (*account).role, func(_ *state, _ *account, r *role) (any, error) {
		if _, err := r.inlinePolicy(policyName); err != nil {
			return nil, err
		}
		delete(r.inline, policyName)
		return nil, nil
	})
}

type listRolePoliciesResult struct {
	PolicyNames []string `xml:"PolicyNames>member"`
	listPage
}

func ListRolePolicies(c *protocol.Call) (any, error) {
	return on(c, "RoleName", (*account).role, func(_ *state, _ *account, r *role) (any, error) {
		items, page, err := paginate(c.Query, slices.Sorted(maps.Keys(r.inline)))
		if err != nil {
			return nil, err
		}
		return listRolePoliciesResult{PolicyNames: items, listPage: page}, nil
	})
}
