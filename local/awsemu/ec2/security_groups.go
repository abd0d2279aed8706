package ec2

import (
	"sort"
	"strings"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
)

type ec2SecurityGroupShape struct {
	GroupID          string   `xml:"groupId"`
	GroupName        string   `xml:"groupName"`
	GroupDescription string   `xml:"groupDescription"`
	VpcID            string   `xml:"vpcId"`
	OwnerID          string   `xml:"ownerId"`
	Tags             []ec2Tag `xml:"tagSet>item"`
}

func (g *ec2SecurityGroup) shape() ec2SecurityGroupShape {
	return ec2SecurityGroupShape{GroupID: g.id, GroupName: g.name, GroupDescription: g.description,
		VpcID: g.vpcID, OwnerID: g.owner, Tags: ec2Tags(g.tags)}
}

func CreateSecurityGroup(c *protocol.Call) (any, error) {
	name, desc := c.Query.Get("GroupName"), c.Query.Get("GroupDescription")
	if name == "" || desc == "" {
		return nil, protocol.Errorf("MissingParameter", "The request must contain the parameters GroupName and GroupDescription")
	}
	if strings.HasPrefix(strings.ToLower(name), "sg-") {
		return nil, protocol.Errorf("InvalidParameterValue", "Group names may not be in the format sg-*")
	}
	tags, err := ec2TagSpecifications(c.Query, "security-group")
	if err != nil {
		return nil, err
	}
	st := ec2StateOf(c.Env)
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
	g := &ec2SecurityGroup{id: ec2ID("sg"), owner: c.Account(), vpcID: vpc.id, name: name, description: desc, tags: tags}
	st.groups[g.id] = g
	return struct {
		GroupID string   `xml:"groupId"`
		Arn     string   `xml:"securityGroupArn"`
		Tags    []ec2Tag `xml:"tagSet>item"`
	}{g.id, "arn:aws:ec2:" + c.Region + ":" + g.owner + ":security-group/" + g.id, ec2Tags(tags)}, nil
}

func DescribeSecurityGroups(c *protocol.Call) (any, error) {
	filters := ec2Filters(c.Query)
	ids, names := c.Query.List("GroupId"), c.Query.List("GroupName")
	st := ec2StateOf(c.Env)
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, id := range ids {
		if g := st.groups[id]; g == nil || g.owner != c.Account() {
			return nil, protocol.Errorf("InvalidGroup.NotFound", "The security group '%s' does not exist", id)
		}
	}
	out := []ec2SecurityGroupShape{}
	for _, g := range st.groups {
		attrs := map[string][]string{"group-id": {g.id}, "group-name": {g.name}, "vpc-id": {g.vpcID}, "description": {g.description}}
		if g.owner != c.Account() || !ec2Selected(ids, g.id) || !ec2Selected(names, g.name) || !filters.match(attrs, g.tags) {
			continue
		}
		out = append(out, g.shape())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].GroupID < out[j].GroupID })
	return struct {
		Groups []ec2SecurityGroupShape `xml:"securityGroupInfo>item"`
	}{out}, nil
}
