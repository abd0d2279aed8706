package secret

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/google/go-cmp/cmp"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

func TestCreateClusterSecret(t *testing.T) {
	e := newEnv(t)
	props := with(clusterProps(), map[string]any{
		"Password": canaryPassword, "Host": "analytics-cluster.abc.us-east-1.redshift.amazonaws.com", "Port": "5439",
		"Name": "app/analytics", "Description": "app credentials", "KmsKeyId": "alias/app",
		"Tags": []any{map[string]any{"Key": "team", "Value": "data"}},
	})
	res := e.create(t, props)

	d := e.describe(t, res.PhysicalResourceID)
	wantData := map[string]string{"Arn": aws.ToString(d.ARN), "Name": "app/analytics", "TagKey": "RedshiftDataFullAccess"}
	if diff := cmp.Diff(wantData, res.Data); diff != "" {
		t.Errorf("Data (-want +got):\n%s", diff)
	}
	if res.PhysicalResourceID != aws.ToString(d.ARN) {
		t.Errorf("physical ID %q, want the secret ARN %q", res.PhysicalResourceID, aws.ToString(d.ARN))
	}
	wantValue := map[string]any{
		"username": "app_user", "engine": "redshift", "dbClusterIdentifier": "analytics-cluster",
		"host": "analytics-cluster.abc.us-east-1.redshift.amazonaws.com", "port": float64(5439), "dbname": "dev",
	}
	value, password := splitPassword(e.value(t, res.PhysicalResourceID))
	if diff := cmp.Diff(wantValue, value); diff != "" {
		t.Errorf("secret value without password (-want +got):\n%s", diff)
	}
	if password != canaryPassword {
		t.Error("the stored password is not the given one")
	}
	wantTags := map[string]string{
		"RedshiftDataFullAccess": "analytics-cluster", "team": "data",
		TagStackID: testStackID, TagLogicalID: "AppSecret",
	}
	if diff := cmp.Diff(wantTags, tagMap(d.Tags)); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	got := []string{aws.ToString(d.Description), aws.ToString(d.KmsKeyId)}
	if diff := cmp.Diff([]string{"app credentials", "alias/app"}, got); diff != "" {
		t.Errorf("Description, KmsKeyId (-want +got):\n%s", diff)
	}
}

func TestCreateWorkgroupSecretWithGeneratedPassword(t *testing.T) {
	tests := map[string]struct {
		props      map[string]any
		wantLength int
		wantTag    string
	}{
		"default length":  {props: workgroupProps(), wantLength: 32, wantTag: "serverless"},
		"shortest":        {props: with(workgroupProps(), map[string]any{"PasswordLength": "8"}), wantLength: 8, wantTag: "serverless"},
		"longest":         {props: with(workgroupProps(), map[string]any{"PasswordLength": float64(64)}), wantLength: 64, wantTag: "serverless"},
		"TagValue":        {props: with(workgroupProps(), map[string]any{"TagValue": "analytics"}), wantLength: 32, wantTag: "analytics"},
		"with a database": {props: with(workgroupProps(), map[string]any{"Database": "sales"}), wantLength: 32, wantTag: "serverless"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			res := e.create(t, tc.props)
			v, password := splitPassword(e.value(t, res.PhysicalResourceID))
			if problem := checkRedshiftPassword(password); problem != "" {
				t.Errorf("generated password %s", problem)
			}
			if len(password) != tc.wantLength {
				t.Errorf("password length = %d, want %d", len(password), tc.wantLength)
			}
			want := map[string]any{"username": "app_user"}
			if db, ok := tc.props["Database"]; ok {
				want["dbname"] = db
			}
			if diff := cmp.Diff(want, v); diff != "" {
				t.Errorf("secret value without password (-want +got):\n%s", diff)
			}
			if got := tagMap(e.describe(t, res.PhysicalResourceID).Tags)[TagKey]; got != tc.wantTag {
				t.Errorf("%s tag = %q, want %q", TagKey, got, tc.wantTag)
			}
		})
	}
}

func TestCreateGeneratesNameFromRequest(t *testing.T) {
	e := newEnv(t)
	res := e.create(t, workgroupProps())
	hash := customresource.ShortHash(testStackID+"|AppSecret|create-"+t.Name(), 12)
	want := "redshift-data-api/analytics/AppSecret-" + hash
	if diff := cmp.Diff(want, res.Data["Name"]); diff != "" {
		t.Errorf("Name (-want +got):\n%s", diff)
	}
	if got := e.describe(t, res.PhysicalResourceID).Name; aws.ToString(got) != want {
		t.Errorf("secret name %q, want %q", aws.ToString(got), want)
	}
}

