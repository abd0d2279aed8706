package redshiftdata_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/redshiftdata"
	"github.com/aws/aws-sdk-go-v2/service/redshiftdata/types"
	"github.com/google/go-cmp/cmp"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/internal/redshifttest"
)

func TestRedshiftDataBatch(t *testing.T) {
	tests := map[string]struct {
		sqls          []string
		wantStatus    types.StatusString
		wantSubStatus []types.StatementStatusString
		wantUsers     []string
	}{
		"all succeed": {
			sqls:          []string{`CREATE USER "redshift_data_api_user" PASSWORD DISABLE`, `GRANT USAGE ON SCHEMA public TO "redshift_data_api_user"`, `SELECT usename FROM pg_user`},
			wantStatus:    types.StatusStringFinished,
			wantSubStatus: []types.StatementStatusString{types.StatementStatusStringFinished, types.StatementStatusStringFinished, types.StatementStatusStringFinished},
			wantUsers:     []string{"admin", "redshift_data_api_user"},
		},
		"one fails and none takes effect": {
			sqls:          []string{`CREATE USER "redshift_data_api_user" PASSWORD DISABLE`, `DROP USER missing`, `SELECT 1`},
			wantStatus:    types.StatusStringFailed,
			wantSubStatus: []types.StatementStatusString{types.StatementStatusStringFinished, types.StatementStatusStringFailed, types.StatementStatusStringAborted},
			wantUsers:     []string{"admin"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newDataFixture(t, 0)
			out, err := f.data.BatchExecuteStatement(context.Background(), &redshiftdata.BatchExecuteStatementInput{
				ClusterIdentifier: aws.String("analytics"), Database: aws.String("dev"), SecretArn: aws.String(f.adminARN), Sqls: tc.sqls,
			})
			if err != nil {
				t.Fatalf("BatchExecuteStatement: %v", err)
			}
			d := f.describe(t, aws.ToString(out.Id))
			if d.Status != tc.wantStatus {
				t.Errorf("status = %s, want %s (error %q)", d.Status, tc.wantStatus, aws.ToString(d.Error))
			}
			var subStatus []types.StatementStatusString
			for i, sub := range d.SubStatements {
				subStatus = append(subStatus, sub.Status)
				if want := aws.ToString(out.Id) + ":" + string(rune('1'+i)); aws.ToString(sub.Id) != want {
					t.Errorf("sub-statement %d ID = %q, want %q", i, aws.ToString(sub.Id), want)
				}
			}
			if diff := cmp.Diff(tc.wantSubStatus, subStatus); diff != "" {
				t.Errorf("sub-statement statuses (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantUsers, f.users(t)); diff != "" {
				t.Errorf("users (-want +got):\n%s", diff)
			}
			if _, err := f.data.GetStatementResult(context.Background(), &redshiftdata.GetStatementResultInput{Id: out.Id}); redshifttest.ErrorCode(err) != "ValidationException" {
				t.Errorf("GetStatementResult of the batch itself: err = %v, want ValidationException", err)
			}
		})
	}
}

func TestRedshiftDataBatchSubStatementResult(t *testing.T) {
	f := newDataFixture(t, 0)
	out, err := f.data.BatchExecuteStatement(context.Background(), &redshiftdata.BatchExecuteStatementInput{
		ClusterIdentifier: aws.String("analytics"), Database: aws.String("dev"), SecretArn: aws.String(f.adminARN),
		Sqls: []string{`CREATE USER reader PASSWORD DISABLE`, `SELECT usename FROM pg_user WHERE usename = 'reader'`},
	})
	if err != nil {
		t.Fatalf("BatchExecuteStatement: %v", err)
	}
	res, err := f.data.GetStatementResult(context.Background(), &redshiftdata.GetStatementResultInput{Id: aws.String(aws.ToString(out.Id) + ":2")})
	if err != nil {
		t.Fatalf("GetStatementResult of sub-statement 2: %v", err)
	}
	if len(res.Records) != 1 || res.Records[0][0].(*types.FieldMemberStringValue).Value != "reader" {
		t.Errorf("records = %+v, want one row with reader", res.Records)
	}
}

func TestRedshiftDataCancel(t *testing.T) {
	f := newDataFixture(t, time.Second)
	ctx := context.Background()
	out, err := f.data.ExecuteStatement(ctx, &redshiftdata.ExecuteStatementInput{
		ClusterIdentifier: aws.String("analytics"), Database: aws.String("dev"), SecretArn: aws.String(f.adminARN),
		Sql: aws.String(`CREATE USER cancelled PASSWORD DISABLE`),
	})
	if err != nil {
		t.Fatalf("ExecuteStatement: %v", err)
	}
	cancelled, err := f.data.CancelStatement(ctx, &redshiftdata.CancelStatementInput{Id: out.Id})
	if err != nil || !aws.ToBool(cancelled.Status) {
		t.Fatalf("CancelStatement of a submitted statement: status %v, err %v", cancelled, err)
	}
	f.clock.Advance(time.Minute)
	if got := f.describe(t, aws.ToString(out.Id)).Status; got != types.StatusStringAborted {
		t.Errorf("status after cancel = %s, want ABORTED", got)
	}
	if diff := cmp.Diff([]string{"admin"}, f.users(t)); diff != "" {
		t.Errorf("users after a cancelled CREATE USER (-want +got):\n%s", diff)
	}
	if _, err := f.data.CancelStatement(ctx, &redshiftdata.CancelStatementInput{Id: out.Id}); redshifttest.ErrorCode(err) != "ValidationException" {
		t.Errorf("CancelStatement of an aborted statement: err = %v, want ValidationException", err)
	}
}

func TestRedshiftDataClientToken(t *testing.T) {
	f := newDataFixture(t, 0)
	ctx := context.Background()
	in := &redshiftdata.ExecuteStatementInput{
		ClusterIdentifier: aws.String("analytics"), Database: aws.String("dev"), SecretArn: aws.String(f.adminARN),
		Sql: aws.String(`CREATE USER once PASSWORD DISABLE`), ClientToken: aws.String("token-1"),
	}
	first, err := f.data.ExecuteStatement(ctx, in)
	if err != nil {
		t.Fatalf("first ExecuteStatement: %v", err)
	}
	second, err := f.data.ExecuteStatement(ctx, in)
	if err != nil {
		t.Fatalf("repeated ExecuteStatement: %v", err)
	}
	if aws.ToString(first.Id) != aws.ToString(second.Id) {
		t.Errorf("repeated ClientToken gave statement %s, want the first one %s", aws.ToString(second.Id), aws.ToString(first.Id))
	}
	if got := f.describe(t, aws.ToString(first.Id)).Status; got != types.StatusStringFinished {
		t.Errorf("statement status = %s, want FINISHED (it ran once)", got)
	}
	different := *in
	different.Sql = aws.String("SELECT 1")
	if _, err := f.data.ExecuteStatement(ctx, &different); redshifttest.ErrorCode(err) != "ValidationException" {
		t.Errorf("ClientToken reused for different SQL: err = %v, want ValidationException", err)
	}
}

func TestRedshiftDataListStatements(t *testing.T) {
	f := newDataFixture(t, 0)
	ctx := context.Background()
	roleCfg := redshifttest.ConfigAs(t, f.srv, "ASIARSDLISTROLE00001", redshifttest.RoleIdentity)
	otherSession := redshifttest.RoleIdentity
	otherSession.Arn = "arn:aws:sts::111111111111:assumed-role/app-role/session-2"
	otherCfg := redshifttest.ConfigAs(t, f.srv, "ASIARSDLISTROLE00002", otherSession)
	role, other := redshiftdata.NewFromConfig(roleCfg), redshiftdata.NewFromConfig(otherCfg)
	execute := func(client *redshiftdata.Client, name, sql string) {
		t.Helper()
		if _, err := client.ExecuteStatement(ctx, &redshiftdata.ExecuteStatementInput{
			ClusterIdentifier: aws.String("analytics"), Database: aws.String("dev"), Sql: aws.String(sql), StatementName: aws.String(name),
		}); err != nil {
			t.Fatalf("ExecuteStatement %s: %v", name, err)
		}
	}
	execute(role, "nightly-1", "SELECT 1")
	execute(role, "nightly-2", "CREATE USER app PASSWORD 'App-Passw0rd'")
	execute(other, "adhoc", "SELECT 1")
	execute(f.data, "admin", "SELECT 1")

	tests := map[string]struct {
		client *redshiftdata.Client
		in     redshiftdata.ListStatementsInput
		want   []string
	}{
		"role level, newest first":     {role, redshiftdata.ListStatementsInput{}, []string{"adhoc", "nightly-2", "nightly-1"}},
		"session only":                 {role, redshiftdata.ListStatementsInput{RoleLevel: aws.Bool(false)}, []string{"nightly-2", "nightly-1"}},
		"by name prefix":               {role, redshiftdata.ListStatementsInput{StatementName: aws.String("nightly")}, []string{"nightly-2", "nightly-1"}},
		"by status":                    {other, redshiftdata.ListStatementsInput{Status: types.StatusStringFailed}, nil},
		"another identity's are apart": {f.data, redshiftdata.ListStatementsInput{}, []string{"admin"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			out, err := tc.client.ListStatements(ctx, &tc.in)
			if err != nil {
				t.Fatalf("ListStatements: %v", err)
			}
			var got []string
			for _, s := range out.Statements {
				got = append(got, aws.ToString(s.StatementName))
				if s.StatementName != nil && *s.StatementName == "nightly-2" && aws.ToString(s.QueryString) != "CREATE USER app PASSWORD 'App-Passw0rd'" {
					t.Errorf("statement nightly-2 QueryString %q, want the text as submitted, as AWS returns it", aws.ToString(s.QueryString))
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("statement names (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRedshiftDataListStatementsPages(t *testing.T) {
	f := newDataFixture(t, 0)
	for range 3 {
		f.run(t, "SELECT 1")
	}
	var pages []int
	p := redshiftdata.NewListStatementsPaginator(f.data, &redshiftdata.ListStatementsInput{MaxResults: 2})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("ListStatements page: %v", err)
		}
		pages = append(pages, len(page.Statements))
	}
	if diff := cmp.Diff([]int{2, 1}, pages); diff != "" {
		t.Errorf("page sizes (-want +got):\n%s", diff)
	}
}
