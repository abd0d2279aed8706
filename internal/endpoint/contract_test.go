package endpoint

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/cfn"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/local/lifecycle"
)

// newHandler serves the fixture's resource as the Lambda function would,
// with responses allowed to the driver's loopback ResponseURLs.
func newHandler(f *fixture, opts ...customresource.Option) *customresource.Handler {
	opts = append([]customresource.Option{
		customresource.WithAllowLocalResponseURL(true),
		customresource.WithLogger(slog.New(slog.NewJSONHandler(io.Discard, nil))),
	}, opts...)
	return customresource.NewHandler(map[string]customresource.Resource{ResourceType: f.res}, opts...)
}

// TestContract runs the CloudFormation lifecycle every resource must pass,
// through the custom-resource runtime, against the emulator.
func TestContract(t *testing.T) {
	f := newFixture(t)
	lifecycle.RunContract(t, f.contract())
}

// TestContractEndpointStaysPending is the lifecycle of a Create whose
// endpoint is still pending when the invocation's time runs out: the
// function answers FAILED with its own reason before the runtime's
// deadline margin, leaves no endpoint behind, and the Delete that
// CloudFormation's rollback sends for the failed Create's marker succeeds.
func TestContractEndpointStaysPending(t *testing.T) {
	f := newFixture(t)
	const margin = 100 * time.Millisecond
	// The resource gives up testTiming.reserve before the deadline, which
	// leaves it time to delete the endpoint before the runtime's margin.
	invocation := testTiming.reserve + time.Second
	d, err := lifecycle.NewDriver(ResourceType, newHandler(f, customresource.WithDeadlineMargin(margin)).HandleEvent)
	if err != nil {
		t.Fatalf("starting the driver: %v", err)
	}
	defer d.Close()
	f.srv.HoldNextVPCEndpointPending()
	props := map[string]any{"VpcId": f.vpc, "SubnetIds": []any{f.subnetA}}

	ctx, cancel := context.WithTimeout(context.Background(), invocation)
	defer cancel()
	start := time.Now()
	resp, err := d.Create(ctx, props)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if elapsed := time.Since(start); elapsed >= invocation-margin {
		t.Errorf("Create answered after %s, want before the runtime's margin (%s)", elapsed, invocation-margin)
	}
	if resp.Status != cfn.StatusFailed || !customresource.IsFailedCreateMarker(resp.PhysicalResourceID) {
		t.Fatalf("Create: status %s, physical ID %q; want FAILED with a failed-create marker", resp.Status, resp.PhysicalResourceID)
	}
	out, err := f.client.DescribeVpcEndpoints(context.Background(), &ec2.DescribeVpcEndpointsInput{})
	if err != nil {
		t.Fatalf("DescribeVpcEndpoints: %v", err)
	}
	if len(out.VpcEndpoints) != 1 {
		t.Fatalf("%d VPC endpoints listed, want the one Create made", len(out.VpcEndpoints))
	}
	ep := out.VpcEndpoints[0]
	if state := stateOf(ep); state != stateDeleting && state != stateDeleted {
		t.Errorf("endpoint %s is %s after the failed Create, want it deleted: the marker's Delete would leak it", aws.ToString(ep.VpcEndpointId), state)
	}
	// The reason is the resource's, which names the endpoint, not the
	// runtime's generic timeout.
	if id := aws.ToString(ep.VpcEndpointId); !strings.Contains(resp.Reason, id) {
		t.Errorf("Reason %q does not name endpoint %s", resp.Reason, id)
	}

	f.calls.reset()
	del, err := d.Delete(context.Background(), resp.PhysicalResourceID, props)
	if err != nil {
		t.Fatalf("Delete of the marker: %v", err)
	}
	if del.Status != cfn.StatusSuccess {
		t.Errorf("Delete of the marker: status %s (%s), want SUCCESS", del.Status, del.Reason)
	}
	if n := f.calls.total(); n != 0 {
		t.Errorf("Delete of the marker made %d AWS calls, want none", n)
	}
}
