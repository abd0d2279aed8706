package iam

import (
	"slices"
	"strconv"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
)

// Policy versions: IAM keeps at most five per managed policy, numbers
// them v1, v2, ... without reuse, and one of them is the default.
// version finds one version of the policy by ID, such as v3.
func (p *iamPolicy) version(id string) (*iamPolicyVersion, error) {
	for _, v := range p.versions {
		if v.id == id {
			return v, nil
		}
	}
	return nil, protocol.NotFoundf("NoSuchEntity", "Policy %s version %s does not exist or is not attachable.", p.arn, id)
}

func (p *iamPolicy) versionView(v *iamPolicyVersion, withDocument bool) policyVersionXML {
	x := policyVersionXML{VersionId: v.id, IsDefaultVersion: v.id == p.defaultVersion, CreateDate: iamTime(v.created)}
	if withDocument {
		x.Document = iamEncodeDocument(v.document)
	}
	return x
}

type policyVersionResult struct {
	PolicyVersion policyVersionXML
}

func CreatePolicyVersion(c *protocol.Call) (any, error) {
	q := c.Query
	doc, err := iamIdentityDocumentParam(q, iamManagedDocument, ManagedPolicySizeLimit, "PolicySize")
	if err != nil {
		return nil, err
	}
	return iamOn(c, "PolicyArn", (*iamAccount).ownPolicy, func(_ *iamState, _ *iamAccount, p *iamPolicy) (any, error) {
		if len(p.versions) >= MaxPolicyVersions {
			return nil, protocol.Conflictf("LimitExceeded", "A managed policy can have up to %d versions. Before you create a new version, you must delete an existing version.", MaxPolicyVersions)
		}
		now := c.Env.Now()
		v := &iamPolicyVersion{id: "v" + strconv.Itoa(p.nextVersion), document: doc, created: now}
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
	return iamOnPolicyVersion(c, (*iamAccount).policy, func(p *iamPolicy, v *iamPolicyVersion) (any, error) {
		return policyVersionResult{PolicyVersion: p.versionView(v, true)}, nil
	})
}

// iamOnPolicyVersion serves an operation on the version VersionId of the
// managed policy PolicyArn, which find looks up.
func iamOnPolicyVersion(c *protocol.Call, find func(a *iamAccount, arn string) (*iamPolicy, error), serve func(p *iamPolicy, v *iamPolicyVersion) (any, error)) (any, error) {
	id, err := c.Query.Required("VersionId")
	if err != nil {
		return nil, err
	}
	return iamOn(c, "PolicyArn", find, func(_ *iamState, _ *iamAccount, p *iamPolicy) (any, error) {
		v, err := p.version(id)
		if err != nil {
			return nil, err
		}
		return serve(p, v)
	})
}

type listPolicyVersionsResult struct {
	Versions []policyVersionXML `xml:"Versions>member"`
	iamListPage
}

func ListPolicyVersions(c *protocol.Call) (any, error) {
	return iamOn(c, "PolicyArn", (*iamAccount).policy, func(_ *iamState, _ *iamAccount, p *iamPolicy) (any, error) {
		// IAM lists the newest version first.
		var views []policyVersionXML
		for i := len(p.versions) - 1; i >= 0; i-- {
			views = append(views, p.versionView(p.versions[i], false))
		}
		items, page, err := iamPaginate(c.Query, views)
		if err != nil {
			return nil, err
		}
		return listPolicyVersionsResult{Versions: items, iamListPage: page}, nil
	})
}

func DeletePolicyVersion(c *protocol.Call) (any, error) {
	return iamOnPolicyVersion(c, (*iamAccount).ownPolicy, func(p *iamPolicy, v *iamPolicyVersion) (any, error) {
		if v.id == p.defaultVersion {
			return nil, protocol.Conflictf("DeleteConflict", "Cannot delete the default version of a policy.")
		}
		p.versions = slices.DeleteFunc(p.versions, func(x *iamPolicyVersion) bool { return x == v })
		return nil, nil
	})
}

func SetDefaultPolicyVersion(c *protocol.Call) (any, error) {
	return iamOnPolicyVersion(c, (*iamAccount).ownPolicy, func(p *iamPolicy, v *iamPolicyVersion) (any, error) {
		p.defaultVersion = v.id
		p.updated = c.Env.Now()
		return nil, nil
	})
}
