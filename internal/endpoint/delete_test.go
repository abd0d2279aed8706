package endpoint

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

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
			// An endpoint this resource made: Delete leaves others alone.
			created := f.create(t, map[string]any{"VpcId": f.vpc, "SubnetIds": []any{f.subnetA}})
			res := New(unsuccessfulDelete{EC2API: f.client, code: tc.code}, "us-east-1")
			res.timing = testTiming
			err := res.Delete(context.Background(), request(customresource.ActionDelete, "req", created.PhysicalResourceID, nil))
			var unsuccessful *UnsuccessfulError
			if got := errors.As(err, &unsuccessful); got != tc.wantFailure {
				t.Errorf("Delete: %v; UnsuccessfulError = %v, want %v", err, got, tc.wantFailure)
			}
		})
	}
}
