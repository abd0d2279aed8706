package secretsmanager_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/google/go-cmp/cmp"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
)

func TestSecretsManagerDeleteSecret(t *testing.T) {
	tests := map[string]struct {
		first    *secretsmanager.DeleteSecretInput // a deletion before the one under test
		in       secretsmanager.DeleteSecretInput
		wantCode string
		// wantDays is the recovery window the DeletionDate reflects.
		wantDays int
	}{
		"default window":       {in: secretsmanager.DeleteSecretInput{}, wantDays: 30},
		"seven days":           {in: secretsmanager.DeleteSecretInput{RecoveryWindowInDays: aws.Int64(7)}, wantDays: 7},
		"six days":             {in: secretsmanager.DeleteSecretInput{RecoveryWindowInDays: aws.Int64(6)}, wantCode: "InvalidParameterException"},
		"thirty-one days":      {in: secretsmanager.DeleteSecretInput{RecoveryWindowInDays: aws.Int64(31)}, wantCode: "InvalidParameterException"},
		"force with a window":  {in: secretsmanager.DeleteSecretInput{RecoveryWindowInDays: aws.Int64(7), ForceDeleteWithoutRecovery: aws.Bool(true)}, wantCode: "InvalidParameterException"},
		"force":                {in: secretsmanager.DeleteSecretInput{ForceDeleteWithoutRecovery: aws.Bool(true)}, wantDays: 0},
		"already scheduled":    {first: &secretsmanager.DeleteSecretInput{}, in: secretsmanager.DeleteSecretInput{}, wantCode: "InvalidRequestException"},
		"force when scheduled": {first: &secretsmanager.DeleteSecretInput{}, in: secretsmanager.DeleteSecretInput{ForceDeleteWithoutRecovery: aws.Bool(true)}, wantDays: 0},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			clock := &testClock{now: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
			sm, _ := newSecretsClient(t, awsemu.WithClock(clock.Now))
			createSecret(t, sm, "del", tokenA, "v1")
			if tc.first != nil {
				tc.first.SecretId = aws.String("del")
				if _, err := sm.DeleteSecret(ctx, tc.first); err != nil {
					t.Fatal(err)
				}
			}
			tc.in.SecretId = aws.String("del")
			out, err := sm.DeleteSecret(ctx, &tc.in)
			if got := errorCode(err); got != tc.wantCode {
				t.Fatalf("error code = %q, want %q", got, tc.wantCode)
			}
			if err != nil {
				return
			}
			want := clock.Now().AddDate(0, 0, tc.wantDays)
			if out.DeletionDate == nil || !out.DeletionDate.Equal(want) {
				t.Errorf("DeletionDate = %v, want %v", out.DeletionDate, want)
			}
		})
	}
	t.Run("unknown secret", func(t *testing.T) {
		sm, _ := newSecretsClient(t)
		_, err := sm.DeleteSecret(context.Background(), &secretsmanager.DeleteSecretInput{SecretId: aws.String("nope")})
		if got := errorCode(err); got != "ResourceNotFoundException" {
			t.Errorf("error code = %q, want ResourceNotFoundException", got)
		}
	})
}

// nameIsFree reports whether a secret called name can be created.
func nameIsFree(t *testing.T, sm *secretsmanager.Client, name string) bool {
	t.Helper()
	_, err := sm.CreateSecret(context.Background(), &secretsmanager.CreateSecretInput{Name: aws.String(name), ClientRequestToken: aws.String(tokenC), SecretString: aws.String("again")})
	switch errorCode(err) {
	case "":
		return true
	case "InvalidRequestException":
		return false
	}
	t.Fatalf("CreateSecret %s: %v", name, err)
	return false
}

func TestSecretsManagerScheduledDeletionIsPurgedAfterWindow(t *testing.T) {
	ctx := context.Background()
	clock := &testClock{now: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	sm, _ := newSecretsClient(t, awsemu.WithClock(clock.Now))
	createSecret(t, sm, "w", tokenA, "v1")
	if _, err := sm.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String("w"), RecoveryWindowInDays: aws.Int64(7)}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(7*24*time.Hour - time.Second)
	if nameIsFree(t, sm, "w") {
		t.Fatal("name free one second before the recovery window ends")
	}
	clock.Advance(time.Second)
	if !nameIsFree(t, sm, "w") {
		t.Fatal("name still blocked when the recovery window has ended")
	}
}

func TestSecretsManagerForcedDeletionFreesNameAtOnce(t *testing.T) {
	sm, _ := newSecretsClient(t)
	createSecret(t, sm, "f", tokenA, "v1")
	if _, err := sm.DeleteSecret(context.Background(), &secretsmanager.DeleteSecretInput{SecretId: aws.String("f"), ForceDeleteWithoutRecovery: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	if !nameIsFree(t, sm, "f") {
		t.Fatal("name blocked after a forced deletion")
	}
}

func TestSecretsManagerRestoreSecret(t *testing.T) {
	ctx := context.Background()
	sm, _ := newSecretsClient(t)
	created := createSecret(t, sm, "r", tokenA, "v1")
	if _, err := sm.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String("r")}); err != nil {
		t.Fatal(err)
	}
	out, err := sm.RestoreSecret(ctx, &secretsmanager.RestoreSecretInput{SecretId: created.ARN})
	if err != nil {
		t.Fatalf("RestoreSecret: %v", err)
	}
	if diff := cmp.Diff(aws.ToString(created.ARN), aws.ToString(out.ARN)); diff != "" {
		t.Errorf("ARN (-want +got):\n%s", diff)
	}
	v, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("r")})
	if err != nil {
		t.Fatalf("GetSecretValue after restore: %v", err)
	}
	if diff := cmp.Diff("v1", aws.ToString(v.SecretString)); diff != "" {
		t.Errorf("value (-want +got):\n%s", diff)
	}
	d, err := sm.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("r")})
	if err != nil {
		t.Fatal(err)
	}
	if d.DeletedDate != nil {
		t.Errorf("DeletedDate = %v after restore, want none", d.DeletedDate)
	}
	_, err = sm.RestoreSecret(ctx, &secretsmanager.RestoreSecretInput{SecretId: aws.String("nope")})
	if got := errorCode(err); got != "ResourceNotFoundException" {
		t.Errorf("RestoreSecret of an unknown secret: error code = %q, want ResourceNotFoundException", got)
	}
}

