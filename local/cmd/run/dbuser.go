package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/redshiftdata"
	rsdtypes "github.com/aws/aws-sdk-go-v2/service/redshiftdata/types"
	"github.com/aws/aws-sdk-go-v2/service/redshiftserverless"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/redshift-data-access/redshift-data-access/internal/dbuser"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
	"github.com/redshift-data-access/redshift-data-access/local/prerequisites"
)

// This file holds the database user scenarios: the seed's two paths to a
// database user that the Data API logs in as. On the cluster, the user
// redshift_data_api_user that temporary credentials (DbUser) name; on a
// workgroup, IAMR:<role>, the user Redshift maps an IAM role to.

const dbuserFunction = "dbuser"

// The serverless workgroup of the database user scenario, with an admin
// secret: the shared prerequisites keep their workgroup's admin password
// to themselves.
const (
	dbuserNamespace   = "example-ns"
	dbuserWorkgroup   = "example-wg"
	dbuserAdminSecret = "redshift-data-api/example-wg/admin"
	clusterAdmin      = "awsuser" // the admin of prerequisites.ClusterID
)

// dbuserOnCluster creates redshift_data_api_user on the cluster as its
// admin through temporary credentials, shows that it exists and that the
// Data API logs in as it with DbUser, updates its grants, and deletes it.
func dbuserOnCluster(ctx context.Context, r *runner) error {
	data := redshiftdata.NewFromConfig(r.srv.Config(awsemu.AccountA))
	x, err := r.newResource(ctx, "database user (cluster)", dbuser.ResourceType, dbuserFunction, awsemu.AccountA, "DataApiUser",
		dbuserState(r, data, ""))
	if err != nil {
		return err
	}
	create := map[string]any{"ClusterIdentifier": prerequisites.ClusterID, "Database": prerequisites.Database, "AdminDbUser": clusterAdmin,
		"UserName": "redshift_data_api_user", "Grants": []any{map[string]any{"Privileges": []any{"USAGE"}, "On": "SCHEMA public"}}}
	login := &loginCheck{r: r, data: data, row: r.rep.row("Data API login as redshift_data_api_user (DbUser)"), in: redshiftdata.ExecuteStatementInput{
		ClusterIdentifier: aws.String(prerequisites.ClusterID), Database: aws.String(prerequisites.Database), DbUser: aws.String("redshift_data_api_user"),
	}}
	return dbuserLifecycle(ctx, x, login, create,
		with(create, map[string]any{"Grants": []any{
			map[string]any{"Privileges": []any{"USAGE"}, "On": "SCHEMA public"},
			map[string]any{"Privileges": []any{"SELECT"}, "On": "ALL TABLES IN SCHEMA public"},
			map[string]any{"Privileges": []any{"TEMP"}, "On": "DATABASE dev"},
		}}),
		with(create, map[string]any{"WorkgroupName": dbuserWorkgroup}))
}

// dbuserOnWorkgroup creates IAMR:<role> for the analyst role on a
// serverless workgroup with the admin secret, shows it in pg_user, updates
// its grants and deletes it.
func dbuserOnWorkgroup(ctx context.Context, r *runner) error {
	secretArn, err := setUpDBUserWorkgroup(ctx, r)
	if err != nil {
		return err
	}
	data := redshiftdata.NewFromConfig(r.srv.Config(awsemu.AccountA))
	x, err := r.newResource(ctx, "database user (workgroup)", dbuser.ResourceType, dbuserFunction, awsemu.AccountA, "AnalystDbUser",
		dbuserState(r, data, secretArn))
	if err != nil {
		return err
	}
	roleArn := "arn:aws:iam::" + awsemu.AccountA + ":role/" + prerequisites.AnalystRole
	create := map[string]any{"WorkgroupName": dbuserWorkgroup, "Database": prerequisites.Database, "AdminSecretArn": secretArn, "IamIdentityArn": roleArn}
	return dbuserLifecycle(ctx, x, nil, create,
		with(create, map[string]any{"Grants": []any{map[string]any{"Privileges": []any{"USAGE"}, "On": "SCHEMA public"}}}),
		with(create, map[string]any{"UserName": "analyst"}))
}

