package ec2

import (
	"sort"
	"strings"
	"time"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
)

// DefaultEndpointPolicy is the policy AWS reports for an endpoint
// created without one: full access.
const DefaultEndpointPolicy = `{"Statement":[{"Action":"*","Effect":"Allow","Principal":"*","Resource":"*"}]}`

// regionalVpceZone is the hosted zone ID of the regional
// *.vpce.amazonaws.com names (us-east-1's, used for every region).
const regionalVpceZone = "Z7HUB22UULQXV"

type endpoint struct {
	id, owner, vpcID, serviceName string
	policy, ipAddressType         string
	dnsRecordIPType               string
	subnets, groups               []string
	enis                          map[string]string // subnet -> network interface
	privateDNS                    bool
	tags                          map[string]string
	dnsSuffix                     string // the random part of the DNS names
	created                       time.Time
	// availableAt is when a pending endpoint becomes available (or
	// failed); held keeps it pending regardless.
	availableAt time.Time
	held        bool
	failure     string // LastError message of a failed endpoint
	// deletedAt is when a deleting endpoint becomes deleted; zero while
	// it is not being deleted.
	deletedAt time.Time
}

// tokenUse records what a ClientToken created, to answer a retry.
type tokenUse struct {
	endpointID string
	params     string
}

type dnsEntry struct {
	DNSName      string `xml:"dnsName"`
	HostedZoneID string `xml:"hostedZoneId"`
}

type groupIdentifier struct {
	GroupID   string `xml:"groupId"`
	GroupName string `xml:"groupName"`
}

type lastError struct {
	Code    string `xml:"code"`
	Message string `xml:"message"`
}

type vpcEndpointShape struct {
	VpcEndpointID       string            `xml:"vpcEndpointId"`
	VpcEndpointType     string            `xml:"vpcEndpointType"`
	VpcID               string            `xml:"vpcId"`
	ServiceName         string            `xml:"serviceName"`
	State               string            `xml:"state"`
	PolicyDocument      string            `xml:"policyDocument"`
	SubnetIDs           []string          `xml:"subnetIdSet>item"`
	Groups              []groupIdentifier `xml:"groupSet>item"`
	IPAddressType       string            `xml:"ipAddressType"`
	DNSRecordIPType     string            `xml:"dnsOptions>dnsRecordIpType"`
	PrivateDNSEnabled   bool              `xml:"privateDnsEnabled"`
	RequesterManaged    bool              `xml:"requesterManaged"`
	NetworkInterfaceIDs []string          `xml:"networkInterfaceIdSet>item"`
	DNSEntries          []dnsEntry        `xml:"dnsEntrySet>item"`
	CreationTimestamp   string            `xml:"creationTimestamp"`
	Tags                []tag             `xml:"tagSet>item"`
	OwnerID             string            `xml:"ownerId"`
	LastError           *lastError        `xml:"lastError,omitempty"`
}

// shape is ep as DescribeVpcEndpoints reports it. st.mu must be held.
func (st *state) endpointShape(ep *endpoint, region string, now time.Time) vpcEndpointShape {
	state := st.endpointState(ep, now)
	out := vpcEndpointShape{
		VpcEndpointID: ep.id, VpcEndpointType: "Interface", VpcID: ep.vpcID, ServiceName: ep.serviceName,
		State: state, PolicyDocument: ep.policy, SubnetIDs: ep.subnets, IPAddressType: ep.ipAddressType,
		DNSRecordIPType: ep.dnsRecordIPType, PrivateDNSEnabled: ep.privateDNS,
		CreationTimestamp: formatTime(ep.created), Tags: tagList(ep.tags), OwnerID: ep.owner,
	}
	for _, g := range ep.groups {
		name := ""
		if sg := st.groups[g]; sg != nil {
			name = sg.name
		}
		out.Groups = append(out.Groups, groupIdentifier{g, name})
	}
	if state == "failed" {
		out.LastError = &lastError{Code: "InternalError", Message: ep.failure}
		return out
	}
	if state == "deleted" {
		return out
	}
	// DNS names: the regional one first, then one per subnet's zone, then
	// the private (service's own) name, as AWS lists them.
	service, _ := endpointService(ep.serviceName, region)
	domain := protocol.DNSSuffix(region)
	base := ep.id + "-" + ep.dnsSuffix
	out.DNSEntries = append(out.DNSEntries, dnsEntry{base + "." + service + "." + region + ".vpce." + domain, regionalVpceZone})
	for _, s := range ep.subnets {
		out.NetworkInterfaceIDs = append(out.NetworkInterfaceIDs, ep.enis[s])
		zone := ""
		if sn := st.subnets[s]; sn != nil {
			zone = sn.zone
		}
		out.DNSEntries = append(out.DNSEntries, dnsEntry{base + "-" + zone + "." + service + "." + region + ".vpce." + domain, regionalVpceZone})
	}
	if ep.privateDNS {
		out.DNSEntries = append(out.DNSEntries, dnsEntry{service + "." + region + "." + domain, "ZPRIVATE" + strings.ToUpper(ep.dnsSuffix)})
	}
	return out
}

// endpointParams is the canonical form of a CreateVpcEndpoint request
// without its ClientToken, to tell a retry from a different request.
func endpointParams(q protocol.QueryParams) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		if k != "ClientToken" && k != "Action" && k != "Version" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k + "=" + strings.Join(q[k], ",") + "\n")
	}
	return b.String()
}