func tagMap(tags []smtypes.Tag) map[string]string {
	m := map[string]string{}
	for _, t := range tags {
		m[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return m
}

func TestSecretsManagerTagAndUntag(t *testing.T) {
	ctx := context.Background()
	sm, _ := newSecretsClient(t)
	createSecret(t, sm, "t", tokenA, "v1")
	if _, err := sm.TagResource(ctx, &secretsmanager.TagResourceInput{SecretId: aws.String("t"), Tags: []smtypes.Tag{
		{Key: aws.String("RedshiftDataFullAccess"), Value: aws.String("c2")},
		{Key: aws.String("team"), Value: aws.String("data")},
		{Key: aws.String("drop"), Value: aws.String("me")},
	}}); err != nil {
		t.Fatal(err)
	}
	if _, err := sm.UntagResource(ctx, &secretsmanager.UntagResourceInput{SecretId: aws.String("t"), TagKeys: []string{"drop", "absent"}}); err != nil {
		t.Fatal(err)
	}
	d, err := sm.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("t")})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"RedshiftDataFullAccess": "c2", "team": "data"}
	if diff := cmp.Diff(want, tagMap(d.Tags)); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	for name, call := range map[string]func() error{
		"TagResource empty key": func() error {
			_, err := sm.TagResource(ctx, &secretsmanager.TagResourceInput{SecretId: aws.String("t"), Tags: []smtypes.Tag{{Key: aws.String(""), Value: aws.String("v")}}})
			return err
		},
	} {
		if got := errorCode(call()); got != "InvalidParameterException" {
			t.Errorf("%s: error code = %q, want InvalidParameterException", name, got)
		}
	}
	for name, call := range map[string]func() error{
		"TagResource": func() error {
			_, err := sm.TagResource(ctx, &secretsmanager.TagResourceInput{SecretId: aws.String("nope"), Tags: []smtypes.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
			return err
		},
		"UntagResource": func() error {
			_, err := sm.UntagResource(ctx, &secretsmanager.UntagResourceInput{SecretId: aws.String("nope"), TagKeys: []string{"k"}})
			return err
		},
	} {
		if got := errorCode(call()); got != "ResourceNotFoundException" {
			t.Errorf("%s of an unknown secret: error code = %q, want ResourceNotFoundException", name, got)
		}
	}
}

func TestSecretsManagerListSecrets(t *testing.T) {
	ctx := context.Background()
	clock := &testClock{now: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	sm, _ := newSecretsClient(t, awsemu.WithClock(clock.Now))
	for _, name := range []string{"app/a", "app/b", "other"} {
		createSecret(t, sm, name, tokenA, "v")
		clock.Advance(time.Second)
	}
	if _, err := sm.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String("app/b")}); err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		in   secretsmanager.ListSecretsInput
		want []string
	}{
		"all live":         {want: []string{"app/a", "other"}},
		"planned deletion": {in: secretsmanager.ListSecretsInput{IncludePlannedDeletion: aws.Bool(true)}, want: []string{"app/a", "app/b", "other"}},
		"name prefix":      {in: secretsmanager.ListSecretsInput{Filters: []smtypes.Filter{{Key: smtypes.FilterNameStringTypeName, Values: []string{"app/"}}}}, want: []string{"app/a"}},
		"negated name":     {in: secretsmanager.ListSecretsInput{Filters: []smtypes.Filter{{Key: smtypes.FilterNameStringTypeName, Values: []string{"!app/"}}}}, want: []string{"other"}},
		"tag key":          {in: secretsmanager.ListSecretsInput{Filters: []smtypes.Filter{{Key: smtypes.FilterNameStringTypeTagKey, Values: []string{"RedshiftData"}}}}, want: []string{"app/a", "other"}},
		"descending":       {in: secretsmanager.ListSecretsInput{SortOrder: smtypes.SortOrderTypeDesc}, want: []string{"other", "app/a"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var got []string
			p := secretsmanager.NewListSecretsPaginator(sm, &tc.in, func(o *secretsmanager.ListSecretsPaginatorOptions) { o.Limit = 1 })
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range page.SecretList {
					got = append(got, aws.ToString(s.Name))
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("names (-want +got):\n%s", diff)
			}
		})
	}
	_, err := sm.ListSecrets(ctx, &secretsmanager.ListSecretsInput{Filters: []smtypes.Filter{{Key: "bogus", Values: []string{"x"}}}})
	if got := errorCode(err); got != "InvalidParameterException" {
		t.Errorf("unknown filter key: error code = %q, want InvalidParameterException", got)
	}
}
