package redshiftdata

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/iam"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu/redshift/sqldb"
)

// This file serves the Data API operations that read or cancel statements.

// DescribeStatement and ListStatements return each statement's text as
// it was submitted, as AWS documents QueryString ("The SQL statement
// text"), password literals included: a caller that must keep a password
// secret sends it hashed, never in plain text.

type idInput struct{ Id string }

// find returns the statement with id, or its sub-statement index when id
// names one (0 when it does not), if the caller's account owns it.
func (st *state) find(c *protocol.Call, id string) (*statement, int, error) {
	m := statementIDPattern.FindStringSubmatch(id)
	if m == nil {
		return nil, 0, protocol.Errorf("ValidationException", "Id %q is not a valid statement ID.", id)
	}
	s, ok := st.statements[m[1]]
	if !ok || s.account != c.Account() {
		return nil, 0, protocol.Errorf("ResourceNotFoundException", "Query does not exist.")
	}
	sub := 0
	if m[2] != "" {
		sub, _ = strconv.Atoi(m[2])
		if !s.batch || sub > len(s.sqls) {
			return nil, 0, protocol.Errorf("ResourceNotFoundException", "Query does not exist.")
		}
	}
	return s, sub, nil
}

type subOutput struct {
	Id              string
	Status          string
	Error           string `json:",omitempty"`
	QueryString     string
	CreatedAt       *protocol.Epoch
	UpdatedAt       *protocol.Epoch
	Duration        int64
	HasResultSet    bool
	ResultRows      int64
	ResultSize      int64
	RedshiftQueryId int64
}

type describeOutput struct {
	subOutput
	ClusterIdentifier string  `json:",omitempty"`
	WorkgroupName     string  `json:",omitempty"`
	Database          string  `json:",omitempty"`
	DbUser            string  `json:",omitempty"`
	SecretArn         string  `json:",omitempty"`
	QueryParameters   []param `json:",omitempty"`
	RedshiftPid       int64
	SubStatements     []subOutput `json:",omitempty"`
}

// subOutput describes sub-statement i (0-based) as it stands at now.
func (s *statement) subOutput(i int, now time.Time) subOutput {
	status, updated := s.statusAt(now)
	out := subOutput{
		Id: s.id + ":" + strconv.Itoa(i+1), QueryString: s.sqls[i],
		CreatedAt: protocol.EpochOf(s.created), Duration: -1, ResultRows: -1, ResultSize: -1,
		RedshiftQueryId: int64(100000 + s.seq*100 + i),
	}
	if s.settled && !s.canceled {
		sub := s.subs[i]
		status, out.Error = sub.status, sub.errMsg
		if sub.status == finished {
			out.Duration = s.doneAt.Sub(s.startAt).Nanoseconds()
			out.ResultRows, out.ResultSize = 0, 0
		}
		if sub.result != nil && sub.result.Columns != nil {
			out.HasResultSet = true
			out.ResultRows = int64(len(sub.result.Rows))
			out.ResultSize = sub.result.Size()
		}
	}
	out.Status, out.UpdatedAt = status, protocol.EpochOf(updated)
	return out
}

// ownerKeyName is the condition key of the IAM user ID of a statement's
// owner, which a policy compares with ${aws:userid} to let callers see
// only their own statements.
const ownerKeyName = "redshift-data:statement-owner-iam-userid"

// authorizeOn decides action by c's caller on a statement of owner: the Data
// API's statement operations act on no resource ("*"), with the owner's
// user ID in the request context.
func authorizeOn(c *protocol.Call, action string, owner protocol.Identity) error {
	return iam.Authorize(c, action, "*", map[string][]string{ownerKeyName: {owner.UserID}})
}

// onStatement serves an operation on the statement, or the
// sub-statement, that the request's Id names, with the Data API state
// locked and its statements settled at the emulator's current time,
// once the caller is allowed redshift-data:<operation> on it.
func onStatement(c *protocol.Call, serve func(s *statement, sub int, now time.Time) (any, error)) (any, error) {
	var in idInput
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	st := store(c.Env)
	st.mu.Lock()
	defer st.mu.Unlock()
	now := c.Env.Now()
	st.settle(now)
	s, sub, err := st.find(c, in.Id)
	if err != nil {
		return nil, err
	}
	if err := authorizeOn(c, "redshift-data:"+c.Operation, s.owner); err != nil {
		return nil, err
	}
	return serve(s, sub, now)
}

func DescribeStatement(c *protocol.Call) (any, error) {
	return onStatement(c, func(s *statement, sub int, now time.Time) (any, error) {
		out := describeOutput{
			ClusterIdentifier: s.cluster, WorkgroupName: s.workgroup, Database: s.database, DbUser: s.dbUser,
			SecretArn: s.secretArn, QueryParameters: s.params, RedshiftPid: int64(1073741824 + s.seq),
		}
		switch {
		case sub > 0:
			out.subOutput = s.subOutput(sub-1, now)
		case !s.batch:
			out.subOutput = s.subOutput(0, now)
			out.Id = s.id
		default:
			for i := range s.sqls {
				out.SubStatements = append(out.SubStatements, s.subOutput(i, now))
			}
			last := out.SubStatements[len(out.SubStatements)-1]
			status, updated := s.statusAt(now)
			out.subOutput = subOutput{
				Id: s.id, Status: status, Error: s.errMsg, CreatedAt: protocol.EpochOf(s.created), UpdatedAt: protocol.EpochOf(updated),
				Duration: last.Duration, HasResultSet: last.HasResultSet, ResultRows: last.ResultRows,
				ResultSize: last.ResultSize, RedshiftQueryId: last.RedshiftQueryId,
			}
		}
		if out.Status != failed {
			out.Error = ""
		}
		return out, nil
	})
}

