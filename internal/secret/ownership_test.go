package secret

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
	emustate "github.com/redshift-data-access/redshift-data-access/local/awsemu/snapshot"
)

// foreignSecrets makes a hand-made secret and one of another stack's
// resource, and returns their ARNs.
func foreignSecrets(t *testing.T, e *env) map[string]string {
	t.Helper()
	out := map[string]string{}
	for name, tags := range map[string][]smtypes.Tag{
		"hand-made": {{Key: aws.String("owner"), Value: aws.String("someone")}},
		"other stack": {
			{Key: aws.String(TagStackID), Value: aws.String("arn:aws:cloudformation:us-east-1:111111111111:stack/other/1")},
			{Key: aws.String(TagLogicalID), Value: aws.String("AppSecret")},
		},
		"other logical ID": {
			{Key: aws.String(TagStackID), Value: aws.String(testStackID)},
			{Key: aws.String(TagLogicalID), Value: aws.String("OtherSecret")},
		},
	} {
		s, err := e.sm.CreateSecret(context.Background(), &secretsmanager.CreateSecretInput{
			Name: aws.String("app/" + strings.ReplaceAll(name, " ", "-")), SecretString: aws.String(`{"username":"u","password":"p"}`), Tags: tags,
		})
		if err != nil {
			t.Fatal(err)
		}
		out[name] = aws.ToString(s.ARN)
	}
	return out
}

func TestUpdateOfASecretNotCreatedByThisResourceFails(t *testing.T) {
	e := newEnv(t)
	for name, arn := range foreignSecrets(t, e) {
		for _, props := range []map[string]any{
			workgroupProps(),
			with(workgroupProps(), map[string]any{"Name": "app/replacement"}), // replacement reads the old value
		} {
			t.Run(name, func(t *testing.T) {
				cfg := e.srv.Config(awsemu.AccountA)
				before := emustate.Take(t, cfg, nil, nil)
				_, err := e.res.Update(context.Background(), request(customresource.ActionUpdate, "u1", arn, workgroupProps(), props))
				var notOwned *customresource.NotOwnedError
				if !errors.As(err, &notOwned) {
					t.Fatalf("Update: %v, want a *customresource.NotOwnedError", err)
				}
				emustate.Unchanged(t, before, emustate.Take(t, cfg, nil, nil))
			})
		}
	}
}

func TestDeleteOfASecretNotCreatedByThisResourceChangesNothing(t *testing.T) {
	e := newEnv(t)
	for name, arn := range foreignSecrets(t, e) {
		for _, window := range []string{"0", "7"} {
			t.Run(name+" window "+window, func(t *testing.T) {
				cfg := e.srv.Config(awsemu.AccountA)
				before := emustate.Take(t, cfg, nil, nil)
				props := with(workgroupProps(), map[string]any{"RecoveryWindowInDays": window})
				if err := e.res.Delete(context.Background(), request(customresource.ActionDelete, "d1", arn, nil, props)); err != nil {
					t.Fatalf("Delete: %v, want success", err)
				}
				emustate.Unchanged(t, before, emustate.Take(t, cfg, nil, nil))
			})
		}
	}
}

func TestRestoreDoesNotTakeOverAHandMadeSecret(t *testing.T) {
	e := newEnv(t)
	scheduleDeletionTagged(t, e, []smtypes.Tag{{Key: aws.String("owner"), Value: aws.String("someone")}})
	cfg := e.srv.Config(awsemu.AccountA)
	before := emustate.Take(t, cfg, nil, nil)
	props := with(workgroupProps(), map[string]any{"Name": "app/old", "RestoreIfScheduledForDeletion": "true"})
	_, err := e.res.Create(context.Background(), request(customresource.ActionCreate, "r1", "", nil, props))
	var taken *NameTakenError
	if !errors.As(err, &taken) {
		t.Fatalf("Create: %v, want a *NameTakenError", err)
	}
	emustate.Unchanged(t, before, emustate.Take(t, cfg, nil, nil))
}

// TestReplacedSecretAndItsReplacementStayOwned: a Name change makes a new
// secret; both carry the resource's records, so the cleanup Delete of the
// old one (after the update) and of the new one (after a rollback) act.
func TestReplacedSecretAndItsReplacementStayOwned(t *testing.T) {
	e := newEnv(t)
	old := with(workgroupProps(), map[string]any{"Name": "app/first"})
	first := e.create(t, old)
	next := with(workgroupProps(), map[string]any{"Name": "app/second"})
	second, err := e.res.Update(context.Background(), request(customresource.ActionUpdate, "u1", first.PhysicalResourceID, old, next))
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if second.PhysicalResourceID == first.PhysicalResourceID {
		t.Fatal("a Name change did not replace the secret")
	}
	for _, id := range []string{first.PhysicalResourceID, second.PhysicalResourceID} {
		props := with(old, map[string]any{"RecoveryWindowInDays": "0"})
		if err := e.res.Delete(context.Background(), request(customresource.ActionDelete, "d-"+id, id, nil, props)); err != nil {
			t.Fatalf("Delete %s: %v", id, err)
		}
		if _, err := e.sm.DescribeSecret(context.Background(), &secretsmanager.DescribeSecretInput{SecretId: aws.String(id)}); err == nil {
			t.Errorf("secret %s survived its resource's Delete", id)
		}
	}
}
