package iam

import (
	"slices"
	"strconv"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
)

// Policy versions: IAM keeps at most five per managed policy, numbers
// them v1, v2, ... without reuse, and one of them is the default.
// version finds one version of the policy by ID, such as v3.
func (p *policy) version(id string) (*policyVersion, error) {
	for _, v := range p.versions {
		if v.id == id {
			return v, nil
		}
	}
	return nil, protocol.NotFoundf("NoSuchEntity", "Policy %s version %s does not exist or is not attachable.", p.arn, id)
}

func (p *policy) versionView(v *policyVersion, withDocument bool) policyVersionXML {
	x := policyVersionXML{VersionId: v.id, IsDefaultVersion: v.id == p.defaultVersion, CreateDate: formatTime(v.created)}
	if withDocument {
		x.Document = encodeDocument(v.document)
	}
	return x
}

type policyVersionResult struct {
	PolicyVersion policyVersionXML
}

func CreatePolicyVersion(c *protocol.Call) (any, error) {
	q := c.Query
	doc, err := identityDocumentParam(q, managedDocument, ManagedPolicySizeLimit, "PolicySize")
	if err != nil {
		return nil, err
	}
	return on(c, "PolicyArn", (*account).ownPolicy, func(_ *state, _ *account, p *policy) (any, error) {
		if len(p.versions) >= MaxPolicyVersions {
			return nil, protocol.Conflictf("LimitExceeded", "A managed policy can have up to %d versions. Before you create a new version, you must delete an existing version.", MaxPolicyVersions)
		}
		now := c.Env.Now()
		v := &policyVersion{id: "v" + strconv.Itoa(p.nextVersion), document: doc, created: now}
		p.nextVersion++
		p.versions = append(p.versions, v)
		if q.Bool("SetAsDefault", false) {
			p.defaultVersion = v.id
			p.updated = now
		}
		return policyVersionResult{PolicyVersion: p.versionView(v, false)}, nil
	})
}

func GetPolicyVersion(c *protocol.Call) (any, error) {
	return onPolicyVersion(c, (*account).policy, func(p *policy, v *policyVersion) (any, error) {
		return policyVersionResult{PolicyVersion: p.versionView(v, true)}, nil
	})
}

// onPolicyVersion serves an operation on the version VersionId of the
// managed policy PolicyArn, which find looks up.
func onPolicyVersion(c *protocol.Call, find func(a *account, arn string) (*policy, error), serve func(p *policy, v *policyVersion) (any, error)) (any, error) {
	id, err := c.Query.Required("VersionId")
	if err != nil {
		return nil, err
	}
	return on(c, "PolicyArn", find, func(_ *state, _ *account, p *policy) (any, error) {
		v, err := p.version(id)
		if err != nil {
			return nil, err
		}
		return serve(p, v)
	})
}

type listPolicyVersionsResult struct {
	Versions []policyVersionXML `xml:"Versions>member"`
	listPage
}

func ListPolicyVersions(c *protocol.Call) (any, error) {
	return on(c, "PolicyArn", (*account).policy, func(_ *state, _ *account, p *policy) (any, error) {
		// IAM lists the newest version first.
		var views []policyVersionXML
		for i := len(p.versions) - 1; i >= 0; i-- {
			views = append(views, p.versionView(p.versions[i], false))
		}
		items, page, err := paginate(c.Query, views)
		if err != nil {
			return nil, err
		}
		return listPolicyVersionsResult{Versions: items, listPage: page}, nil
	})
}

func DeletePolicyVersion(c *protocol.Call) (any, error) {
	return onPolicyVersion(c, (*account).ownPolicy, func(p *policy, v *policyVersion) (any, error) {
		if v.id == p.defaultVersion {
			return nil, protocol.Conflictf("DeleteConflict", "Cannot delete the default version of a policy.")
		}
		p.versions = slices.DeleteFunc(p.versions, func(x *policyVersion) bool { return x == v })
		return nil, nil
	})
}

func SetDefaultPolicyVersion(c *protocol.Call) (any, error) {
	return onPolicyVersion(c, (*account).ownPolicy, func(p *policy, v *policyVersion) (any, error) {
		p.defaultVersion = v.id
		p.updated = c.Env.Now()
		return nil, nil
	})
}
