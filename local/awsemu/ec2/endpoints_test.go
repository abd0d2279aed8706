package ec2_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/google/go-cmp/cmp"

	emuec2 "github.com/redshift-data-access/redshift-data-access/local/awsemu/ec2"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
)

const testService = "com.amazonaws.us-east-1.redshift-data"

// VPC endpoint states as EC2 sends them: lowercase, unlike the SDK's
// ec2types.State constants (StatePending is "Pending").
const (
	ec2StatePending   ec2types.State = "pending"
	ec2StateAvailable ec2types.State = "available"
	ec2StateDeleting  ec2types.State = "deleting"
	ec2StateDeleted   ec2types.State = "deleted"
	ec2StateFailed    ec2types.State = "failed"
)

func (f *fixture) createEndpoint(t *testing.T, in *ec2.CreateVpcEndpointInput) ec2types.VpcEndpoint {
	t.Helper()
	out, err := f.client.CreateVpcEndpoint(context.Background(), in)
	if err != nil {
		t.Fatalf("CreateVpcEndpoint: %v", err)
	}
	return *out.VpcEndpoint
}

func (f *fixture) endpointInput(subnets ...string) *ec2.CreateVpcEndpointInput {
	return &ec2.CreateVpcEndpointInput{
		VpcId: &f.vpc, ServiceName: aws.String(testService), VpcEndpointType: ec2types.VpcEndpointTypeInterface,
		SubnetIds: subnets, PrivateDnsEnabled: aws.Bool(true),
	}
}

func (f *fixture) describeEndpoint(t *testing.T, id string) ec2types.VpcEndpoint {
	t.Helper()
	out, err := f.client.DescribeVpcEndpoints(context.Background(), &ec2.DescribeVpcEndpointsInput{VpcEndpointIds: []string{id}})
	if err != nil {
		t.Fatalf("DescribeVpcEndpoints %s: %v", id, err)
	}
	if len(out.VpcEndpoints) != 1 {
		t.Fatalf("DescribeVpcEndpoints %s: %d endpoints, want 1", id, len(out.VpcEndpoints))
	}
	return out.VpcEndpoints[0]
}

func TestEC2VpcEndpointLifecycle(t *testing.T) {
	f := newFixture(t)
	f.srv.SetVPCEndpointDelays(time.Minute, 30*time.Second)
	in := f.endpointInput(f.subnetA, f.subnetB)
	in.TagSpecifications = []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeVpcEndpoint, Tags: []ec2types.Tag{{Key: aws.String("team"), Value: aws.String("data")}}}}
	created := f.createEndpoint(t, in)
	id := *created.VpcEndpointId
	if !strings.HasPrefix(id, "vpce-") || created.State != ec2StatePending {
		t.Fatalf("created endpoint %s in state %s, want a vpce- ID in state pending", id, created.State)
	}

	f.clock.Advance(59 * time.Second)
	if got := f.describeEndpoint(t, id).State; got != ec2StatePending {
		t.Errorf("state before the pending delay = %s, want pending", got)
	}
	f.clock.Advance(time.Second)
	ep := f.describeEndpoint(t, id)
	if ep.State != ec2StateAvailable {
		t.Errorf("state after the pending delay = %s, want available", ep.State)
	}
	var dns []string
	for _, d := range ep.DnsEntries {
		dns = append(dns, strings.SplitN(*d.DnsName, ".", 2)[1])
	}
	wantDNS := []string{"redshift-data.us-east-1.vpce.amazonaws.com", "redshift-data.us-east-1.vpce.amazonaws.com",
		"redshift-data.us-east-1.vpce.amazonaws.com", "us-east-1.amazonaws.com"}
	if diff := cmp.Diff(wantDNS, dns); diff != "" {
		t.Errorf("DNS names after the first label (-want +got):\n%s", diff)
	}
	if !strings.Contains(*ep.DnsEntries[1].DnsName, "-us-east-1a.") || *ep.DnsEntries[3].DnsName != "redshift-data.us-east-1.amazonaws.com" {
		t.Errorf("DNS entries = %v, want the zonal name of us-east-1a second and the private name last", dns)
	}
	if diff := cmp.Diff([]string{f.subnetA, f.subnetB}, ep.SubnetIds); diff != "" {
		t.Errorf("subnets (-want +got):\n%s", diff)
	}
	if len(ep.NetworkInterfaceIds) != 2 || len(ep.Groups) != 1 || *ep.Groups[0].GroupId != f.defaultSecurityGroup {
		t.Errorf("endpoint = %d interfaces and groups %+v, want 2 interfaces and the default group", len(ep.NetworkInterfaceIds), ep.Groups)
	}
	if len(ep.Tags) != 1 || *ep.Tags[0].Key != "team" || ep.IpAddressType != ec2types.IpAddressTypeIpv4 || !*ep.PrivateDnsEnabled {
		t.Errorf("endpoint tags %+v, IP address type %s, private DNS %v", ep.Tags, ep.IpAddressType, *ep.PrivateDnsEnabled)
	}

	del, err := f.client.DeleteVpcEndpoints(context.Background(), &ec2.DeleteVpcEndpointsInput{VpcEndpointIds: []string{id}})
	if err != nil || len(del.Unsuccessful) != 0 {
		t.Fatalf("DeleteVpcEndpoints: %v, unsuccessful %+v", err, del.Unsuccessful)
	}
	if got := f.describeEndpoint(t, id).State; got != ec2StateDeleting {
		t.Errorf("state right after delete = %s, want deleting", got)
	}
	f.clock.Advance(30 * time.Second)
	if got := f.describeEndpoint(t, id).State; got != ec2StateDeleted {
		t.Errorf("state after the deleting delay = %s, want deleted", got)
	}
	f.clock.Advance(awsemu.DefaultDeletedVPCEndpointVisibility)
	_, err = f.client.DescribeVpcEndpoints(context.Background(), &ec2.DescribeVpcEndpointsInput{VpcEndpointIds: []string{id}})
	if got := errorCode(err); got != "InvalidVpcEndpointId.NotFound" {
		t.Errorf("describe after the deleted endpoint expired: code %q, want InvalidVpcEndpointId.NotFound", got)
	}
}