func TestGeneratedName(t *testing.T) {
	long := strings.Repeat("L", 300)
	tests := map[string]struct {
		stackID, logicalID string
		want               string // without the hash
	}{
		"stack ARN":               {stackID: testStackID, logicalID: "AppSecret", want: "redshift-data-api/analytics/AppSecret-"},
		"not a stack ARN":         {stackID: "pipeline run 7", logicalID: "AppSecret", want: "redshift-data-api/pipeline-run-7/AppSecret-"},
		"slash in the logical ID": {stackID: testStackID, logicalID: "team/secret", want: "redshift-data-api/analytics/team-secret-"},
		"long logical ID":         {stackID: testStackID, logicalID: long, want: "redshift-data-api/analytics/" + long[:255] + "-"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			req := customresource.Request{StackID: tc.stackID, LogicalResourceID: tc.logicalID, RequestID: "r1"}
			got := generatedName(req)
			want := tc.want + customresource.ShortHash(tc.stackID+"|"+tc.logicalID+"|r1", 12)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("name (-want +got):\n%s", diff)
			}
			if !namePattern.MatchString(got) {
				t.Errorf("%q is not a valid secret name", got)
			}
			req.RequestID = "r2"
			if generatedName(req) == got {
				t.Error("another Create request got the same name")
			}
		})
	}
}

func TestCreateRejectsInvalidInputAndCreatesNothing(t *testing.T) {
	tests := map[string]struct {
		props map[string]any
		want  []string
	}{
		"cluster and workgroup":  {props: with(clusterProps(), map[string]any{"WorkgroupName": "analytics-wg"}), want: []string{"ClusterIdentifier, WorkgroupName"}},
		"neither":                {props: with(clusterProps(), map[string]any{"ClusterIdentifier": nil}), want: []string{"ClusterIdentifier, WorkgroupName"}},
		"no username":            {props: with(clusterProps(), map[string]any{"Username": nil}), want: []string{"Username"}},
		"password length 7":      {props: with(clusterProps(), map[string]any{"PasswordLength": "7"}), want: []string{"PasswordLength"}},
		"password length 65":     {props: with(clusterProps(), map[string]any{"PasswordLength": "65"}), want: []string{"PasswordLength"}},
		"recovery window 3":      {props: with(clusterProps(), map[string]any{"RecoveryWindowInDays": "3"}), want: []string{"RecoveryWindowInDays"}},
		"misspelled property":    {props: with(clusterProps(), map[string]any{"Usernme": "x"}), want: []string{"Usernme"}},
		"invalid given password": {props: with(clusterProps(), map[string]any{"Password": "short"}), want: []string{"Password"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			_, err := e.res.Create(context.Background(), request(customresource.ActionCreate, "r1", "", nil, tc.props))
			if !customresource.IsInvalidInput(err) {
				t.Fatalf("err = %v, want invalid input", err)
			}
			if diff := cmp.Diff(tc.want, failedProperties(err)); diff != "" {
				t.Errorf("failed properties (-want +got):\n%s", diff)
			}
			if calls := e.calls.mutations(); len(calls) != 0 {
				t.Errorf("mutating calls %v, want none", calls)
			}
			if got := e.liveSecrets(t); len(got) != 0 {
				t.Errorf("secrets %v exist, want none", got)
			}
		})
	}
}

func TestDuplicateCreateConverges(t *testing.T) {
	tests := map[string]map[string]any{
		"generated password": workgroupProps(),
		"given password":     with(clusterProps(), map[string]any{"Password": canaryPassword}),
		"given name":         with(workgroupProps(), map[string]any{"Name": "app/dup"}),
	}
	for name, props := range tests {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			req := request(customresource.ActionCreate, "dup-1", "", nil, props)
			first, err := e.res.Create(context.Background(), req)
			if err != nil {
				t.Fatalf("first Create: %v", err)
			}
			before := e.value(t, first.PhysicalResourceID)
			second, err := e.res.Create(context.Background(), req)
			if err != nil {
				t.Fatalf("second Create: %v", err)
			}
			if diff := cmp.Diff(first, second); diff != "" {
				t.Errorf("second result (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(before, e.value(t, first.PhysicalResourceID)); diff != "" {
				t.Error("the second delivery changed the secret value")
			}
			if got := e.liveSecrets(t); len(got) != 1 {
				t.Errorf("secrets %v, want one", got)
			}
		})
	}
}

