package dbuser

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/redshiftdata"
	rdtypes "github.com/aws/aws-sdk-go-v2/service/redshiftdata/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// session is how statements reach the database: the target, the database
// and the administrator's credentials.
type session struct {
	target    Target
	database  string
	secretArn string
	dbUser    string
}

func sessionOf(p Properties) session {
	return session{target: p.Target, database: p.Database.String(), secretArn: p.AdminSecretArn, dbUser: p.AdminDbUser}
}

// runBatch runs sqls as one BatchExecuteStatement, a single transaction,
// and waits for it to end. token is the ClientToken: a redelivered request
// sends the same one and resumes the statement the first delivery
// started.
func (r *Resource) runBatch(ctx context.Context, s session, token string, sqls []string) error {
	if len(sqls) == 0 {
		return nil
	}
	out, err := r.data.BatchExecuteStatement(ctx, &redshiftdata.BatchExecuteStatementInput{
		Sqls:              sqls,
		ClientToken:       optional(token),
		ClusterIdentifier: optional(s.target.ClusterIdentifier),
		WorkgroupName:     optional(s.target.WorkgroupName),
		Database:          aws.String(s.database),
		SecretArn:         optional(s.secretArn),
		DbUser:            optional(s.dbUser),
		StatementName:     aws.String(statementName),
	})
	if err != nil {
		return fmt.Errorf("running statements on %s %s: %w", s.target.kind(), s.target.name(), err)
	}
	return waitStatement(ctx, r.data, aws.ToString(out.Id))
}

// statementName marks the resource's statements in ListStatements.
const statementName = "redshift-data-access-dbuser"

// userExists reports whether user exists, passing the name as a
// parameter rather than in the text.
func (r *Resource) userExists(ctx context.Context, s session, user string) (bool, error) {
	out, err := r.data.ExecuteStatement(ctx, &redshiftdata.ExecuteStatementInput{
		Sql:               aws.String(userExistsSQL),
		Parameters:        []rdtypes.SqlParameter{{Name: aws.String("name"), Value: aws.String(user)}},
		ClusterIdentifier: optional(s.target.ClusterIdentifier),
		WorkgroupName:     optional(s.target.WorkgroupName),
		Database:          aws.String(s.database),
		SecretArn:         optional(s.secretArn),
		DbUser:            optional(s.dbUser),
		StatementName:     aws.String(statementName),
	})
	if err != nil {
		return false, fmt.Errorf("looking up user %q on %s %s: %w", user, s.target.kind(), s.target.name(), err)
	}
	id := aws.ToString(out.Id)
	if err := waitStatement(ctx, r.data, id); err != nil {
		return false, fmt.Errorf("looking up user %q: %w", user, err)
	}
	res, err := r.data.GetStatementResult(ctx, &redshiftdata.GetStatementResultInput{Id: aws.String(id)})
	if err != nil {
		return false, fmt.Errorf("reading the lookup of user %q: %w", user, err)
	}
	return len(res.Records) > 0, nil
}

// password reads the password in the secret arn (a JSON object with
// "password", as Custom::RedshiftDataApiSecret stores it) and returns
// only its hash for user.
func (r *Resource) password(ctx context.Context, arn string, user ident) (*passwordHash, error) {
	out, err := r.sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(arn)})
	if err != nil {
		return nil, fmt.Errorf("reading the password secret %s: %w", arn, err)
	}
	var v struct {
		Password string `json:"password"`
	}
	if json.Unmarshal([]byte(aws.ToString(out.SecretString)), &v) != nil || v.Password == "" {
		// The message never quotes the value.
		return nil, fmt.Errorf("the password secret %s holds no JSON object with a password", arn)
	}
	h := hashPassword(v.Password, user)
	return &h, nil
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}
