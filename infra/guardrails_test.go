package main

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/redshift-data-access/redshift-data-access/infra/dataaccess"
)

// TestGuardrailsFromContext checks that every guardrail context key reaches
// the provider's props, from cdk -c strings and from cdk.json values.
func TestGuardrailsFromContext(t *testing.T) {
	tests := map[string]struct {
		context map[string]any
		want    dataaccess.GuardrailProps
	}{
		"none": {},
		"cdk -c strings": {
			context: map[string]any{
				contextGuardrailAssumeRoleAccounts:     "222222222222, 333333333333",
				contextGuardrailTrustedAccounts:        "222222222222",
				contextGuardrailTrustOrgID:             "o-abc123",
				contextGuardrailRequireExternalID:      "true",
				contextGuardrailAllowUntaggedSecrets:   "true",
				contextGuardrailDbUsers:                "analyst",
				contextGuardrailClusters:               "c1,c2",
				contextGuardrailWorkgroups:             "wg1",
				contextGuardrailPrincipalPaths:         "/apps/",
				contextGuardrailPrincipalTag:           "data-access=yes",
				contextGuardrailDisableManagedMode:     "true",
				contextGuardrailPermissionsBoundaryArn: "arn:aws:iam::111111111111:policy/B",
			},
			want: dataaccess.GuardrailProps{
				AssumeRoleAccounts: []string{"222222222222", "333333333333"}, TrustedAccounts: []string{"222222222222"},
				TrustOrgID: "o-abc123", RequireExternalID: true, AllowUntaggedSecrets: true,
				DbUsers: []string{"analyst"}, Clusters: []string{"c1", "c2"}, Workgroups: []string{"wg1"},
				PrincipalPaths: []string{"/apps/"}, PrincipalTag: "data-access=yes", DisableManagedMode: true,
				PermissionsBoundaryArn: "arn:aws:iam::111111111111:policy/B",
			},
		},
		"cdk.json values": {
			context: map[string]any{contextGuardrailClusters: []any{"c1"}, contextGuardrailDisableManagedMode: true},
			want:    dataaccess.GuardrailProps{Clusters: []string{"c1"}, DisableManagedMode: true},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := guardrailsFromContext(newTestApp(tc.context))
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("guardrails (-want +got):\n%s", d)
			}
		})
	}
}
