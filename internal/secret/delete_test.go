package secret

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/google/go-cmp/cmp"

	"github.com/redshift-data-access/redshift-data-access/internal/awserr"
	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
)

// clock is a settable emulator clock.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

func TestDelete(t *testing.T) {
	tests := map[string]struct {
		changes map[string]any
		// wantState is the secret's state after the Delete and then after
		// the given time has passed.
		wantState string
		after     time.Duration
		wantLater string
	}{
		"default window":   {wantState: "scheduled", after: 30*24*time.Hour - time.Second, wantLater: "scheduled"},
		"default purged":   {wantState: "scheduled", after: 30 * 24 * time.Hour, wantLater: "gone"},
		"seven days":       {changes: map[string]any{"RecoveryWindowInDays": "7"}, wantState: "scheduled", after: 7 * 24 * time.Hour, wantLater: "gone"},
		"without recovery": {changes: map[string]any{"RecoveryWindowInDays": float64(0)}, wantState: "gone", wantLater: "gone"},
		"retained":         {changes: map[string]any{"RetainOnDelete": "true"}, wantState: "live", after: 31 * 24 * time.Hour, wantLater: "live"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c := &clock{now: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)}
			e := newEnv(t, awsemu.WithClock(c.Now))
			props := with(clusterProps(), tc.changes)
			res := e.create(t, props)
			req := request(customresource.ActionDelete, "d1", res.PhysicalResourceID, nil, props)
			if err := e.res.Delete(context.Background(), req); err != nil {
				t.Fatalf("Delete: %v", err)
			}
			if got := e.state(t, res.PhysicalResourceID); got != tc.wantState {
				t.Errorf("state after Delete = %s, want %s", got, tc.wantState)
			}
			c.now = c.now.Add(tc.after)
			if got := e.state(t, res.PhysicalResourceID); got != tc.wantLater {
				t.Errorf("state %v later = %s, want %s", tc.after, got, tc.wantLater)
			}
		})
	}
}

// state is live, scheduled (for deletion) or gone.
func (e *env) state(t *testing.T, id string) string {
	t.Helper()
	d, err := e.sm.DescribeSecret(context.Background(), &secretsmanager.DescribeSecretInput{SecretId: aws.String(id)})
	switch {
	case awserr.IsNotFound(err):
		return "gone"
	case err != nil:
		t.Fatalf("DescribeSecret %s: %v", id, err)
	case d.DeletedDate != nil:
		return "scheduled"
	}
	return "live"
}

func TestDeleteTwiceAndOfGoneSecrets(t *testing.T) {
	tests := map[string]map[string]any{
		"scheduled":        clusterProps(),
		"without recovery": with(clusterProps(), map[string]any{"RecoveryWindowInDays": "0"}),
	}
	for name, props := range tests {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			res := e.create(t, props)
			req := request(customresource.ActionDelete, "d1", res.PhysicalResourceID, nil, props)
			for i := range 2 {
				if err := e.res.Delete(context.Background(), req); err != nil {
					t.Fatalf("Delete %d: %v", i+1, err)
				}
			}
		})
	}
}

func TestDeleteOfIDsNeverIssuedTouchesNothing(t *testing.T) {
	tests := map[string]struct {
		id string
		// callsAWS: the resource cannot tell this ID from one it issued
		// without asking Secrets Manager, which does not find it; the
		// Delete must still succeed and leave the other secret alone.
		callsAWS bool
	}{
		"failed create marker":            {id: customresource.FailedCreateMarker("r1")},
		"log stream name":                 {id: "2026/05/01/[$LATEST]0123456789abcdef0123456789abcdef"},
		"made-up ID":                      {id: "AppSecret-1A2B3C4D5E6F"},
		"other service's ARN":             {id: "arn:aws:iam::111111111111:role/app"},
		"empty":                           {id: ""},
		"secret ARN of another account":   {id: "arn:aws:secretsmanager:us-east-1:222222222222:secret:app/x-AbCdEf", callsAWS: true},
		"secret ARN of another region":    {id: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:x-AbCdEf"},
		"secret ARN of another partition": {id: "arn:aws-cn:secretsmanager:cn-north-1:111111111111:secret:x-AbCdEf"},
		"region in the wrong partition":   {id: "arn:aws-us-gov:secretsmanager:us-east-1:111111111111:secret:x-AbCdEf"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			keep := e.create(t, clusterProps())
			e.calls.reset()
			if err := e.res.Delete(context.Background(), request(customresource.ActionDelete, "d1", tc.id, nil, clusterProps())); err != nil {
				t.Fatalf("Delete: %v", err)
			}
			calls := e.calls.operations()
			if got := e.state(t, keep.PhysicalResourceID); got != "live" {
				t.Errorf("unrelated secret is %s, want live", got)
			}
			if !tc.callsAWS && len(calls) != 0 {
				t.Errorf("calls %v, want none", calls)
			}
		})
	}
}

func TestDeleteWithPropertiesThatNoLongerValidate(t *testing.T) {
	tests := map[string]struct {
		props     map[string]any
		wantState string
	}{
		"retained despite an unknown property": {props: with(clusterProps(), map[string]any{"Legacy": "x", "RetainOnDelete": "true"}), wantState: "live"},
		"window despite an unknown property":   {props: with(clusterProps(), map[string]any{"Legacy": "x", "RecoveryWindowInDays": "0"}), wantState: "gone"},
		"invalid window falls back to 30 days": {props: with(clusterProps(), map[string]any{"RecoveryWindowInDays": "3"}), wantState: "scheduled"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			res := e.create(t, clusterProps())
			if err := e.res.Delete(context.Background(), request(customresource.ActionDelete, "d1", res.PhysicalResourceID, nil, tc.props)); err != nil {
				t.Fatalf("Delete: %v", err)
			}
			if diff := cmp.Diff(tc.wantState, e.state(t, res.PhysicalResourceID)); diff != "" {
				t.Errorf("state (-want +got):\n%s", diff)
			}
		})
	}
}