// dbuserLifecycle runs create, update in place, a failed update and its
// rollback, and delete; login, when set, must succeed while the user
// exists and fail once it is dropped.
func dbuserLifecycle(ctx context.Context, x *resource, login *loginCheck, create, inPlace, invalid map[string]any) error {
	if err := x.create(ctx, create); err != nil {
		return err
	}
	if err := login.run(ctx, true); err != nil {
		return err
	}
	if err := x.updateInPlace(ctx, inPlace); err != nil {
		return err
	}
	if err := x.failAndRollback(ctx, invalid); err != nil {
		return err
	}
	if err := x.delete(ctx); err != nil {
		return err
	}
	return login.run(ctx, false)
}

// setUpDBUserWorkgroup creates the scenario's namespace and workgroup and
// the secret of their admin, and returns the secret's ARN. The admin's
// password is random and redacted from the report.
func setUpDBUserWorkgroup(ctx context.Context, r *runner) (string, error) {
	cfg := r.srv.Config(awsemu.AccountA)
	password := "Aa1" + rand.Text()
	r.rep.addSecret(password)
	rss := redshiftserverless.NewFromConfig(cfg)
	if _, err := rss.CreateNamespace(ctx, &redshiftserverless.CreateNamespaceInput{
		NamespaceName: aws.String(dbuserNamespace), AdminUsername: aws.String("admin"), AdminUserPassword: aws.String(password), DbName: aws.String(prerequisites.Database),
	}); err != nil {
		return "", fmt.Errorf("creating namespace %s: %w", dbuserNamespace, err)
	}
	if _, err := rss.CreateWorkgroup(ctx, &redshiftserverless.CreateWorkgroupInput{WorkgroupName: aws.String(dbuserWorkgroup), NamespaceName: aws.String(dbuserNamespace)}); err != nil {
		return "", fmt.Errorf("creating workgroup %s: %w", dbuserWorkgroup, err)
	}
	out, err := secretsmanager.NewFromConfig(cfg).CreateSecret(ctx, &secretsmanager.CreateSecretInput{
		Name: aws.String(dbuserAdminSecret), SecretString: aws.String(`{"username":"admin","password":"` + password + `"}`),
	})
	if err != nil {
		return "", fmt.Errorf("creating secret %s: %w", dbuserAdminSecret, err)
	}
	r.rep.printf("  serverless namespace %s (admin admin) with workgroup %s; the admin's credentials in secret %s\n", dbuserNamespace, dbuserWorkgroup, dbuserAdminSecret)
	return aws.ToString(out.ARN), nil
}

