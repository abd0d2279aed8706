package dbuser

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

const (
	testAdminSecret = "arn:aws:secretsmanager:us-east-1:111111111111:secret:admin-AbCdEf"
	testRoleArn     = "arn:aws:iam::111111111111:role/analytics/AnalystRole"
)

func TestParsePropertiesDefaults(t *testing.T) {
	p, err := ParseProperties(map[string]any{"ClusterIdentifier": "analytics", "AdminDbUser": "admin"})
	if err != nil {
		t.Fatal(err)
	}
	if p.User.String() != DefaultUserName || p.Database.String() != "dev" || p.FromIAM || p.RetainOnDelete {
		t.Errorf("defaults: %+v", p)
	}
}

func TestParsePropertiesIAM(t *testing.T) {
	for arn, want := range map[string]string{
		testRoleArn:                             "IAMR:AnalystRole",
		"arn:aws:iam::111111111111:user/foo":    "IAM:foo",
		"arn:aws:iam::111111111111:role/bar":    "IAMR:bar",
		"arn:aws-cn:iam::111111111111:user/a/b": "IAM:b",
	} {
		p, err := ParseProperties(map[string]any{"WorkgroupName": "wg1", "AdminSecretArn": testAdminSecret, "IamIdentityArn": arn})
		if err != nil {
			t.Fatalf("%s: %v", arn, err)
		}
		if p.User.String() != want || !p.FromIAM {
			t.Errorf("%s: user %q, want %q", arn, p.User, want)
		}
	}
}

