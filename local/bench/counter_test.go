package bench_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/redshift-data-access/redshift-data-access/local/bench"
)

// authorization is a SigV4 header for service.
func authorization(service string) string {
	return "AWS4-HMAC-SHA256 Credential=AKIALOCALACCOUNTAAAA/20260101/us-east-1/" + service + "/aws4_request, SignedHeaders=host, Signature=00"
}

func TestCounter(t *testing.T) {
	tests := map[string]struct {
		request  func(base string) *http.Request
		want     []bench.Call
		wantBody string
	}{
		"JSON protocol names the operation in X-Amz-Target": {
			request: func(base string) *http.Request {
				r := httptest.NewRequest(http.MethodPost, base+"/", strings.NewReader(`{"SecretId":"s"}`))
				r.Header.Set("X-Amz-Target", "secretsmanager.DescribeSecret")
				r.Header.Set("Authorization", authorization("secretsmanager"))
				return r
			},
			want:     []bench.Call{{Service: "secretsmanager", Operation: "DescribeSecret"}},
			wantBody: `{"SecretId":"s"}`,
		},
		"query protocol names the operation in the form body, which the next handler still reads": {
			request: func(base string) *http.Request {
				body := url.Values{"Action": {"AttachRolePolicy"}, "RoleName": {"r"}}.Encode()
				r := httptest.NewRequest(http.MethodPost, base+"/", strings.NewReader(body))
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				r.Header.Set("Authorization", authorization("iam"))
				return r
			},
			want:     []bench.Call{{Service: "iam", Operation: "AttachRolePolicy"}},
			wantBody: "Action=AttachRolePolicy&RoleName=r",
		},
		"query protocol in the URL": {
			request: func(base string) *http.Request {
				r := httptest.NewRequest(http.MethodGet, base+"/?Action=DescribeVpcEndpoints", nil)
				r.Header.Set("Authorization", authorization("ec2"))
				return r
			},
			want: []bench.Call{{Service: "ec2", Operation: "DescribeVpcEndpoints"}},
		},
		"a request without an operation is not counted": {
			request: func(base string) *http.Request {
				return httptest.NewRequest(http.MethodPost, base+"/_emulator/faults", strings.NewReader(`{}`))
			},
			wantBody: `{}`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var gotBody string
			c := bench.NewCounter(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				gotBody = string(b)
			}))
			c.ServeHTTP(httptest.NewRecorder(), tc.request("http://127.0.0.1"))
			if diff := cmp.Diff(tc.want, c.Calls()); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantBody, gotBody); diff != "" {
				t.Errorf("body seen by the next handler (-want +got):\n%s", diff)
			}
			c.Reset()
			if got := c.Calls(); len(got) != 0 {
				t.Errorf("after Reset, Calls() = %v, want none", got)
			}
		})
	}
}

func TestMutations(t *testing.T) {
	calls := []bench.Call{
		{Service: "iam", Operation: "GetRole"},
		{Service: "iam", Operation: "ListRoleTags"},
		{Service: "ec2", Operation: "DescribeVpcEndpoints"},
		{Service: "secretsmanager", Operation: "GetRandomPassword"},
		{Service: "iam", Operation: "TagRole"},
		{Service: "ec2", Operation: "ModifyVpcEndpoint"},
		{Service: "secretsmanager", Operation: "PutSecretValue"},
		{Service: "sts", Operation: "AssumeRole"},
	}
	want := []bench.Call{
		{Service: "iam", Operation: "TagRole"},
		{Service: "ec2", Operation: "ModifyVpcEndpoint"},
		{Service: "secretsmanager", Operation: "PutSecretValue"},
		// Not a change, but not known to be a read: reported, not overlooked.
		{Service: "sts", Operation: "AssumeRole"},
	}
	if diff := cmp.Diff(want, bench.Mutations(calls)); diff != "" {
		t.Errorf("Mutations (-want +got):\n%s", diff)
	}
}

func TestTally(t *testing.T) {
	calls := []bench.Call{
		{Service: "iam", Operation: "ListRoleTags"},
		{Service: "iam", Operation: "UntagRole"},
		{Service: "iam", Operation: "ListRoleTags"},
	}
	want := map[string]int{"iam:ListRoleTags": 2, "iam:UntagRole": 1}
	if diff := cmp.Diff(want, bench.Tally(calls)); diff != "" {
		t.Errorf("Tally (-want +got):\n%s", diff)
	}
}
