package awsemu

import (
	"slices"
	"strconv"
)

// Policy versions: IAM keeps at most five per managed policy, numbers
// them v1, v2, ... without reuse, and one of them is the default.
func init() {
	iamOperations["CreatePolicyVersion"] = iamCreatePolicyVersion
	iamOperations["GetPolicyVersion"] = iamGetPolicyVersion
	iamOperations["ListPolicyVersions"] = iamListPolicyVersions
	iamOperations["DeletePolicyVersion"] = iamDeletePolicyVersion
	iamOperations["SetDefaultPolicyVersion"] = iamSetDefaultPolicyVersion
}

// version finds one version of the policy by ID, such as v3.
func (p *iamPolicy) version(id string) (*iamPolicyVersion, error) {
	for _, v := range p.versions {
		if v.id == id {
			return v, nil
		}
	}
	return nil, NotFoundf("NoSuchEntity", "Policy %s version %s does not exist or is not attachable.", p.arn, id)
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

func iamCreatePolicyVersion(c *Call) (any, error) {
	q := c.Query
	arn, err := iamRequired(q, "PolicyArn")
	if err != nil {
		return nil, err
	}
	doc, err := iamIdentityDocumentParam(q, managedPolicySizeLimit, "PolicySize")
	if err != nil {
		return nil, err
	}
	_, a, unlock := iamCall(c)
	defer unlock()
	p, err := a.ownPolicy(arn)
	if err != nil {
		return nil, err
	}
	if len(p.versions) >= maxPolicyVersions {
		return nil, Conflictf("LimitExceeded", "A managed policy can have up to %d versions. Before you create a new version, you must delete an existing version.", maxPolicyVersions)
	}
	now := c.Emulator.Now()
	v := &iamPolicyVersion{id: "v" + strconv.Itoa(p.nextVersion), document: doc, created: now}
	p.nextVersion++
	p.versions = append(p.versions, v)
	if q.Bool("SetAsDefault", false) {
		p.defaultVersion = v.id
		p.updated = now
	}
	return policyVersionResult{PolicyVersion: p.versionView(v, false)}, nil
}

func iamGetPolicyVersion(c *Call) (any, error) {
	arn, err := iamRequired(c.Query, "PolicyArn")
	if err != nil {
		return nil, err
	}
	id, err := iamRequired(c.Query, "VersionId")
	if err != nil {
		return nil, err
	}
	_, a, unlock := iamCall(c)
	defer unlock()
	p, err := a.policy(arn)
	if err != nil {
		return nil, err
	}
	v, err := p.version(id)
	if err != nil {
		return nil, err
	}
	return policyVersionResult{PolicyVersion: p.versionView(v, true)}, nil
}

type listPolicyVersionsResult struct {
	Versions []policyVersionXML `xml:"Versions>member"`
	iamListPage
}

func iamListPolicyVersions(c *Call) (any, error) {
	arn, err := iamRequired(c.Query, "PolicyArn")
	if err != nil {
		return nil, err
	}
	_, a, unlock := iamCall(c)
	defer unlock()
	p, err := a.policy(arn)
	if err != nil {
		return nil, err
	}
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
}

func iamDeletePolicyVersion(c *Call) (any, error) {
	arn, err := iamRequired(c.Query, "PolicyArn")
	if err != nil {
		return nil, err
	}
	id, err := iamRequired(c.Query, "VersionId")
	if err != nil {
		return nil, err
	}
	_, a, unlock := iamCall(c)
	defer unlock()
	p, err := a.ownPolicy(arn)
	if err != nil {
		return nil, err
	}
	if _, err := p.version(id); err != nil {
		return nil, err
	}
	if id == p.defaultVersion {
		return nil, Conflictf("DeleteConflict", "Cannot delete the default version of a policy.")
	}
	p.versions = slices.DeleteFunc(p.versions, func(v *iamPolicyVersion) bool { return v.id == id })
	return nil, nil
}

func iamSetDefaultPolicyVersion(c *Call) (any, error) {
	arn, err := iamRequired(c.Query, "PolicyArn")
	if err != nil {
		return nil, err
	}
	id, err := iamRequired(c.Query, "VersionId")
	if err != nil {
		return nil, err
	}
	_, a, unlock := iamCall(c)
	defer unlock()
	p, err := a.ownPolicy(arn)
	if err != nil {
		return nil, err
	}
	if _, err := p.version(id); err != nil {
		return nil, err
	}
	p.defaultVersion = id
	p.updated = c.Emulator.Now()
	return nil, nil
}