func TestCreateRefusesForeignSecretWithSameName(t *testing.T) {
	tests := map[string]struct {
		// setup creates the secret app/taken that is in the way.
		setup func(t *testing.T, e *env)
	}{
		"created by someone else": {setup: func(t *testing.T, e *env) {
			if _, err := e.sm.CreateSecret(context.Background(), &secretsmanager.CreateSecretInput{Name: aws.String("app/taken"), SecretString: aws.String("{}")}); err != nil {
				t.Fatal(err)
			}
		}},
		"created by another request of this resource": {setup: func(t *testing.T, e *env) {
			req := request(customresource.ActionCreate, "earlier", "", nil, with(workgroupProps(), map[string]any{"Name": "app/taken"}))
			if _, err := e.res.Create(context.Background(), req); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			tc.setup(t, e)
			before := e.value(t, "app/taken")
			_, err := e.res.Create(context.Background(), request(customresource.ActionCreate, "later", "", nil, with(workgroupProps(), map[string]any{"Name": "app/taken"})))
			var taken *NameTakenError
			if !errors.As(err, &taken) {
				t.Fatalf("err = %v, want *NameTakenError", err)
			}
			if diff := cmp.Diff(before, e.value(t, "app/taken")); diff != "" {
				t.Error("the refused Create changed the existing secret")
			}
		})
	}
}

// scheduleDeletion creates app/old outside the resource and schedules its
// deletion.
// scheduleDeletion makes the secret app/old as this test resource (its
// stack and logical-ID tags) would have, for example before a retained
// deletion, and schedules its deletion.
func scheduleDeletion(t *testing.T, e *env) string {
	t.Helper()
	return scheduleDeletionTagged(t, e, []smtypes.Tag{
		{Key: aws.String("owner"), Value: aws.String("someone")},
		{Key: aws.String(TagStackID), Value: aws.String(testStackID)},
		{Key: aws.String(TagLogicalID), Value: aws.String("AppSecret")},
	})
}

// scheduleDeletionTagged makes app/old with tags and schedules its deletion.
func scheduleDeletionTagged(t *testing.T, e *env, tags []smtypes.Tag) string {
	t.Helper()
	ctx := context.Background()
	out, err := e.sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{
		Name: aws.String("app/old"), SecretString: aws.String(`{"username":"old"}`),
		Tags: tags,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.sm.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: out.ARN}); err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.ARN)
}

func TestCreateWithNameScheduledForDeletion(t *testing.T) {
	e := newEnv(t)
	scheduleDeletion(t, e)
	e.calls.reset()
	_, err := e.res.Create(context.Background(), request(customresource.ActionCreate, "r1", "", nil, with(workgroupProps(), map[string]any{"Name": "app/old"})))
	var scheduled *ScheduledForDeletionError
	if !errors.As(err, &scheduled) {
		t.Fatalf("err = %v, want *ScheduledForDeletionError", err)
	}
	if diff := cmp.Diff([]string{"CreateSecret"}, e.calls.mutations()); diff != "" {
		t.Errorf("mutating calls (-want +got):\n%s", diff)
	}
	if d := e.describe(t, "app/old"); d.DeletedDate == nil {
		t.Error("the secret scheduled for deletion was restored without being asked to")
	}
}

func TestCreateRestoresSecretScheduledForDeletionWhenAsked(t *testing.T) {
	e := newEnv(t)
	oldARN := scheduleDeletion(t, e)
	props := with(workgroupProps(), map[string]any{"Name": "app/old", "RestoreIfScheduledForDeletion": "true", "Password": canaryPassword})
	res, err := e.res.Create(context.Background(), request(customresource.ActionCreate, "r1", "", nil, props))
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if res.PhysicalResourceID != oldARN {
		t.Errorf("physical ID %q, want the restored secret %q", res.PhysicalResourceID, oldARN)
	}
	again, err := e.res.Create(context.Background(), request(customresource.ActionCreate, "r1", "", nil, props))
	if err != nil {
		t.Fatalf("redelivered Create: %v", err)
	}
	if diff := cmp.Diff(res, again); diff != "" {
		t.Errorf("redelivered Create (-want +got):\n%s", diff)
	}
	d := e.describe(t, oldARN)
	if d.DeletedDate != nil {
		t.Error("the secret is still scheduled for deletion")
	}
	wantTags := map[string]string{"owner": "someone", TagKey: "serverless", TagStackID: testStackID, TagLogicalID: "AppSecret"}
	if diff := cmp.Diff(wantTags, tagMap(d.Tags)); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	value, password := splitPassword(e.value(t, oldARN))
	if diff := cmp.Diff(map[string]any{"username": "app_user"}, value); diff != "" {
		t.Errorf("value without password (-want +got):\n%s", diff)
	}
	if password != canaryPassword {
		t.Error("the restored secret does not hold the given password")
	}
}
