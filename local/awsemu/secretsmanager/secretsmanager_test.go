package secretsmanager_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
)

// testClock is a settable clock for scheduled deletions.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func newSecretsClient(t *testing.T, opts ...awsemu.Option) (*secretsmanager.Client, *awsemu.Server) {
	t.Helper()
	srv := awsemu.Start(opts...)
	t.Cleanup(srv.Close)
	return secretsmanager.NewFromConfig(srv.Config(awsemu.AccountA)), srv
}

// Tokens are 32 to 64 characters, as Secrets Manager requires.
const (
	tokenA = "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa"
	tokenB = "bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb"
	tokenC = "cccccccc-cccc-cccc-cccc-cccccccccccc"
)

func createSecret(t *testing.T, sm *secretsmanager.Client, name, token, value string) *secretsmanager.CreateSecretOutput {
	t.Helper()
	out, err := sm.CreateSecret(context.Background(), &secretsmanager.CreateSecretInput{
		Name: aws.String(name), ClientRequestToken: aws.String(token), SecretString: aws.String(value),
		Tags: []smtypes.Tag{{Key: aws.String("RedshiftDataFullAccess"), Value: aws.String("serverless")}},
	})
	if err != nil {
		t.Fatalf("CreateSecret %s: %v", name, err)
	}
	return out
}

// errorCode returns the AWS error code of err, or "" for nil.
func errorCode(err error) string {
	if err == nil {
		return ""
	}
	var ae interface{ ErrorCode() string }
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return "not an API error: " + err.Error()
}

func TestSecretsManagerCreateSecret(t *testing.T) {
	tests := map[string]struct {
		setup    func(t *testing.T, sm *secretsmanager.Client)
		in       secretsmanager.CreateSecretInput
		wantCode string
		// wantVersion is the VersionId the call returns, when it succeeds.
		wantVersion string
	}{
		"new secret": {
			in:          secretsmanager.CreateSecretInput{Name: aws.String("s1"), ClientRequestToken: aws.String(tokenA), SecretString: aws.String("v1")},
			wantVersion: tokenA,
		},
		"same token and value is a retry": {
			setup:       func(t *testing.T, sm *secretsmanager.Client) { createSecret(t, sm, "s1", tokenA, "v1") },
			in:          secretsmanager.CreateSecretInput{Name: aws.String("s1"), ClientRequestToken: aws.String(tokenA), SecretString: aws.String("v1")},
			wantVersion: tokenA,
		},
		"same token with another value": {
			setup:    func(t *testing.T, sm *secretsmanager.Client) { createSecret(t, sm, "s1", tokenA, "v1") },
			in:       secretsmanager.CreateSecretInput{Name: aws.String("s1"), ClientRequestToken: aws.String(tokenA), SecretString: aws.String("v2")},
			wantCode: "ResourceExistsException",
		},
		"existing name with another token": {
			setup:    func(t *testing.T, sm *secretsmanager.Client) { createSecret(t, sm, "s1", tokenA, "v1") },
			in:       secretsmanager.CreateSecretInput{Name: aws.String("s1"), ClientRequestToken: aws.String(tokenB), SecretString: aws.String("v1")},
			wantCode: "ResourceExistsException",
		},
		"name scheduled for deletion": {
			setup: func(t *testing.T, sm *secretsmanager.Client) {
				createSecret(t, sm, "s1", tokenA, "v1")
				if _, err := sm.DeleteSecret(context.Background(), &secretsmanager.DeleteSecretInput{SecretId: aws.String("s1")}); err != nil {
					t.Fatal(err)
				}
			},
			in:       secretsmanager.CreateSecretInput{Name: aws.String("s1"), ClientRequestToken: aws.String(tokenA), SecretString: aws.String("v1")},
			wantCode: "InvalidRequestException",
		},
		"invalid name": {
			in:       secretsmanager.CreateSecretInput{Name: aws.String("bad name"), SecretString: aws.String("v1")},
			wantCode: "InvalidParameterException",
		},
		"string and binary": {
			in:       secretsmanager.CreateSecretInput{Name: aws.String("s1"), SecretString: aws.String("v1"), SecretBinary: []byte("b")},
			wantCode: "InvalidParameterException",
		},
		"short token": {
			in:       secretsmanager.CreateSecretInput{Name: aws.String("s1"), ClientRequestToken: aws.String("short"), SecretString: aws.String("v1")},
			wantCode: "InvalidParameterException",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			sm, _ := newSecretsClient(t)
			if tc.setup != nil {
				tc.setup(t, sm)
			}
			out, err := sm.CreateSecret(context.Background(), &tc.in)
			if got := errorCode(err); got != tc.wantCode {
				t.Fatalf("error code = %q, want %q", got, tc.wantCode)
			}
			if err != nil {
				return
			}
			if got := aws.ToString(out.VersionId); got != tc.wantVersion {
				t.Errorf("VersionId = %q, want %q", got, tc.wantVersion)
			}
			wantPrefix := "arn:aws:secretsmanager:us-east-1:" + awsemu.AccountA + ":secret:" + aws.ToString(tc.in.Name) + "-"
			if arn := aws.ToString(out.ARN); !strings.HasPrefix(arn, wantPrefix) || len(arn) != len(wantPrefix)+6 {
				t.Errorf("ARN = %q, want %s plus 6 characters", arn, wantPrefix)
			}
		})
	}
}

