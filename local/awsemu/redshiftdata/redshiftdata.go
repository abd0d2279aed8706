package redshiftdata

import (
	"encoding/json"
	"errors"
	"regexp"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/iam"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu/redshift"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu/redshift/sqldb"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu/redshiftserverless"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu/secretsmanager"
	"github.com/redshift-data-access/redshift-data-access/local/iampolicy"
)

// state is the Data API state of one emulator: the statements of every
// account.
type state struct {
	mu         sync.Mutex
	statements map[string]*statement // statement ID
	tokens     map[string]string     // account/client token -> statement ID
	delay      time.Duration         // how long a statement stays in each of SUBMITTED and STARTED
}

func store(e *protocol.Env) *state {
	return protocol.State(e, "redshift-data", func() *state {
		return &state{statements: map[string]*statement{}, tokens: map[string]string{}, delay: defaultStepDelay}
	})
}

// defaultStepDelay is how long a new statement stays SUBMITTED, and then
// STARTED, unless SetStatementDelay says otherwise: long enough that
// callers must poll, short enough for tests.
const defaultStepDelay = 50 * time.Millisecond

// SetStatementDelay sets how long each Data API statement submitted from
// now on stays in each of the states SUBMITTED and STARTED before it
// finishes. Zero finishes statements at once.
func SetStatementDelay(e *protocol.Env, d time.Duration) {
	st := store(e)
	st.mu.Lock()
	defer st.mu.Unlock()
	st.delay = d
}

// Statement states of the Data API.
const (
	submitted = "SUBMITTED"
	started   = "STARTED"
	finished  = "FINISHED"
	failed    = "FAILED"
	aborted   = "ABORTED"
)

// statement is one ExecuteStatement or BatchExecuteStatement.
type statement struct {
	id        string
	seq       int
	account   string
	owner     protocol.Identity
	token     string
	cluster   string
	workgroup string
	database  string
	dbUser    string // as DescribeStatement reports it
	secretArn string
	name      string
	sqls      []string
	batch     bool
	params    []param
	created   time.Time
	startAt   time.Time
	doneAt    time.Time

	// How the session logs in, checked when the statement runs.
	db           *sqldb.DB
	loginUser    string
	password     string
	withPassword bool
	autoCreate   bool

	settled  bool
	canceled bool
	updated  time.Time
	status   string
	errMsg   string
	subs     []sub
}

// sub is the outcome of one SQL statement of a statement.
type sub struct {
	status string
	errMsg string
	result *sqldb.Result
}

type param struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// statementIDPattern matches statement IDs and, with :N, the IDs of the
// sub-statements of a batch.
var statementIDPattern = regexp.MustCompile(`^([a-z0-9]{8}(?:-[a-z0-9]{4}){3}-[a-z0-9]{12})(?::([1-9][0-9]*))?$`)

type executeInput struct {
	Sql               string
	Sqls              []string
	ClientToken       string
	ClusterIdentifier string
	WorkgroupName     string
	Database          string
	DbUser            string
	SecretArn         string
	StatementName     string
	Parameters        []param
	SessionId         string
}

type executeOutput struct {
	Id                string
	ClusterIdentifier string          `json:",omitempty"`
	WorkgroupName     string          `json:",omitempty"`
	Database          string          `json:",omitempty"`
	DbUser            string          `json:",omitempty"`
	SecretArn         string          `json:",omitempty"`
	CreatedAt         *protocol.Epoch `json:",omitempty"`
}

func ExecuteStatement(c *protocol.Call) (any, error) {
	var in executeInput
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	if in.Sql == "" {
		return nil, protocol.Errorf("ValidationException", "Sql must not be empty.")
	}
	in.Sqls = []string{in.Sql}
	return submit(c, in, false)
}

func BatchExecuteStatement(c *protocol.Call) (any, error) {
	var in executeInput
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	if len(in.Sqls) == 0 || len(in.Sqls) > 40 {
		return nil, protocol.Errorf("ValidationException", "Sqls must hold 1 to 40 statements.")
	}
	for _, s := range in.Sqls {
		if s == "" {
			return nil, protocol.Errorf("ValidationException", "Sqls must not hold an empty statement.")
		}
	}
	return submit(c, in, true)
}

