package ec2

import (
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
)

// endpointServices are the AWS services, by the last part of their
// endpoint service name, that accept interface VPC endpoints in the
// emulator.
var endpointServices = map[string]bool{
	"redshift-data": true, "redshift": true, "redshift-serverless": true,
	"secretsmanager": true, "sts": true, "ec2": true, "logs": true, "kms": true,
}

// endpointService returns the AWS service, such as redshift-data, that
// serviceName names in region, or false when it names none the emulator
// knows. In the China regions AWS services carry the prefix
// cn.com.amazonaws, most of them, or com.amazonaws.
func endpointService(serviceName, region string) (string, bool) {
	prefixes := []string{"com.amazonaws." + region + "."}
	if strings.HasPrefix(region, "cn-") {
		prefixes = append(prefixes, "cn.com.amazonaws."+region+".")
	}
	for _, p := range prefixes {
		if service, ok := strings.CutPrefix(serviceName, p); ok && endpointServices[service] {
			return service, true
		}
	}
	return "", false
}

// checkSubnets checks that every subnet is the caller's, in vpcID, and in
// its own Availability Zone. st.mu must be held.
func (st *state) checkSubnets(c *protocol.Call, vpcID string, subnets []string) error {
	zones := map[string]string{}
	for _, id := range subnets {
		s := st.subnets[id]
		if s == nil || s.owner != c.Account() {
			return protocol.Errorf("InvalidSubnetID.NotFound", "The subnet ID '%s' does not exist", id)
		}
		if s.vpcID != vpcID {
			return protocol.Errorf("InvalidParameter", "The subnet ID '%s' is not in VPC '%s'", id, vpcID)
		}
		if other, dup := zones[s.zone]; dup {
			return protocol.Errorf("DuplicateSubnetsInSameZone", "Found another VPC endpoint subnet (%s) in the availability zone of %s. VPC endpoint subnets should be in different availability zones supported by the VPC endpoint service.", other, id)
		}
		zones[s.zone] = id
	}
	return nil
}

// checkGroups checks that every security group is the caller's and in
// vpcID. st.mu must be held.
func (st *state) checkGroups(c *protocol.Call, vpcID string, groups []string) error {
	for _, id := range groups {
		g := st.groups[id]
		if g == nil || g.owner != c.Account() {
			return protocol.Errorf("InvalidGroup.NotFound", "The security group '%s' does not exist", id)
		}
		if g.vpcID != vpcID {
			return protocol.Errorf("InvalidParameter", "The security group '%s' is not in VPC '%s'", id, vpcID)
		}
	}
	return nil
}

// checkPrivateDNS checks the VPC attributes private DNS needs and that no
// other live endpoint of the VPC holds the service's private DNS name.
// st.mu must be held.
func (st *state) checkPrivateDNS(vpc *vpc, self *endpoint, serviceName, region string, now time.Time) error {
	if !vpc.dnsSupport || !vpc.dnsHostnames {
		return protocol.Errorf("InvalidParameter", "Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC attributes set to true for %s", vpc.id)
	}
	for _, ep := range st.endpoints {
		if ep == self || ep.vpcID != vpc.id || ep.serviceName != serviceName || !ep.privateDNS {
			continue
		}
		if s := st.endpointState(ep, now); s == "pending" || s == "available" {
			service, _ := endpointService(serviceName, region)
			return protocol.Errorf("InvalidParameter", "private-dns-enabled cannot be set because there is already a conflicting DNS domain for %s.%s.%s in the VPC %s", service, region, protocol.DNSSuffix(region), vpc.id)
		}
	}
	return nil
}

func checkPolicy(doc string) error {
	if !json.Valid([]byte(doc)) {
		return protocol.Errorf("InvalidPolicyDocument", "The policy document is not valid JSON")
	}
	return nil
}

// dnsRecordIPTypes are the DNS record IP types each IP address type
// allows, as the EC2 API reference lists them: A records need IPv4
// addresses on the endpoint, AAAA records IPv6 ones.
var dnsRecordIPTypes = map[string][]string{
	"ipv4":      {"ipv4"},
	"ipv6":      {"ipv6"},
	"dualstack": {"dualstack", "ipv4", "ipv6", "service-defined"},
}

// checkIPTypes checks an IP address type and that dnsType is one of the
// DNS record IP types it allows.
func checkIPTypes(ipType, dnsType string) error {
	allowed, ok := dnsRecordIPTypes[ipType]
	if !ok {
		return protocol.Errorf("InvalidParameterValue", "Value (%s) for parameter IpAddressType is invalid. Valid values: ipv4, dualstack, ipv6", ipType)
	}
	if !slices.Contains(allowed, dnsType) {
		return protocol.Errorf("InvalidParameter", "DnsRecordIpType %s is not supported for IpAddressType %s; supported: %s", dnsType, ipType, strings.Join(allowed, ", "))
	}
	return nil
}