func TestSecretsManagerCreateRetryReturnsSameARN(t *testing.T) {
	sm, _ := newSecretsClient(t)
	first := createSecret(t, sm, "s1", tokenA, "v1")
	second := createSecret(t, sm, "s1", tokenA, "v1")
	if diff := cmp.Diff(aws.ToString(first.ARN), aws.ToString(second.ARN)); diff != "" {
		t.Errorf("ARN of the retry (-want +got):\n%s", diff)
	}
}

func TestSecretsManagerDescribeSecret(t *testing.T) {
	clock := &testClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	sm, _ := newSecretsClient(t, awsemu.WithClock(clock.Now))
	ctx := context.Background()
	created, err := sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{
		Name: aws.String("desc"), ClientRequestToken: aws.String(tokenA), SecretString: aws.String("v1"),
		Description: aws.String("d"), KmsKeyId: aws.String("alias/k"),
		Tags: []smtypes.Tag{{Key: aws.String("RedshiftDataFullAccess"), Value: aws.String("c1")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	// Describe by name, by ARN and by the ARN without its random suffix.
	arn := aws.ToString(created.ARN)
	for _, id := range []string{"desc", arn, arn[:len(arn)-7]} {
		got, err := sm.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(id)})
		if err != nil {
			t.Fatalf("DescribeSecret %s: %v", id, err)
		}
		want := &secretsmanager.DescribeSecretOutput{
			ARN: created.ARN, Name: aws.String("desc"), Description: aws.String("d"), KmsKeyId: aws.String("alias/k"),
			Tags:               []smtypes.Tag{{Key: aws.String("RedshiftDataFullAccess"), Value: aws.String("c1")}},
			VersionIdsToStages: map[string][]string{tokenA: {"AWSCURRENT"}},
			CreatedDate:        aws.Time(clock.Now()), LastChangedDate: aws.Time(clock.Now()),
		}
		if diff := cmp.Diff(want, got, cmpopts.IgnoreUnexported(secretsmanager.DescribeSecretOutput{}, smtypes.Tag{}), cmpopts.IgnoreFields(secretsmanager.DescribeSecretOutput{}, "ResultMetadata")); diff != "" {
			t.Errorf("DescribeSecret %s (-want +got):\n%s", id, diff)
		}
	}
	if _, err := sm.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String("desc")}); err != nil {
		t.Fatal(err)
	}
	got, err := sm.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("desc")})
	if err != nil {
		t.Fatalf("DescribeSecret of a secret scheduled for deletion: %v", err)
	}
	if got.DeletedDate == nil || !got.DeletedDate.Equal(clock.Now()) {
		t.Errorf("DeletedDate = %v, want %v", got.DeletedDate, clock.Now())
	}
	_, err = sm.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("missing")})
	var nf *smtypes.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("DescribeSecret of an unknown secret: err = %v, want ResourceNotFoundException", err)
	}
}

