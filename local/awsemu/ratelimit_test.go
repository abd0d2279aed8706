package awsemu

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// fakeClock is a clock that moves only when the test says so.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// listRoles calls iam:ListRoles once, without retries, as account.
func listRoles(srv *Server, account string) error {
	_, err := iam.NewFromConfig(srv.Config(account), noRetries).ListRoles(context.Background(), &iam.ListRolesInput{})
	return err
}

func TestRateLimitThrottlesBeyondTheBurstAndRefillsAtTheRate(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	srv := Start(WithClock(clock.Now), WithRateLimit(RateLimit{Service: "iam", Rate: 2, Burst: 3}))
	t.Cleanup(srv.Close)

	for i := range 3 {
		if err := listRoles(srv, AccountA); err != nil {
			t.Fatalf("call %d within the burst: %v", i+1, err)
		}
	}
	err := listRoles(srv, AccountA)
	if code := iamErrCode(t, err); code != "Throttling" {
		t.Fatalf("call beyond the burst: code %q, want Throttling", code)
	}
	var re *smithyhttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusBadRequest {
		t.Errorf("throttled call: %v, want HTTP 400", err)
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) && apiErr.ErrorMessage() != "Rate exceeded" {
		t.Errorf("throttled call: message %q, want Rate exceeded", apiErr.ErrorMessage())
	}
	// Another account has its own bucket.
	if err := listRoles(srv, AccountB); err != nil {
		t.Errorf("first call of the other account: %v", err)
	}
	// Half a second at 2 calls per second is one token.
	clock.Advance(500 * time.Millisecond)
	if err := listRoles(srv, AccountA); err != nil {
		t.Errorf("call after one token refilled: %v", err)
	}
	if code := iamErrCode(t, listRoles(srv, AccountA)); code != "Throttling" {
		t.Errorf("second call after one token refilled: code %q, want Throttling", code)
	}
	// The bucket holds no more than the burst however long it rests.
	clock.Advance(time.Hour)
	for i := range 3 {
		if err := listRoles(srv, AccountA); err != nil {
			t.Fatalf("call %d after a rest: %v", i+1, err)
		}
	}
	if code := iamErrCode(t, listRoles(srv, AccountA)); code != "Throttling" {
		t.Errorf("call beyond the burst after a rest: code %q, want Throttling", code)
	}
	if got := srv.RateLimited("iam"); got != 3 {
		t.Errorf("RateLimited(iam) = %d, want the 3 throttled calls", got)
	}
	if got := srv.Calls("iam"); got != 11 {
		t.Errorf("Calls(iam) = %d, want 12", got)
	}
	// Other services are not limited while IAM's bucket is empty.
	stsClient := sts.NewFromConfig(srv.Config(AccountA))
	for i := range 5 {
		if _, err := stsClient.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err != nil {
			t.Fatalf("sts call %d: %v", i+1, err)
		}
	}
}

func TestRateLimitIsOffByDefaultAndSwitchedByTheControlAPI(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	srv := Start(WithClock(clock.Now))
	t.Cleanup(srv.Close)
	for i := range 50 {
		if err := listRoles(srv, AccountA); err != nil {
			t.Fatalf("call %d without a rate limit: %v", i+1, err)
		}
	}

	post := func(body string) {
		t.Helper()
		resp, err := http.Post(srv.URL+adminPrefix+"ratelimits", "application/json", bytes.NewBufferString(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent {
			t.Fatalf("POST %s: status %d", body, resp.StatusCode)
		}
	}
	post(`{"service":"iam","rate":1,"burst":1}`)
	if err := listRoles(srv, AccountA); err != nil {
		t.Fatalf("first call under a burst of 1: %v", err)
	}
	if code := iamErrCode(t, listRoles(srv, AccountA)); code != "Throttling" {
		t.Fatalf("second call under a burst of 1: code %q, want Throttling", code)
	}

	req, _ := http.NewRequest(http.MethodDelete, srv.URL+adminPrefix+"ratelimits", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := listRoles(srv, AccountA); err != nil {
		t.Errorf("call after DELETE: %v", err)
	}

	resp, err = http.Post(srv.URL+adminPrefix+"ratelimits", "application/json", bytes.NewBufferString(`{"rate":1,"burst":1}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("POST without a service: status %d, want 400", resp.StatusCode)
	}
}