func TestEC2VpcEndpointFailedAndHeld(t *testing.T) {
	f := newFixture(t)
	f.srv.FailNextVPCEndpoint("insufficient capacity in us-east-1a")
	failed := f.createEndpoint(t, f.endpointInput(f.subnetA))
	ep := f.describeEndpoint(t, *failed.VpcEndpointId)
	if ep.State != ec2StateFailed || ep.LastError == nil || *ep.LastError.Message != "insufficient capacity in us-east-1a" {
		t.Errorf("state %s, last error %+v; want failed with the injected message", ep.State, ep.LastError)
	}
	if _, err := f.client.DeleteVpcEndpoints(context.Background(), &ec2.DeleteVpcEndpointsInput{VpcEndpointIds: []string{*failed.VpcEndpointId}}); err != nil {
		t.Fatalf("DeleteVpcEndpoints of the failed endpoint: %v", err)
	}

	f.srv.HoldNextVPCEndpointPending()
	held := f.createEndpoint(t, f.endpointInput(f.subnetB))
	f.clock.Advance(time.Hour)
	if got := f.describeEndpoint(t, *held.VpcEndpointId).State; got != ec2StatePending {
		t.Errorf("held endpoint after an hour = %s, want pending", got)
	}
	f.srv.ReleaseVPCEndpoints()
	if got := f.describeEndpoint(t, *held.VpcEndpointId).State; got != ec2StateAvailable {
		t.Errorf("released endpoint = %s, want available", got)
	}
}

func TestEC2VpcEndpointClientToken(t *testing.T) {
	f := newFixture(t)
	in := f.endpointInput(f.subnetA)
	in.ClientToken = aws.String("token-1")
	first := f.createEndpoint(t, in)
	again := f.createEndpoint(t, in)
	if *again.VpcEndpointId != *first.VpcEndpointId {
		t.Errorf("retry with the same token created %s, want %s", *again.VpcEndpointId, *first.VpcEndpointId)
	}
	if n := f.srv.VPCEndpointCount(); n != 1 {
		t.Errorf("%d endpoints after a retried create, want 1", n)
	}
	changed := f.endpointInput(f.subnetB)
	changed.ClientToken = aws.String("token-1")
	_, err := f.client.CreateVpcEndpoint(context.Background(), changed)
	if got := errorCode(err); got != "IdempotentParameterMismatch" {
		t.Errorf("same token with other subnets: code %q, want IdempotentParameterMismatch", got)
	}
}

