package ec2_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/google/go-cmp/cmp"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
)

func TestEC2VpcEndpointCreateErrors(t *testing.T) {
	f := newFixture(t)
	noHostnames, err := f.client.CreateVpc(context.Background(), &ec2.CreateVpcInput{CidrBlock: aws.String("10.2.0.0/16")})
	if err != nil {
		t.Fatalf("CreateVpc: %v", err)
	}
	tests := map[string]struct {
		edit func(in *ec2.CreateVpcEndpointInput)
		code string
	}{
		"unknown service": {func(in *ec2.CreateVpcEndpointInput) { in.ServiceName = aws.String("com.amazonaws.us-east-1.nothing") }, "InvalidServiceName"},
		"service of other region": {func(in *ec2.CreateVpcEndpointInput) {
			in.ServiceName = aws.String("com.amazonaws.eu-west-1.redshift-data")
		}, "InvalidServiceName"},
		"two subnets in one zone": {func(in *ec2.CreateVpcEndpointInput) { in.SubnetIds = []string{f.subnetA, f.subnetA2} }, "DuplicateSubnetsInSameZone"},
		"unknown subnet":          {func(in *ec2.CreateVpcEndpointInput) { in.SubnetIds = []string{"subnet-00000000000000000"} }, "InvalidSubnetID.NotFound"},
		"unknown security group":  {func(in *ec2.CreateVpcEndpointInput) { in.SecurityGroupIds = []string{"sg-00000000000000000"} }, "InvalidGroup.NotFound"},
		"unknown VPC":             {func(in *ec2.CreateVpcEndpointInput) { in.VpcId = aws.String("vpc-00000000000000000") }, "InvalidVpcID.NotFound"},
		"gateway type":            {func(in *ec2.CreateVpcEndpointInput) { in.VpcEndpointType = ec2types.VpcEndpointTypeGateway }, "InvalidParameter"},
		"policy not JSON":         {func(in *ec2.CreateVpcEndpointInput) { in.PolicyDocument = aws.String("{") }, "InvalidPolicyDocument"},
		"private DNS without VPC DNS hostnames": {func(in *ec2.CreateVpcEndpointInput) {
			in.VpcId, in.SubnetIds = noHostnames.Vpc.VpcId, nil
		}, "InvalidParameter"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			in := f.endpointInput(f.subnetA)
			tc.edit(in)
			_, err := f.client.CreateVpcEndpoint(context.Background(), in)
			if got := errorCode(err); got != tc.code {
				t.Errorf("error code = %q (%v), want %q", got, err, tc.code)
			}
		})
	}
	if n := f.srv.VPCEndpointCount(); n != 0 {
		t.Errorf("%d endpoints after failed creates, want 0", n)
	}
}

func TestEC2VpcEndpointPrivateDNSConflict(t *testing.T) {
	f := newFixture(t)
	f.createEndpoint(t, f.endpointInput(f.subnetA))
	_, err := f.client.CreateVpcEndpoint(context.Background(), f.endpointInput(f.subnetB))
	if got := errorCode(err); got != "InvalidParameter" {
		t.Errorf("second private-DNS endpoint for the same service: code %q, want InvalidParameter", got)
	}
	second := f.endpointInput(f.subnetB)
	second.PrivateDnsEnabled = aws.Bool(false)
	f.createEndpoint(t, second)
}

