package e2e

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aws/aws-lambda-go/cfn"
	"github.com/redshift-data-access/redshift-data-access/internal/guardrail"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
	emustate "github.com/redshift-data-access/redshift-data-access/local/awsemu/snapshot"
	"github.com/redshift-data-access/redshift-data-access/local/lifecycle"
	"github.com/redshift-data-access/redshift-data-access/local/prerequisites"
)

// TestGuardrailsInTheBuiltFunction sends escalation attempts to the built
// access function under the runtime interface emulator, with one owner's
// setting in its environment: each answers FAILED with a Reason that
// names the property and the guardrail, and account A is as it was.
func TestGuardrailsInTheBuiltFunction(t *testing.T) {
	requireBinaries(t)
	w := newFixture(t)
	invoke := startFunctionWith(t, w.srv, "access", awsemu.AccountA, map[string]string{guardrail.EnvDisableManagedMode: "true"})
	roles := func(kv ...any) map[string]any {
		m := map[string]any{"Roles": []any{prerequisites.CallerRole}, "Clusters": []any{prerequisites.ClusterID}}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	tests := map[string]struct {
		props    map[string]any
		property string
		guard    guardrail.Guardrail
	}{
		"assume a role of the own account": {roles("AssumeRoleArns", []any{w.CallerRoleArn}), "AssumeRoleArns", guardrail.SameAccountAssumeRole},
		"every secret":                     {roles("SecretArns", []any{"arn:aws:secretsmanager:*:*:secret:*"}), "SecretArns", guardrail.SecretExactArn},
		"every cluster":                    {roles("Clusters", []any{"*"}), "Clusters", guardrail.NoWildcard},
		"an empty principal item":          {roles("Roles", prerequisites.CallerRole+","), "Roles", guardrail.PrincipalListItem},
		"Managed mode switched off":        {map[string]any{"Roles": []any{prerequisites.CallerRole}, "PolicyMode": "Managed"}, "PolicyMode", guardrail.ManagedMode},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			before := emustate.Take(t, w.srv.Config(awsemu.AccountA), nil, nil)
			d, err := lifecycle.NewDriver(accessType, invoke)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			resp, err := d.Send(t.Context(), d.NewEvent(cfn.RequestCreate, "", nil, tc.props))
			if err != nil {
				t.Fatal(err)
			}
			// The Reason is all a stack author sees, so it is what is checked.
			if resp.Status != cfn.StatusFailed || !strings.Contains(resp.Reason, "property "+tc.property+":") || !strings.Contains(resp.Reason, "guardrail "+string(tc.guard)) {
				t.Errorf("%s, reason %q; want FAILED naming property %s and guardrail %s", resp.Status, resp.Reason, tc.property, tc.guard)
			}
			after := emustate.Take(t, w.srv.Config(awsemu.AccountA), nil, nil)
			if diff := cmp.Diff(before, after); diff != "" {
				t.Errorf("state changed (-before +after):\n%s", diff)
			}
		})
	}
}
