package guardrail

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestConfigRoundTrip(t *testing.T) {
	want := Config{
		AssumeRoleAccounts: []string{other}, TrustedAccounts: []string{other, "333333333333"},
		TrustOrgID: "o-abc", RequireExternalID: true, AllowUntaggedSecrets: true,
		DbUsers: []string{"analyst"}, Clusters: []string{"c1"}, Workgroups: []string{"wg1"},
		ProviderRoleArns: []string{"arn:aws:iam::" + own + ":role/p"}, ProviderRoleNamePrefix: "Prov-",
		PrincipalPaths: []string{"/apps/"}, PrincipalTagKey: "k", PrincipalTagValue: "v",
		DisableManagedMode: true, PermissionsBoundaryArn: "arn:aws:iam::" + own + ":policy/B",
	}
	env := want.Environment()
	got, err := FromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("round trip (-want +got):\n%s", d)
	}
}

func TestDefaultsAreEmpty(t *testing.T) {
	got, err := FromEnv(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(Config{}, got); d != "" {
		t.Errorf("defaults (-want +got):\n%s", d)
	}
	if env := got.Environment(); len(env) != 0 {
		t.Errorf("default config renders %v, want nothing", env)
	}
}

func TestFromEnvRefusesMalformed(t *testing.T) {
	for name, env := range map[string]map[string]string{
		"bool":     {EnvRequireExternalID: "yes please"},
		"account":  {EnvTrustedAccounts: "12345"},
		"path":     {EnvPrincipalPaths: "apps"},
		"boundary": {EnvPermissionsBoundaryArn: "arn:aws:iam::" + own + ":role/x"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := FromEnv(func(k string) string { return env[k] }); err == nil {
				t.Error("malformed value accepted")
			}
		})
	}
}
