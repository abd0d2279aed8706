package awsemu

import (
	"encoding/json"
	"regexp"
	"sort"
	"strconv"
	"time"
)

// This file emulates the Redshift Data API (awsJson1_1): statements run
// asynchronously against a provisioned cluster or a serverless workgroup.
// A statement is SUBMITTED for one step delay, STARTED for another, then
// FINISHED or FAILED. Its SQL takes effect when it finishes, in submission
// order, so a statement sees what earlier finished statements did; a
// cancelled statement never takes effect.

func init() {
	register("redshift-data", func(e *Emulator) *Service {
		return &Service{
			Name:     "redshift-data",
			Protocol: ProtocolJSON11,
			Operations: map[string]Handler{
				"ExecuteStatement":      rsdExecuteStatement,
				"BatchExecuteStatement": rsdBatchExecuteStatement,
				"DescribeStatement":     rsdDescribeStatement,
				"GetStatementResult":    rsdGetStatementResult,
				"ListStatements":        rsdListStatements,
				"CancelStatement":       rsdCancelStatement,
			},
		}
	})
}

// rsdDefaultStepDelay is how long a new statement stays SUBMITTED, and then
// STARTED, unless WithStatementDelay says otherwise: long enough that
// callers must poll, short enough for tests.
const rsdDefaultStepDelay = 50 * time.Millisecond

// WithStatementDelay sets how long each Data API statement stays in each of
// the states SUBMITTED and STARTED before it finishes. Zero finishes
// statements at once.
func WithStatementDelay(d time.Duration) Option {
	return func(e *Emulator) { e.SetStatementDelay(d) }
}

// SetStatementDelay changes the delay of WithStatementDelay for statements
// submitted from now on.
func (e *Emulator) SetStatementDelay(d time.Duration) {
	st := rsStore(e)
	st.mu.Lock()
	defer st.mu.Unlock()
	st.delay = d
}

// Statement states of the Data API.
const (
	rsdSubmitted = "SUBMITTED"
	rsdStarted   = "STARTED"
	rsdFinished  = "FINISHED"
	rsdFailed    = "FAILED"
	rsdAborted   = "ABORTED"
)

// rsdStatement is one ExecuteStatement or BatchExecuteStatement.
type rsdStatement struct {
	id        string
	seq       int
	account   string
	owner     Identity
	token     string
	cluster   string
	workgroup string
	database  string
	dbUser    string // as DescribeStatement reports it
	secretArn string
	name      string
	sqls      []string
	batch     bool
	params    []rsdParam
	created   time.Time
	startAt   time.Time
	doneAt    time.Time

	// How the session logs in, checked when the statement runs.
	db           *rsDatabase
	loginUser    string
	password     string
	withPassword bool
	autoCreate   bool

	settled  bool
	canceled bool
	updated  time.Time
	status   string
	errMsg   string
	subs     []rsdSub
}

// rsdSub is the outcome of one SQL statement of a statement.
type rsdSub struct {
	status string
	errMsg string
	result *rsResult
}

type rsdParam struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// rsdEpoch is a timestamp in the epoch seconds of awsJson1_1.
type rsdEpoch float64

func rsdTime(t time.Time) *rsdEpoch {
	if t.IsZero() {
		return nil
	}
	v := rsdEpoch(float64(t.UnixMilli()) / 1000)
	return &v
}

// rsdStatementIDPattern matches statement IDs and, with :N, the IDs of the
// sub-statements of a batch.
var rsdStatementIDPattern = regexp.MustCompile(`^([a-z0-9]{8}(?:-[a-z0-9]{4}){3}-[a-z0-9]{12})(?::([1-9][0-9]*))?$`)

type rsdExecuteInput struct {
	Sql               string
	Sqls              []string
	ClientToken       string
	ClusterIdentifier string
	WorkgroupName     string
	Database          string
	DbUser            string
	SecretArn         string
	StatementName     string
	Parameters        []rsdParam
	SessionId         string
}

