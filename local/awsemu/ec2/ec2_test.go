package ec2_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
)

// testClock is a settable clock for the emulator's timed states.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// fixture is an emulator with one VPC (DNS support and hostnames
// enabled) and subnets in us-east-1a, us-east-1b and a second one in
// us-east-1a.
type fixture struct {
	srv                  *awsemu.Server
	clock                *testClock
	client               *ec2.Client
	vpc                  string
	subnetA, subnetB     string
	subnetA2             string
	defaultSecurityGroup string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	clock := &testClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	srv := awsemu.Start(awsemu.WithClock(clock.Now))
	t.Cleanup(srv.Close)
	f := &fixture{srv: srv, clock: clock, client: ec2.NewFromConfig(srv.Config(awsemu.AccountA))}
	ctx := context.Background()
	vpc, err := f.client.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	if err != nil {
		t.Fatalf("CreateVpc: %v", err)
	}
	f.vpc = *vpc.Vpc.VpcId
	if _, err := f.client.ModifyVpcAttribute(ctx, &ec2.ModifyVpcAttributeInput{VpcId: &f.vpc, EnableDnsHostnames: &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}}); err != nil {
		t.Fatalf("ModifyVpcAttribute: %v", err)
	}
	f.subnetA = f.subnet(t, f.vpc, "10.0.1.0/24", "us-east-1a")
	f.subnetB = f.subnet(t, f.vpc, "10.0.2.0/24", "us-east-1b")
	f.subnetA2 = f.subnet(t, f.vpc, "10.0.3.0/24", "us-east-1a")
	groups, err := f.client.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{
		{Name: aws.String("vpc-id"), Values: []string{f.vpc}}, {Name: aws.String("group-name"), Values: []string{"default"}},
	}})
	if err != nil || len(groups.SecurityGroups) != 1 {
		t.Fatalf("DescribeSecurityGroups default: %v, %d groups", err, len(groups.SecurityGroups))
	}
	f.defaultSecurityGroup = *groups.SecurityGroups[0].GroupId
	return f
}

func (f *fixture) subnet(t *testing.T, vpc, cidr, zone string) string {
	t.Helper()
	out, err := f.client.CreateSubnet(context.Background(), &ec2.CreateSubnetInput{VpcId: &vpc, CidrBlock: &cidr, AvailabilityZone: &zone})
	if err != nil {
		t.Fatalf("CreateSubnet %s: %v", cidr, err)
	}
	return *out.Subnet.SubnetId
}

// errorCode is the AWS error code of err, or "" when err is nil or not
// an API error.
func errorCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}

func TestEC2NewVpcDefaults(t *testing.T) {
	srv := awsemu.Start()
	t.Cleanup(srv.Close)
	client := ec2.NewFromConfig(srv.Config(awsemu.AccountA))
	ctx := context.Background()
	vpc, err := client.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.1.0.0/16"), TagSpecifications: []ec2types.TagSpecification{
		{ResourceType: ec2types.ResourceTypeVpc, Tags: []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String("data")}}},
	}})
	if err != nil {
		t.Fatalf("CreateVpc: %v", err)
	}
	id := vpc.Vpc.VpcId
	got := map[string]bool{}
	for _, attr := range []ec2types.VpcAttributeName{ec2types.VpcAttributeNameEnableDnsSupport, ec2types.VpcAttributeNameEnableDnsHostnames} {
		out, err := client.DescribeVpcAttribute(ctx, &ec2.DescribeVpcAttributeInput{VpcId: id, Attribute: attr})
		if err != nil {
			t.Fatalf("DescribeVpcAttribute %s: %v", attr, err)
		}
		switch {
		case out.EnableDnsSupport != nil:
			got[string(attr)] = *out.EnableDnsSupport.Value
		case out.EnableDnsHostnames != nil:
			got[string(attr)] = *out.EnableDnsHostnames.Value
		}
	}
	if diff := cmp.Diff(map[string]bool{"enableDnsSupport": true, "enableDnsHostnames": false}, got); diff != "" {
		t.Errorf("DNS attributes of a new VPC (-want +got):\n%s", diff)
	}
	described, err := client.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{*id}})
	if err != nil || len(described.Vpcs) != 1 {
		t.Fatalf("DescribeVpcs: %v", err)
	}
	if diff := cmp.Diff([]ec2types.Tag{{Key: aws.String("Name"), Value: aws.String("data")}}, described.Vpcs[0].Tags, cmp.AllowUnexported(ec2types.Tag{})); diff != "" {
		t.Errorf("VPC tags (-want +got):\n%s", diff)
	}
	groups, err := client.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{*id}}}})
	if err != nil {
		t.Fatalf("DescribeSecurityGroups: %v", err)
	}
	if len(groups.SecurityGroups) != 1 || *groups.SecurityGroups[0].GroupName != "default" {
		t.Errorf("security groups of a new VPC = %+v, want only the default group", groups.SecurityGroups)
	}
}

