package secret

import (
	"context"
	"testing"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
)

func TestCreateSurvivesThrottling(t *testing.T) {
	e := newEnv(t)
	e.srv.InjectFault(awsemu.Throttle("secretsmanager", "CreateSecret", 2))
	res := e.create(t, workgroupProps())
	if got := e.state(t, res.PhysicalResourceID); got != "live" {
		t.Errorf("secret is %s, want live", got)
	}
}

func TestCreateWithFailingPasswordGenerationCreatesNothing(t *testing.T) {
	e := newEnv(t)
	// More failures than the SDK's three attempts.
	e.srv.InjectFault(awsemu.ServerError("secretsmanager", "GetRandomPassword", 5))
	_, err := e.res.Create(context.Background(), request(customresource.ActionCreate, "r1", "", nil, workgroupProps()))
	if err == nil {
		t.Fatal("Create succeeded although no password could be generated")
	}
	if customresource.IsInvalidInput(err) {
		t.Errorf("err = %v, a service failure is not invalid input", err)
	}
	if calls := e.calls.mutations(); len(calls) != 0 {
		t.Errorf("mutating calls %v, want none", calls)
	}
}

func TestFailedRestoreSchedulesTheDeletionAgain(t *testing.T) {
	e := newEnv(t)
	arn := scheduleDeletion(t, e)
	// More failures than the SDK's three attempts.
	e.srv.InjectFault(awsemu.ServerError("secretsmanager", "PutSecretValue", 5))
	props := with(workgroupProps(), map[string]any{"Name": "app/old", "RestoreIfScheduledForDeletion": "true"})
	_, err := e.res.Create(context.Background(), request(customresource.ActionCreate, "r1", "", nil, props))
	if err == nil {
		t.Fatal("Create succeeded although the restored secret could not be written")
	}
	if got := e.state(t, arn); got != "scheduled" {
		t.Errorf("restored secret is %s after the failed Create, want scheduled", got)
	}
}

// TestRollbackOfFailedPasswordChangeKeepsThePassword fails an update from
// a generated password to a given one before its value is written; the
// rollback then finds the generated password still current and keeps it.
func TestRollbackOfFailedPasswordChangeKeepsThePassword(t *testing.T) {
	e := newEnv(t)
	old := workgroupProps()
	res := e.create(t, old)
	_, before := splitPassword(e.value(t, res.PhysicalResourceID))
	given := with(old, map[string]any{"Password": canaryPassword})
	// More failures than the SDK's three attempts.
	remove := e.srv.InjectFault(awsemu.ServerError("secretsmanager", "PutSecretValue", 5))
	if _, err := e.res.Update(context.Background(), request(customresource.ActionUpdate, "forward", res.PhysicalResourceID, old, given)); err == nil {
		t.Fatal("the update succeeded although its value could not be written")
	}
	remove()
	e.calls.reset()
	e.update(t, "rollback", res.PhysicalResourceID, given, old)
	if _, after := splitPassword(e.value(t, res.PhysicalResourceID)); after != before {
		t.Error("the rollback changed the generated password that the failed update never replaced")
	}
	if calls := e.calls.mutations(); len(calls) != 0 {
		t.Errorf("mutating calls of the rollback %v, want none", calls)
	}
}