// TestEC2VpcEndpointIPTypes checks the pairs of IP address type and DNS
// record IP type that EC2 allows, on create and on modify.
func TestEC2VpcEndpointIPTypes(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	dns := func(t ec2types.DnsRecordIpType) *ec2types.DnsOptionsSpecification {
		return &ec2types.DnsOptionsSpecification{DnsRecordIpType: t}
	}
	create := map[string]struct {
		ipType ec2types.IpAddressType
		dns    *ec2types.DnsOptionsSpecification
		code   string
	}{
		"default":                 {"", nil, ""},
		"dualstack, records ipv4": {ec2types.IpAddressTypeDualstack, dns(ec2types.DnsRecordIpTypeIpv4), ""},
		"ipv4, records dualstack": {ec2types.IpAddressTypeIpv4, dns(ec2types.DnsRecordIpTypeDualstack), "InvalidParameter"},
		"ipv6, records ipv4":      {ec2types.IpAddressTypeIpv6, dns(ec2types.DnsRecordIpTypeIpv4), "InvalidParameter"},
	}
	for name, tc := range create {
		t.Run("create "+name, func(t *testing.T) {
			in := f.endpointInput(f.subnetA)
			in.PrivateDnsEnabled = aws.Bool(false)
			in.IpAddressType, in.DnsOptions = tc.ipType, tc.dns
			_, err := f.client.CreateVpcEndpoint(ctx, in)
			if got := errorCode(err); got != tc.code {
				t.Errorf("error code = %q (%v), want %q", got, err, tc.code)
			}
		})
	}

	id := f.createEndpoint(t, f.endpointInput(f.subnetB)).VpcEndpointId
	if got := f.describeEndpoint(t, *id).DnsOptions; got == nil || got.DnsRecordIpType != ec2types.DnsRecordIpTypeIpv4 {
		t.Fatalf("DNS options of a default endpoint = %+v, want records of type ipv4", got)
	}
	modify := []struct {
		name    string
		in      *ec2.ModifyVpcEndpointInput
		code    string
		wantIP  ec2types.IpAddressType
		wantDNS ec2types.DnsRecordIpType
	}{
		{"ipv6 keeping ipv4 records", &ec2.ModifyVpcEndpointInput{IpAddressType: ec2types.IpAddressTypeIpv6}, "InvalidParameter", "ipv4", "ipv4"},
		{"ipv6 with ipv6 records", &ec2.ModifyVpcEndpointInput{IpAddressType: ec2types.IpAddressTypeIpv6, DnsOptions: dns(ec2types.DnsRecordIpTypeIpv6)}, "", "ipv6", "ipv6"},
		{"dualstack keeping ipv6 records", &ec2.ModifyVpcEndpointInput{IpAddressType: ec2types.IpAddressTypeDualstack}, "", "dualstack", "ipv6"},
		{"ipv4 keeping ipv6 records", &ec2.ModifyVpcEndpointInput{IpAddressType: ec2types.IpAddressTypeIpv4}, "InvalidParameter", "dualstack", "ipv6"},
	}
	// The steps build on each other, so they run in order.
	for _, step := range modify {
		step.in.VpcEndpointId = id
		_, err := f.client.ModifyVpcEndpoint(ctx, step.in)
		if got := errorCode(err); got != step.code {
			t.Errorf("%s: error code = %q (%v), want %q", step.name, got, err, step.code)
		}
		ep := f.describeEndpoint(t, *id)
		got := []string{string(ep.IpAddressType), string(ep.DnsOptions.DnsRecordIpType)}
		if diff := cmp.Diff([]string{string(step.wantIP), string(step.wantDNS)}, got); diff != "" {
			t.Errorf("%s: IP address type and DNS record type (-want +got):\n%s", step.name, diff)
		}
	}
}

// TestEC2VpcEndpointChinaRegion checks the aws-cn partition's names: the
// cn.com.amazonaws service prefix and DNS names under amazonaws.com.cn.
func TestEC2VpcEndpointChinaRegion(t *testing.T) {
	srv := awsemu.Start(awsemu.WithRegion("cn-north-1"))
	t.Cleanup(srv.Close)
	client := ec2.NewFromConfig(srv.Config(awsemu.AccountA))
	ctx := context.Background()
	vpc, err := client.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	if err != nil {
		t.Fatalf("CreateVpc: %v", err)
	}
	if _, err := client.ModifyVpcAttribute(ctx, &ec2.ModifyVpcAttributeInput{VpcId: vpc.Vpc.VpcId, EnableDnsHostnames: &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}}); err != nil {
		t.Fatalf("ModifyVpcAttribute: %v", err)
	}
	subnet, err := client.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc.Vpc.VpcId, CidrBlock: aws.String("10.0.1.0/24"), AvailabilityZone: aws.String("cn-north-1a")})
	if err != nil {
		t.Fatalf("CreateSubnet: %v", err)
	}
	created, err := client.CreateVpcEndpoint(ctx, &ec2.CreateVpcEndpointInput{
		VpcId: vpc.Vpc.VpcId, ServiceName: aws.String("cn.com.amazonaws.cn-north-1.redshift-data"), VpcEndpointType: ec2types.VpcEndpointTypeInterface,
		SubnetIds: []string{*subnet.Subnet.SubnetId}, PrivateDnsEnabled: aws.Bool(true),
	})
	if err != nil {
		t.Fatalf("CreateVpcEndpoint: %v", err)
	}
	out, err := client.DescribeVpcEndpoints(ctx, &ec2.DescribeVpcEndpointsInput{VpcEndpointIds: []string{*created.VpcEndpoint.VpcEndpointId}})
	if err != nil {
		t.Fatalf("DescribeVpcEndpoints: %v", err)
	}
	var dns []string
	for _, d := range out.VpcEndpoints[0].DnsEntries {
		dns = append(dns, strings.SplitN(*d.DnsName, ".", 2)[1])
	}
	want := []string{"redshift-data.cn-north-1.vpce.amazonaws.com.cn", "redshift-data.cn-north-1.vpce.amazonaws.com.cn", "cn-north-1.amazonaws.com.cn"}
	if diff := cmp.Diff(want, dns); diff != "" {
		t.Errorf("DNS names after the first label (-want +got):\n%s", diff)
	}
	_, err = client.CreateVpcEndpoint(ctx, &ec2.CreateVpcEndpointInput{
		VpcId: vpc.Vpc.VpcId, ServiceName: aws.String("com.amazonaws.us-east-1.redshift-data"), VpcEndpointType: ec2types.VpcEndpointTypeInterface,
		SubnetIds: []string{*subnet.Subnet.SubnetId}, PrivateDnsEnabled: aws.Bool(false),
	})
	if got := errorCode(err); got != "InvalidServiceName" {
		t.Errorf("service of another region: code %q, want InvalidServiceName", got)
	}
}
