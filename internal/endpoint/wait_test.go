package endpoint

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/google/go-cmp/cmp"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
)

// describedAs is an EC2 client whose DescribeVpcEndpoints reports every
// endpoint in state, with lastError; the emulator cannot put an endpoint
// of an AWS service into rejected or expired.
type describedAs struct {
	EC2API
	state         string
	lastError     *types.LastError
	failureReason string
}

func (d describedAs) DescribeVpcEndpoints(_ context.Context, in *ec2.DescribeVpcEndpointsInput, _ ...func(*ec2.Options)) (*ec2.DescribeVpcEndpointsOutput, error) {
	return &ec2.DescribeVpcEndpointsOutput{VpcEndpoints: []types.VpcEndpoint{{
		VpcEndpointId: aws.String(in.VpcEndpointIds[0]), State: types.State(d.state), LastError: d.lastError,
		FailureReason: aws.String(d.failureReason),
	}}}, nil
}

func TestWaitAvailableStopsAtTerminalStates(t *testing.T) {
	const id = "vpce-00000000000000000"
	denied := &types.LastError{Code: aws.String("Client.ServiceOwnerRejected"), Message: aws.String("rejected by the service owner")}
	tests := map[string]struct {
		state         string
		lastError     *types.LastError
		failureReason string
		want          FailedError
	}{
		"failed":   {state: "failed", lastError: denied, want: FailedError{ID: id, State: stateFailed, Code: "Client.ServiceOwnerRejected", Message: "rejected by the service owner"}},
		"rejected": {state: "rejected", lastError: denied, want: FailedError{ID: id, State: stateRejected, Code: "Client.ServiceOwnerRejected", Message: "rejected by the service owner"}},
		"expired":  {state: "expired", want: FailedError{ID: id, State: stateExpired}},
		"deleting": {state: "deleting", want: FailedError{ID: id, State: stateDeleting, Message: "it is being deleted"}},
		"failed with a failure reason only": {state: "failed", failureReason: "subnet has no free addresses",
			want: FailedError{ID: id, State: stateFailed, Message: "subnet has no free addresses"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			res := New(describedAs{state: tc.state, lastError: tc.lastError, failureReason: tc.failureReason}, "us-east-1")
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
