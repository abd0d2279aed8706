package ec2

import (
	"crypto/rand"
	"encoding/hex"
	"sort"
	"sync"
	"time"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
)

// state is the EC2 state of one emulator. mu guards every field and
// every object reachable from them.
type state struct {
	mu        sync.Mutex
	vpcs      map[string]*vpc
	subnets   map[string]*subnet
	groups    map[string]*securityGroup
	endpoints map[string]*endpoint
	// tokens maps account|ClientToken to the endpoint that token created.
	tokens map[string]tokenUse
	endpointBehaviour
}

func stateOf(e *protocol.Env) *state {
	return protocol.State(e, "ec2", func() *state {
		return &state{
			vpcs:      map[string]*vpc{},
			subnets:   map[string]*subnet{},
			groups:    map[string]*securityGroup{},
			endpoints: map[string]*endpoint{},
			tokens:    map[string]tokenUse{},
			endpointBehaviour: endpointBehaviour{
				deletedVisibleFor: DefaultDeletedEndpointVisibility,
			},
		}
	})
}

type vpc struct {
	id, owner, cidr string
	dnsSupport      bool
	dnsHostnames    bool
	defaultGroupID  string
	tags            map[string]string
}

type securityGroup struct {
	id, owner, vpcID, name, description string
	tags                                map[string]string
}

// tag is an EC2 tag on the wire (tagSet/item).
type tag struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

func tagList(m map[string]string) []tag {
	out := make([]tag, 0, len(m))
	for k, v := range m {
		out = append(out, tag{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

type vpcShape struct {
	VpcID           string `xml:"vpcId"`
	OwnerID         string `xml:"ownerId"`
	State           string `xml:"state"`
	CidrBlock       string `xml:"cidrBlock"`
	DhcpOptionsID   string `xml:"dhcpOptionsId"`
	InstanceTenancy string `xml:"instanceTenancy"`
	IsDefault       bool   `xml:"isDefault"`
	Tags            []tag  `xml:"tagSet>item"`
}

func (v *vpc) shape() vpcShape {
	return vpcShape{VpcID: v.id, OwnerID: v.owner, State: "available", CidrBlock: v.cidr,
		DhcpOptionsID: "dopt-00000000000000000", InstanceTenancy: "default", Tags: tagList(v.tags)}
}

// newID returns a new resource ID such as vpc-0a1b2c3d4e5f60718.
func newID(prefix string) string {
	var b [9]byte
	_, _ = rand.Read(b[:])
	return prefix + "-" + hex.EncodeToString(b[:])[:17]
}

func CreateVpc(c *protocol.Call) (any, error) {
	cidr := c.Query.Get("CidrBlock")
	if cidr == "" {
		return nil, protocol.Errorf("MissingParameter", "The request must contain the parameter CidrBlock")
	}
	tags, err := tagSpecifications(c.Query, "vpc")
	if err != nil {
		return nil, err
	}
	st := stateOf(c.Env)
	st.mu.Lock()
	defer st.mu.Unlock()
	vpc := &vpc{id: newID("vpc"), owner: c.Account(), cidr: cidr, dnsSupport: true, tags: tags}
	group := &securityGroup{id: newID("sg"), owner: c.Account(), vpcID: vpc.id, name: "default",
		description: "default VPC security group", tags: map[string]string{}}
	vpc.defaultGroupID = group.id
	st.vpcs[vpc.id] = vpc
	st.groups[group.id] = group
	return struct {
		Vpc vpcShape `xml:"vpc"`
	}{vpc.shape()}, nil
}

func DescribeVpcs(c *protocol.Call) (any, error) {
	filters := filters(c.Query)
	ids := c.Query.List("VpcId")
	st := stateOf(c.Env)
	st.mu.Lock()
	defer st.mu.Unlock()
	out := []vpcShape{}
	for _, id := range ids {
		if v := st.vpcs[id]; v == nil || v.owner != c.Account() {
			return nil, protocol.Errorf("InvalidVpcID.NotFound", "The vpc ID '%s' does not exist", id)
		}
	}
	for _, v := range st.vpcs {
		attrs := map[string][]string{"vpc-id": {v.id}, "cidr": {v.cidr}, "state": {"available"}}
		if v.owner != c.Account() || !selected(ids, v.id) || !filters.match(attrs, v.tags) {
			continue
		}
		out = append(out, v.shape())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].VpcID < out[j].VpcID })
	return struct {
		Vpcs []vpcShape `xml:"vpcSet>item"`
	}{out}, nil
}

// vpcFor returns the caller's VPC id, or InvalidVpcID.NotFound. st.mu must
// be held.
func (st *state) vpcFor(c *protocol.Call, id string) (*vpc, error) {
	v := st.vpcs[id]
	if v == nil || v.owner != c.Account() {
		return nil, protocol.Errorf("InvalidVpcID.NotFound", "The vpc ID '%s' does not exist", id)
	}
	return v, nil
}

func ModifyVpcAttribute(c *protocol.Call) (any, error) {
	st := stateOf(c.Env)
	st.mu.Lock()
	defer st.mu.Unlock()
	vpc, err := st.vpcFor(c, c.Query.Get("VpcId"))
	if err != nil {
		return nil, err
	}
	support, hostnames := c.Query.Has("EnableDnsSupport.Value"), c.Query.Has("EnableDnsHostnames.Value")
	if support == hostnames {
		return nil, protocol.Errorf("InvalidParameterCombination", "Exactly one attribute must be modified per request")
	}
	if support {
		vpc.dnsSupport = c.Query.Bool("EnableDnsSupport.Value", vpc.dnsSupport)
	} else {
		v := c.Query.Bool("EnableDnsHostnames.Value", vpc.dnsHostnames)
		if v && !vpc.dnsSupport {
			return nil, protocol.Errorf("InvalidParameterValue", "Cannot enable DNS hostnames for %s while DNS support is disabled", vpc.id)
		}
		vpc.dnsHostnames = v
	}
	return struct {
		Return bool `xml:"return"`
	}{true}, nil
}

type booleanValue struct {
	Value bool `xml:"value"`
}

func DescribeVpcAttribute(c *protocol.Call) (any, error) {
	st := stateOf(c.Env)
	st.mu.Lock()
	defer st.mu.Unlock()
	vpc, err := st.vpcFor(c, c.Query.Get("VpcId"))
	if err != nil {
		return nil, err
	}
	out := struct {
		VpcID              string        `xml:"vpcId"`
		EnableDNSSupport   *booleanValue `xml:"enableDnsSupport,omitempty"`
		EnableDNSHostnames *booleanValue `xml:"enableDnsHostnames,omitempty"`
	}{VpcID: vpc.id}
	switch attr := c.Query.Get("Attribute"); attr {
	case "enableDnsSupport":
		out.EnableDNSSupport = &booleanValue{vpc.dnsSupport}
	case "enableDnsHostnames":
		out.EnableDNSHostnames = &booleanValue{vpc.dnsHostnames}
	default:
		return nil, protocol.Errorf("InvalidParameterValue", "Value (%s) for parameter attribute is invalid. Unknown attribute.", attr)
	}
	return out, nil
}

// selected reports whether id is in ids, or ids is empty.
func selected(ids []string, id string) bool {
	if len(ids) == 0 {
		return true
	}
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// formatTime formats t as EC2 does in XML responses.
func formatTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
