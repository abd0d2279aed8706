package secret

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/google/go-cmp/cmp"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

func TestUpdateWithSamePropertiesMakesNoMutatingCall(t *testing.T) {
	tests := map[string]map[string]any{
		"generated password": with(workgroupProps(), map[string]any{"Tags": map[string]any{"team": "data"}}),
		"given password":     with(clusterProps(), map[string]any{"Password": canaryPassword, "Description": "d", "KmsKeyId": "alias/k"}),
		"given name":         with(clusterProps(), map[string]any{"Name": "app/same"}),
	}
	for name, props := range tests {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			res := e.create(t, props)
			e.calls.reset()
			got := e.update(t, "u1", res.PhysicalResourceID, props, props)
			if diff := cmp.Diff(res, got); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
			if calls := e.calls.mutations(); len(calls) != 0 {
				t.Errorf("mutating calls %v, want none", calls)
			}
		})
	}
}

func TestUpdateInPlace(t *testing.T) {
	base := with(clusterProps(), map[string]any{"Tags": map[string]any{"team": "data", "cost": "1"}})
	tests := map[string]struct {
		props         map[string]any
		wantValue     map[string]any // without the password
		wantTags      map[string]string
		wantDesc      string
		wantKey       string
		wantMutations []string
	}{
		"username and database": {
			props:         with(base, map[string]any{"Username": "other", "Database": "sales"}),
			wantValue:     map[string]any{"username": "other", "engine": "redshift", "dbClusterIdentifier": "analytics-cluster", "dbname": "sales"},
			wantTags:      map[string]string{"team": "data", "cost": "1", TagKey: "analytics-cluster"},
			wantMutations: []string{"PutSecretValue"},
		},
		"cluster to workgroup": {
			props:         with(base, map[string]any{"ClusterIdentifier": nil, "WorkgroupName": "analytics-wg", "Database": nil}),
			wantValue:     map[string]any{"username": "app_user"},
			wantTags:      map[string]string{"team": "data", "cost": "1", TagKey: "serverless"},
			wantMutations: []string{"PutSecretValue", "TagResource"},
		},
		"description": {
			props:         with(base, map[string]any{"Description": "new"}),
			wantValue:     map[string]any{"username": "app_user", "engine": "redshift", "dbClusterIdentifier": "analytics-cluster", "dbname": "dev"},
			wantTags:      map[string]string{"team": "data", "cost": "1", TagKey: "analytics-cluster"},
			wantDesc:      "new",
			wantMutations: []string{"UpdateSecret"},
		},
		// The value is written again under the new key.
		"key": {
			props:         with(base, map[string]any{"KmsKeyId": "alias/new"}),
			wantValue:     map[string]any{"username": "app_user", "engine": "redshift", "dbClusterIdentifier": "analytics-cluster", "dbname": "dev"},
			wantTags:      map[string]string{"team": "data", "cost": "1", TagKey: "analytics-cluster"},
			wantKey:       "alias/new",
			wantMutations: []string{"UpdateSecret", "PutSecretValue"},
		},
		"key and database": {
			props:         with(base, map[string]any{"KmsKeyId": "alias/new", "Database": "sales"}),
			wantValue:     map[string]any{"username": "app_user", "engine": "redshift", "dbClusterIdentifier": "analytics-cluster", "dbname": "sales"},
			wantTags:      map[string]string{"team": "data", "cost": "1", TagKey: "analytics-cluster"},
			wantKey:       "alias/new",
			wantMutations: []string{"UpdateSecret", "PutSecretValue"},
		},
		"tags by difference": {
			props:         with(base, map[string]any{"Tags": map[string]any{"team": "platform", "env": "prod"}, "TagValue": "shared"}),
			wantValue:     map[string]any{"username": "app_user", "engine": "redshift", "dbClusterIdentifier": "analytics-cluster", "dbname": "dev"},
			wantTags:      map[string]string{"team": "platform", "env": "prod", TagKey: "shared"},
			wantMutations: []string{"TagResource", "UntagResource"},
		},
		"all tags removed": {
			props:         with(base, map[string]any{"Tags": nil}),
			wantValue:     map[string]any{"username": "app_user", "engine": "redshift", "dbClusterIdentifier": "analytics-cluster", "dbname": "dev"},
			wantTags:      map[string]string{TagKey: "analytics-cluster"},
			wantMutations: []string{"UntagResource"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			res := e.create(t, base)
			_, before := splitPassword(e.value(t, res.PhysicalResourceID))
			e.calls.reset()
			got := e.update(t, "u1", res.PhysicalResourceID, base, tc.props)
			if got.PhysicalResourceID != res.PhysicalResourceID {
				t.Errorf("physical ID changed from %q to %q", res.PhysicalResourceID, got.PhysicalResourceID)
			}
			if diff := cmp.Diff(tc.wantMutations, e.calls.mutations()); diff != "" {
				t.Errorf("mutating calls (-want +got):\n%s", diff)
			}
			value, password := splitPassword(e.value(t, res.PhysicalResourceID))
			if diff := cmp.Diff(tc.wantValue, value); diff != "" {
				t.Errorf("value without password (-want +got):\n%s", diff)
			}
			if password != before {
				t.Error("the generated password changed on an unrelated update")
			}
			d := e.describe(t, res.PhysicalResourceID)
			tags := tagMap(d.Tags)
			delete(tags, TagStackID)
			delete(tags, TagLogicalID)
			if diff := cmp.Diff(tc.wantTags, tags); diff != "" {
				t.Errorf("tags without the resource's own (-want +got):\n%s", diff)
			}
			got2 := []string{aws.ToString(d.Description), aws.ToString(d.KmsKeyId)}
			if diff := cmp.Diff([]string{tc.wantDesc, tc.wantKey}, got2); diff != "" {
				t.Errorf("Description, KmsKeyId (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUpdateLeavesTagsSetOutsideTheTemplate(t *testing.T) {
	e := newEnv(t)
	props := with(workgroupProps(), map[string]any{"Tags": map[string]any{"team": "data"}})
	res := e.create(t, props)
	if _, err := e.sm.TagResource(context.Background(), &secretsmanager.TagResourceInput{SecretId: aws.String(res.PhysicalResourceID), Tags: []smtypes.Tag{{Key: aws.String("backup"), Value: aws.String("daily")}}}); err != nil {
		t.Fatal(err)
	}
	e.update(t, "u1", res.PhysicalResourceID, props, with(props, map[string]any{"Tags": nil}))
	tags := tagMap(e.describe(t, res.PhysicalResourceID).Tags)
	if _, ok := tags["team"]; ok {
		t.Error("tag team, removed from the template, is still there")
	}
	if tags["backup"] != "daily" {
		t.Error("tag backup, set outside the template, was removed")
	}
	if tags[TagKey] != "serverless" {
		t.Errorf("%s tag = %q, want serverless", TagKey, tags[TagKey])
	}
}

func TestUpdatePassword(t *testing.T) {
	const newPassword = "Another9Pw-k2LmN"
	tests := map[string]struct {
		old, new map[string]any
		// wantNew says whether the update changes the password.
		wantNew bool
		// want is the resulting password when it is a given one.
		want       string
		wantLength int
	}{
		"generated kept":                    {old: workgroupProps(), new: with(workgroupProps(), map[string]any{"Database": "x"}), wantLength: 32},
		"new length regenerates":            {old: workgroupProps(), new: with(workgroupProps(), map[string]any{"PasswordLength": "40"}), wantNew: true, wantLength: 40},
		"given password replaces generated": {old: workgroupProps(), new: with(workgroupProps(), map[string]any{"Password": newPassword}), wantNew: true, want: newPassword, wantLength: len(newPassword)},
		"given password changed":            {old: with(workgroupProps(), map[string]any{"Password": canaryPassword}), new: with(workgroupProps(), map[string]any{"Password": newPassword}), wantNew: true, want: newPassword, wantLength: len(newPassword)},
		"given password dropped":            {old: with(workgroupProps(), map[string]any{"Password": canaryPassword}), new: workgroupProps(), wantNew: true, wantLength: 32},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			res := e.create(t, tc.old)
			_, before := splitPassword(e.value(t, res.PhysicalResourceID))
			e.update(t, "u1", res.PhysicalResourceID, tc.old, tc.new)
			_, after := splitPassword(e.value(t, res.PhysicalResourceID))
			if changed := after != before; changed != tc.wantNew {
				t.Errorf("password changed = %v, want %v", changed, tc.wantNew)
			}
			if tc.want != "" && after != tc.want {
				t.Error("the password is not the given one")
			}
			if len(after) != tc.wantLength {
				t.Errorf("password length = %d, want %d", len(after), tc.wantLength)
			}
			if problem := checkRedshiftPassword(after); problem != "" {
				t.Errorf("password %s", problem)
			}
		})
	}
}

func TestRollbackRestoresGeneratedPassword(t *testing.T) {
	const givenPassword = "Another9Pw-k2LmN"
	generated := workgroupProps()
	tests := map[string]struct {
		old, new map[string]any
	}{
		"given password rolled back":  {old: generated, new: with(generated, map[string]any{"Password": givenPassword, "Database": "x"})},
		"new length rolled back":      {old: generated, new: with(generated, map[string]any{"PasswordLength": "40"})},
		"given password, then absent": {old: with(generated, map[string]any{"Password": givenPassword}), new: generated},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			res := e.create(t, tc.old)
			before, password := splitPassword(e.value(t, res.PhysicalResourceID))
			e.update(t, "forward", res.PhysicalResourceID, tc.old, tc.new)
			// CloudFormation rolls back with the properties swapped.
			e.update(t, "rollback", res.PhysicalResourceID, tc.new, tc.old)
			after, rolledBack := splitPassword(e.value(t, res.PhysicalResourceID))
			if diff := cmp.Diff(before, after); diff != "" {
				t.Errorf("value without password after the rollback (-want +got):\n%s", diff)
			}
			if rolledBack != password {
				t.Error("the rollback did not restore the password of the old properties")
			}
		})
	}
}

func TestDroppedPasswordWithAnotherLengthIsNew(t *testing.T) {
	const givenPassword = "Another9Pw-k2LmN"
	e := newEnv(t)
	generated := workgroupProps()
	given := with(generated, map[string]any{"Password": givenPassword})
	res := e.create(t, generated)
	_, first := splitPassword(e.value(t, res.PhysicalResourceID))
	e.update(t, "u1", res.PhysicalResourceID, generated, given)
	e.update(t, "u2", res.PhysicalResourceID, given, with(generated, map[string]any{"PasswordLength": "20"}))
	_, second := splitPassword(e.value(t, res.PhysicalResourceID))
	if second == first || len(second) != 20 {
		t.Errorf("password of %d characters, same as before: %v; want a new one of 20", len(second), second == first)
	}
}

func TestDuplicateUpdateWithNewPasswordConverges(t *testing.T) {
	e := newEnv(t)
	old := workgroupProps()
	res := e.create(t, old)
	props := with(old, map[string]any{"PasswordLength": "20"})
	e.update(t, "u1", res.PhysicalResourceID, old, props)
	_, first := splitPassword(e.value(t, res.PhysicalResourceID))
	e.calls.reset()
	e.update(t, "u1", res.PhysicalResourceID, old, props)
	_, second := splitPassword(e.value(t, res.PhysicalResourceID))
	if first != second {
		t.Error("the redelivered update generated another password")
	}
	if calls := e.calls.mutations(); len(calls) != 0 {
		t.Errorf("mutating calls of the redelivery %v, want none", calls)
	}
}

func TestUpdateWithNewNameReplaces(t *testing.T) {
	e := newEnv(t)
	old := with(workgroupProps(), map[string]any{"Name": "app/v1", "Tags": map[string]any{"team": "data"}})
	res := e.create(t, old)
	_, oldPassword := splitPassword(e.value(t, res.PhysicalResourceID))
	props := with(old, map[string]any{"Name": "app/v2"})

	got := e.update(t, "u1", res.PhysicalResourceID, old, props)
	if got.PhysicalResourceID == res.PhysicalResourceID {
		t.Fatal("physical ID unchanged on a Name change")
	}
	if got.Data["Name"] != "app/v2" {
		t.Errorf("Name = %q, want app/v2", got.Data["Name"])
	}
	again := e.update(t, "u1", res.PhysicalResourceID, old, props)
	if diff := cmp.Diff(got, again); diff != "" {
		t.Errorf("redelivered replacement (-want +got):\n%s", diff)
	}
	// The old secret stays for CloudFormation's cleanup Delete.
	if ok, err := exists(context.Background(), e.sm, res.PhysicalResourceID); err != nil || !ok {
		t.Errorf("old secret exists = %v (%v), want true", ok, err)
	}
	_, newPassword := splitPassword(e.value(t, got.PhysicalResourceID))
	if newPassword != oldPassword {
		t.Error("the replacement did not carry the generated password over")
	}
	if tags := tagMap(e.describe(t, got.PhysicalResourceID).Tags); tags["team"] != "data" || tags[TagKey] != "serverless" {
		t.Errorf("tags of the replacement = %v, want team and %s", tags, TagKey)
	}
}

func TestReplacementDoesNotCarryOverAnInvalidPassword(t *testing.T) {
	e := newEnv(t)
	old := with(workgroupProps(), map[string]any{"Name": "app/v1"})
	res := e.create(t, old)
	// Someone writes a password Redshift refuses into the secret by hand.
	if _, err := e.sm.PutSecretValue(context.Background(), &secretsmanager.PutSecretValueInput{
		SecretId: aws.String(res.PhysicalResourceID), SecretString: aws.String(`{"username":"app_user","password":"short"}`),
	}); err != nil {
		t.Fatal(err)
	}
	got := e.update(t, "u1", res.PhysicalResourceID, old, with(old, map[string]any{"Name": "app/v2"}))
	_, password := splitPassword(e.value(t, got.PhysicalResourceID))
	if problem := checkRedshiftPassword(password); problem != "" {
		t.Errorf("the replacement's password %s", problem)
	}
}

func TestUpdateWithoutNameKeepsGeneratedName(t *testing.T) {
	e := newEnv(t)
	res := e.create(t, workgroupProps())
	got := e.update(t, "u1", res.PhysicalResourceID, workgroupProps(), with(workgroupProps(), map[string]any{"Database": "x"}))
	if diff := cmp.Diff(res.Data, got.Data); diff != "" {
		t.Errorf("Data (-want +got):\n%s", diff)
	}
}

func TestUpdateRejectsInvalidInputAndChangesNothing(t *testing.T) {
	e := newEnv(t)
	res := e.create(t, clusterProps())
	e.calls.reset()
	_, err := e.res.Update(context.Background(), request(customresource.ActionUpdate, "u1", res.PhysicalResourceID, clusterProps(), with(clusterProps(), map[string]any{"RecoveryWindowInDays": "3"})))
	if !customresource.IsInvalidInput(err) {
		t.Fatalf("err = %v, want invalid input", err)
	}
	if calls := e.calls.mutations(); len(calls) != 0 {
		t.Errorf("mutating calls %v, want none", calls)
	}
}

func TestUpdateOfSecretDeletedOutOfBand(t *testing.T) {
	tests := map[string]struct {
		restore       string
		wantScheduled bool
	}{
		"refused":               {restore: "false", wantScheduled: true},
		"restored when allowed": {restore: "true"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			props := with(clusterProps(), map[string]any{"RestoreIfScheduledForDeletion": tc.restore})
			res := e.create(t, props)
			if _, err := e.sm.DeleteSecret(context.Background(), &secretsmanager.DeleteSecretInput{SecretId: aws.String(res.PhysicalResourceID)}); err != nil {
				t.Fatal(err)
			}
			_, err := e.res.Update(context.Background(), request(customresource.ActionUpdate, "u1", res.PhysicalResourceID, props, with(props, map[string]any{"Database": "x"})))
			var scheduled *ScheduledForDeletionError
			if got := errors.As(err, &scheduled); got != tc.wantScheduled {
				t.Fatalf("err = %v, want *ScheduledForDeletionError: %v", err, tc.wantScheduled)
			}
			if tc.wantScheduled {
				return
			}
			if err != nil {
				t.Fatalf("Update: %v", err)
			}
			if got := e.state(t, res.PhysicalResourceID); got != "live" {
				t.Errorf("secret is %s, want live", got)
			}
			if got := e.value(t, res.PhysicalResourceID)["dbname"]; got != "x" {
				t.Errorf("dbname = %v, want x", got)
			}
		})
	}
}

func TestUpdateOfASecretOutsideTheFunctionsRegionFails(t *testing.T) {
	tests := map[string]string{
		"another region":    "arn:aws:secretsmanager:eu-west-1:111111111111:secret:x-AbCdEf",
		"another partition": "arn:aws-cn:secretsmanager:cn-north-1:111111111111:secret:x-AbCdEf",
	}
	for name, id := range tests {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			_, err := e.res.Update(context.Background(), request(customresource.ActionUpdate, "u1", id, clusterProps(), with(clusterProps(), map[string]any{"Database": "x"})))
			var foreign *ForeignARNError
			if !errors.As(err, &foreign) {
				t.Fatalf("err = %v, want *ForeignARNError", err)
			}
			if calls := e.calls.operations(); len(calls) != 0 {
				t.Errorf("calls %v, want none", calls)
			}
		})
	}
}
