package dbuser

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/redshiftdata"
	"github.com/google/go-cmp/cmp"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
)

// run executes sql as the cluster admin and waits for it.
func (e *env) run(t *testing.T, sql string) {
	t.Helper()
	err := e.res.runBatch(context.Background(), session{target: Target{ClusterIdentifier: "analytics"}, database: "dev", secretArn: e.clusterAdmin}, "", []string{sql})
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// queryTexts returns the text of every statement the emulator ran, as
// ListStatements and DescribeStatement return it.
func (e *env) queryTexts(t *testing.T) []string {
	t.Helper()
	ctx := context.Background()
	var texts []string
	p := redshiftdata.NewListStatementsPaginator(e.data, &redshiftdata.ListStatementsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("ListStatements: %v", err)
		}
		for _, s := range page.Statements {
			texts = append(texts, aws.ToString(s.QueryString))
			texts = append(texts, s.QueryStrings...)
			d, err := e.data.DescribeStatement(ctx, &redshiftdata.DescribeStatementInput{Id: s.Id})
			if err != nil {
				t.Fatalf("DescribeStatement: %v", err)
			}
			texts = append(texts, aws.ToString(d.QueryString), aws.ToString(d.Error))
			for _, sub := range d.SubStatements {
				texts = append(texts, aws.ToString(sub.QueryString), aws.ToString(sub.Error))
			}
		}
	}
	return texts
}

// recordingClient keeps the body of every request the SDK sends.
type recordingClient struct {
	mu     sync.Mutex
	bodies []string
}

func (c *recordingClient) Do(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(b))
		c.mu.Lock()
		c.bodies = append(c.bodies, string(b))
		c.mu.Unlock()
	}
	return http.DefaultClient.Do(req)
}

// record makes e's resource send its Data API requests through a
// recordingClient, and returns it.
func (e *env) record() *recordingClient {
	wire := &recordingClient{}
	cfg := e.srv.Config(awsemu.AccountA)
	cfg.HTTPClient = wire
	e.res = New(redshiftdata.NewFromConfig(cfg), e.sm)
	return wire
}

// TestPasswordNeverInStatements reads back what the Data API returns of
// every statement (its text as submitted, as AWS returns it) and what went
// over the wire: the password's md5 hash is there, the password never.
func TestPasswordNeverInStatements(t *testing.T) {
	e := newEnv(t)
	wire := e.record()
	props := with(e.clusterProps(), map[string]any{"UserName": "app_user", "PasswordSecretArn": e.passwordSecret})
	res, err := e.res.Create(context.Background(), request(customresource.ActionCreate, "create-1", "", nil, props))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range res.Data {
		if strings.Contains(v, canaryPassword) {
			t.Errorf("Data %s holds the password", k)
		}
	}
	updated := with(props, map[string]any{"PasswordSecretArn": e.secret(t, "other", `{"password":"`+canaryPassword+`x"}`)})
	if _, err := e.res.Update(context.Background(), request(customresource.ActionUpdate, "update-1", res.PhysicalResourceID, props, updated)); err != nil {
		t.Fatal(err)
	}
	texts := e.queryTexts(t)
	want := hashPassword(canaryPassword, mustIdent(t, "app_user")).hex
	readHash := false
	for _, q := range texts {
		if strings.Contains(q, canaryPassword) {
			t.Errorf("statement text holds the password: %q", strings.ReplaceAll(q, canaryPassword, "<password>"))
		}
		readHash = readHash || strings.Contains(q, "CREATE USER") && strings.Contains(q, want)
	}
	if !readHash {
		t.Errorf("no CREATE USER with the password's md5 hash among the statements read back: %q", strings.ReplaceAll(strings.Join(texts, "; "), canaryPassword, "<password>"))
	}
	sentHash := false
	for _, b := range wire.bodies {
		if strings.Contains(b, canaryPassword) {
			t.Error("a Data API request holds the password")
		}
		sentHash = sentHash || strings.Contains(b, want)
	}
	if !sentHash {
		t.Error("no Data API request carries the password's md5 hash")
	}
}