// submit validates a request as the Data API does before it accepts a
// statement, and records the statement.
func submit(c *protocol.Call, in executeInput, batch bool) (any, error) {
	if in.SessionId != "" {
		return nil, protocol.Errorf("ValidationException", "The local emulator does not support sessions (SessionId).")
	}
	if (in.ClusterIdentifier == "") == (in.WorkgroupName == "") {
		return nil, protocol.Errorf("ValidationException", "Exactly one of ClusterIdentifier and WorkgroupName must be specified.")
	}
	if in.Database == "" {
		return nil, protocol.Errorf("ValidationException", "Database must be specified.")
	}
	if in.SecretArn != "" && in.DbUser != "" {
		return nil, protocol.Errorf("ValidationException", "SecretArn and DbUser cannot both be specified.")
	}
	if in.WorkgroupName != "" && in.DbUser != "" {
		return nil, protocol.Errorf("ValidationException", "DbUser is not supported for a serverless workgroup; use SecretArn or temporary credentials from the IAM identity.")
	}
	// Authorize before taking the Data API lock: IAM, Secrets Manager and
	// Redshift have their own state and locks.
	action := "redshift-data:ExecuteStatement"
	if batch {
		action = "redshift-data:BatchExecuteStatement"
	}
	secretUser, secretPassword, err := authorize(c, action, in)
	if err != nil {
		return nil, err
	}

	st := store(c.Env)
	st.mu.Lock()
	defer st.mu.Unlock()
	now := c.Env.Now()
	st.settle(now)
	if in.ClientToken != "" {
		if id, ok := st.tokens[c.Account()+"/"+in.ClientToken]; ok {
			s := st.statements[id]
			if !s.sameRequest(in) {
				return nil, protocol.Errorf("ValidationException", "ClientToken %s was already used for a different request.", in.ClientToken)
			}
			return s.executeOutput(), nil
		}
	}
	s := &statement{
		id: protocol.NewRequestID(), seq: len(st.statements) + 1, account: c.Account(), owner: c.Caller, token: in.ClientToken,
		cluster: in.ClusterIdentifier, workgroup: in.WorkgroupName, database: in.Database,
		secretArn: in.SecretArn, name: in.StatementName, sqls: in.Sqls, batch: batch, params: in.Parameters,
		created: now, startAt: now.Add(st.delay), doneAt: now.Add(2 * st.delay),
	}
	if in.ClusterIdentifier != "" {
		db, ok := redshift.ClusterDB(c.Env, c.Account(), in.ClusterIdentifier)
		if !ok {
			return nil, protocol.Errorf("ValidationException", "Redshift endpoint doesn't exist in this region.")
		}
		s.db = db
	} else {
		db, ok := redshiftserverless.WorkgroupDB(c.Env, c.Account(), in.WorkgroupName)
		if !ok {
			return nil, protocol.Errorf("ValidationException", "Redshift serverless workgroup %s doesn't exist in this region.", in.WorkgroupName)
		}
		s.db = db
	}
	switch {
	case in.SecretArn != "":
		s.loginUser, s.password, s.withPassword = secretUser, secretPassword, true
	case in.DbUser != "":
		// GetClusterCredentials without AutoCreate: the user must exist.
		s.loginUser, s.dbUser = in.DbUser, in.DbUser
	default:
		// GetClusterCredentialsWithIAM or serverless GetCredentials: the
		// user of the IAM identity, created on first login.
		s.dbUser = sqldb.IAMUser(c.Caller)
		s.loginUser, s.autoCreate = s.dbUser, true
	}
	st.statements[s.id] = s
	if in.ClientToken != "" {
		st.tokens[c.Account()+"/"+in.ClientToken] = s.id
	}
	return s.executeOutput(), nil
}

func (s *statement) sameRequest(in executeInput) bool {
	if s.cluster != in.ClusterIdentifier || s.workgroup != in.WorkgroupName || s.database != in.Database || len(s.sqls) != len(in.Sqls) {
		return false
	}
	for i := range s.sqls {
		if s.sqls[i] != in.Sqls[i] {
			return false
		}
	}
	return true
}

func (s *statement) executeOutput() executeOutput {
	return executeOutput{
		Id: s.id, ClusterIdentifier: s.cluster, WorkgroupName: s.workgroup, Database: s.database,
		DbUser: s.dbUser, SecretArn: s.secretArn, CreatedAt: protocol.EpochOf(s.created),
	}
}

