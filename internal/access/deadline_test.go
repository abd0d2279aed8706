package access

import (
	"context"
	"testing"
	"time"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
	emustate "github.com/redshift-data-access/redshift-data-access/local/awsemu/snapshot"
)

// TestCreateThatOutlivesTheDeadlineLeavesNothing: the creating IAM call is
// still in flight when the request's context ends (the runtime has
// answered FAILED); what it makes anyway must be deleted again.
func TestCreateThatOutlivesTheDeadlineLeavesNothing(t *testing.T) {
	cases := map[string]struct {
		operation string
		res       func(Clients) customresource.Resource
		props     map[string]any
	}{
		"scoped policy":      {"CreatePolicy", func(c Clients) customresource.Resource { return NewAccess(c) }, map[string]any{"Roles": []any{"analyst"}, "Clusters": []any{"analytics"}}},
		"cross-account role": {"CreateRole", func(c Clients) customresource.Resource { return NewCrossAccountRole(c) }, map[string]any{"TrustedPrincipalArns": []any{awsemu.AccountB}, "PolicyMode": "Managed"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, awsemu.AccountA)
			e.createRole(t, "analyst", "/")
			e.createUser(t, "etl")
			e.createGroup(t, "analysts")
			r := tc.res(e.clients)
			before := e.state(t)
			e.srv.InjectFault(awsemu.Fault{Service: "iam", Operation: tc.operation, Latency: time.Minute, Times: 1})
			ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
			defer cancel()
			if _, err := r.Create(ctx, request(customresource.ActionCreate, "Grant", "", tc.props, nil)); err == nil {
				t.Fatal("Create succeeded after its deadline")
			}
			if e.srv.FaultHits("iam", tc.operation) != 1 {
				t.Fatalf("the slow %s was never sent", tc.operation)
			}
			emustate.Unchanged(t, before, e.state(t))
		})
	}
}