func TestEC2SubnetsAndGroups(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	out, err := f.client.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{f.subnetA, f.subnetB}})
	if err != nil {
		t.Fatalf("DescribeSubnets: %v", err)
	}
	got := map[string][2]string{}
	for _, s := range out.Subnets {
		got[*s.SubnetId] = [2]string{*s.AvailabilityZone, *s.AvailabilityZoneId}
	}
	want := map[string][2]string{f.subnetA: {"us-east-1a", "use1-az1"}, f.subnetB: {"us-east-1b", "use1-az2"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("subnet zones (-want +got):\n%s", diff)
	}
	byZone, err := f.client.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{{Name: aws.String("availability-zone"), Values: []string{"us-east-1a"}}}})
	if err != nil || len(byZone.Subnets) != 2 {
		t.Errorf("DescribeSubnets availability-zone=us-east-1a: %v, %d subnets, want 2", err, len(byZone.Subnets))
	}
	sg, err := f.client.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{VpcId: &f.vpc, GroupName: aws.String("app"), Description: aws.String("app")})
	if err != nil {
		t.Fatalf("CreateSecurityGroup: %v", err)
	}
	named, err := f.client.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{{Name: aws.String("group-name"), Values: []string{"app"}}}})
	if err != nil || len(named.SecurityGroups) != 1 || *named.SecurityGroups[0].GroupId != *sg.GroupId {
		t.Errorf("DescribeSecurityGroups group-name=app: %v, %+v", err, named.SecurityGroups)
	}
}

func TestEC2Errors(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	other := ec2.NewFromConfig(f.srv.Config(awsemu.AccountB))
	tests := map[string]struct {
		call func() error
		code string
	}{
		"unknown VPC": {func() error {
			_, err := f.client.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{"vpc-0000000000000000"}})
			return err
		}, "InvalidVpcID.NotFound"},
		"VPC of another account": {func() error {
			_, err := other.DescribeVpcAttribute(ctx, &ec2.DescribeVpcAttributeInput{VpcId: &f.vpc, Attribute: ec2types.VpcAttributeNameEnableDnsSupport})
			return err
		}, "InvalidVpcID.NotFound"},
		"unknown subnet": {func() error {
			_, err := f.client.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{"subnet-0000000000000000"}})
			return err
		}, "InvalidSubnetID.NotFound"},
		"unknown security group": {func() error {
			_, err := f.client.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{"sg-0000000000000000"}})
			return err
		}, "InvalidGroup.NotFound"},
		"duplicate security group": {func() error {
			_, err := f.client.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{VpcId: &f.vpc, GroupName: aws.String("default"), Description: aws.String("x")})
			return err
		}, "InvalidGroup.Duplicate"},
		"subnet in unknown zone": {func() error {
			_, err := f.client.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: &f.vpc, CidrBlock: aws.String("10.0.9.0/24"), AvailabilityZone: aws.String("eu-west-1a")})
			return err
		}, "InvalidParameterValue"},
		"two VPC attributes at once": {func() error {
			_, err := f.client.ModifyVpcAttribute(ctx, &ec2.ModifyVpcAttributeInput{VpcId: &f.vpc,
				EnableDnsSupport: &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}, EnableDnsHostnames: &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}})
			return err
		}, "InvalidParameterCombination"},
		"hostnames without DNS support": {func() error {
			if _, err := f.client.ModifyVpcAttribute(ctx, &ec2.ModifyVpcAttributeInput{VpcId: &f.vpc, EnableDnsHostnames: &ec2types.AttributeBooleanValue{Value: aws.Bool(false)}}); err != nil {
				return err
			}
			if _, err := f.client.ModifyVpcAttribute(ctx, &ec2.ModifyVpcAttributeInput{VpcId: &f.vpc, EnableDnsSupport: &ec2types.AttributeBooleanValue{Value: aws.Bool(false)}}); err != nil {
				return err
			}
			_, err := f.client.ModifyVpcAttribute(ctx, &ec2.ModifyVpcAttributeInput{VpcId: &f.vpc, EnableDnsHostnames: &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}})
			return err
		}, "InvalidParameterValue"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := errorCode(tc.call()); got != tc.code {
				t.Errorf("error code = %q, want %q", got, tc.code)
			}
		})
	}
}