type resultOutput struct {
	Records        [][]sqldb.Field
	ColumnMetadata []sqldb.Column
	TotalNumRows   int64
}

func GetStatementResult(c *protocol.Call) (any, error) {
	return onStatement(c, func(s *statement, sub int, now time.Time) (any, error) {
		if s.batch && sub == 0 {
			return nil, protocol.Errorf("ValidationException", "The statement %s is a batch; get the result of one of its sub-statements, such as %s:1.", s.id, s.id)
		}
		if sub == 0 {
			sub = 1
		}
		if status, _ := s.statusAt(now); status != finished {
			return nil, protocol.Errorf("ValidationException", "Query has not finished. Current status is %s.", status)
		}
		res := s.subs[sub-1].result
		if res == nil || res.Columns == nil {
			return nil, protocol.Errorf("ValidationException", "Query does not have result. Please check query status with DescribeStatement.")
		}
		records := res.Rows
		if records == nil {
			records = [][]sqldb.Field{}
		}
		return resultOutput{Records: records, ColumnMetadata: res.Columns, TotalNumRows: int64(len(res.Rows))}, nil
	})
}

type listInput struct {
	ClusterIdentifier string
	WorkgroupName     string
	Database          string
	StatementName     string
	Status            string
	RoleLevel         *bool
	MaxResults        int
	NextToken         string
}

type statementData struct {
	Id               string
	Status           string
	StatementName    string   `json:",omitempty"`
	QueryString      string   `json:",omitempty"`
	QueryStrings     []string `json:",omitempty"`
	QueryParameters  []param  `json:",omitempty"`
	SecretArn        string   `json:",omitempty"`
	IsBatchStatement bool
	CreatedAt        *protocol.Epoch
	UpdatedAt        *protocol.Epoch
}

// ownerKey identifies whose statements ListStatements returns: with
// RoleLevel, every session of the caller's role; without, only the
// caller's session.
func ownerKey(id protocol.Identity, roleLevel bool) string {
	if roleLevel && id.RoleArn != "" {
		return id.RoleArn
	}
	return id.Arn
}

func ListStatements(c *protocol.Call) (any, error) {
	var in listInput
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	roleLevel := in.RoleLevel == nil || *in.RoleLevel
	// The caller lists statements it owns.
	if err := authorizeOn(c, "redshift-data:ListStatements", c.Caller); err != nil {
		return nil, err
	}
	st := store(c.Env)
	st.mu.Lock()
	defer st.mu.Unlock()
	now := c.Env.Now()
	st.settle(now)
	owner := ownerKey(c.Caller, roleLevel)
	var matched []*statement
	for _, s := range st.statements {
		status, _ := s.statusAt(now)
		switch {
		case s.account != c.Account() || ownerKey(s.owner, roleLevel) != owner,
			in.Status != "" && in.Status != "ALL" && in.Status != status,
			!strings.HasPrefix(s.name, in.StatementName),
			in.ClusterIdentifier != "" && in.ClusterIdentifier != s.cluster,
			in.WorkgroupName != "" && in.WorkgroupName != s.workgroup,
			in.Database != "" && in.Database != s.database:
			continue
		}
		matched = append(matched, s)
	}
	// Newest first, as the Data API lists them.
	sort.Slice(matched, func(i, j int) bool { return matched[i].seq > matched[j].seq })
	page, next, err := protocol.Page(matched, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	out := struct {
		Statements []statementData
		NextToken  string `json:",omitempty"`
	}{Statements: []statementData{}, NextToken: next}
	for _, s := range page {
		status, updated := s.statusAt(now)
		d := statementData{
			Id: s.id, Status: status, StatementName: s.name, QueryParameters: s.params, SecretArn: s.secretArn,
			IsBatchStatement: s.batch, CreatedAt: protocol.EpochOf(s.created), UpdatedAt: protocol.EpochOf(updated),
		}
		if s.batch {
			d.QueryStrings = append(d.QueryStrings, s.sqls...)
		} else {
			d.QueryString = s.sqls[0]
		}
		out.Statements = append(out.Statements, d)
	}
	return out, nil
}

func CancelStatement(c *protocol.Call) (any, error) {
	return onStatement(c, func(s *statement, sub int, now time.Time) (any, error) {
		if sub > 0 {
			return nil, protocol.Errorf("ValidationException", "Cancel the batch %s, not one of its sub-statements.", s.id)
		}
		if status, _ := s.statusAt(now); status != submitted && status != started {
			return nil, protocol.Errorf("ValidationException", "Could not cancel a query that is already in %s state with ID: %s", status, s.id)
		}
		s.canceled, s.updated = true, now
		return struct{ Status bool }{true}, nil
	})
}