func TestEC2ModifyVpcEndpoint(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.srv.SetVPCEndpointDelays(10*time.Second, 0)
	id := f.createEndpoint(t, f.endpointInput(f.subnetA)).VpcEndpointId
	f.clock.Advance(10 * time.Second)
	sg, err := f.client.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{VpcId: &f.vpc, GroupName: aws.String("app"), Description: aws.String("app")})
	if err != nil {
		t.Fatalf("CreateSecurityGroup: %v", err)
	}
	_, err = f.client.ModifyVpcEndpoint(ctx, &ec2.ModifyVpcEndpointInput{
		VpcEndpointId: id, AddSubnetIds: []string{f.subnetB}, RemoveSubnetIds: []string{f.subnetA},
		AddSecurityGroupIds: []string{*sg.GroupId}, RemoveSecurityGroupIds: []string{f.defaultSecurityGroup},
		PolicyDocument: aws.String(`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"redshift-data:*","Resource":"*"}]}`),
	})
	if err != nil {
		t.Fatalf("ModifyVpcEndpoint: %v", err)
	}
	ep := f.describeEndpoint(t, *id)
	if ep.State != ec2StatePending {
		t.Errorf("state right after a subnet change = %s, want pending", ep.State)
	}
	got := []string{ep.SubnetIds[0], *ep.Groups[0].GroupId, *ep.PolicyDocument}
	want := []string{f.subnetB, *sg.GroupId, `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"redshift-data:*","Resource":"*"}]}`}
	if diff := cmp.Diff(want, got); diff != "" || len(ep.SubnetIds) != 1 || len(ep.Groups) != 1 {
		t.Errorf("subnet, group and policy after modify (-want +got):\n%s", diff)
	}
	f.clock.Advance(10 * time.Second)
	if got := f.describeEndpoint(t, *id).State; got != ec2StateAvailable {
		t.Errorf("state after the pending delay = %s, want available", got)
	}
	if _, err := f.client.ModifyVpcEndpoint(ctx, &ec2.ModifyVpcEndpointInput{VpcEndpointId: id, ResetPolicy: aws.Bool(true), PrivateDnsEnabled: aws.Bool(false)}); err != nil {
		t.Fatalf("ModifyVpcEndpoint ResetPolicy: %v", err)
	}
	if ep := f.describeEndpoint(t, *id); *ep.PolicyDocument != emuec2.DefaultEndpointPolicy || *ep.PrivateDnsEnabled {
		t.Errorf("policy %s, private DNS %v after reset; want the default policy and no private DNS", *ep.PolicyDocument, *ep.PrivateDnsEnabled)
	}

	if _, err := f.client.ModifyVpcEndpoint(ctx, &ec2.ModifyVpcEndpointInput{VpcEndpointId: id, IpAddressType: ec2types.IpAddressTypeDualstack}); err != nil {
		t.Fatalf("ModifyVpcEndpoint IpAddressType: %v", err)
	}
	if got := f.describeEndpoint(t, *id).IpAddressType; got != ec2types.IpAddressTypeDualstack {
		t.Errorf("IP address type after modify = %s, want dualstack", got)
	}

	f.srv.SetVPCEndpointDelays(0, time.Minute)
	second := f.endpointInput(f.subnetB)
	second.PrivateDnsEnabled = aws.Bool(false)
	deleting := f.createEndpoint(t, second).VpcEndpointId
	if _, err := f.client.DeleteVpcEndpoints(ctx, &ec2.DeleteVpcEndpointsInput{VpcEndpointIds: []string{*deleting}}); err != nil {
		t.Fatalf("DeleteVpcEndpoints: %v", err)
	}

	tests := map[string]struct {
		in   *ec2.ModifyVpcEndpointInput
		code string
	}{
		"two subnets in one zone": {&ec2.ModifyVpcEndpointInput{VpcEndpointId: id, AddSubnetIds: []string{f.subnetA, f.subnetA2}}, "DuplicateSubnetsInSameZone"},
		"unknown endpoint":        {&ec2.ModifyVpcEndpointInput{VpcEndpointId: aws.String("vpce-00000000000000000"), ResetPolicy: aws.Bool(true)}, "InvalidVpcEndpointId.NotFound"},
		"unknown group":           {&ec2.ModifyVpcEndpointInput{VpcEndpointId: id, AddSecurityGroupIds: []string{"sg-00000000000000000"}}, "InvalidGroup.NotFound"},
		"no group left":           {&ec2.ModifyVpcEndpointInput{VpcEndpointId: id, RemoveSecurityGroupIds: []string{*sg.GroupId}}, "InvalidParameter"},
		"policy and reset":        {&ec2.ModifyVpcEndpointInput{VpcEndpointId: id, ResetPolicy: aws.Bool(true), PolicyDocument: aws.String("{}")}, "InvalidParameterCombination"},
		"unknown IP address type": {&ec2.ModifyVpcEndpointInput{VpcEndpointId: id, IpAddressType: ec2types.IpAddressType("ipv5")}, "InvalidParameterValue"},
		"deleting endpoint":       {&ec2.ModifyVpcEndpointInput{VpcEndpointId: deleting, ResetPolicy: aws.Bool(true)}, "IncorrectState"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := f.client.ModifyVpcEndpoint(ctx, tc.in)
			if got := errorCode(err); got != tc.code {
				t.Errorf("error code = %q (%v), want %q", got, err, tc.code)
			}
		})
	}
}