// authorize decides a statement's submission as the Data API does, as
// the caller: action on the cluster's or workgroup's ARN (its tags in the
// context), then the call that logs in the session: GetSecretValue on
// the secret (whose credentials it returns), GetClusterCredentials on the
// database user and database for a DbUser, GetClusterCredentialsWithIAM
// on the database for neither, and redshift-serverless:GetCredentials
// on a workgroup without a secret.
func authorize(c *protocol.Call, action string, in executeInput) (secretUser, secretPassword string, err error) {
	var resource string
	var tags map[string]string
	if in.ClusterIdentifier != "" {
		resource = redshift.ClusterARN(c, c.Account(), in.ClusterIdentifier)
		tags = redshift.ClusterTags(c.Env, c.Account(), in.ClusterIdentifier)
	} else {
		wg, ok := redshiftserverless.LookupWorkgroup(c.Env, c.Account(), in.WorkgroupName)
		if !ok {
			return "", "", protocol.Errorf("ValidationException", "Redshift serverless workgroup %s doesn't exist in this region.", in.WorkgroupName)
		}
		resource, tags = wg.ARN, wg.Tags
	}
	if err := iam.Authorize(c, action, resource, iampolicy.ResourceTags("", tags)); err != nil {
		return "", "", err
	}
	switch {
	case in.SecretArn != "":
		return readSecret(c, in.SecretArn)
	case in.DbUser != "":
		err = redshift.AuthorizeClusterCredentials(c, in.ClusterIdentifier, in.DbUser, in.Database, false)
	case in.ClusterIdentifier != "":
		err = redshift.AuthorizeClusterCredentialsWithIAM(c, in.ClusterIdentifier, in.Database)
	default:
		err = redshiftserverless.AuthorizeCredentials(c, in.WorkgroupName)
	}
	return "", "", err
}

// readSecret reads the credentials in a secret as the caller, through
// the emulator's own Secrets Manager, so that a secret the caller cannot
// get fails the statement as it would in AWS.
func readSecret(c *protocol.Call, secretArn string) (user, password string, err error) {
	secret, err := secretsmanager.ReadSecretString(c, secretArn)
	var apiErr *protocol.APIError
	if errors.As(err, &apiErr) && apiErr.Code == "AccessDeniedException" {
		return "", "", err
	}
	if err != nil {
		return "", "", protocol.Errorf("ValidationException", "Cannot get the secret value of %s: %v", secretArn, err)
	}
	var creds struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if json.Unmarshal([]byte(secret), &creds) != nil || creds.Username == "" || creds.Password == "" {
		return "", "", protocol.Errorf("ValidationException", "username and password in secret cannot be empty")
	}
	return creds.Username, creds.Password, nil
}

// settle runs, in submission order, every statement whose time has come.
// The caller holds st.mu.
func (st *state) settle(now time.Time) {
	var due []*statement
	for _, s := range st.statements {
		if !s.settled && !s.canceled && !now.Before(s.doneAt) {
			due = append(due, s)
		}
	}
	sort.Slice(due, func(i, j int) bool { return due[i].seq < due[j].seq })
	for _, s := range due {
		s.run()
	}
}

// run executes the statement's SQL as one transaction: when one statement
// of a batch fails, none takes effect and the rest are aborted.
func (s *statement) run() {
	s.settled, s.updated = true, s.doneAt
	s.subs = make([]sub, len(s.sqls))
	for i := range s.subs {
		s.subs[i].status = aborted
	}
	params := map[string]string{}
	for _, p := range s.params {
		params[p.Name] = p.Value
	}
	if s.autoCreate {
		s.db.EnsureUser(s.loginUser)
	}
	if err := s.db.Connect(s.database, s.loginUser, s.password, s.withPassword); err != nil {
		s.fail(0, err.Error())
		return
	}
	if s.db.Update(func(tx *sqldb.Tx) error {
		tx.SetSession(s.database, s.loginUser)
		for i, sql := range s.sqls {
			res, err := tx.Exec(sql, params)
			if err != nil {
				s.fail(i, err.Error())
				return err
			}
			s.subs[i] = sub{status: finished, result: res}
		}
		return nil
	}) != nil {
		return
	}
	s.status = finished
}

func (s *statement) fail(i int, msg string) {
	s.subs[i] = sub{status: failed, errMsg: msg}
	s.status, s.errMsg = failed, msg
	if s.batch {
		s.errMsg = "Query #" + strconv.Itoa(i+1) + " failed with " + msg
	}
}

// statusAt is the statement's status at now; settle has run.
func (s *statement) statusAt(now time.Time) (status string, updated time.Time) {
	switch {
	case s.canceled:
		return aborted, s.updated
	case s.settled:
		return s.status, s.updated
	case now.Before(s.startAt):
		return submitted, s.created
	default:
		return started, s.startAt
	}
}
