package endpoint

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/google/go-cmp/cmp"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

func TestUpdateInPlace(t *testing.T) {
	f := newFixture(t)
	app := f.newSecurityGroup(t, "app")
	old := map[string]any{"VpcId": f.vpc, "SubnetIds": []any{f.subnetA}, "Tags": map[string]any{"team": "data", "drop": "me"}}
	id := f.create(t, old).PhysicalResourceID
	f.srv.SetVPCEndpointDelays(50*time.Millisecond, 0)
	policy := `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"redshift-data:ExecuteStatement","Resource":"*"}]}`
	props := map[string]any{"VpcId": f.vpc, "SubnetIds": []any{f.subnetB}, "SecurityGroupIds": []any{app},
		"PolicyDocument": policy, "Tags": map[string]any{"team": "analytics"}, "IpAddressType": "dualstack"}
	req := request(customresource.ActionUpdate, "req-update", id, props)
	req.OldProperties = old
	res, err := f.res.Update(context.Background(), req)
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if res.PhysicalResourceID != id {
		t.Errorf("physical ID changed from %s to %s on an in-place update", id, res.PhysicalResourceID)
	}
	ep := f.describe(t, id)
	tags := map[string]string{}
	for _, tag := range ep.Tags {
		tags[*tag.Key] = *tag.Value
	}
	got := map[string]any{"subnets": ep.SubnetIds, "groups": []string{*ep.Groups[0].GroupId}, "group count": len(ep.Groups),
		"policy as given": samePolicy(policy, *ep.PolicyDocument), "state": stateOf(ep), "team tag": tags["team"], "has drop tag": tags["drop"] != "",
		"IP address type": string(ep.IpAddressType)}
	want := map[string]any{"subnets": []string{f.subnetB}, "groups": []string{app}, "group count": 1,
		"policy as given": true, "state": stateAvailable, "team tag": "analytics", "has drop tag": false,
		"IP address type": "dualstack"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("endpoint after update (-want +got):\n%s", diff)
	}
}

func TestNoOpUpdateMakesNoMutatingCall(t *testing.T) {
	f := newFixture(t)
	props := map[string]any{"VpcId": f.vpc, "SubnetIds": []any{f.subnetA, f.subnetB}, "Tags": map[string]any{"team": "data"},
		"PolicyDocument": `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`}
	id := f.create(t, props).PhysicalResourceID
	f.calls.reset()
	req := request(customresource.ActionUpdate, "req-update", id, props)
	req.OldProperties = props
	if _, err := f.res.Update(context.Background(), req); err != nil {
		t.Fatalf("Update: %v", err)
	}
	if diff := cmp.Diff(map[string]int{}, f.calls.mutating()); diff != "" {
		t.Errorf("mutating calls of a no-op update (-want +got):\n%s", diff)
	}
}

func TestUpdateReplacement(t *testing.T) {
	f := newFixture(t)
	old := map[string]any{"VpcId": f.vpc, "SubnetIds": []any{f.subnetA}}
	oldID := f.create(t, old).PhysicalResourceID
	tests := map[string]map[string]any{
		"new VPC":     {"VpcId": f.otherVPC, "SubnetIds": []any{f.otherSub}},
		"new service": {"VpcId": f.vpc, "SubnetIds": []any{f.subnetA}, "ServiceName": "com.amazonaws.us-east-1.redshift"},
	}
	for name, props := range tests {
		t.Run(name, func(t *testing.T) {
			req := request(customresource.ActionUpdate, "req-"+name, oldID, props)
			req.OldProperties = old
			res, err := f.res.Update(context.Background(), req)
			if err != nil {
				t.Fatalf("Update: %v", err)
			}
			if res.PhysicalResourceID == oldID {
				t.Fatalf("physical ID stayed %s, want a replacement", oldID)
			}
			if state := stateOf(f.describe(t, oldID)); state != stateAvailable {
				t.Errorf("old endpoint is %s after the replacement, want it left available for CloudFormation's cleanup", state)
			}
		})
	}
}

// TestUpdateWaitsForPendingEndpointWithNoChange is a redelivered Update
// whose first delivery already modified the endpoint: nothing is left to
// change, but the endpoint is still pending, and Update answers only once
// it is available.
func TestUpdateWaitsForPendingEndpointWithNoChange(t *testing.T) {
	f := newFixture(t)
	old := map[string]any{"VpcId": f.vpc, "SubnetIds": []any{f.subnetA}}
	id := f.create(t, old).PhysicalResourceID
	f.srv.SetVPCEndpointDelays(150*time.Millisecond, 0)
	if _, err := f.client.ModifyVpcEndpoint(context.Background(), &ec2.ModifyVpcEndpointInput{VpcEndpointId: &id, AddSubnetIds: []string{f.subnetB}}); err != nil {
		t.Fatalf("ModifyVpcEndpoint: %v", err)
	}
	f.calls.reset()
	req := request(customresource.ActionUpdate, "req-update", id, map[string]any{"VpcId": f.vpc, "SubnetIds": []any{f.subnetA, f.subnetB}})
	req.OldProperties = old
	if _, err := f.res.Update(context.Background(), req); err != nil {
		t.Fatalf("Update: %v", err)
	}
	if state := stateOf(f.describe(t, id)); state != stateAvailable {
		t.Errorf("Update returned with the endpoint %s, want available", state)
	}
	if diff := cmp.Diff(map[string]int{}, f.calls.mutating()); diff != "" {
		t.Errorf("mutating calls (-want +got):\n%s", diff)
	}
}

// TestUpdateIPAddressTypeInPlace changes IpAddressType of an endpoint with
// private DNS without replacing it: a replacement in the same VPC would
// need the private DNS name the old endpoint holds until CloudFormation's
// cleanup. The DNS records change with the addresses, since EC2 refuses
// ipv6 addresses with A records and ipv4 addresses with AAAA records.
func TestUpdateIPAddressTypeInPlace(t *testing.T) {
	f := newFixture(t)
	props := map[string]any{"VpcId": f.vpc, "SubnetIds": []any{f.subnetA}}
	id := f.create(t, props).PhysicalResourceID
	for _, ipType := range []string{"ipv6", "dualstack", "ipv4"} {
		old := props
		props = map[string]any{"VpcId": f.vpc, "SubnetIds": []any{f.subnetA}, "IpAddressType": ipType}
		req := request(customresource.ActionUpdate, "req-"+ipType, id, props)
		req.OldProperties = old
		res, err := f.res.Update(context.Background(), req)
		if err != nil {
			t.Fatalf("Update to %s: %v", ipType, err)
		}
		ep := f.describe(t, id)
		got := []string{res.PhysicalResourceID, string(ep.IpAddressType), string(ep.DnsOptions.DnsRecordIpType)}
		if diff := cmp.Diff([]string{id, ipType, ipType}, got); diff != "" {
			t.Errorf("Update to %s: physical ID, IP address type, DNS record type (-want +got):\n%s", ipType, diff)
		}
	}
}