type rsdExecuteOutput struct {
	Id                string
	ClusterIdentifier string    `json:",omitempty"`
	WorkgroupName     string    `json:",omitempty"`
	Database          string    `json:",omitempty"`
	DbUser            string    `json:",omitempty"`
	SecretArn         string    `json:",omitempty"`
	CreatedAt         *rsdEpoch `json:",omitempty"`
}

func rsdExecuteStatement(c *Call) (any, error) {
	var in rsdExecuteInput
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	if in.Sql == "" {
		return nil, Errorf("ValidationException", "Sql must not be empty.")
	}
	in.Sqls = []string{in.Sql}
	return rsdSubmit(c, in, false)
}

func rsdBatchExecuteStatement(c *Call) (any, error) {
	var in rsdExecuteInput
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	if len(in.Sqls) == 0 || len(in.Sqls) > 40 {
		return nil, Errorf("ValidationException", "Sqls must hold 1 to 40 statements.")
	}
	for _, s := range in.Sqls {
		if s == "" {
			return nil, Errorf("ValidationException", "Sqls must not hold an empty statement.")
		}
	}
	return rsdSubmit(c, in, true)
}

// rsdSubmit validates a request as the Data API does before it accepts a
// statement, and records the statement.
func rsdSubmit(c *Call, in rsdExecuteInput, batch bool) (any, error) {
	if in.SessionId != "" {
		return nil, Errorf("ValidationException", "The local emulator does not support sessions (SessionId).")
	}
	if (in.ClusterIdentifier == "") == (in.WorkgroupName == "") {
		return nil, Errorf("ValidationException", "Exactly one of ClusterIdentifier and WorkgroupName must be specified.")
	}
	if in.Database == "" {
		return nil, Errorf("ValidationException", "Database must be specified.")
	}
	if in.SecretArn != "" && in.DbUser != "" {
		return nil, Errorf("ValidationException", "SecretArn and DbUser cannot both be specified.")
	}
	if in.WorkgroupName != "" && in.DbUser != "" {
		return nil, Errorf("ValidationException", "DbUser is not supported for a serverless workgroup; use SecretArn or temporary credentials from the IAM identity.")
	}
	// Read the secret before taking the Redshift lock: Secrets Manager has
	// its own state and lock.
	var secretUser, secretPassword string
	if in.SecretArn != "" {
		var err error
		if secretUser, secretPassword, err = rsdReadSecret(c, in.SecretArn); err != nil {
			return nil, err
		}
	}

	st := rsStore(c.Emulator)
	st.mu.Lock()
	defer st.mu.Unlock()
	now := c.Emulator.Now()
	st.settle(now)
	if in.ClientToken != "" {
		if id, ok := st.tokens[c.Account()+"/"+in.ClientToken]; ok {
			s := st.statements[id]
			if !s.sameRequest(in) {
				return nil, Errorf("ValidationException", "ClientToken %s was already used for a different request.", in.ClientToken)
			}
			return s.executeOutput(), nil
		}
	}
	s := &rsdStatement{
		id: newRequestID(), seq: len(st.statements) + 1, account: c.Account(), owner: c.Caller, token: in.ClientToken,
		cluster: in.ClusterIdentifier, workgroup: in.WorkgroupName, database: in.Database,
		secretArn: in.SecretArn, name: in.StatementName, sqls: in.Sqls, batch: batch, params: in.Parameters,
		created: now, startAt: now.Add(st.delay), doneAt: now.Add(2 * st.delay),
	}
	if in.ClusterIdentifier != "" {
		cl, ok := st.clusters[rsClusterKey(c.Account(), in.ClusterIdentifier)]
		if !ok {
			return nil, Errorf("ValidationException", "Redshift endpoint doesn't exist in this region.")
		}
		s.db = cl.db
	} else {
		wg, ok := st.workgroups[rssKey(c.Account(), in.WorkgroupName)]
		if !ok {
			return nil, Errorf("ValidationException", "Redshift serverless workgroup %s doesn't exist in this region.", in.WorkgroupName)
		}
		s.db = wg.namespace.db
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
		s.dbUser = rsIAMDbUser(c.Caller)
		s.loginUser, s.autoCreate = s.dbUser, true
	}
	st.statements[s.id] = s
	if in.ClientToken != "" {
		st.tokens[c.Account()+"/"+in.ClientToken] = s.id
	}
	return s.executeOutput(), nil
}

