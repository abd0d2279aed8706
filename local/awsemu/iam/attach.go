package iam

import (
	"slices"
	"strings"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
)

// The attachment operations of roles, users and groups.
var (
	AttachRolePolicy          = attach(kindRole)
	DetachRolePolicy          = detach(kindRole)
	ListAttachedRolePolicies  = listAttached(kindRole)
	AttachUserPolicy          = attach(kindUser)
	DetachUserPolicy          = detach(kindUser)
	ListAttachedUserPolicies  = listAttached(kindUser)
	AttachGroupPolicy         = attach(kindGroup)
	DetachGroupPolicy         = detach(kindGroup)
	ListAttachedGroupPolicies = listAttached(kindGroup)
)

// attach serves AttachRolePolicy, AttachUserPolicy and
// AttachGroupPolicy. Attaching a policy that is already attached changes
// nothing and succeeds, as in IAM.
func attach(kind entityKind) protocol.Handler {
	return onAttachment(kind, func(ent *entity, arn string) error {
		if !slices.Contains(ent.attached, arn) {
			ent.attached = append(ent.attached, arn)
		}
		return nil
	})
}

// detach serves DetachRolePolicy, DetachUserPolicy and
// DetachGroupPolicy.
func detach(kind entityKind) protocol.Handler {
	return onAttachment(kind, func(ent *entity, arn string) error {
		i := slices.Index(ent.attached, arn)
		if i < 0 {
			return protocol.NotFoundf("NoSuchEntity", "Policy %s was not found.", arn)
		}
		ent.attached = slices.Delete(ent.attached, i, i+1)
		return nil
	})
}

// onAttachment serves a change to the attachment of the managed policy
// PolicyArn to the role, user or group the request names, once both
// exist.
func onAttachment(kind entityKind, change func(ent *entity, arn string) error) protocol.Handler {
	return func(c *protocol.Call) (any, error) {
		arn, err := c.Query.Required("PolicyArn")
		if err != nil {
			return nil, err
		}
		return on(c, entityParam(kind), entityFinder(kind), func(_ *state, a *account, ent *entity) (any, error) {
			if _, err := a.policy(arn); err != nil {
				return nil, err
			}
			return nil, change(ent, arn)
		})
	}
}

type attachedPolicyXML struct {
	PolicyName string
	PolicyArn  string
}

type listAttachedResult struct {
	AttachedPolicies []attachedPolicyXML `xml:"AttachedPolicies>member"`
	listPage
}

// listAttached serves ListAttachedRolePolicies,
// ListAttachedUserPolicies and ListAttachedGroupPolicies.
func listAttached(kind entityKind) protocol.Handler {
	return func(c *protocol.Call) (any, error) {
		prefix := c.Query.Get("PathPrefix")
		return on(c, entityParam(kind), entityFinder(kind), func(_ *state, a *account, ent *entity) (any, error) {
			var views []attachedPolicyXML
			for _, arn := range ent.attached {
				// DeletePolicy refuses attached policies, so every ARN
				// here resolves.
				p, err := a.policy(arn)
				if err != nil || !strings.HasPrefix(p.path, prefix) {
					continue
				}
				views = append(views, attachedPolicyXML{PolicyName: p.name, PolicyArn: arn})
			}
			items, page, err := paginate(c.Query, views)
			if err != nil {
				return nil, err
			}
			return listAttachedResult{AttachedPolicies: items, listPage: page}, nil
		})
	}
}

type policyRoleXML struct {
	RoleName string
	RoleId   string
}

type policyUserXML struct {
	UserName string
	UserId   string
}

type policyGroupXML struct {
	GroupName string
	GroupId   string
}

type listEntitiesForPolicyResult struct {
	PolicyGroups []policyGroupXML `xml:"PolicyGroups>member"`
	PolicyUsers  []policyUserXML  `xml:"PolicyUsers>member"`
	PolicyRoles  []policyRoleXML  `xml:"PolicyRoles>member"`
	listPage
}

// ListEntitiesForPolicy lists the roles, users and groups of the
// caller's account that have the policy attached, optionally only one
// kind (EntityFilter Role, User or Group).
func ListEntitiesForPolicy(c *protocol.Call) (any, error) {
	arn, err := c.Query.Required("PolicyArn")
	if err != nil {
		return nil, err
	}
	filter := c.Query.Get("EntityFilter")
	switch filter {
	case "", "Role", "User", "Group":
	default:
		return nil, protocol.Errorf("ValidationError", "1 validation error detected: Value '%s' at 'entityFilter' failed to satisfy constraint: Member must satisfy enum value set: [Role, User, Group, LocalManagedPolicy, AWSManagedPolicy]", filter)
	}
	prefix := c.Query.Get("PathPrefix")
	_, a, unlock := lockCall(c)
	defer unlock()
	if _, err := a.policy(arn); err != nil {
		return nil, err
	}
	var out listEntitiesForPolicyResult
	for _, e := range a.entities() {
		if !slices.Contains(e.attached, arn) || !strings.HasPrefix(e.path, prefix) {
			continue
		}
		switch {
		case e.kind == kindRole && (filter == "" || filter == "Role"):
			out.PolicyRoles = append(out.PolicyRoles, policyRoleXML{RoleName: e.name, RoleId: e.id})
		case e.kind == kindUser && (filter == "" || filter == "User"):
			out.PolicyUsers = append(out.PolicyUsers, policyUserXML{UserName: e.name, UserId: e.id})
		case e.kind == kindGroup && (filter == "" || filter == "Group"):
			out.PolicyGroups = append(out.PolicyGroups, policyGroupXML{GroupName: e.name, GroupId: e.id})
		}
	}
	slices.SortFunc(out.PolicyRoles, func(x, y policyRoleXML) int { return strings.Compare(x.RoleName, y.RoleName) })
	slices.SortFunc(out.PolicyUsers, func(x, y policyUserXML) int { return strings.Compare(x.UserName, y.UserName) })
	slices.SortFunc(out.PolicyGroups, func(x, y policyGroupXML) int { return strings.Compare(x.GroupName, y.GroupName) })
	return out, nil
}
