package redshiftdata_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	"github.com/aws/aws-sdk-go-v2/service/redshiftdata"
	"github.com/aws/aws-sdk-go-v2/service/redshiftdata/types"
	"github.com/aws/aws-sdk-go-v2/service/redshiftserverless"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/google/go-cmp/cmp"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu/internal/redshifttest"
)

// dataFixture is an emulator with cluster "analytics" (admin user admin),
// workgroup "serverless", and a secret with the cluster's admin
// credentials.
type dataFixture struct {
	srv       *awsemu.Server
	clock     *redshifttest.Clock
	data      *redshiftdata.Client
	adminARN  string
	secretsSM *secretsmanager.Client
	delay     time.Duration
}

func newDataFixture(t *testing.T, delay time.Duration) *dataFixture {
	t.Helper()
	clock := redshifttest.NewClock()
	srv := awsemu.Start(awsemu.WithClock(clock.Now), awsemu.WithStatementDelay(delay))
	t.Cleanup(srv.Close)
	cfg := srv.Config(awsemu.AccountA)
	redshifttest.CreateCluster(t, redshift.NewFromConfig(cfg), "analytics")
	redshifttest.CreateWorkgroup(t, redshiftserverless.NewFromConfig(cfg), "serverless")
	f := &dataFixture{srv: srv, clock: clock, data: redshiftdata.NewFromConfig(cfg), secretsSM: secretsmanager.NewFromConfig(cfg), delay: delay}
	f.adminARN = f.secret(t, "admin", `{"username":"admin","password":"Admin-Passw0rd","engine":"redshift","dbClusterIdentifier":"analytics"}`)
	return f
}

func (f *dataFixture) secret(t *testing.T, name, value string) string {
	t.Helper()
	out, err := f.secretsSM.CreateSecret(context.Background(), &secretsmanager.CreateSecretInput{Name: aws.String(name), SecretString: aws.String(value)})
	if err != nil {
		t.Fatalf("CreateSecret %s: %v", name, err)
	}
	return aws.ToString(out.ARN)
}

// run executes sql on the cluster as the admin secret, waits until it has
// run, and returns the statement's description.
func (f *dataFixture) run(t *testing.T, sql string) *redshiftdata.DescribeStatementOutput {
	t.Helper()
	return f.runInput(t, &redshiftdata.ExecuteStatementInput{ClusterIdentifier: aws.String("analytics"), Database: aws.String("dev"), SecretArn: aws.String(f.adminARN), Sql: aws.String(sql)})
}

func (f *dataFixture) runInput(t *testing.T, in *redshiftdata.ExecuteStatementInput) *redshiftdata.DescribeStatementOutput {
	t.Helper()
	out, err := f.data.ExecuteStatement(context.Background(), in)
	if err != nil {
		t.Fatalf("ExecuteStatement %q: %v", aws.ToString(in.Sql), err)
	}
	f.clock.Advance(2 * f.delay)
	return f.describe(t, aws.ToString(out.Id))
}

func (f *dataFixture) describe(t *testing.T, id string) *redshiftdata.DescribeStatementOutput {
	t.Helper()
	d, err := f.data.DescribeStatement(context.Background(), &redshiftdata.DescribeStatementInput{Id: aws.String(id)})
	if err != nil {
		t.Fatalf("DescribeStatement %s: %v", id, err)
	}
	return d
}

// users returns the users that pg_user lists on the cluster.
func (f *dataFixture) users(t *testing.T) []string {
	t.Helper()
	d := f.run(t, "SELECT usename FROM pg_user")
	res, err := f.data.GetStatementResult(context.Background(), &redshiftdata.GetStatementResultInput{Id: d.Id})
	if err != nil {
		t.Fatalf("GetStatementResult: %v", err)
	}
	var names []string
	for _, rec := range res.Records {
		names = append(names, rec[0].(*types.FieldMemberStringValue).Value)
	}
	return names
}

