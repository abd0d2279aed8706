package endpoint

import (
	"context"
	"testing"
	"time"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
	emustate "github.com/redshift-data-access/redshift-data-access/local/awsemu/snapshot"
)

// TestCreateThatOutlivesTheDeadlineLeavesNothing: CreateVpcEndpoint is
// still in flight when the request's context ends; the endpoint it makes
// anyway must be deleted again.
func TestCreateThatOutlivesTheDeadlineLeavesNothing(t *testing.T) {
	f := newFixture(t)
	cfg := f.srv.Config(awsemu.AccountA)
	before := emustate.Take(t, cfg, nil, nil)
	f.srv.InjectFault(awsemu.Fault{Service: "ec2", Operation: "CreateVpcEndpoint", Latency: time.Minute, Times: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := f.res.Create(ctx, request(customresource.ActionCreate, "r1", "", map[string]any{"VpcId": f.vpc, "SubnetIds": []any{f.subnetA}}))
	if err == nil {
		t.Fatal("Create succeeded after its deadline")
	}
	if f.srv.FaultHits("ec2", "CreateVpcEndpoint") != 1 {
		t.Fatal("the slow CreateVpcEndpoint was never sent")
	}
	emustate.Unchanged(t, before, emustate.Take(t, cfg, nil, nil))
}
