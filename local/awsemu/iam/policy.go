package iam

import (
	"slices"
	"strings"
	"time"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
)

// policy is a managed policy: customer managed in one account, or an
// AWS managed policy shared by all.
type policy struct {
	name, path, id, arn, description string
	created, updated                 time.Time
	versions                         []*policyVersion // oldest first
	defaultVersion                   string
	nextVersion                      int
	tags                             []tag
	awsManaged                       bool
}

type policyVersion struct {
	id       string
	document string
	created  time.Time
}

// MaxPolicyVersions is IAM's limit of versions per managed policy.
const MaxPolicyVersions = 5

type policyXML struct {
	PolicyName                    string
	PolicyId                      string
	Arn                           string
	Path                          string
	DefaultVersionId              string
	AttachmentCount               int
	PermissionsBoundaryUsageCount int
	IsAttachable                  bool
	Description                   string `xml:",omitempty"`
	CreateDate                    string
	UpdateDate                    string
	Tags                          tagList `xml:"Tags,omitempty"`
}

type policyVersionXML struct {
	Document         string `xml:",omitempty"`
	VersionId        string
	IsDefaultVersion bool
	CreateDate       string
}

// policyView renders p as the caller's account sees it: attachment counts
// are per account, also for AWS managed policies.
func (a *account) policyView(p *policy, withDetails bool) policyXML {
	x := policyXML{
		PolicyName: p.name, PolicyId: p.id, Arn: p.arn, Path: p.path,
		DefaultVersionId: p.defaultVersion, IsAttachable: true,
		CreateDate: formatTime(p.created), UpdateDate: formatTime(p.updated),
	}
	x.AttachmentCount, x.PermissionsBoundaryUsageCount = a.policyUsage(p.arn)
	if withDetails {
		x.Description = p.description
		x.Tags = p.tags
	}
	return x
}

// policyUsage counts the entities the policy is attached to and those
// that use it as permissions boundary.
func (a *account) policyUsage(arn string) (attachments, boundaries int) {
	for _, e := range a.entities() {
		if slices.Contains(e.attached, arn) {
			attachments++
		}
	}
	for _, r := range a.roles {
		if r.boundary == arn {
			boundaries++
		}
	}
	for _, u := range a.users {
		if u.boundary == arn {
			boundaries++
		}
	}
	return attachments, boundaries
}

// policy finds a managed policy that the account can use by ARN: its own
// customer managed policies and the AWS managed ones.
func (a *account) policy(arn string) (*policy, error) {
	p, ok := parseIAMArn(arn)
	if !ok || p.kind != "policy" {
		return nil, protocol.Errorf("InvalidInput", "ARN %s is not valid.", arn)
	}
	var pol *policy
	switch p.account {
	case "aws":
		pol = a.managed[arn]
	case a.id:
		if x := a.policies[strings.ToLower(p.name)]; x != nil && x.arn == arn {
			pol = x
		}
	}
	if pol == nil {
		return nil, protocol.NotFoundf("NoSuchEntity", "Policy %s does not exist or is not attachable.", arn)
	}
	return pol, nil
}

// ownPolicy is policy for operations that change it, which AWS managed
// policies refuse.
func (a *account) ownPolicy(arn string) (*policy, error) {
	p, err := a.policy(arn)
	if err != nil {
		return nil, err
	}
	if p.awsManaged {
		return nil, accessDenied("Cannot modify policies outside your own account: %s", arn)
	}
	return p, nil
}

// identityDocumentParam reads and checks a permission policy document
// of kind identityDocument or managedDocument.
func identityDocumentParam(q protocol.QueryParams, kind documentKind, sizeLimit int, quota string) (string, error) {
	doc, err := q.Required("PolicyDocument")
	if err != nil {
		return "", err
	}
	if _, err := parsePolicy(doc, kind); err != nil {
		return "", err
	}
	if policySize(doc) > sizeLimit {
		return "", protocol.Conflictf("LimitExceeded", "Cannot exceed quota for %s: %d", quota, sizeLimit)
	}
	return doc, nil
}

