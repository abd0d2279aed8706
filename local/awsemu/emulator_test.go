package awsemu

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

func TestGetCallerIdentityPerAccount(t *testing.T) {
	srv := Start()
	t.Cleanup(srv.Close)
	for _, account := range []string{AccountA, AccountB} {
		out, err := sts.NewFromConfig(srv.Config(account)).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
		if err != nil {
			t.Fatalf("GetCallerIdentity as %s: %v", account, err)
		}
		if got := *out.Account; got != account {
			t.Errorf("Account = %s, want %s", got, account)
		}
		if got, want := *out.Arn, "arn:aws:iam::"+account+":root"; got != want {
			t.Errorf("Arn = %s, want %s", got, want)
		}
	}
}

func TestInjectedFaultReachesClientAsAPIError(t *testing.T) {
	srv := Start()
	t.Cleanup(srv.Close)
	srv.InjectFault(Fault{Service: "sts", Operation: "GetCallerIdentity", Code: "AccessDenied", Status: 403, Message: "injected", Times: 1})
	_, err := sts.NewFromConfig(srv.Config(AccountA)).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "AccessDenied" {
		t.Fatalf("err = %v, want AccessDenied", err)
	}
	if _, err := sts.NewFromConfig(srv.Config(AccountA)).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("second call after a one-time fault: %v", err)
	}
}

func TestThrottlingIsRetriedBySDK(t *testing.T) {
	srv := Start()
	t.Cleanup(srv.Close)
	srv.InjectFault(Throttle("sts", "GetCallerIdentity", 2))
	if _, err := sts.NewFromConfig(srv.Config(AccountA)).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("GetCallerIdentity after two throttles: %v", err)
	}
	if got := srv.FaultHits("sts", "GetCallerIdentity"); got != 2 {
		t.Errorf("fault hits = %d, want 2", got)
	}
}
