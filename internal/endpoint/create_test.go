package endpoint

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/google/go-cmp/cmp"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
)

func TestCreateRejectsBeforeCreating(t *testing.T) {
	f := newFixture(t)
	tests := map[string]struct {
		props    map[string]any
		property string
		// mentions is what the problem must name for the user to fix it.
		mentions string
	}{
		"two subnets in one zone":           {map[string]any{"VpcId": f.vpc, "SubnetIds": []any{f.subnetA, f.subnetA2}}, "SubnetIds", "us-east-1a"},
		"subnet of another VPC":             {map[string]any{"VpcId": f.vpc, "SubnetIds": []any{f.otherSub}}, "SubnetIds", f.otherVPC},
		"unknown subnet":                    {map[string]any{"VpcId": f.vpc, "SubnetIds": []any{"subnet-00000000000000000"}}, "SubnetIds", "subnet-00000000000000000"},
		"private DNS without DNS hostnames": {map[string]any{"VpcId": f.noDNSVPC, "SubnetIds": []any{f.noDNSSub}}, "PrivateDnsEnabled", "enableDnsHostnames"},
		"unknown security group":            {map[string]any{"VpcId": f.vpc, "SubnetIds": []any{f.subnetA}, "SecurityGroupIds": []any{"sg-00000000000000000"}}, "SecurityGroupIds", "sg-00000000000000000"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f.calls.reset()
			_, err := f.res.Create(context.Background(), request(customresource.ActionCreate, "req-"+name, "", tc.props))
			var pe *customresource.PropertyError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want a PropertyError", err)
			}
			if pe.Property != tc.property || !strings.Contains(pe.Problem, tc.mentions) {
				t.Errorf("PropertyError{%s: %s}, want property %s and a problem that names %s", pe.Property, pe.Problem, tc.property, tc.mentions)
			}
			if diff := cmp.Diff(map[string]int{}, f.calls.mutating()); diff != "" {
				t.Errorf("mutating calls (-want +got):\n%s", diff)
			}
			if n := f.srv.VPCEndpointCount(); n != 0 {
				t.Errorf("%d VPC endpoints exist, want 0", n)
			}
		})
	}
}

func TestCreateWithoutPrivateDNSInVPCWithoutHostnames(t *testing.T) {
	f := newFixture(t)
	res := f.create(t, map[string]any{"VpcId": f.noDNSVPC, "SubnetIds": []any{f.noDNSSub}, "PrivateDnsEnabled": "false"})
	if ep := f.describe(t, res.PhysicalResourceID); aws.ToBool(ep.PrivateDnsEnabled) {
		t.Errorf("endpoint %s has private DNS, want none", res.PhysicalResourceID)
	}
}