func CreateVpcEndpoint(c *protocol.Call) (any, error) {
	q := c.Query
	vpcID, serviceName := q.Get("VpcId"), q.Get("ServiceName")
	if vpcID == "" || serviceName == "" {
		return nil, protocol.Errorf("MissingParameter", "The request must contain the parameters VpcId and ServiceName")
	}
	if _, ok := endpointService(serviceName, c.Region); !ok {
		return nil, protocol.Errorf("InvalidServiceName", "The Vpc Endpoint Service '%s' does not exist", serviceName)
	}
	if t := q.Get("VpcEndpointType"); t != "Interface" {
		if t == "" {
			t = "Gateway"
		}
		return nil, protocol.Errorf("InvalidParameter", "The Vpc Endpoint Service '%s' does not support endpoint type %s", serviceName, t)
	}
	ipType := q.Get("IpAddressType")
	if ipType == "" {
		ipType = "ipv4"
	}
	// Without DnsOptions, the DNS records follow the IP address type.
	dnsType := q.Get("DnsOptions.DnsRecordIpType")
	if dnsType == "" {
		dnsType = ipType
	}
	if err := checkIPTypes(ipType, dnsType); err != nil {
		return nil, err
	}
	policy := q.Get("PolicyDocument")
	if policy == "" {
		policy = DefaultEndpointPolicy
	} else if err := checkPolicy(policy); err != nil {
		return nil, err
	}
	tags, err := tagSpecifications(q, "vpc-endpoint")
	if err != nil {
		return nil, err
	}
	subnets, groups := q.List("SubnetId"), q.List("SecurityGroupId")
	privateDNS := q.Bool("PrivateDnsEnabled", true)
	token := q.Get("ClientToken")
	now := c.Env.Now()

	st := stateOf(c.Env)
	st.mu.Lock()
	defer st.mu.Unlock()
	st.purgeGone(now)
	tokenKey := c.Account() + "|" + token
	if use, ok := st.tokens[tokenKey]; ok && token != "" {
		if use.params != endpointParams(q) {
			return nil, protocol.Errorf("IdempotentParameterMismatch", "The client token '%s' was already used with different parameters", token)
		}
		return createVpcEndpointResult{st.endpointShape(st.endpoints[use.endpointID], c.Region, now), token}, nil
	}
	vpc, err := st.vpcFor(c, vpcID)
	if err != nil {
		return nil, err
	}
	if err := st.checkSubnets(c, vpcID, subnets); err != nil {
		return nil, err
	}
	if len(groups) == 0 {
		groups = []string{vpc.defaultGroupID}
	}
	if err := st.checkGroups(c, vpcID, groups); err != nil {
		return nil, err
	}
	if privateDNS {
		if err := st.checkPrivateDNS(vpc, nil, serviceName, c.Region, now); err != nil {
			return nil, err
		}
	}
	ep := &endpoint{
		id: newID("vpce"), owner: c.Account(), vpcID: vpcID, serviceName: serviceName,
		policy: policy, ipAddressType: ipType, dnsRecordIPType: dnsType, subnets: subnets, groups: groups,
		enis: map[string]string{}, privateDNS: privateDNS, tags: tags,
		created: now, availableAt: now.Add(st.pendingFor),
	}
	ep.dnsSuffix = strings.TrimPrefix(newID("x"), "x-")[:8]
	for _, s := range subnets {
		ep.enis[s] = newID("eni")
	}
	if len(st.failNext) > 0 {
		ep.failure, st.failNext = st.failNext[0], st.failNext[1:]
	}
	if st.holdNext > 0 {
		ep.held = true
		st.holdNext--
	}
	st.endpoints[ep.id] = ep
	if token != "" {
		st.tokens[tokenKey] = tokenUse{endpointID: ep.id, params: endpointParams(q)}
	}
	shape := st.endpointShape(ep, c.Region, now)
	// CreateVpcEndpoint always answers pending, even with no delay.
	shape.State = "pending"
	return createVpcEndpointResult{shape, token}, nil
}

type createVpcEndpointResult struct {
	VpcEndpoint vpcEndpointShape `xml:"vpcEndpoint"`
	ClientToken string           `xml:"clientToken,omitempty"`
}

func DescribeVpcEndpoints(c *protocol.Call) (any, error) {
	filters := filters(c.Query)
	ids := c.Query.List("VpcEndpointId")
	now := c.Env.Now()
	st := stateOf(c.Env)
	st.mu.Lock()
	defer st.mu.Unlock()
	st.purgeGone(now)
	for _, id := range ids {
		if ep := st.endpoints[id]; ep == nil || ep.owner != c.Account() {
			return nil, protocol.Errorf("InvalidVpcEndpointId.NotFound", "The Vpc Endpoint Id '%s' does not exist", id)
		}
	}
	out := []vpcEndpointShape{}
	for _, ep := range st.endpoints {
		attrs := map[string][]string{"vpc-endpoint-id": {ep.id}, "vpc-id": {ep.vpcID}, "service-name": {ep.serviceName},
			"vpc-endpoint-state": {st.endpointState(ep, now)}, "vpc-endpoint-type": {"Interface"}, "ip-address-type": {ep.ipAddressType}}
		if ep.owner != c.Account() || !selected(ids, ep.id) || !filters.match(attrs, ep.tags) {
			continue
		}
		out = append(out, st.endpointShape(ep, c.Region, now))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].VpcEndpointID < out[j].VpcEndpointID })
	return struct {
		VpcEndpoints []vpcEndpointShape `xml:"vpcEndpointSet>item"`
	}{out}, nil
}
