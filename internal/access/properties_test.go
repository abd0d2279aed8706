package access

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/internal/policy"
)

// propertiesOf returns the properties named by the PropertyErrors in err.
func propertiesOf(err error) []string {
	var out []string
	var walk func(error)
	walk = func(err error) {
		if err == nil {
			return
		}
		if joined, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range joined.Unwrap() {
				walk(e)
			}
			return
		}
		var pe *customresource.PropertyError
		if errors.As(err, &pe) {
			out = append(out, pe.Property)
		}
	}
	walk(err)
	return out
}

func TestReadAccessRejects(t *testing.T) {
	tests := map[string]struct {
		props map[string]any
		want  []string
	}{
		"no principal":                 {props: map[string]any{"Clusters": "c1"}, want: []string{"Roles"}},
		"no target":                    {props: map[string]any{"Roles": "r"}, want: []string{"Clusters"}},
		"unknown property":             {props: map[string]any{"Roles": "r", "Clusters": "c1", "Cluster": "c2"}, want: []string{"Cluster"}},
		"bad mode":                     {props: map[string]any{"Roles": "r", "PolicyMode": "Full"}, want: []string{"PolicyMode", "Clusters"}},
		"user ARN in Roles":            {props: map[string]any{"Roles": "arn:aws:iam::111111111111:user/bob", "Clusters": "c1"}, want: []string{"Roles"}},
		"cluster identifier":           {props: map[string]any{"Roles": "r", "Clusters": "Bad_Cluster"}, want: []string{"Clusters"}},
		"cluster identifier too long":  {props: map[string]any{"Roles": "r", "Clusters": "a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p-q-r-s-t-u-v-w-x-y-z-a-b-c-d-e-f-g-h"}, want: []string{"Clusters"}},
		"workgroup name":               {props: map[string]any{"Roles": "r", "Workgroups": "a"}, want: []string{"Workgroups"}},
		"auth method unknown":          {props: map[string]any{"Roles": "r", "Clusters": "c1", "AuthMethods": "Password"}, want: []string{"AuthMethods"}},
		"auth method without target":   {props: map[string]any{"Roles": "r", "Clusters": "c1", "AuthMethods": []any{"ServerlessTemporaryCredentials"}}, want: []string{"AuthMethods"}},
		"secret ARN":                   {props: map[string]any{"Roles": "r", "Clusters": "c1", "SecretArns": "my-secret"}, want: []string{"SecretArns"}},
		"assume a user":                {props: map[string]any{"Roles": "r", "AssumeRoleArns": "arn:aws:iam::222222222222:user/b"}, want: []string{"AssumeRoleArns"}},
		"managed with scoped property": {props: map[string]any{"Roles": "r", "PolicyMode": "Managed", "Clusters": "c1", "PolicyName": "p"}, want: []string{"Clusters", "PolicyName"}},
		"tag workgroups without any":   {props: map[string]any{"Roles": "r", "Clusters": "c1", "TagWorkgroups": true}, want: []string{"TagWorkgroups"}},
		"managed workgroups untagged":  {props: map[string]any{"Roles": "r", "PolicyMode": "Managed", "Workgroups": "wg-one"}, want: []string{"Workgroups"}},
		"path":                         {props: map[string]any{"Roles": "r", "Clusters": "c1", "PolicyPath": "no-slashes"}, want: []string{"PolicyPath"}},
		"db user starting with _":      {props: map[string]any{"Roles": "r", "Clusters": "c1", "DbUser": "_svc"}, want: []string{"DbUser"}},
		"db user with $":               {props: map[string]any{"Roles": "r", "Clusters": "c1", "DbUser": "svc$1"}, want: []string{"DbUser"}},
		"db user PUBLIC":               {props: map[string]any{"Roles": "r", "Clusters": "c1", "DbUser": "public"}, want: []string{"DbUser"}},
		"statement owner not boolean":  {props: map[string]any{"Roles": "r", "Clusters": "c1", "StatementOwnerOnly": "yes"}, want: []string{"StatementOwnerOnly"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := readAccess(tc.props)
			if !customresource.IsInvalidInput(err) {
				t.Fatalf("error = %v, want invalid input", err)
			}
			if diff := cmp.Diff(tc.want, propertiesOf(err)); diff != "" {
				t.Errorf("properties named (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadAccessAcceptsStringAndTypedForms(t *testing.T) {
	tests := map[string]map[string]any{
		"CloudFormation strings": {"Roles": "a,b", "Clusters": "c1", "StatementOwnerOnly": "false", "TagWorkgroups": "false", "AuthMethods": "secretsmanager", "DbUser": "etl.loader@corp-1"},
		"JSON-typed values":      {"Roles": []any{"a", "b"}, "Clusters": []any{"c1"}, "StatementOwnerOnly": false, "TagWorkgroups": false, "AuthMethods": []any{"SecretsManager"}, "DbUser": "etl.loader@corp-1"},
	}
	want := accessProps{
		Principals: []principal{{Kind: kindRole, Name: "a"}, {Kind: kindRole, Name: "b"}},
		Scope:      scopeProps{Mode: ModeScoped, Clusters: []string{"c1"}, AuthMethods: []policy.AuthMethod{policy.AuthSecretsManager}, DbUser: "etl.loader@corp-1"},
		PolicyPath: DefaultPath,
	}
	for name, props := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := readAccess(props)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadRoleRejects(t *testing.T) {
	base := func(extra map[string]any) map[string]any {
		m := map[string]any{"TrustedPrincipalArns": "arn:aws:iam::111111111111:role/someRoleA", "PolicyMode": "Managed"}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	tests := map[string]struct {
		props map[string]any
		want  []string
	}{
		"no trusted principal":  {props: map[string]any{"PolicyMode": "Managed"}, want: []string{"TrustedPrincipalArns"}},
		"trusted name, not ARN": {props: base(map[string]any{"TrustedPrincipalArns": "someRoleA"}), want: []string{"TrustedPrincipalArns"}},
		"trusted service":       {props: base(map[string]any{"TrustedPrincipalArns": "arn:aws:s3:::bucket"}), want: []string{"TrustedPrincipalArns"}},
		"external ID too short": {props: base(map[string]any{"ExternalId": "x"}), want: []string{"ExternalId"}},
		"role name too long":    {props: base(map[string]any{"RoleName": "a234567890123456789012345678901234567890123456789012345678901234567890"}), want: []string{"RoleName"}},
		"session too long":      {props: base(map[string]any{"MaxSessionDuration": "86400"}), want: []string{"MaxSessionDuration"}},
		"boundary not a policy": {props: base(map[string]any{"PermissionsBoundaryArn": "arn:aws:iam::111111111111:role/x"}), want: []string{"PermissionsBoundaryArn"}},
		"reserved tag":          {props: base(map[string]any{"Tags": map[string]any{"redshift-data-access:logical-id": "x"}}), want: []string{"Tags"}},
		"workgroups in managed": {props: base(map[string]any{"Workgroups": "wg-one"}), want: []string{"Workgroups"}},
		"scoped without target": {props: map[string]any{"TrustedPrincipalArns": "111111111111"}, want: []string{"Clusters"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := readRole(tc.props)
			if !customresource.IsInvalidInput(err) {
				t.Fatalf("error = %v, want invalid input", err)
			}
			if diff := cmp.Diff(tc.want, propertiesOf(err)); diff != "" {
				t.Errorf("properties named (-want +got):\n%s", diff)
			}
		})
	}
}