func TestParsePropertiesGrants(t *testing.T) {
	p, err := ParseProperties(map[string]any{
		"ClusterIdentifier": "analytics", "AdminSecretArn": testAdminSecret,
		"Grants": []any{
			map[string]any{"Privileges": []any{"select", "Insert"}, "On": `table sales."Order Lines"`},
			map[string]any{"Privileges": "USAGE", "On": "SCHEMA sales"},
			map[string]any{"Privileges": []any{"all privileges"}, "On": "ALL TABLES IN SCHEMA sales"},
			map[string]any{"Privileges": []any{"TEMP", "temp"}, "On": "DATABASE dev"},
		},
		"Groups": "readers, writers", "Roles": []any{"analyst"}, "RetainOnDelete": "true",
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, g := range p.Grants {
		got = append(got, g.privilege+" ON "+g.on.sql())
	}
	want := []string{
		`SELECT ON TABLE "sales"."Order Lines"`, `INSERT ON TABLE "sales"."Order Lines"`,
		`USAGE ON SCHEMA "sales"`, `ALL ON ALL TABLES IN SCHEMA "sales"`, `TEMP ON DATABASE "dev"`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("grants -want +got:\n%s", diff)
	}
	if len(p.Groups) != 2 || p.Groups[1].String() != "writers" || len(p.Roles) != 1 || !p.RetainOnDelete {
		t.Errorf("groups %v roles %v retain %v", p.Groups, p.Roles, p.RetainOnDelete)
	}
}

func TestParsePropertiesInvalid(t *testing.T) {
	base := map[string]any{"ClusterIdentifier": "analytics", "AdminSecretArn": testAdminSecret}
	tests := map[string]struct {
		props map[string]any
		want  string // the property the error names
	}{
		"both targets":          {with(base, map[string]any{"WorkgroupName": "wg1"}), "ClusterIdentifier, WorkgroupName"},
		"neither target":        {map[string]any{"AdminSecretArn": testAdminSecret}, "ClusterIdentifier, WorkgroupName"},
		"bad cluster":           {with(base, map[string]any{"ClusterIdentifier": "1bad"}), "ClusterIdentifier"},
		"no admin":              {map[string]any{"ClusterIdentifier": "analytics"}, "AdminSecretArn"},
		"both admins":           {with(base, map[string]any{"AdminDbUser": "admin"}), "AdminSecretArn, AdminDbUser"},
		"db user on workgroup":  {map[string]any{"WorkgroupName": "wg1", "AdminDbUser": "admin"}, "AdminDbUser"},
		"admin secret not arn":  {with(base, map[string]any{"AdminSecretArn": "admin"}), "AdminSecretArn"},
		"user and iam":          {with(base, map[string]any{"UserName": "u", "IamIdentityArn": testRoleArn}), "UserName, IamIdentityArn"},
		"iam not role":          {with(base, map[string]any{"IamIdentityArn": "arn:aws:iam::111111111111:group/g"}), "IamIdentityArn"},
		"iam not iam":           {with(base, map[string]any{"IamIdentityArn": testAdminSecret}), "IamIdentityArn"},
		"user 128 bytes":        {with(base, map[string]any{"UserName": strings.Repeat("u", 128)}), "UserName"},
		"user upper case":       {with(base, map[string]any{"UserName": "Analyst"}), "UserName"},
		"user public":           {with(base, map[string]any{"UserName": "public"}), "UserName"},
		"user control char":     {with(base, map[string]any{"UserName": "a\tb"}), "UserName"},
		"password with iam":     {with(base, map[string]any{"IamIdentityArn": testRoleArn, "PasswordSecretArn": testAdminSecret}), "PasswordSecretArn"},
		"password not arn":      {with(base, map[string]any{"PasswordSecretArn": "pw"}), "PasswordSecretArn"},
		"database too long":     {with(base, map[string]any{"Database": strings.Repeat("d", 128)}), "Database"},
		"unknown privilege":     {with(base, map[string]any{"Grants": []any{map[string]any{"Privileges": []any{"SELECT", "EXECUTE"}, "On": "TABLE s.t"}}}), "Grants[0].Privileges"},
		"privilege wrong kind":  {with(base, map[string]any{"Grants": []any{map[string]any{"Privileges": []any{"USAGE"}, "On": "TABLE s.t"}}}), "Grants[0].Privileges"},
		"no privileges":         {with(base, map[string]any{"Grants": []any{map[string]any{"On": "SCHEMA s"}}}), "Grants[0].Privileges"},
		"on unknown form":       {with(base, map[string]any{"Grants": []any{map[string]any{"Privileges": "SELECT", "On": "VIEW s.v"}}}), "Grants[0].On"},
		"on table one part":     {with(base, map[string]any{"Grants": []any{map[string]any{"Privileges": "SELECT", "On": "TABLE t"}}}), "Grants[0].On"},
		"on schema two parts":   {with(base, map[string]any{"Grants": []any{map[string]any{"Privileges": "USAGE", "On": "SCHEMA a.b"}}}), "Grants[0].On"},
		"on unquoted space":     {with(base, map[string]any{"Grants": []any{map[string]any{"Privileges": "USAGE", "On": "SCHEMA a b"}}}), "Grants[0].On"},
		"on injection":          {with(base, map[string]any{"Grants": []any{map[string]any{"Privileges": "USAGE", "On": "SCHEMA s TO public; --"}}}), "Grants[0].On"},
		"on unclosed quote":     {with(base, map[string]any{"Grants": []any{map[string]any{"Privileges": "USAGE", "On": `SCHEMA "s`}}}), "Grants[0].On"},
		"grant unknown key":     {with(base, map[string]any{"Grants": []any{map[string]any{"Privileges": "USAGE", "On": "SCHEMA s", "Grantee": "x"}}}), "Grants[0]"},
		"grants not a list":     {with(base, map[string]any{"Grants": map[string]any{"On": "SCHEMA s"}}), "Grants"},
		"bad group":             {with(base, map[string]any{"Groups": []any{strings.Repeat("g", 200)}}), "Groups"},
		"retain not bool":       {with(base, map[string]any{"RetainOnDelete": "maybe"}), "RetainOnDelete"},
		"misspelled property":   {with(base, map[string]any{"Username": "u"}), "Username"},
		"misspelled privileges": {with(base, map[string]any{"Grants": []any{map[string]any{"Privilege": "USAGE", "On": "SCHEMA s"}}}), "Grants[0]"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := ParseProperties(tc.props)
			if err == nil {
				t.Fatal("no error")
			}
			var names []string
			for _, e := range flatten(err) {
				var pe *customresource.PropertyError
				if errors.As(e, &pe) {
					names = append(names, pe.Property)
				}
			}
			found := false
			for _, n := range names {
				found = found || n == tc.want
			}
			if !found {
				t.Errorf("errors name %q, want %q: %v", names, tc.want, err)
			}
		})
	}
}

func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}

// with returns a copy of props with the given changes; a nil value removes
// the property.
func with(props map[string]any, changes map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range props {
		out[k] = v
	}
	for k, v := range changes {
		if v == nil {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}
