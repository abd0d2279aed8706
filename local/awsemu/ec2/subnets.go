package ec2

import (
	"sort"
	"strings"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
)

// subnet is a subnet in one Availability Zone of the region; the zone
// is what VPC endpoints check, at most one endpoint subnet per zone.
type subnet struct {
	id, owner, vpcID, cidr string
	zone, zoneID           string
	tags                   map[string]string
}

type subnetShape struct {
	SubnetID                string `xml:"subnetId"`
	SubnetArn               string `xml:"subnetArn"`
	VpcID                   string `xml:"vpcId"`
	OwnerID                 string `xml:"ownerId"`
	State                   string `xml:"state"`
	CidrBlock               string `xml:"cidrBlock"`
	AvailabilityZone        string `xml:"availabilityZone"`
	AvailabilityZoneID      string `xml:"availabilityZoneId"`
	AvailableIPAddressCount int    `xml:"availableIpAddressCount"`
	DefaultForAz            bool   `xml:"defaultForAz"`
	MapPublicIPOnLaunch     bool   `xml:"mapPublicIpOnLaunch"`
	Tags                    []tag  `xml:"tagSet>item"`
}

func (s *subnet) shape(region string) subnetShape {
	return subnetShape{SubnetID: s.id, SubnetArn: "arn:aws:ec2:" + region + ":" + s.owner + ":subnet/" + s.id,
		VpcID: s.vpcID, OwnerID: s.owner, State: "available", CidrBlock: s.cidr,
		AvailabilityZone: s.zone, AvailabilityZoneID: s.zoneID, AvailableIPAddressCount: 251, Tags: tagList(s.tags)}
}

// zones are the Availability Zones of a region with their zone IDs,
// for example us-east-1a and use1-az1.
func zones(region string) map[string]string {
	// The zone ID prefix abbreviates the region: us-east-1 -> use1.
	short := region
	if parts := strings.Split(region, "-"); len(parts) == 3 && parts[1] != "" {
		short = parts[0] + parts[1][:1] + parts[2]
	}
	zones := map[string]string{}
	for i, letter := range []string{"a", "b", "c", "d", "e", "f"} {
		zones[region+letter] = short + "-az" + string(rune('1'+i))
	}
	return zones
}

func CreateSubnet(c *protocol.Call) (any, error) {
	cidr := c.Query.Get("CidrBlock")
	if cidr == "" {
		return nil, protocol.Errorf("MissingParameter", "The request must contain the parameter CidrBlock")
	}
	tags, err := tagSpecifications(c.Query, "subnet")
	if err != nil {
		return nil, err
	}
	zones := zones(c.Region)
	zone, zoneID := c.Query.Get("AvailabilityZone"), c.Query.Get("AvailabilityZoneId")
	switch {
	case zone != "":
		if zones[zone] == "" {
			return nil, protocol.Errorf("InvalidParameterValue", "Value (%s) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: %s", zone, strings.Join(sortedKeys(zones), ", "))
		}
		zoneID = zones[zone]
	case zoneID != "":
		for z, id := range zones {
			if id == zoneID {
				zone = z
			}
		}
		if zone == "" {
			return nil, protocol.Errorf("InvalidParameterValue", "Value (%s) for parameter availabilityZoneId is invalid", zoneID)
		}
	default:
		zone = c.Region + "a"
		zoneID = zones[zone]
	}
	st := stateOf(c.Env)
	st.mu.Lock()
	defer st.mu.Unlock()
	vpc, err := st.vpcFor(c, c.Query.Get("VpcId"))
	if err != nil {
		return nil, err
	}
	for _, s := range st.subnets {
		if s.vpcID == vpc.id && s.cidr == cidr {
			return nil, protocol.Errorf("InvalidSubnet.Conflict", "The CIDR '%s' conflicts with another subnet", cidr)
		}
	}
	s := &subnet{id: newID("subnet"), owner: c.Account(), vpcID: vpc.id, cidr: cidr, zone: zone, zoneID: zoneID, tags: tags}
	st.subnets[s.id] = s
	return struct {
		Subnet subnetShape `xml:"subnet"`
	}{s.shape(c.Region)}, nil
}

func DescribeSubnets(c *protocol.Call) (any, error) {
	filters := filters(c.Query)
	ids := c.Query.List("SubnetId")
	st := stateOf(c.Env)
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, id := range ids {
		if s := st.subnets[id]; s == nil || s.owner != c.Account() {
			return nil, protocol.Errorf("InvalidSubnetID.NotFound", "The subnet ID '%s' does not exist", id)
		}
	}
	out := []subnetShape{}
	for _, s := range st.subnets {
		attrs := map[string][]string{"subnet-id": {s.id}, "vpc-id": {s.vpcID}, "availability-zone": {s.zone},
			"availability-zone-id": {s.zoneID}, "cidr-block": {s.cidr}, "state": {"available"}}
		if s.owner != c.Account() || !selected(ids, s.id) || !filters.match(attrs, s.tags) {
			continue
		}
		out = append(out, s.shape(c.Region))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].SubnetID < out[j].SubnetID })
	return struct {
		Subnets []subnetShape `xml:"subnetSet>item"`
	}{out}, nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
