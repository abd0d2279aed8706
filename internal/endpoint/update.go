package endpoint

import (
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/redshift-data-access/redshift-data-access/internal/policy"
)

// defaultPolicy is the policy EC2 gives an endpoint created without one.
const defaultPolicy = `{"Statement":[{"Action":"*","Effect":"Allow","Principal":"*","Resource":"*"}]}`

// needsReplacement reports whether the endpoint cannot become p in place:
// EC2 cannot move an endpoint to another VPC or service.
func needsReplacement(current types.VpcEndpoint, p Properties) bool {
	return aws.ToString(current.VpcId) != p.VpcID || aws.ToString(current.ServiceName) != p.ServiceName
}

// modification returns the ModifyVpcEndpoint request (without the ID) that
// turns the endpoint as it is into p with security groups groups, or nil
// when nothing differs. It compares with the endpoint itself rather than
// the old properties, so that it also repairs drift and works for
// rollbacks, whose old properties may be invalid.
func modification(current types.VpcEndpoint, p Properties, groups []string) *ec2.ModifyVpcEndpointInput {
	in := &ec2.ModifyVpcEndpointInput{}
	in.AddSubnetIds, in.RemoveSubnetIds = difference(p.SubnetIDs, current.SubnetIds)
	var currentGroups []string
	for _, g := range current.Groups {
		currentGroups = append(currentGroups, aws.ToString(g.GroupId))
	}
	in.AddSecurityGroupIds, in.RemoveSecurityGroupIds = difference(groups, currentGroups)
	changed := len(in.AddSubnetIds)+len(in.RemoveSubnetIds)+len(in.AddSecurityGroupIds)+len(in.RemoveSecurityGroupIds) > 0
	if p.PrivateDNSEnabled != aws.ToBool(current.PrivateDnsEnabled) {
		in.PrivateDnsEnabled = aws.Bool(p.PrivateDNSEnabled)
		changed = true
	}
	switch currentPolicy := aws.ToString(current.PolicyDocument); {
	case p.PolicyDocument == "" && !samePolicy(currentPolicy, defaultPolicy):
		in.ResetPolicy = aws.Bool(true)
		changed = true
	case p.PolicyDocument != "" && !samePolicy(currentPolicy, p.PolicyDocument):
		in.PolicyDocument = aws.String(p.PolicyDocument)
		changed = true
	}
	if p.IPAddressType != "" && p.IPAddressType != string(current.IpAddressType) {
		in.IpAddressType = types.IpAddressType(p.IPAddressType)
		in.DnsOptions = dnsOptions(p.IPAddressType)
		changed = true
	}
	if !changed {
		return nil
	}
	return in
}

// dnsOptions asks for DNS records of the endpoint's IP address type:
// EC2 refuses A records on an ipv6 endpoint and AAAA records on an ipv4
// one, so records and addresses change together.
func dnsOptions(ipAddressType string) *types.DnsOptionsSpecification {
	return &types.DnsOptionsSpecification{DnsRecordIpType: types.DnsRecordIpType(ipAddressType)}
}

// samePolicy compares two policy documents by meaning; documents that do
// not parse compare as text.
func samePolicy(a, b string) bool {
	da, errA := policy.Parse(a)
	db, errB := policy.Parse(b)
	if errA != nil || errB != nil {
		return a == b
	}
	return policy.Equivalent(da, db)
}

// difference returns what is in want but not in have, and what is in have
// but not in want.
func difference(want, have []string) (add, remove []string) {
	for _, w := range want {
		if !slices.Contains(have, w) {
			add = append(add, w)
		}
	}
	for _, h := range have {
		if !slices.Contains(want, h) {
			remove = append(remove, h)
		}
	}
	return add, remove
}

// tagChanges returns the tags to set and the tags to remove so that the
// endpoint carries exactly want. Tags with the aws: prefix belong to AWS
// and are left alone.
func tagChanges(have []types.Tag, want map[string]string) (add, remove []types.Tag) {
	current := map[string]string{}
	for _, t := range have {
		current[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	changed := map[string]string{}
	for k, v := range want {
		if old, ok := current[k]; !ok || old != v {
			changed[k] = v
		}
	}
	for k := range current {
		if _, keep := want[k]; !keep && !isAWSTag(k) {
			remove = append(remove, types.Tag{Key: aws.String(k)})
		}
	}
	slices.SortFunc(remove, func(a, b types.Tag) int { return strings.Compare(*a.Key, *b.Key) })
	return ec2Tags(changed), remove
}

func isAWSTag(key string) bool { return strings.HasPrefix(strings.ToLower(key), "aws:") }
