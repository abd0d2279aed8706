package secret

import (
	"context"
	"testing"
	"time"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
	emustate "github.com/redshift-data-access/redshift-data-access/local/awsemu/snapshot"
)

// TestCreateThatOutlivesTheDeadlineLeavesNothing: CreateSecret is still in
// flight when the request's context ends (the runtime has answered
// FAILED); the secret it makes anyway must be deleted again.
func TestCreateThatOutlivesTheDeadlineLeavesNothing(t *testing.T) {
	e := newEnv(t)
	cfg := e.srv.Config(awsemu.AccountA)
	before := emustate.Take(t, cfg, nil, nil)
	e.srv.InjectFault(awsemu.Fault{Service: "secretsmanager", Operation: "CreateSecret", Latency: time.Minute, Times: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := e.res.Create(ctx, request(customresource.ActionCreate, "r1", "", nil, with(workgroupProps(), map[string]any{"Password": canaryPassword})))
	if err == nil {
		t.Fatal("Create succeeded after its deadline")
	}
	if e.srv.FaultHits("secretsmanager", "CreateSecret") != 1 {
		t.Fatal("the slow CreateSecret was never sent")
	}
	emustate.Unchanged(t, before, emustate.Take(t, cfg, nil, nil))
}
