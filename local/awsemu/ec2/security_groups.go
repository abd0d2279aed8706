package ec2

import (
	"sort"
	"strings"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
)

type securityGroupShape struct {
	GroupID          string `xml:"groupId"`
	GroupName        string `xml:"groupName"`
	GroupDescription string `xml:"groupDescription"`
	VpcID            string `xml:"vpcId"`
	OwnerID          string `xml:"ownerId"`
	Tags             []tag  `xml:"tagSet>item"`
}

func (g *securityGroup) shape() securityGroupShape {
	return securityGroupShape{GroupID: g.id, GroupName: g.name, GroupDescription: g.description,
		VpcID: g.vpcID, OwnerID: g.owner, Tags: tagList(g.tags)}
}

func CreateSecurityGroup(c *protocol.Call) (any, error) {
	name, desc := c.Query.Get("GroupName"), c.Query.Get("GroupDescription")
	if name == "" || desc == "" {
		return nil, protocol.Errorf("MissingParameter", "The request must contain the parameters GroupName and GroupDescription")
	}
	if strings.HasPrefix(strings.ToLower(name), "sg-") {
		return nil, protocol.Errorf("InvalidParameterValue", "Group names may not be in the format sg-*")
	}
	tags, err := tagSpecifications(c.Query, "security-group")
	if err != nil {
		return nil, err
	}
	st := stateOf(c.Env)
	st.mu.Lock()
	defer st.mu.Unlock()
	vpc, err := st.vpcFor(c, c.Query.Get("VpcId"))
	if err != nil {
		return nil, err
	}
	for _, g := range st.groups {
		if g.vpcID == vpc.id && g.name == name {
			return nil, protocol.Errorf("InvalidGroup.Duplicate", "The security group '%s' already exists for VPC '%s'", name, vpc.id)
		}
	}
	g := &securityGroup{id: newID("sg"), owner: c.Account(), vpcID: vpc.id, name: name, description: desc, tags: tags}
	st.groups[g.id] = g
	return struct {
		GroupID string `xml:"groupId"`
		Arn     string `xml:"securityGroupArn"`
		Tags    []tag  `xml:"tagSet>item"`
	}{g.id, "arn:aws:ec2:" + c.Region + ":" + g.owner + ":security-group/" + g.id, tagList(tags)}, nil
}

func DescribeSecurityGroups(c *protocol.Call) (any, error) {
	filters := filters(c.Query)
	ids, names := c.Query.List("GroupId"), c.Query.List("GroupName")
	st := stateOf(c.Env)
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, id := range ids {
		if g := st.groups[id]; g == nil || g.owner != c.Account() {
			return nil, protocol.Errorf("InvalidGroup.NotFound", "The security group '%s' does not exist", id)
		}
	}
	out := []securityGroupShape{}
	for _, g := range st.groups {
		attrs := map[string][]string{"group-id": {g.id}, "group-name": {g.name}, "vpc-id": {g.vpcID}, "description": {g.description}}
		if g.owner != c.Account() || !selected(ids, g.id) || !selected(names, g.name) || !filters.match(attrs, g.tags) {
			continue
		}
		out = append(out, g.shape())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].GroupID < out[j].GroupID })
	return struct {
		Groups []securityGroupShape `xml:"securityGroupInfo>item"`
	}{out}, nil
}
