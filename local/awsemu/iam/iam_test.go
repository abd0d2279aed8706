package iam_test

import (
	"context"
	"errors"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
)

// testClock is a settable clock for WithClock.
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

// errCode is the AWS error code of err, or "" when err is nil.
func errCode(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error %v is not an AWS API error", err)
	}
	return apiErr.ErrorCode()
}

func clients(t *testing.T, opts ...awsemu.Option) (*awsemu.Server, *iam.Client, *iam.Client) {
	t.Helper()
	srv := awsemu.Start(opts...)
	t.Cleanup(srv.Close)
	return srv, iam.NewFromConfig(srv.Config(awsemu.AccountA)), iam.NewFromConfig(srv.Config(awsemu.AccountB))
}

const (
	testIdentityPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	testTrustAccountA  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}]}`
	testTrustLambda    = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}}`
)

func mustCreateRole(t *testing.T, client *iam.Client, name, trust string) *types.Role {
	t.Helper()
	out, err := client.CreateRole(context.Background(), &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatalf("CreateRole %s: %v", name, err)
	}
	return out.Role
}

func mustCreatePolicy(t *testing.T, client *iam.Client, name, doc string) *types.Policy {
	t.Helper()
	out, err := client.CreatePolicy(context.Background(), &iam.CreatePolicyInput{PolicyName: aws.String(name), PolicyDocument: aws.String(doc)})
	if err != nil {
		t.Fatalf("CreatePolicy %s: %v", name, err)
	}
	return out.Policy
}

func decodeDocument(t *testing.T, doc *string) string {
	t.Helper()
	s, err := url.QueryUnescape(aws.ToString(doc))
	if err != nil {
		t.Fatalf("policy document is not URL-encoded: %v", err)
	}
	return s
}

func TestIAMFaultInjection(t *testing.T) {
	tests := map[string]struct {
		fault    awsemu.Fault
		wantCode string
		wantHits int
	}{
		"one server error is retried by the SDK": {fault: awsemu.ServerError("iam", "GetRole", 1), wantHits: 1},
		"throttling beyond the retry budget":     {fault: awsemu.Throttle("iam", "GetRole", 10), wantCode: "Throttling", wantHits: 3},
		"injected NoSuchEntity is not retried":   {fault: awsemu.Fault{Service: "iam", Operation: "GetRole", Code: "NoSuchEntity", Status: 404, Message: "injected"}, wantCode: "NoSuchEntity", wantHits: 1},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			srv, client, _ := clients(t)
			mustCreateRole(t, client, "app", testTrustLambda)
			srv.InjectFault(tc.fault)
			_, err := client.GetRole(context.Background(), &iam.GetRoleInput{RoleName: aws.String("app")})
			if got := errCode(t, err); got != tc.wantCode {
				t.Errorf("error code = %q, want %q (err %v)", got, tc.wantCode, err)
			}
			if got := srv.FaultHits("iam", "GetRole"); got != tc.wantHits {
				t.Errorf("fault hits = %d, want %d", got, tc.wantHits)
			}
		})
	}
}
