package awsemu

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/google/go-cmp/cmp"
)

// noRetries makes a client give up after its first attempt.
func noRetries(o *iam.Options) { o.RetryMaxAttempts = 1 }

func TestFaultLatency(t *testing.T) {
	const latency = 300 * time.Millisecond
	srv := Start()
	t.Cleanup(srv.Close)
	srv.InjectFault(Fault{Service: "sts", Operation: "GetCallerIdentity", Latency: latency, Times: 2})
	client := sts.NewFromConfig(srv.Config(AccountA))

	start := time.Now()
	if _, err := client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("GetCallerIdentity with added latency: %v", err)
	}
	if elapsed := time.Since(start); elapsed < latency {
		t.Errorf("GetCallerIdentity took %v, want at least the injected %v", elapsed, latency)
	}

	ctx, cancel := context.WithTimeout(context.Background(), latency/10)
	defer cancel()
	_, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("GetCallerIdentity past its deadline: err = %v, want context.DeadlineExceeded", err)
	}
}

func TestFaultRemoveAndTimes(t *testing.T) {
	srv := Start()
	t.Cleanup(srv.Close)
	client := iam.NewFromConfig(srv.Config(AccountA), noRetries)
	listRoles := func() error {
		_, err := client.ListRoles(context.Background(), &iam.ListRolesInput{})
		return err
	}

	remove := srv.InjectFault(Fault{Service: "iam", Code: "ServiceFailure"})
	for range 2 {
		if got := errorCode(listRoles()); got != "ServiceFailure" {
			t.Fatalf("ListRoles with a permanent fault: code %q, want ServiceFailure", got)
		}
	}
	if got := srv.FaultHits("iam", ""); got != 2 {
		t.Errorf("FaultHits = %d, want 2", got)
	}
	remove()
	if err := listRoles(); err != nil {
		t.Fatalf("ListRoles after removing the fault: %v", err)
	}

	// A fault limited to other operations or services leaves this one alone.
	srv.InjectFault(Throttle("iam", "GetRole", 1))
	srv.InjectFault(Throttle("sts", "", 1))
	if err := listRoles(); err != nil {
		t.Fatalf("ListRoles with faults on other operations: %v", err)
	}
	srv.ClearFaults()
	_, err := client.GetRole(context.Background(), &iam.GetRoleInput{RoleName: aws.String("missing")})
	if got := errorCode(err); got != "NoSuchEntity" {
		t.Errorf("GetRole after ClearFaults: code %q, want NoSuchEntity rather than the cleared Throttling", got)
	}
}

func TestFaultAdminAPI(t *testing.T) {
	srv := Start()
	t.Cleanup(srv.Close)
	post := func(body string) int {
		resp, err := http.Post(srv.URL+adminPrefix+"faults", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatalf("POST faults: %v", err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := post(`{"service":"iam","operation":"ListRoles","code":"Throttling","status":400,"times":1}`); got != http.StatusNoContent {
		t.Fatalf("POST faults status = %d, want 204", got)
	}
	client := iam.NewFromConfig(srv.Config(AccountA), noRetries)
	_, err := client.ListRoles(context.Background(), &iam.ListRolesInput{})
	if got := errorCode(err); got != "Throttling" {
		t.Errorf("ListRoles after POST faults: code %q, want Throttling", got)
	}

	if got := post(`{"service":"iam","code":"ServiceFailure"}`); got != http.StatusNoContent {
		t.Fatalf("POST faults status = %d, want 204", got)
	}
	req, err := http.NewRequest(http.MethodDelete, srv.URL+adminPrefix+"faults", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("DELETE faults: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Errorf("DELETE faults status = %d, want 204", resp.StatusCode)
	}
	if _, err := client.ListRoles(context.Background(), &iam.ListRolesInput{}); err != nil {
		t.Errorf("ListRoles after DELETE faults: %v", err)
	}

	if got := post(`{"service":`); got != http.StatusBadRequest {
		t.Errorf("POST of malformed JSON: status %d, want 400", got)
	}
	resp, err = http.Get(srv.URL + adminPrefix + "faults")
	if err != nil {
		t.Fatalf("GET faults: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET faults status = %d, want 405", resp.StatusCode)
	}
}

// TestFaultsApplyInTurn checks that faults for the same operation fail
// one request each, in the order they were injected, rather than one
// request using them all up.
func TestFaultsApplyInTurn(t *testing.T) {
	srv := Start()
	t.Cleanup(srv.Close)
	client := iam.NewFromConfig(srv.Config(AccountA), noRetries)
	srv.InjectFault(Throttle("iam", "ListRoles", 1))
	srv.InjectFault(ServerError("iam", "ListRoles", 1))
	var got []string
	for range 3 {
		_, err := client.ListRoles(context.Background(), &iam.ListRolesInput{})
		got = append(got, errorCode(err))
	}
	if diff := cmp.Diff([]string{"Throttling", "ServiceFailure", ""}, got); diff != "" {
		t.Errorf("error codes of three calls (-want +got):\n%s", diff)
	}
}
