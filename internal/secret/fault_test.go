package secret

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/go-cmp/cmp"

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

// TestRollbackAfterFailureMidwayRestoresEverything fails an update at each
// of its mutating calls in turn; the rollback that follows must bring the
// value, description and tags back to what they were.
func TestRollbackAfterFailureMidwayRestoresEverything(t *testing.T) {
	old := with(clusterProps(), map[string]any{"Description": "v1", "Tags": map[string]any{"team": "data", "cost": "1"}})
	props := with(old, map[string]any{"Database": "sales", "Description": "v2", "Tags": map[string]any{"team": "platform", "env": "prod"}})
	for _, op := range []string{"UpdateSecret", "PutSecretValue", "TagResource", "UntagResource"} {
		t.Run(op, func(t *testing.T) {
			e := newEnv(t)
			res := e.create(t, old)
			want := e.snapshot(t, res.PhysicalResourceID)
			// More failures than the SDK's three attempts.
			remove := e.srv.InjectFault(awsemu.ServerError("secretsmanager", op, 5))
			if _, err := e.res.Update(context.Background(), request(customresource.ActionUpdate, "forward", res.PhysicalResourceID, old, props)); err == nil {
				t.Fatalf("the update succeeded although %s failed", op)
			}
			remove()
			e.update(t, "rollback", res.PhysicalResourceID, props, old)
			if diff := cmp.Diff(want, e.snapshot(t, res.PhysicalResourceID)); diff != "" {
				t.Errorf("after the rollback (-want +got):\n%s", diff)
			}
		})
	}
}

// snapshot is what a template controls of a secret, without the password.
type snapshot struct {
	Value       map[string]any
	Password    string // a hash, so that a failure does not print it
	Description string
	Tags        map[string]string
}

func (e *env) snapshot(t *testing.T, id string) snapshot {
	t.Helper()
	value, password := splitPassword(e.value(t, id))
	d := e.describe(t, id)
	return snapshot{Value: value, Password: customresource.ShortHash(password, 16), Description: aws.ToString(d.Description), Tags: tagMap(d.Tags)}
}
