package awsconfig_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go"

	"github.com/redshift-data-access/redshift-data-access/internal/awsconfig"
	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
)

// shortBudget is a budget with the production shape scaled down to
// milliseconds, so that the tests retry many times quickly.
var shortBudget = awsconfig.Budget{Window: time.Second, MaxBackoff: 4 * time.Millisecond, Base: time.Millisecond}

func iamClient(s *awsemu.Server, b awsconfig.Budget) *iam.Client {
	cfg := s.Config(awsemu.AccountA)
	cfg.Retryer = b.Retryer
	return iam.NewFromConfig(cfg)
}

func TestBudgetFillsTheFunctionTimeoutLessTheMargin(t *testing.T) {
	for name, tc := range map[string]struct {
		fn      awsconfig.Function
		timeout time.Duration
	}{
		"access":   {awsconfig.Access, 5 * time.Minute},
		"secret":   {awsconfig.Secret, 5 * time.Minute},
		"endpoint": {awsconfig.Endpoint, 15 * time.Minute},
		"dbuser":   {awsconfig.DBUser, 5 * time.Minute},
	} {
		b := awsconfig.BudgetOf(tc.fn)
		if want := tc.timeout - customresource.DefaultDeadlineMargin; b.Window != want {
			t.Errorf("%s: window %v, want the timeout less the margin, %v", name, b.Window, want)
		}
		// The mean wait is half the cap, so the attempts times the mean
		// wait must cover the window.
		if got := time.Duration(b.MaxAttempts()-1) * b.MaxBackoff / 2; got < b.Window {
			t.Errorf("%s: %d attempts wait %v on average, less than the window %v", name, b.MaxAttempts(), got, b.Window)
		}
		if b.MaxAttempts() <= 3 {
			t.Errorf("%s: %d attempts, no more than the SDK's default", name, b.MaxAttempts())
		}
	}
}

func TestThrottledCallIsRetriedBeyondThreeAttempts(t *testing.T) {
	s := awsemu.Start()
	defer s.Close()
	const throttled = 6
	s.InjectFault(awsemu.Throttle("iam", "ListRoles", throttled))

	if _, err := iamClient(s, shortBudget).ListRoles(context.Background(), &iam.ListRolesInput{}); err != nil {
		t.Fatalf("ListRoles after %d throttled attempts: %v", throttled, err)
	}
	if got := s.FaultHits("iam", "ListRoles"); got != throttled {
		t.Errorf("%d attempts throttled, want %d before the one that succeeded", got, throttled)
	}
}

func TestThrottledCallGivesUpAtTheContextDeadline(t *testing.T) {
	s := awsemu.Start()
	defer s.Close()
	s.InjectFault(awsemu.Throttle("iam", "ListRoles", 0)) // every attempt

	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	_, err := iamClient(s, shortBudget).ListRoles(ctx, &iam.ListRolesInput{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("ListRoles throttled until the deadline: %v, want the context's deadline error", err)
	}
	// The call ended because the context did, not because the attempts ran
	// out or a client-side retry quota refused a retry.
	var maxAttempts *retry.MaxAttemptsError
	if errors.As(err, &maxAttempts) {
		t.Errorf("the attempt limit ended the call: %v", err)
	}
	var quota ratelimit.QuotaExceededError
	if errors.As(err, &quota) {
		t.Errorf("a client-side retry quota refused a retry: %v", err)
	}
	hits := s.FaultHits("iam", "ListRoles")
	if hits <= 3 {
		t.Errorf("%d attempts before the deadline, want more than the SDK's default of 3", hits)
	}
	if hits >= shortBudget.MaxAttempts() {
		t.Errorf("%d attempts, the whole budget of %d: the attempt limit ended the call, not the deadline", hits, shortBudget.MaxAttempts())
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) && apiErr.ErrorCode() != "Throttling" {
		t.Errorf("last error code %q, want Throttling", apiErr.ErrorCode())
	}
}