type policyResult struct {
	Policy policyXML
}

func CreatePolicy(c *protocol.Call) (any, error) {
	q := c.Query
	name, err := q.Required("PolicyName")
	if err != nil {
		return nil, err
	}
	if err := validateName("policyName", name, 128); err != nil {
		return nil, err
	}
	path, err := pathParam(q, "Path")
	if err != nil {
		return nil, err
	}
	doc, err := identityDocumentParam(q, managedDocument, ManagedPolicySizeLimit, "PolicySize")
	if err != nil {
		return nil, err
	}
	if len(q.Get("Description")) > 1000 {
		return nil, protocol.Errorf("ValidationError", "1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 1000")
	}
	tags, err := tagsParam(q)
	if err != nil {
		return nil, err
	}
	s, a, unlock := lockCall(c)
	defer unlock()
	if a.policies[strings.ToLower(name)] != nil {
		return nil, protocol.Conflictf("EntityAlreadyExists", "A policy called %s already exists. Duplicate names are not allowed.", name)
	}
	now := c.Env.Now()
	p := &policy{
		name: name, path: path, id: s.newID("ANPA"), description: q.Get("Description"),
		arn:     a.arn("policy" + path + name),
		created: now, updated: now, tags: tags,
		versions:       []*policyVersion{{id: "v1", document: doc, created: now}},
		defaultVersion: "v1", nextVersion: 2,
	}
	a.policies[strings.ToLower(name)] = p
	view := a.policyView(p, true)
	view.Description = "" // CreatePolicy's result omits the description
	return policyResult{Policy: view}, nil
}

func GetPolicy(c *protocol.Call) (any, error) {
	return on(c, "PolicyArn", (*account).policy, func(_ *state, a *account, p *policy) (any, error) {
		return policyResult{Policy: a.policyView(p, true)}, nil
	})
}

func DeletePolicy(c *protocol.Call) (any, error) {
	return on(c, "PolicyArn", (*account).ownPolicy, func(_ *state, a *account, p *policy) (any, error) {
		if n, b := a.policyUsage(p.arn); n > 0 || b > 0 {
			return nil, protocol.Conflictf("DeleteConflict", "Cannot delete a policy attached to entities.")
		}
		if len(p.versions) > 1 {
			return nil, protocol.Conflictf("DeleteConflict", "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")
		}
		delete(a.policies, strings.ToLower(p.name))
		return nil, nil
	})
}

type listPoliciesResult struct {
	Policies []policyXML `xml:"Policies>member"`
	listPage
}

func ListPolicies(c *protocol.Call) (any, error) {
	q := c.Query
	scope := q.Get("Scope")
	switch scope {
	case "":
		scope = "All"
	case "All", "AWS", "Local":
	default:
		return nil, protocol.Errorf("ValidationError", "1 validation error detected: Value '%s' at 'scope' failed to satisfy constraint: Member must satisfy enum value set: [All, AWS, Local]", scope)
	}
	prefix := q.Get("PathPrefix")
	onlyAttached := q.Bool("OnlyAttached", false)
	_, a, unlock := lockCall(c)
	defer unlock()
	var all []*policy
	if scope != "Local" {
		for _, p := range a.managed {
			all = append(all, p)
		}
	}
	if scope != "AWS" {
		for _, p := range a.policies {
			all = append(all, p)
		}
	}
	var views []policyXML
	for _, p := range all {
		v := a.policyView(p, false)
		if !strings.HasPrefix(p.path, prefix) || (onlyAttached && v.AttachmentCount == 0) {
			continue
		}
		views = append(views, v)
	}
	slices.SortFunc(views, func(x, y policyXML) int {
		return strings.Compare(strings.ToLower(x.PolicyName), strings.ToLower(y.PolicyName))
	})
	items, page, err := paginate(q, views)
	if err != nil {
		return nil, err
	}
	return listPoliciesResult{Policies: items, listPage: page}, nil
}
