package endpoint

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
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

func TestDelete(t *testing.T) {
	f := newFixture(t)
	f.srv.SetVPCEndpointDelays(0, 100*time.Millisecond)
	f.srv.SetDeletedVPCEndpointVisibility(time.Hour)
	id := f.create(t, map[string]any{"VpcId": f.vpc, "SubnetIds": []any{f.subnetA}}).PhysicalResourceID
	if err := f.res.Delete(context.Background(), request(customresource.ActionDelete, "req-delete", id, nil)); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if state := stateOf(f.describe(t, id)); state != stateDeleted {
		t.Errorf("state after Delete = %s, want deleted: Delete must wait until the endpoint is gone", state)
	}
	tests := map[string]string{
		"already gone":           id,
		"never existed":          "vpce-00000000000000000",
		"failed create's marker": customresource.FailedCreateMarker("req-create"),
		"not an endpoint ID":     "2026/11/28/[$LATEST]0123456789abcdef",
		"ID of another resource": "arn:aws:secretsmanager:us-east-1:111111111111:secret:x-AbCdEf",
	}
	for name, physicalID := range tests {
		t.Run(name, func(t *testing.T) {
			if err := f.res.Delete(context.Background(), request(customresource.ActionDelete, "req-"+name, physicalID, nil)); err != nil {
				t.Errorf("Delete %s: %v, want success", physicalID, err)
			}
		})
	}
	f.calls.reset()
	if err := f.res.Delete(context.Background(), request(customresource.ActionDelete, "req-marker", customresource.FailedCreateMarker("x"), nil)); err != nil {
		t.Fatalf("Delete of a marker: %v", err)
	}
	if n := f.calls.total(); n != 0 {
		t.Errorf("Delete of a marker made %d AWS calls, want none", n)
	}
}

// unsuccessfulDelete is an EC2 client whose DeleteVpcEndpoints reports the
// endpoint as Unsuccessful with code, which the emulator cannot produce
// for an existing endpoint.
type unsuccessfulDelete struct {
	EC2API
	code string
}

func (u unsuccessfulDelete) DeleteVpcEndpoints(_ context.Context, in *ec2.DeleteVpcEndpointsInput, _ ...func(*ec2.Options)) (*ec2.DeleteVpcEndpointsOutput, error) {
	return &ec2.DeleteVpcEndpointsOutput{Unsuccessful: []types.UnsuccessfulItem{{
		ResourceId: aws.String(in.VpcEndpointIds[0]),
		Error:      &types.UnsuccessfulItemError{Code: aws.String(u.code), Message: aws.String("injected")},
	}}}, nil
}

func TestDeleteUnsuccessfulItems(t *testing.T) {
	tests := map[string]struct {
		code        string
		wantFailure bool
	}{
		"not found is success": {codeEndpointNotFound, false},
		"other codes fail":     {"IncorrectState", true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			res := New(unsuccessfulDelete{EC2API: f.client, code: tc.code}, "us-east-1")
			res.timing = testTiming
			err := res.Delete(context.Background(), request(customresource.ActionDelete, "req", "vpce-00000000000000000", nil))
			var unsuccessful *UnsuccessfulError
			if got := errors.As(err, &unsuccessful); got != tc.wantFailure {
				t.Errorf("Delete: %v; UnsuccessfulError = %v, want %v", err, got, tc.wantFailure)
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

// describedAs is an EC2 client whose DescribeVpcEndpoints reports every
// endpoint in state, with lastError; the emulator cannot put an endpoint
// of an AWS service into rejected or expired.
type describedAs struct {
	EC2API
	state     string
	lastError *types.LastError
}

func (d describedAs) DescribeVpcEndpoints(_ context.Context, in *ec2.DescribeVpcEndpointsInput, _ ...func(*ec2.Options)) (*ec2.DescribeVpcEndpointsOutput, error) {
	return &ec2.DescribeVpcEndpointsOutput{VpcEndpoints: []types.VpcEndpoint{{
		VpcEndpointId: aws.String(in.VpcEndpointIds[0]), State: types.State(d.state), LastError: d.lastError,
	}}}, nil
}

func TestWaitAvailableStopsAtTerminalStates(t *testing.T) {
	const id = "vpce-00000000000000000"
	denied := &types.LastError{Code: aws.String("Client.ServiceOwnerRejected"), Message: aws.String("rejected by the service owner")}
	tests := map[string]struct {
		state     string
		lastError *types.LastError
		want      FailedError
	}{
		"failed":   {"failed", denied, FailedError{ID: id, State: stateFailed, Code: "Client.ServiceOwnerRejected", Message: "rejected by the service owner"}},
		"rejected": {"rejected", denied, FailedError{ID: id, State: stateRejected, Code: "Client.ServiceOwnerRejected", Message: "rejected by the service owner"}},
		"expired":  {"expired", nil, FailedError{ID: id, State: stateExpired}},
		"deleting": {"deleting", nil, FailedError{ID: id, State: stateDeleting, Message: "it is being deleted"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			res := New(describedAs{state: tc.state, lastError: tc.lastError}, "us-east-1")
			res.timing = testTiming
			_, err := res.waitAvailable(context.Background(), id)
			var failed *FailedError
			if !errors.As(err, &failed) {
				t.Fatalf("waitAvailable: %v, want a FailedError", err)
			}
			if diff := cmp.Diff(tc.want, *failed); diff != "" {
				t.Errorf("FailedError (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCreateToleratesNewEndpointNotYetDescribed covers DescribeVpcEndpoints'
// eventual consistency: right after CreateVpcEndpoint it may not know the
// new endpoint for a while, which Create waits out, but only for
// notFoundGrace.
func TestCreateToleratesNewEndpointNotYetDescribed(t *testing.T) {
	tests := map[string]struct {
		// times is how many DescribeVpcEndpoints calls answer not-found;
		// 0 means every call.
		times    int
		wantErr  bool
		wantLeft int
	}{
		"briefly unknown":    {times: 2, wantLeft: 1},
		"unknown for longer": {times: 0, wantErr: true, wantLeft: 0},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			f.srv.InjectFault(awsemu.Fault{Service: "ec2", Operation: "DescribeVpcEndpoints", Code: codeEndpointNotFound,
				Status: http.StatusBadRequest, Message: "The Vpc Endpoint Id does not exist", Times: tc.times})
			_, err := f.res.Create(context.Background(), request(customresource.ActionCreate, "req-1", "", map[string]any{"VpcId": f.vpc, "SubnetIds": []any{f.subnetA}}))
			var notFound *NotFoundError
			if got := errors.As(err, &notFound); got != tc.wantErr {
				t.Errorf("Create: %v; NotFoundError = %t, want %t", err, got, tc.wantErr)
			}
			if n := f.srv.VPCEndpointCount(); n != tc.wantLeft {
				t.Errorf("%d VPC endpoints, want %d", n, tc.wantLeft)
			}
		})
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