func TestEC2DescribeAndDeleteVpcEndpoints(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	in := f.endpointInput(f.subnetA)
	in.TagSpecifications = []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeVpcEndpoint, Tags: []ec2types.Tag{{Key: aws.String("owner"), Value: aws.String("x")}}}}
	tagged := f.createEndpoint(t, in)
	untagged := f.endpointInput(f.subnetB)
	untagged.PrivateDnsEnabled = aws.Bool(false)
	f.createEndpoint(t, untagged)

	filters := map[string]struct {
		filter ec2types.Filter
		want   int
	}{
		"by tag":          {ec2types.Filter{Name: aws.String("tag:owner"), Values: []string{"x"}}, 1},
		"by vpc":          {ec2types.Filter{Name: aws.String("vpc-id"), Values: []string{f.vpc}}, 2},
		"by service name": {ec2types.Filter{Name: aws.String("service-name"), Values: []string{"com.amazonaws.us-east-1.sts"}}, 0},
		"by state":        {ec2types.Filter{Name: aws.String("vpc-endpoint-state"), Values: []string{"available"}}, 2},
	}
	for name, tc := range filters {
		t.Run(name, func(t *testing.T) {
			out, err := f.client.DescribeVpcEndpoints(ctx, &ec2.DescribeVpcEndpointsInput{Filters: []ec2types.Filter{tc.filter}})
			if err != nil {
				t.Fatalf("DescribeVpcEndpoints: %v", err)
			}
			if len(out.VpcEndpoints) != tc.want {
				t.Errorf("%d endpoints, want %d", len(out.VpcEndpoints), tc.want)
			}
		})
	}

	del, err := f.client.DeleteVpcEndpoints(ctx, &ec2.DeleteVpcEndpointsInput{VpcEndpointIds: []string{*tagged.VpcEndpointId, "vpce-00000000000000000"}})
	if err != nil {
		t.Fatalf("DeleteVpcEndpoints: %v", err)
	}
	var codes []string
	for _, u := range del.Unsuccessful {
		codes = append(codes, *u.ResourceId+" "+*u.Error.Code)
	}
	if diff := cmp.Diff([]string{"vpce-00000000000000000 InvalidVpcEndpointId.NotFound"}, codes); diff != "" {
		t.Errorf("unsuccessful items (-want +got):\n%s", diff)
	}
	// Deleting is immediate with no delay; a second delete finds nothing.
	again, err := f.client.DeleteVpcEndpoints(ctx, &ec2.DeleteVpcEndpointsInput{VpcEndpointIds: []string{*tagged.VpcEndpointId}})
	if err != nil || len(again.Unsuccessful) != 1 || *again.Unsuccessful[0].Error.Code != "InvalidVpcEndpointId.NotFound" {
		t.Errorf("second delete: %v, unsuccessful %+v; want one InvalidVpcEndpointId.NotFound item", err, again.Unsuccessful)
	}
}

func TestEC2EndpointTags(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	in := f.endpointInput(f.subnetA)
	in.TagSpecifications = []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeVpcEndpoint, Tags: []ec2types.Tag{
		{Key: aws.String("keep"), Value: aws.String("1")}, {Key: aws.String("drop"), Value: aws.String("2")},
	}}}
	id := *f.createEndpoint(t, in).VpcEndpointId
	if _, err := f.client.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{id}, Tags: []ec2types.Tag{{Key: aws.String("new"), Value: aws.String("3")}}}); err != nil {
		t.Fatalf("CreateTags: %v", err)
	}
	if _, err := f.client.DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: []string{id}, Tags: []ec2types.Tag{{Key: aws.String("drop")}}}); err != nil {
		t.Fatalf("DeleteTags: %v", err)
	}
	got := map[string]string{}
	for _, tag := range f.describeEndpoint(t, id).Tags {
		got[*tag.Key] = *tag.Value
	}
	if diff := cmp.Diff(map[string]string{"keep": "1", "new": "3"}, got); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	_, err := f.client.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{"vpce-00000000000000000"}, Tags: []ec2types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	if got := errorCode(err); got != "InvalidVpcEndpointId.NotFound" {
		t.Errorf("CreateTags on an unknown endpoint: code %q, want InvalidVpcEndpointId.NotFound", got)
	}
}