func (s *rsdStatement) sameRequest(in rsdExecuteInput) bool {
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

func (s *rsdStatement) executeOutput() rsdExecuteOutput {
	return rsdExecuteOutput{
		Id: s.id, ClusterIdentifier: s.cluster, WorkgroupName: s.workgroup, Database: s.database,
		DbUser: s.dbUser, SecretArn: s.secretArn, CreatedAt: rsdTime(s.created),
	}
}

// rsdReadSecret reads the credentials in a secret as the caller, through
// the emulator's own Secrets Manager, so that a secret the caller cannot
// get fails the statement as it would in AWS.
func rsdReadSecret(c *Call, secretArn string) (user, password string, err error) {
	sm := c.Emulator.services["secretsmanager"]
	if sm == nil || sm.Operations["GetSecretValue"] == nil {
		return "", "", Errorf("ValidationException", "the local emulator has no Secrets Manager to read secret %s from", secretArn)
	}
	body, _ := json.Marshal(map[string]string{"SecretId": secretArn})
	out, err := sm.Operations["GetSecretValue"](&Call{
		Service: "secretsmanager", Operation: "GetSecretValue", Region: c.Region, Caller: c.Caller,
		RequestID: newRequestID(), Body: body, Emulator: c.Emulator,
	})
	if err != nil {
		return "", "", Errorf("ValidationException", "Cannot get the secret value of %s: %v", secretArn, err)
	}
	raw, err := json.Marshal(out)
	if err != nil {
		return "", "", err
	}
	var value struct{ SecretString string }
	if err := json.Unmarshal(raw, &value); err != nil {
		return "", "", err
	}
	var creds struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if json.Unmarshal([]byte(value.SecretString), &creds) != nil || creds.Username == "" || creds.Password == "" {
		return "", "", Errorf("ValidationException", "username and password in secret cannot be empty")
	}
	return creds.Username, creds.Password, nil
}

// settle runs, in submission order, every statement whose time has come.
// The caller holds st.mu.
func (st *rsState) settle(now time.Time) {
	var due []*rsdStatement
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
func (s *rsdStatement) run() {
	s.settled, s.updated = true, s.doneAt
	s.subs = make([]rsdSub, len(s.sqls))
	for i := range s.subs {
		s.subs[i].status = rsdAborted
	}
	params := map[string]string{}
	for _, p := range s.params {
		params[p.Name] = p.Value
	}
	if s.autoCreate {
		s.db.ensureUser(s.loginUser)
	}
	if err := s.db.connect(s.database, s.loginUser, s.password, s.withPassword); err != nil {
		s.fail(0, err.Error())
		return
	}
	tx := s.db.clone()
	tx.objectsOf().database, tx.objectsOf().sessionUser = s.database, s.loginUser
	for i, sql := range s.sqls {
		res, err := tx.exec(sql, params)
		if err != nil {
			s.fail(i, err.Error())
			return
		}
		s.subs[i] = rsdSub{status: rsdFinished, result: res}
	}
	s.db.users, s.db.objects = tx.users, tx.objects
	s.status = rsdFinished
}

func (s *rsdStatement) fail(i int, msg string) {
	s.subs[i] = rsdSub{status: rsdFailed, errMsg: msg}
	s.status, s.errMsg = rsdFailed, msg
	if s.batch {
		s.errMsg = "Query #" + strconv.Itoa(i+1) + " failed with " + msg
	}
}

// statusAt is the statement's status at now; settle has run.
func (s *rsdStatement) statusAt(now time.Time) (status string, updated time.Time) {
	switch {
	case s.canceled:
		return rsdAborted, s.updated
	case s.settled:
		return s.status, s.updated
	case now.Before(s.startAt):
		return rsdSubmitted, s.created
	default:
		return rsdStarted, s.startAt
	}
}