// dbuserState reads back the user a physical ID names: pg_user through the
// Data API (as the cluster's admin through temporary credentials, or with
// secretArn on a workgroup), and the privileges the emulator holds for it.
// The physical ID is
// redshift-data-access:dbuser:<created|adopted>:<cluster|workgroup>:<name>:<database>:<user>,
// database and user in unpadded base64url.
func dbuserState(r *runner, data *redshiftdata.Client, secretArn string) stateReader {
	return func(ctx context.Context, id string) ([]string, bool, error) {
		parts := strings.Split(id, ":")
		if len(parts) != 7 {
			return nil, false, fmt.Errorf("%q is not a database user's physical ID", id)
		}
		database, err1 := base64.RawURLEncoding.DecodeString(parts[5])
		user, err2 := base64.RawURLEncoding.DecodeString(parts[6])
		if err1 != nil || err2 != nil {
			return nil, false, fmt.Errorf("%q is not a database user's physical ID", id)
		}
		in := &redshiftdata.ExecuteStatementInput{Database: aws.String(string(database)), Sql: aws.String("SELECT usename FROM pg_user")}
		cluster, workgroup := "", ""
		if parts[3] == "cluster" {
			cluster = parts[4]
			in.ClusterIdentifier, in.DbUser = aws.String(cluster), aws.String(clusterAdmin)
		} else {
			workgroup = parts[4]
			in.WorkgroupName, in.SecretArn = aws.String(workgroup), aws.String(secretArn)
		}
		rows, err := query(ctx, data, in)
		if err != nil {
			return nil, false, fmt.Errorf("listing the users of %s: %w", parts[4], err)
		}
		exists := false
		for _, u := range rows {
			exists = exists || u == string(user)
		}
		lines := []string{
			fmt.Sprintf("%s %s, database %s: SELECT usename FROM pg_user -> %s", parts[3], parts[4], database, strings.Join(rows, ", ")),
			fmt.Sprintf("user %q exists: %t (%s by this resource)", user, exists, parts[2]),
		}
		if exists {
			held := r.srv.Privileges(awsemu.AccountA, cluster, workgroup, string(user))
			if len(held) == 0 {
				held = []string{"none"}
			}
			lines = append(lines, "holds "+strings.Join(held, "; "))
		}
		return lines, exists, nil
	}
}

// query runs one statement, waits for it and returns the first column of
// its rows.
func query(ctx context.Context, data *redshiftdata.Client, in *redshiftdata.ExecuteStatementInput) ([]string, error) {
	out, err := data.ExecuteStatement(ctx, in)
	if err != nil {
		return nil, err
	}
	for {
		d, err := data.DescribeStatement(ctx, &redshiftdata.DescribeStatementInput{Id: out.Id})
		if err != nil {
			return nil, err
		}
		switch d.Status {
		case rsdtypes.StatusStringFailed, rsdtypes.StatusStringAborted:
			return nil, fmt.Errorf("%s: %s", d.Status, aws.ToString(d.Error))
		case rsdtypes.StatusStringFinished:
			if !aws.ToBool(d.HasResultSet) {
				return nil, nil
			}
			res, err := data.GetStatementResult(ctx, &redshiftdata.GetStatementResultInput{Id: out.Id})
			if err != nil {
				return nil, err
			}
			var rows []string
			for _, rec := range res.Records {
				switch f := rec[0].(type) {
				case *rsdtypes.FieldMemberStringValue:
					rows = append(rows, f.Value)
				case *rsdtypes.FieldMemberLongValue:
					rows = append(rows, fmt.Sprint(f.Value))
				}
			}
			return rows, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// loginCheck runs SELECT 1 through the Data API as a database user with
// temporary credentials (DbUser): it works while the user exists.
type loginCheck struct {
	r    *runner
	data *redshiftdata.Client
	row  *summaryRow
	in   redshiftdata.ExecuteStatementInput
}

func (l *loginCheck) run(ctx context.Context, want bool) error {
	if l == nil {
		return nil
	}
	rep := l.r.rep
	in := l.in
	in.Sql = aws.String("SELECT 1")
	rep.step(l.row, fmt.Sprintf("SELECT 1 on %s as DbUser %s", aws.ToString(in.ClusterIdentifier), aws.ToString(in.DbUser)))
	rows, err := query(ctx, l.data, &in)
	switch {
	case want && err == nil:
		rep.printf("  returned %s\n", strings.Join(rows, ", "))
	case !want && err != nil:
		rep.printf("  failed (%v), as it must once the user is dropped\n", err)
	case want:
		return l.fail(err)
	default:
		return l.fail(fmt.Errorf("logged in as %s after its Delete: %w", aws.ToString(in.DbUser), errOutcome))
	}
	rep.outcome(nil)
	return nil
}

func (l *loginCheck) fail(err error) error {
	if l.row.failure == "" {
		l.row.failure = err.Error()
	}
	l.r.rep.outcome(err)
	return err
}