func TestSecretsManagerSecretsArePerAccount(t *testing.T) {
	sm, srv := newSecretsClient(t)
	createSecret(t, sm, "mine", tokenA, "v1")
	other := secretsmanager.NewFromConfig(srv.Config(awsemu.AccountB))
	_, err := other.DescribeSecret(context.Background(), &secretsmanager.DescribeSecretInput{SecretId: aws.String("mine")})
	if got := errorCode(err); got != "ResourceNotFoundException" {
		t.Errorf("error code = %q, want ResourceNotFoundException", got)
	}
}

func TestSecretsManagerGetSecretValue(t *testing.T) {
	sm, _ := newSecretsClient(t)
	ctx := context.Background()
	createSecret(t, sm, "gv", tokenA, "v1")
	if _, err := sm.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String("gv"), ClientRequestToken: aws.String(tokenB), SecretString: aws.String("v2")}); err != nil {
		t.Fatal(err)
	}
	if _, err := sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("empty")}); err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		in         secretsmanager.GetSecretValueInput
		wantValue  string
		wantStages []string
		wantCode   string
	}{
		"current":              {in: secretsmanager.GetSecretValueInput{SecretId: aws.String("gv")}, wantValue: "v2", wantStages: []string{"AWSCURRENT"}},
		"previous":             {in: secretsmanager.GetSecretValueInput{SecretId: aws.String("gv"), VersionStage: aws.String("AWSPREVIOUS")}, wantValue: "v1", wantStages: []string{"AWSPREVIOUS"}},
		"by version":           {in: secretsmanager.GetSecretValueInput{SecretId: aws.String("gv"), VersionId: aws.String(tokenA)}, wantValue: "v1", wantStages: []string{"AWSPREVIOUS"}},
		"version and stage":    {in: secretsmanager.GetSecretValueInput{SecretId: aws.String("gv"), VersionId: aws.String(tokenA), VersionStage: aws.String("AWSCURRENT")}, wantCode: "ResourceNotFoundException"},
		"unknown version":      {in: secretsmanager.GetSecretValueInput{SecretId: aws.String("gv"), VersionId: aws.String(tokenC)}, wantCode: "ResourceNotFoundException"},
		"secret with no value": {in: secretsmanager.GetSecretValueInput{SecretId: aws.String("empty")}, wantCode: "ResourceNotFoundException"},
		"unknown secret":       {in: secretsmanager.GetSecretValueInput{SecretId: aws.String("nope")}, wantCode: "ResourceNotFoundException"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			out, err := sm.GetSecretValue(ctx, &tc.in)
			if got := errorCode(err); got != tc.wantCode {
				t.Fatalf("error code = %q, want %q", got, tc.wantCode)
			}
			if err != nil {
				return
			}
			if diff := cmp.Diff(tc.wantValue, aws.ToString(out.SecretString)); diff != "" {
				t.Errorf("SecretString (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantStages, out.VersionStages); diff != "" {
				t.Errorf("VersionStages (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("marked for deletion", func(t *testing.T) {
		createSecret(t, sm, "gone", tokenA, "v1")
		if _, err := sm.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String("gone")}); err != nil {
			t.Fatal(err)
		}
		_, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("gone")})
		var ir *smtypes.InvalidRequestException
		if !errors.As(err, &ir) {
			t.Errorf("err = %v, want InvalidRequestException", err)
		}
	})
}