func TestRedshiftDataStatementMovesThroughStates(t *testing.T) {
	f := newDataFixture(t, time.Second)
	ctx := context.Background()
	out, err := f.data.ExecuteStatement(ctx, &redshiftdata.ExecuteStatementInput{
		ClusterIdentifier: aws.String("analytics"), Database: aws.String("dev"), SecretArn: aws.String(f.adminARN),
		Sql: aws.String(`CREATE USER "redshift_data_api_user" PASSWORD DISABLE`), StatementName: aws.String("create-user"),
	})
	if err != nil {
		t.Fatalf("ExecuteStatement: %v", err)
	}
	id := aws.ToString(out.Id)
	var got []types.StatusString
	for range 3 {
		got = append(got, f.describe(t, id).Status)
		f.clock.Advance(time.Second)
	}
	want := []types.StatusString{types.StatusStringSubmitted, types.StatusStringStarted, types.StatusStringFinished}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"admin", "redshift_data_api_user"}, f.users(t)); diff != "" {
		t.Errorf("users (-want +got):\n%s", diff)
	}
}

func TestRedshiftDataSQL(t *testing.T) {
	tests := map[string]struct {
		sql        string
		wantStatus types.StatusString
		wantUsers  []string
	}{
		"create user with password disabled": {`CREATE USER "redshift_data_api_user" PASSWORD DISABLE`, types.StatusStringFinished, []string{"admin", "existing", "redshift_data_api_user"}},
		"create user with a password":        {`create user app with password 'App-Passw0rd' connection limit 10;`, types.StatusStringFinished, []string{"admin", "app", "existing"}},
		"create user with a weak password":   {`CREATE USER app PASSWORD 'weak'`, types.StatusStringFailed, []string{"admin", "existing"}},
		"create an existing user":            {`CREATE USER existing PASSWORD DISABLE`, types.StatusStringFailed, []string{"admin", "existing"}},
		"create user if not exists":          {`CREATE USER IF NOT EXISTS app PASSWORD DISABLE`, types.StatusStringFailed, []string{"admin", "existing"}},
		"drop a user":                        {`DROP USER "existing"`, types.StatusStringFinished, []string{"admin"}},
		"drop a missing user":                {`DROP USER missing`, types.StatusStringFailed, []string{"admin", "existing"}},
		"drop a missing user if exists":      {`DROP USER IF EXISTS missing`, types.StatusStringFinished, []string{"admin", "existing"}},
		"alter a user":                       {`ALTER USER existing CONNECTION LIMIT 5`, types.StatusStringFinished, []string{"admin", "existing"}},
		"rename a user":                      {`ALTER USER existing RENAME TO renamed`, types.StatusStringFinished, []string{"admin", "renamed"}},
		"alter a missing user":               {`ALTER USER missing PASSWORD DISABLE`, types.StatusStringFailed, []string{"admin", "existing"}},
		"grant to a user":                    {`GRANT SELECT ON ALL TABLES IN SCHEMA public TO "existing"`, types.StatusStringFinished, []string{"admin", "existing"}},
		"grant to a group":                   {`GRANT USAGE ON SCHEMA public TO GROUP readers`, types.StatusStringFinished, []string{"admin", "existing"}},
		"grant to a missing user":            {`GRANT SELECT ON ALL TABLES IN SCHEMA public TO missing`, types.StatusStringFailed, []string{"admin", "existing"}},
		"revoke from a user":                 {`REVOKE ALL ON SCHEMA public FROM existing`, types.StatusStringFinished, []string{"admin", "existing"}},
		"unrecognised statement":             {`VACUUM`, types.StatusStringFailed, []string{"admin", "existing"}},
		"two statements":                     {`DROP USER existing; SELECT 1`, types.StatusStringFailed, []string{"admin", "existing"}},
		"quoted name with a doubled quote":   {`CREATE USER "Odd""Name" PASSWORD DISABLE`, types.StatusStringFinished, []string{`Odd"Name`, "admin", "existing"}},
		"unquoted name folds to lower case":  {`CREATE USER Reporter PASSWORD DISABLE`, types.StatusStringFinished, []string{"admin", "existing", "reporter"}},
		"comment before the statement":       {"-- provisioning\nDROP USER existing;", types.StatusStringFinished, []string{"admin"}},
		"parameter without a value":          {`SELECT usename FROM pg_user WHERE usename = :missing`, types.StatusStringFailed, []string{"admin", "existing"}},
		"unterminated string":                {`CREATE USER app PASSWORD 'App-Passw0rd`, types.StatusStringFailed, []string{"admin", "existing"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newDataFixture(t, 0)
			if d := f.run(t, `CREATE USER existing PASSWORD DISABLE`); d.Status != types.StatusStringFinished {
				t.Fatalf("set-up CREATE USER: status %s, error %q", d.Status, aws.ToString(d.Error))
			}
			d := f.run(t, tc.sql)
			if d.Status != tc.wantStatus {
				t.Errorf("status = %s, want %s (error %q)", d.Status, tc.wantStatus, aws.ToString(d.Error))
			}
			if (d.Status == types.StatusStringFailed) != (aws.ToString(d.Error) != "") {
				t.Errorf("status %s with error %q: want an error exactly when FAILED", d.Status, aws.ToString(d.Error))
			}
			if got := aws.ToString(d.QueryString); got != tc.sql {
				t.Errorf("QueryString %q, want the text as submitted, as AWS returns it", got)
			}
			if shown := aws.ToString(d.Error); strings.Contains(shown, "Passw0rd") || strings.Contains(shown, "weak") {
				t.Errorf("the statement's Error shows a password")
			}
			if diff := cmp.Diff(tc.wantUsers, f.users(t)); diff != "" {
				t.Errorf("users (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRedshiftDataResults(t *testing.T) {
	f := newDataFixture(t, 0)
	ctx := context.Background()
	f.run(t, `CREATE USER "redshift_data_api_user" PASSWORD DISABLE`)
	tests := map[string]struct {
		in          redshiftdata.ExecuteStatementInput
		wantColumn  string
		wantRecords [][]types.Field
	}{
		"select 1": {
			in:          redshiftdata.ExecuteStatementInput{Sql: aws.String("SELECT 1")},
			wantColumn:  "?column?",
			wantRecords: [][]types.Field{{&types.FieldMemberLongValue{Value: 1}}},
		},
		"user by parameter": {
			in: redshiftdata.ExecuteStatementInput{
				Sql:        aws.String("SELECT usename FROM pg_catalog.pg_user WHERE usename = :name"),
				Parameters: []types.SqlParameter{{Name: aws.String("name"), Value: aws.String("redshift_data_api_user")}},
			},
			wantColumn:  "usename",
			wantRecords: [][]types.Field{{&types.FieldMemberStringValue{Value: "redshift_data_api_user"}}},
		},
		"missing user": {
			in:          redshiftdata.ExecuteStatementInput{Sql: aws.String("SELECT usename FROM pg_user WHERE usename = 'nobody'")},
			wantColumn:  "usename",
			wantRecords: [][]types.Field{},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			in := tc.in
			in.ClusterIdentifier, in.Database, in.SecretArn = aws.String("analytics"), aws.String("dev"), aws.String(f.adminARN)
			d := f.runInput(t, &in)
			if d.Status != types.StatusStringFinished || !aws.ToBool(d.HasResultSet) || d.ResultRows != int64(len(tc.wantRecords)) {
				t.Fatalf("status %s, HasResultSet %v, ResultRows %d; want FINISHED with %d rows (error %q)", d.Status, aws.ToBool(d.HasResultSet), d.ResultRows, len(tc.wantRecords), aws.ToString(d.Error))
			}
			res, err := f.data.GetStatementResult(ctx, &redshiftdata.GetStatementResultInput{Id: d.Id})
			if err != nil {
				t.Fatalf("GetStatementResult: %v", err)
			}
			if diff := cmp.Diff(tc.wantRecords, res.Records, cmp.Exporter(func(reflect.Type) bool { return true })); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
			if len(res.ColumnMetadata) != 1 || aws.ToString(res.ColumnMetadata[0].Name) != tc.wantColumn {
				t.Errorf("columns = %+v, want one named %q", res.ColumnMetadata, tc.wantColumn)
			}
		})
	}
	ddl := f.run(t, `DROP USER IF EXISTS nobody`)
	if _, err := f.data.GetStatementResult(ctx, &redshiftdata.GetStatementResultInput{Id: ddl.Id}); redshifttest.ErrorCode(err) != "ValidationException" {
		t.Errorf("GetStatementResult of a statement without a result set: err = %v, want ValidationException", err)
	}
}
