package ec2

import (
	"slices"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
)

// liveEndpoint returns the caller's endpoint id unless it is unknown or
// deleted (InvalidVpcEndpointId.NotFound). st.mu must be held.
func (st *state) liveEndpoint(c *protocol.Call, id string) (*endpoint, *protocol.APIError) {
	ep := st.endpoints[id]
	if ep == nil || ep.owner != c.Account() || st.endpointState(ep, c.Env.Now()) == "deleted" {
		return nil, protocol.Errorf("InvalidVpcEndpointId.NotFound", "The Vpc Endpoint Id '%s' does not exist", id)
	}
	return ep, nil
}

// ModifyVpcEndpoint applies every requested change or none: the whole
// request is checked against the endpoint's resulting configuration first.
// A change to subnets, security groups, private DNS or IP address type
// puts an available endpoint back into pending for the pending delay, as
// AWS does while it updates the network interfaces.
func ModifyVpcEndpoint(c *protocol.Call) (any, error) {
	q := c.Query
	now := c.Env.Now()
	st := stateOf(c.Env)
	st.mu.Lock()
	defer st.mu.Unlock()
	st.purgeGone(now)
	id := q.Get("VpcEndpointId")
	ep, apiErr := st.liveEndpoint(c, id)
	if apiErr != nil {
		return nil, apiErr
	}
	if s := st.endpointState(ep, now); s == "deleting" || s == "failed" {
		return nil, protocol.Errorf("IncorrectState", "The Vpc Endpoint '%s' is in state %s and cannot be modified", id, s)
	}
	vpc := st.vpcs[ep.vpcID]

	subnets := applyListChange(ep.subnets, q.List("AddSubnetId"), q.List("RemoveSubnetId"))
	if err := st.checkSubnets(c, ep.vpcID, subnets); err != nil {
		return nil, err
	}
	addGroups := q.List("AddSecurityGroupId")
	if err := st.checkGroups(c, ep.vpcID, addGroups); err != nil {
		return nil, err
	}
	groups := applyListChange(ep.groups, addGroups, q.List("RemoveSecurityGroupId"))
	if len(groups) == 0 {
		return nil, protocol.Errorf("InvalidParameter", "An interface VPC endpoint needs at least one security group")
	}
	privateDNS := q.Bool("PrivateDnsEnabled", ep.privateDNS)
	if privateDNS && !ep.privateDNS {
		if err := st.checkPrivateDNS(vpc, ep, ep.serviceName, c.Region, now); err != nil {
			return nil, err
		}
	}
	policy := ep.policy
	switch {
	case q.Bool("ResetPolicy", false) && q.Has("PolicyDocument"):
		return nil, protocol.Errorf("InvalidParameterCombination", "PolicyDocument and ResetPolicy cannot be used together")
	case q.Bool("ResetPolicy", false):
		policy = DefaultEndpointPolicy
	case q.Has("PolicyDocument"):
		policy = q.Get("PolicyDocument")
		if err := checkPolicy(policy); err != nil {
			return nil, err
		}
	}
	ipType, dnsType := ep.ipAddressType, ep.dnsRecordIPType
	if q.Has("IpAddressType") {
		ipType = q.Get("IpAddressType")
	}
	if q.Has("DnsOptions.DnsRecordIpType") {
		dnsType = q.Get("DnsOptions.DnsRecordIpType")
	}
	if err := checkIPTypes(ipType, dnsType); err != nil {
		return nil, err
	}

	networkChanged := !slices.Equal(subnets, ep.subnets) || !slices.Equal(groups, ep.groups) ||
		privateDNS != ep.privateDNS || ipType != ep.ipAddressType || dnsType != ep.dnsRecordIPType
	for _, s := range subnets {
		if ep.enis[s] == "" {
			ep.enis[s] = newID("eni")
		}
	}
	for s := range ep.enis {
		if !slices.Contains(subnets, s) {
			delete(ep.enis, s)
		}
	}
	ep.subnets, ep.groups, ep.privateDNS, ep.policy = subnets, groups, privateDNS, policy
	ep.ipAddressType, ep.dnsRecordIPType = ipType, dnsType
	if networkChanged && !ep.held && !now.Before(ep.availableAt) {
		ep.availableAt = now.Add(st.pendingFor)
	}
	return struct {
		Return bool `xml:"return"`
	}{true}, nil
}

// applyListChange returns list with add appended (unless present) and
// remove taken out, keeping the order.
func applyListChange(list, add, remove []string) []string {
	out := make([]string, 0, len(list)+len(add))
	for _, x := range append(slices.Clone(list), add...) {
		if !slices.Contains(remove, x) && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

type unsuccessfulItem struct {
	ResourceID string    `xml:"resourceId"`
	Error      lastError `xml:"error"`
}

// DeleteVpcEndpoints starts deleting each endpoint. Unknown or deleted
// IDs are reported in Unsuccessful, not as an error of the call; deleting
// an endpoint that is already deleting succeeds and changes nothing.
func DeleteVpcEndpoints(c *protocol.Call) (any, error) {
	ids := c.Query.List("VpcEndpointId")
	if len(ids) == 0 {
		return nil, protocol.Errorf("MissingParameter", "The request must contain the parameter VpcEndpointId")
	}
	now := c.Env.Now()
	st := stateOf(c.Env)
	st.mu.Lock()
	defer st.mu.Unlock()
	st.purgeGone(now)
	var failed []unsuccessfulItem
	for _, id := range ids {
		ep, err := st.liveEndpoint(c, id)
		if err != nil {
			failed = append(failed, unsuccessfulItem{ResourceID: id, Error: lastError{Code: err.Code, Message: err.Message}})
			continue
		}
		if ep.deletedAt.IsZero() {
			ep.deletedAt = now.Add(st.deletingFor)
		}
	}
	return struct {
		Unsuccessful []unsuccessfulItem `xml:"unsuccessful>item"`
	}{failed}, nil
}