func TestSecretsManagerPutSecretValue(t *testing.T) {
	ctx := context.Background()
	sm, _ := newSecretsClient(t)
	createSecret(t, sm, "pv", tokenA, "v1")
	put := func(token, value string) (*secretsmanager.PutSecretValueOutput, error) {
		return sm.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String("pv"), ClientRequestToken: aws.String(token), SecretString: aws.String(value)})
	}
	if _, err := put(tokenB, "v2"); err != nil {
		t.Fatal(err)
	}
	// A retry with the same token and value changes nothing.
	retry, err := put(tokenB, "v2")
	if err != nil {
		t.Fatalf("retry of PutSecretValue: %v", err)
	}
	if diff := cmp.Diff(tokenB, aws.ToString(retry.VersionId)); diff != "" {
		t.Errorf("VersionId of the retry (-want +got):\n%s", diff)
	}
	_, err = put(tokenB, "other")
	var exists *smtypes.ResourceExistsException
	if !errors.As(err, &exists) {
		t.Errorf("same token with another value: err = %v, want ResourceExistsException", err)
	}
	if _, err := put(tokenC, "v3"); err != nil {
		t.Fatal(err)
	}
	d, err := sm.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("pv")})
	if err != nil {
		t.Fatal(err)
	}
	// The first version lost its label and is no longer listed.
	want := map[string][]string{tokenB: {"AWSPREVIOUS"}, tokenC: {"AWSCURRENT"}}
	if diff := cmp.Diff(want, d.VersionIdsToStages); diff != "" {
		t.Errorf("VersionIdsToStages (-want +got):\n%s", diff)
	}
	_, err = sm.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String("pv"), ClientRequestToken: aws.String(tokenA + "x")})
	if got := errorCode(err); got != "InvalidParameterException" {
		t.Errorf("PutSecretValue without a value: error code = %q, want InvalidParameterException", got)
	}
	_, err = sm.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String("nope"), SecretString: aws.String("v")})
	if got := errorCode(err); got != "ResourceNotFoundException" {
		t.Errorf("PutSecretValue of an unknown secret: error code = %q, want ResourceNotFoundException", got)
	}
}

func TestSecretsManagerUpdateSecret(t *testing.T) {
	ctx := context.Background()
	sm, _ := newSecretsClient(t)
	createSecret(t, sm, "up", tokenA, "v1")
	out, err := sm.UpdateSecret(ctx, &secretsmanager.UpdateSecretInput{SecretId: aws.String("up"), Description: aws.String("new"), KmsKeyId: aws.String("alias/other")})
	if err != nil {
		t.Fatal(err)
	}
	if out.VersionId != nil {
		t.Errorf("UpdateSecret without a value returned VersionId %q, want none", aws.ToString(out.VersionId))
	}
	out, err = sm.UpdateSecret(ctx, &secretsmanager.UpdateSecretInput{SecretId: aws.String("up"), ClientRequestToken: aws.String(tokenB), SecretString: aws.String("v2")})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(tokenB, aws.ToString(out.VersionId)); diff != "" {
		t.Errorf("VersionId (-want +got):\n%s", diff)
	}
	d, err := sm.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("up")})
	if err != nil {
		t.Fatal(err)
	}
	got := []string{aws.ToString(d.Description), aws.ToString(d.KmsKeyId)}
	if diff := cmp.Diff([]string{"new", "alias/other"}, got); diff != "" {
		t.Errorf("Description, KmsKeyId (-want +got):\n%s", diff)
	}
	v, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("up")})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("v2", aws.ToString(v.SecretString)); diff != "" {
		t.Errorf("value after UpdateSecret (-want +got):\n%s", diff)
	}
	if _, err := sm.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String("up")}); err != nil {
		t.Fatal(err)
	}
	_, err = sm.UpdateSecret(ctx, &secretsmanager.UpdateSecretInput{SecretId: aws.String("up"), Description: aws.String("x")})
	if got := errorCode(err); got != "InvalidRequestException" {
		t.Errorf("UpdateSecret of a deleted secret: error code = %q, want InvalidRequestException", got)
	}
}
