package redshiftdata_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/redshiftdata"
	"github.com/aws/aws-sdk-go-v2/service/redshiftdata/types"
	"github.com/google/go-cmp/cmp"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
)

// TestRedshiftDataObjects runs, in order, statements on groups, roles,
// schemas, tables and grants, each expected to finish or fail with
// Redshift's message.
func TestRedshiftDataObjects(t *testing.T) {
	f := newDataFixture(t, 0)
	steps := []struct {
		sql     string
		wantErr string // a part of Redshift's message; "" to finish
	}{
		{`CREATE USER "u" PASSWORD DISABLE`, ""},
		{`CREATE USER "u" PASSWORD DISABLE`, `user "u" already exists`},
		{`CREATE GROUP readers`, ""},
		{`CREATE GROUP readers`, `group "readers" already exists`},
		{`CREATE ROLE "analyst"`, ""},
		{`CREATE SCHEMA sales`, ""},
		{`CREATE TABLE sales."order lines" (id int)`, ""},
		{`ALTER GROUP "readers" ADD USER "u"`, ""},
		{`ALTER GROUP "writers" ADD USER "u"`, `group "writers" does not exist`},
		{`ALTER GROUP "readers" ADD USER "nobody"`, `user "nobody" does not exist`},
		{`GRANT ROLE "analyst" TO "u"`, ""},
		{`GRANT ROLE "auditor" TO "u"`, `role "auditor" does not exist`},
		{`GRANT TEMP ON DATABASE "dev" TO "u"`, ""},
		{`GRANT TEMP ON DATABASE "prod" TO "u"`, `database "prod" does not exist`},
		{`GRANT USAGE ON SCHEMA "sales" TO "u"`, ""},
		{`GRANT USAGE ON SCHEMA "hr" TO "u"`, `schema "hr" does not exist`},
		{`GRANT INSERT, SELECT ON TABLE "sales"."order lines" TO "u"`, ""},
		{`GRANT SELECT ON TABLE "sales"."orders" TO "u"`, `relation "sales.orders" does not exist`},
		{`GRANT SELECT ON ALL TABLES IN SCHEMA "sales" TO "nobody"`, `user "nobody" does not exist`},
		{`DROP USER "u"`, "cannot be dropped because the user has a privilege"},
	}
	for _, s := range steps {
		d := f.run(t, s.sql)
		got := aws.ToString(d.Error)
		switch {
		case s.wantErr == "" && d.Status != types.StatusStringFinished:
			t.Fatalf("%s: %s %q, want FINISHED", s.sql, d.Status, got)
		case s.wantErr != "" && (d.Status != types.StatusStringFailed || !strings.Contains(got, s.wantErr)):
			t.Fatalf("%s: %s %q, want FAILED with %q", s.sql, d.Status, got, s.wantErr)
		}
	}
	want := []string{
		"dev|insert ON table sales.order lines", "dev|select ON table sales.order lines", "dev|temp ON database dev",
		"dev|usage ON schema sales", "granted role analyst", "member of group readers",
	}
	if diff := cmp.Diff(want, f.srv.Privileges(awsemu.AccountA, "analytics", "", "u")); diff != "" {
		t.Errorf("privileges -want +got:\n%s", diff)
	}
	for _, sql := range []string{
		`REVOKE ALL ON TABLE "sales"."order lines" FROM "u"`, `REVOKE TEMP ON DATABASE "dev" FROM "u"`,
		`REVOKE USAGE ON SCHEMA "sales" FROM "u"`, `REVOKE ROLE "analyst" FROM "u"`, `ALTER GROUP "readers" DROP USER "u"`,
	} {
		if d := f.run(t, sql); d.Status != types.StatusStringFinished {
			t.Fatalf("%s: %s %q", sql, d.Status, aws.ToString(d.Error))
		}
	}
	if got := f.srv.Privileges(awsemu.AccountA, "analytics", "", "u"); len(got) != 0 {
		t.Errorf("after the revokes the user holds %v", got)
	}
	// An owner cannot be dropped.
	for _, sql := range []string{`CREATE SCHEMA "owned" AUTHORIZATION "u"`} {
		if d := f.run(t, sql); d.Status != types.StatusStringFinished {
			t.Fatalf("%s: %s %q", sql, d.Status, aws.ToString(d.Error))
		}
	}
	if d := f.run(t, `DROP USER "u"`); d.Status != types.StatusStringFailed || !strings.Contains(aws.ToString(d.Error), "owns some object") {
		t.Errorf("DROP USER of an owner: %s %q", d.Status, aws.ToString(d.Error))
	}
}

// TestRedshiftDataBatchRollsBackObjects checks that a failed batch leaves
// groups and grants as they were.
func TestRedshiftDataBatchRollsBackObjects(t *testing.T) {
	f := newDataFixture(t, 0)
	f.run(t, `CREATE GROUP readers`)
	out, err := f.data.BatchExecuteStatement(context.Background(), &redshiftdata.BatchExecuteStatementInput{
		ClusterIdentifier: aws.String("analytics"), Database: aws.String("dev"), SecretArn: aws.String(f.adminARN),
		Sqls: []string{`CREATE USER "v" PASSWORD DISABLE`, `ALTER GROUP readers ADD USER "v"`, `GRANT TEMP ON DATABASE dev TO "v"`, `GRANT USAGE ON SCHEMA missing TO "v"`},
	})
	if err != nil {
		t.Fatal(err)
	}
	if d := f.describe(t, aws.ToString(out.Id)); d.Status != types.StatusStringFailed {
		t.Fatalf("batch %s, want FAILED", d.Status)
	}
	if got := f.srv.Privileges(awsemu.AccountA, "analytics", "", "v"); len(got) != 0 {
		t.Errorf("a failed batch left %v", got)
	}
}

// TestRedshiftDataMd5Password checks that a user created with Redshift's
// md5 form of a password logs in with the password.
func TestRedshiftDataMd5Password(t *testing.T) {
	f := newDataFixture(t, 0)
	// md5 of "App-Passw0rd" + "app".
	f.run(t, `CREATE USER "app" PASSWORD 'md5`+md5Hex("App-Passw0rdapp")+`'`)
	secret := f.secret(t, "app", `{"username":"app","password":"App-Passw0rd"}`)
	d := f.runInput(t, &redshiftdata.ExecuteStatementInput{ClusterIdentifier: aws.String("analytics"), Database: aws.String("dev"), SecretArn: aws.String(secret), Sql: aws.String("SELECT 1")})
	if d.Status != types.StatusStringFinished {
		t.Errorf("login with the password: %s %q", d.Status, aws.ToString(d.Error))
	}
	wrong := f.secret(t, "wrong", `{"username":"app","password":"Other-Passw0rd"}`)
	d = f.runInput(t, &redshiftdata.ExecuteStatementInput{ClusterIdentifier: aws.String("analytics"), Database: aws.String("dev"), SecretArn: aws.String(wrong), Sql: aws.String("SELECT 1")})
	if d.Status != types.StatusStringFailed {
		t.Errorf("login with another password: %s", d.Status)
	}
}

func md5Hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}
