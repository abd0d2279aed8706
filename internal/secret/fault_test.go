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