func TestAdoptedUserIsNeverDropped(t *testing.T) {
	e := newEnv(t)
	e.run(t, `CREATE USER "existing" PASSWORD DISABLE`)
	props := with(e.clusterProps(), map[string]any{"UserName": "existing", "Grants": []any{map[string]any{"Privileges": "TEMP", "On": "DATABASE dev"}}})
	res, err := e.res.Create(context.Background(), request(customresource.ActionCreate, "create-1", "", nil, props))
	if err != nil {
		t.Fatal(err)
	}
	if id, _ := parsePhysicalID(res.PhysicalResourceID); id.ownership != adopted {
		t.Fatalf("physical ID %q, want an adopted user", res.PhysicalResourceID)
	}
	if err := e.res.Delete(context.Background(), request(customresource.ActionDelete, "delete-1", res.PhysicalResourceID, nil, props)); err != nil {
		t.Fatal(err)
	}
	if ok, err := e.exists(context.Background(), res.PhysicalResourceID); err != nil || !ok {
		t.Errorf("adopted user after Delete: exists %v, %v; want it kept", ok, err)
	}
}

func TestDuplicateCreateIsNotAnAdoption(t *testing.T) {
	e := newEnv(t)
	req := request(customresource.ActionCreate, "create-1", "", nil, e.clusterProps())
	first, err := e.res.Create(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	second, err := e.res.Create(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if first.PhysicalResourceID != second.PhysicalResourceID {
		t.Errorf("redelivered Create returned %q, first %q", second.PhysicalResourceID, first.PhysicalResourceID)
	}
}

func TestRedshiftErrorIsTheReason(t *testing.T) {
	e := newEnv(t)
	props := with(e.clusterProps(), map[string]any{"Groups": []any{"no_such_group"}})
	_, err := e.res.Create(context.Background(), request(customresource.ActionCreate, "create-1", "", nil, props))
	var stmt *StatementError
	if !errors.As(err, &stmt) || stmt.Status != "FAILED" || stmt.Message == "" {
		t.Fatalf("Create: %v, want a failed statement with Redshift's message", err)
	}
	// The transaction failed as a whole: the user was not created.
	if ok, _ := e.exists(context.Background(), idOf(created, mustParse(t, props)).physicalID()); ok {
		t.Error("the user exists after a failed Create")
	}
}

func TestStatementStillRunningAtDeadlineIsCancelled(t *testing.T) {
	e := newEnv(t)
	e.srv.SetStatementDelay(time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := e.res.Create(ctx, request(customresource.ActionCreate, "create-1", "", nil, e.clusterProps()))
	var running *StillRunningError
	if !errors.As(err, &running) || !running.Cancelled {
		t.Fatalf("Create: %v, want a cancelled *StillRunningError", err)
	}
	e.srv.SetStatementDelay(0)
	if ok, _ := e.exists(context.Background(), idOf(created, mustParse(t, e.clusterProps())).physicalID()); ok {
		t.Error("the user exists after a cancelled Create")
	}
}

func mustParse(t *testing.T, props map[string]any) Properties {
	t.Helper()
	p, err := ParseProperties(props)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestUpdateByDifference(t *testing.T) {
	e := newEnv(t)
	wire := e.record()
	cluster := Target{ClusterIdentifier: "analytics"}
	v1 := with(e.clusterProps(), map[string]any{"Groups": []any{"readers"}, "Roles": []any{"analyst"}, "Grants": []any{
		map[string]any{"Privileges": []any{"USAGE"}, "On": "SCHEMA sales"},
		map[string]any{"Privileges": []any{"SELECT", "INSERT"}, "On": "TABLE sales.orders"},
	}})
	v2 := with(e.clusterProps(), map[string]any{"Groups": []any{"writers"}, "Grants": []any{
		map[string]any{"Privileges": []any{"SELECT"}, "On": "TABLE sales.orders"},
		map[string]any{"Privileges": []any{"TEMP"}, "On": "DATABASE dev"},
	}})
	ctx := context.Background()
	res, err := e.res.Create(ctx, request(customresource.ActionCreate, "create-1", "", nil, v1))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"dev|insert ON table sales.orders", "dev|select ON table sales.orders", "dev|usage ON schema sales", "granted role analyst", "member of group readers"}
	if diff := cmp.Diff(want, e.privileges(cluster, DefaultUserName)); diff != "" {
		t.Errorf("after Create -want +got:\n%s", diff)
	}
	up, err := e.res.Update(ctx, request(customresource.ActionUpdate, "update-1", res.PhysicalResourceID, v1, v2))
	if err != nil {
		t.Fatal(err)
	}
	if up.PhysicalResourceID != res.PhysicalResourceID {
		t.Errorf("in-place update changed the physical ID to %q", up.PhysicalResourceID)
	}
	want = []string{"dev|select ON table sales.orders", "dev|temp ON database dev", "member of group writers"}
	if diff := cmp.Diff(want, e.privileges(cluster, DefaultUserName)); diff != "" {
		t.Errorf("after Update -want +got:\n%s", diff)
	}
	// An update that changes nothing runs no statement.
	before := len(wire.bodies)
	if _, err := e.res.Update(ctx, request(customresource.ActionUpdate, "update-2", res.PhysicalResourceID, v2, v2)); err != nil {
		t.Fatal(err)
	}
	if n := len(wire.bodies) - before; n != 0 {
		t.Errorf("a no-op update made %d Data API calls", n)
	}
}

func TestReplacementKeepsTheOldUser(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	v1 := with(e.clusterProps(), map[string]any{"UserName": "app_v1"})
	res, err := e.res.Create(ctx, request(customresource.ActionCreate, "create-1", "", nil, v1))
	if err != nil {
		t.Fatal(err)
	}
	for name, v2 := range map[string]map[string]any{
		"user name": with(v1, map[string]any{"UserName": "app_v2"}),
		"target":    with(e.workgroupProps(), map[string]any{"UserName": "app_v1"}),
	} {
		up, err := e.res.Update(ctx, request(customresource.ActionUpdate, "update-"+name, res.PhysicalResourceID, v1, v2))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if up.PhysicalResourceID == res.PhysicalResourceID {
			t.Errorf("%s: a change of %s kept the physical ID", name, name)
		}
		for _, id := range []string{res.PhysicalResourceID, up.PhysicalResourceID} {
			if ok, err := e.exists(ctx, id); err != nil || !ok {
				t.Errorf("%s: user of %s exists %v, %v; want both users", name, id, ok, err)
			}
		}
	}
}

func TestDeleteOfAnOwnerSaysWhatToDo(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	res, err := e.res.Create(ctx, request(customresource.ActionCreate, "create-1", "", nil, e.clusterProps()))
	if err != nil {
		t.Fatal(err)
	}
	e.run(t, `CREATE SCHEMA owned AUTHORIZATION "redshift_data_api_user"`)
	err = e.res.Delete(ctx, request(customresource.ActionDelete, "delete-1", res.PhysicalResourceID, nil, e.clusterProps()))
	var owns *OwnsObjectsError
	if !errors.As(err, &owns) {
		t.Fatalf("Delete: %v, want an *OwnsObjectsError", err)
	}
	if ok, _ := e.exists(ctx, res.PhysicalResourceID); !ok {
		t.Error("the user is gone after a failed Delete")
	}
	// RetainOnDelete leaves it.
	if err := e.res.Delete(ctx, request(customresource.ActionDelete, "delete-2", res.PhysicalResourceID, nil, with(e.clusterProps(), map[string]any{"RetainOnDelete": true}))); err != nil {
		t.Errorf("Delete with RetainOnDelete: %v", err)
	}
}

func TestUserLogsInWithThePassword(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	props := with(e.clusterProps(), map[string]any{"UserName": "app_user", "PasswordSecretArn": e.passwordSecret})
	if _, err := e.res.Create(ctx, request(customresource.ActionCreate, "create-1", "", nil, props)); err != nil {
		t.Fatal(err)
	}
	s := session{target: Target{ClusterIdentifier: "analytics"}, database: "dev", secretArn: e.passwordSecret}
	if err := e.res.runBatch(ctx, s, "", []string{"SELECT 1"}); err != nil {
		t.Errorf("the user cannot log in with the secret's password: %v", err)
	}
}

func TestInvalidInputCallsNothing(t *testing.T) {
	e := newEnv(t)
	wire := e.record()
	for name, props := range map[string]map[string]any{
		"both targets":          with(e.clusterProps(), map[string]any{"WorkgroupName": "analytics-wg"}),
		"neither target":        with(e.clusterProps(), map[string]any{"ClusterIdentifier": nil}),
		"user and iam identity": with(e.clusterProps(), map[string]any{"UserName": "a", "IamIdentityArn": "arn:aws:iam::111111111111:role/r"}),
		"unknown privilege":     with(e.clusterProps(), map[string]any{"Grants": []any{map[string]any{"Privileges": "EXECUTE", "On": "SCHEMA sales"}}}),
		"unknown On":            with(e.clusterProps(), map[string]any{"Grants": []any{map[string]any{"Privileges": "SELECT", "On": "VIEW sales.v"}}}),
		"misspelled property":   with(e.clusterProps(), map[string]any{"Group": "readers"}),
	} {
		_, err := e.res.Create(context.Background(), request(customresource.ActionCreate, "create-"+name, "", nil, props))
		if !customresource.IsInvalidInput(err) {
			t.Errorf("%s: %v, want invalid input", name, err)
		}
	}
	if len(wire.bodies) != 0 {
		t.Errorf("invalid input made %d Data API calls", len(wire.bodies))
	}
}

func TestDeleteWithInvalidPropertiesStillDropsACreatedUser(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	res, err := e.res.Create(ctx, request(customresource.ActionCreate, "create-1", "", nil, e.clusterProps()))
	if err != nil {
		t.Fatal(err)
	}
	invalid := with(e.clusterProps(), map[string]any{"Grants": "not a list", "Misspelled": "x"})
	if err := e.res.Delete(ctx, request(customresource.ActionDelete, "delete-1", res.PhysicalResourceID, nil, invalid)); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if ok, err := e.exists(ctx, res.PhysicalResourceID); err != nil || ok {
		t.Errorf("user after Delete: exists %v, %v", ok, err)
	}
	noAdmin := map[string]any{"ClusterIdentifier": "analytics"}
	if err := e.res.Delete(ctx, request(customresource.ActionDelete, "delete-2", res.PhysicalResourceID, nil, noAdmin)); err == nil {
		t.Error("Delete without administrator credentials succeeded")
	}
}

func TestClusterAdminWithTemporaryCredentials(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	props := map[string]any{"ClusterIdentifier": "analytics", "AdminDbUser": "admin", "Grants": []any{map[string]any{"Privileges": "USAGE", "On": "SCHEMA sales"}}}
	res, err := e.res.Create(ctx, request(customresource.ActionCreate, "create-1", "", nil, props))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"dev|usage ON schema sales"}, e.privileges(Target{ClusterIdentifier: "analytics"}, DefaultUserName)); diff != "" {
		t.Errorf("-want +got:\n%s", diff)
	}
	if err := e.res.Delete(ctx, request(customresource.ActionDelete, "delete-1", res.PhysicalResourceID, nil, props)); err != nil {
		t.Fatal(err)
	}
	if ok, err := e.exists(ctx, res.PhysicalResourceID); err != nil || ok {
		t.Errorf("user after Delete: exists %v, %v", ok, err)
	}
}

// A Delete whose physical ID names a user other than the resource's own
// properties (a mistaken or forged ID, for example a hand-made user
// dressed up as "created") drops nothing.
func TestDeleteOfAnotherUsersIDDropsNothing(t *testing.T) {
	e := newEnv(t)
	e.run(t, `CREATE USER "hand_made" PASSWORD DISABLE`)
	forged := userID{ownership: created, target: Target{ClusterIdentifier: e.clusterProps()["ClusterIdentifier"].(string)}, database: "dev", user: "hand_made"}.physicalID()
	if err := e.res.Delete(context.Background(), request(customresource.ActionDelete, "delete-1", forged, nil, e.clusterProps())); err != nil {
		t.Fatalf("Delete of a physical ID naming another user: %v, want success and no change", err)
	}
	if ok, err := e.exists(context.Background(), forged); err != nil || !ok {
		t.Errorf("hand-made user after the Delete: exists %v, %v; want it kept", ok, err)
	}
}