func TestCreateWaitsForSlowPending(t *testing.T) {
	f := newFixture(t)
	f.srv.SetVPCEndpointDelays(150*time.Millisecond, 0)
	start := time.Now()
	res := f.create(t, map[string]any{"VpcId": f.vpc, "SubnetIds": []any{f.subnetA, f.subnetB}, "Tags": map[string]any{"team": "data"}})
	if waited := time.Since(start); waited < 150*time.Millisecond {
		t.Errorf("Create returned after %s, before the endpoint was available", waited)
	}
	ep := f.describe(t, res.PhysicalResourceID)
	if stateOf(ep) != stateAvailable {
		t.Errorf("state = %s, want available", ep.State)
	}
	var dns []string
	for _, d := range ep.DnsEntries {
		dns = append(dns, *d.DnsName)
	}
	want := map[string]string{
		"VpcEndpointId":       res.PhysicalResourceID,
		"DnsName":             dns[0],
		"DnsNames":            strings.Join(dns, ","),
		"NetworkInterfaceIds": strings.Join(ep.NetworkInterfaceIds, ","),
		"ServiceName":         "com.amazonaws.us-east-1.redshift-data",
	}
	if diff := cmp.Diff(want, res.Data); diff != "" {
		t.Errorf("Data (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(res.Data["DnsName"], res.PhysicalResourceID+"-") || !slices.Contains(dns, "redshift-data.us-east-1.amazonaws.com") || len(ep.NetworkInterfaceIds) != 2 {
		t.Errorf("DNS names %v and interfaces %v: want the regional name first, the private name, and one interface per subnet", dns, ep.NetworkInterfaceIds)
	}
	tags := map[string]string{}
	for _, tag := range ep.Tags {
		tags[*tag.Key] = *tag.Value
	}
	wantTags := map[string]string{"team": "data", TagLogicalID: "DataApiEndpoint", TagStackID: request("", "", "", nil).StackID}
	if diff := cmp.Diff(wantTags, tags); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
}

func TestCreateFailedEndpointIsDeletedAndReported(t *testing.T) {
	f := newFixture(t)
	f.srv.FailNextVPCEndpoint("insufficient capacity in us-east-1a")
	_, err := f.res.Create(context.Background(), request(customresource.ActionCreate, "req-1", "", map[string]any{"VpcId": f.vpc, "SubnetIds": []any{f.subnetA}}))
	var failed *FailedError
	if !errors.As(err, &failed) {
		t.Fatalf("err = %v, want a FailedError", err)
	}
	if diff := cmp.Diff(FailedError{ID: failed.ID, State: stateFailed, Code: "InternalError", Message: "insufficient capacity in us-east-1a"}, *failed); diff != "" {
		t.Errorf("FailedError (-want +got):\n%s", diff)
	}
	if n := f.srv.VPCEndpointCount(); n != 0 {
		t.Errorf("%d VPC endpoints left after a failed create, want 0", n)
	}
}

func TestCreateStuckPendingGivesUpBeforeDeadlineAndDeletes(t *testing.T) {
	f := newFixture(t)
	f.srv.HoldNextVPCEndpointPending()
	ctx, cancel := context.WithTimeout(context.Background(), testTiming.reserve+200*time.Millisecond)
	defer cancel()
	_, err := f.res.Create(ctx, request(customresource.ActionCreate, "req-1", "", map[string]any{"VpcId": f.vpc, "SubnetIds": []any{f.subnetA}}))
	var timeout *TimeoutError
	if !errors.As(err, &timeout) || timeout.State != statePending {
		t.Fatalf("err = %v, want a TimeoutError in state pending", err)
	}
	if ctx.Err() != nil {
		t.Errorf("Create returned after the context deadline; it must give up %s before it", testTiming.reserve)
	}
	if n := f.srv.VPCEndpointCount(); n != 0 {
		t.Errorf("%d VPC endpoints left after giving up, want 0: the failed create's marker would leak it", n)
	}
}

func TestDuplicateCreateReturnsSameEndpoint(t *testing.T) {
	f := newFixture(t)
	req := request(customresource.ActionCreate, "req-1", "", map[string]any{"VpcId": f.vpc, "SubnetIds": []any{f.subnetA}})
	first, err := f.res.Create(context.Background(), req)
	if err != nil {
		t.Fatalf("first Create: %v", err)
	}
	second, err := f.res.Create(context.Background(), req)
	if err != nil {
		t.Fatalf("duplicate Create: %v", err)
	}
	if second.PhysicalResourceID != first.PhysicalResourceID {
		t.Errorf("duplicate Create returned %s, first %s", second.PhysicalResourceID, first.PhysicalResourceID)
	}
	if n := f.srv.VPCEndpointCount(); n != 1 {
		t.Errorf("%d VPC endpoints, want 1", n)
	}
}

// TestCreateInChinaRegion creates the default endpoint in the aws-cn
// partition, whose service name starts with cn.com.amazonaws.
func TestCreateInChinaRegion(t *testing.T) {
	srv := awsemu.Start(awsemu.WithRegion("cn-north-1"))
	t.Cleanup(srv.Close)
	client := ec2.NewFromConfig(srv.Config(awsemu.AccountA))
	vpc := newVPC(t, client, "10.0.0.0/16", true)
	subnet := newSubnet(t, client, vpc, "10.0.1.0/24", "cn-north-1a")
	res := New(client, srv.Region())
	res.timing = testTiming
	got, err := res.Create(context.Background(), request(customresource.ActionCreate, "req-1", "", map[string]any{"VpcId": vpc, "SubnetIds": []any{subnet}}))
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if diff := cmp.Diff("cn.com.amazonaws.cn-north-1.redshift-data", got.Data["ServiceName"]); diff != "" {
		t.Errorf("ServiceName (-want +got):\n%s", diff)
	}
	if !strings.Contains(got.Data["DnsNames"], "redshift-data.cn-north-1.amazonaws.com.cn") {
		t.Errorf("DnsNames %q lack the private name redshift-data.cn-north-1.amazonaws.com.cn", got.Data["DnsNames"])
	}
}
