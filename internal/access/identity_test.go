package access

import (
	"net/http"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/google/go-cmp/cmp"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
)

// TestResourcesAskSTSOnce sends each resource a failed request (STS
// denies the first GetCallerIdentity) and then two good ones: the failure
// is not remembered, and the second good request makes no STS call.
func TestResourcesAskSTSOnce(t *testing.T) {
	tests := map[string]struct {
		newResource func(Clients) customresource.Resource
		props       map[string]any
	}{
		"Access": {
			newResource: func(c Clients) customresource.Resource { return NewAccess(c) },
			props:       map[string]any{"Roles": []any{"analyst"}, "Clusters": "analytics"},
		},
		"CrossAccountRole": {
			newResource: func(c Clients) customresource.Resource { return NewCrossAccountRole(c) },
			props:       map[string]any{"TrustedPrincipalArns": []any{awsemu.AccountA}, "PolicyMode": "Managed"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, awsemu.AccountB)
			e.createRole(t, "analyst", "/")
			stsLog := &callLog{}
			e.clients.STS = sts.NewFromConfig(e.srv.Config(awsemu.AccountB), func(o *sts.Options) { o.APIOptions = append(o.APIOptions, stsLog.record) })
			r := tc.newResource(e.clients)
			e.srv.InjectFault(awsemu.Fault{Service: "sts", Operation: "GetCallerIdentity", Code: "AccessDenied", Message: "not authorized", Status: http.StatusForbidden, Times: 1})

			stsCalls := func() int { n := stsLog.count(); stsLog.reset(); return n }
			var calls []int // STS calls made by each request
			res, err := r.Create(t.Context(), request(customresource.ActionCreate, "Res", "", tc.props, nil))
			if err == nil {
				t.Fatalf("Create while STS denies: got %+v, want an error", res)
			}
			calls = append(calls, stsCalls())
			if res, err = r.Create(t.Context(), request(customresource.ActionCreate, "Res", "", tc.props, nil)); err != nil {
				t.Fatalf("Create: %v", err)
			}
			calls = append(calls, stsCalls())
			if _, err := r.Update(t.Context(), request(customresource.ActionUpdate, "Res", res.PhysicalResourceID, tc.props, tc.props)); err != nil {
				t.Fatalf("Update: %v", err)
			}
			calls = append(calls, stsCalls())
			if diff := cmp.Diff([]int{1, 1, 0}, calls); diff != "" {
				t.Errorf("STS calls per request (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCachedIdentityIsSafeForConcurrentUse is meant for -race: requests
// that start at the same moment all get the caller's account.
func TestCachedIdentityIsSafeForConcurrentUse(t *testing.T) {
	e := newEnv(t, awsemu.AccountB)
	s := cacheIdentity(e.clients.STS)
	var wg sync.WaitGroup
	accounts := make([]string, 8)
	for i := range accounts {
		wg.Go(func() {
			out, err := s.GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
			if err != nil {
				t.Errorf("GetCallerIdentity: %v", err)
				return
			}
			accounts[i] = aws.ToString(out.Account)
		})
	}
	wg.Wait()
	for i, got := range accounts {
		if got != awsemu.AccountB {
			t.Errorf("caller %d got account %q, want %s", i, got, awsemu.AccountB)
		}
	}
}

// count returns how many calls the log recorded.
func (l *callLog) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.ops)
}
