package sts

import (
	"crypto/rand"
	"encoding/base64"
	"regexp"
	"time"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/iam"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
)

type callerIdentityResult struct {
	Account string
	Arn     string
	UserId  string
}

func GetCallerIdentity(c *protocol.Call) (any, error) {
	return callerIdentityResult{Account: c.Caller.Account, Arn: c.Caller.Arn, UserId: c.Caller.UserID}, nil
}

// STS's bounds of DurationSeconds. Role chaining (a role session assuming
// a role) is limited to one hour whatever the role allows.
const (
	minSessionSeconds      = 900
	roleChainingMaxSeconds = 3600
)

var sessionNamePattern = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)

type credentialsXML struct {
	AccessKeyId     string
	SecretAccessKey string
	SessionToken    string
	Expiration      string
}

type assumedRoleUserXML struct {
	AssumedRoleId string
	Arn           string
}

type assumeRoleResult struct {
	Credentials     credentialsXML
	AssumedRoleUser assumedRoleUserXML
}

// AssumeRole issues session credentials for a role when its trust
// policy admits the caller, and registers them with the emulator so that
// requests signed with them act as the assumed-role session.
//
// The decision is iam.AuthorizeAssumeRole's: the role's trust policy
// and, unless the trust names the caller in the role's own account, the
// caller's identity-based policies, evaluated by local/iampolicy with
// sts:ExternalId and the caller's global condition keys; a role younger
// than the IAM propagation delay cannot be assumed yet. SCPs and session
// policies are not evaluated.
//
// A role that does not exist is AccessDenied, as in AWS.
func AssumeRole(c *protocol.Call) (any, error) {
	q := c.Query
	roleArn, err := q.Required("RoleArn")
	if err != nil {
		return nil, err
	}
	session, err := q.Required("RoleSessionName")
	if err != nil {
		return nil, err
	}
	if !sessionNamePattern.MatchString(session) {
		return nil, protocol.Errorf("ValidationError", "1 validation error detected: Value '%s' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]* and have length between 2 and 64", session)
	}
	duration, err := q.Int("DurationSeconds", roleChainingMaxSeconds)
	if err != nil {
		return nil, err
	}
	if duration < minSessionSeconds {
		return nil, protocol.Errorf("ValidationError", "1 validation error detected: Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to %d", duration, minSessionSeconds)
	}

	now := c.Env.Now()
	role, err := iam.AuthorizeAssumeRole(c, roleArn, q.Get("ExternalId"), now)
	if err != nil {
		return nil, err
	}
	if c.Caller.RoleArn != "" && duration > roleChainingMaxSeconds {
		return nil, protocol.Errorf("ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	}
	if duration > role.MaxSessionSeconds {
		return nil, protocol.Errorf("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}

	keyID := "ASIA" + iam.RandomID(16)
	id := protocol.Identity{
		Account: role.Account,
		Arn:     "arn:" + role.Partition + ":sts::" + role.Account + ":assumed-role/" + role.Name + "/" + session,
		UserID:  role.ID + ":" + session,
		RoleArn: role.Arn,
	}
	c.Env.RegisterIdentity(keyID, id)
	return assumeRoleResult{
		Credentials: credentialsXML{
			AccessKeyId:     keyID,
			SecretAccessKey: randomToken(30),
			SessionToken:    randomToken(120),
			Expiration:      now.Add(time.Duration(duration) * time.Second).UTC().Format("2006-01-02T15:04:05Z"),
		},
		AssumedRoleUser: assumedRoleUserXML{AssumedRoleId: id.UserID, Arn: id.Arn},
	}, nil
}

func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawStdEncoding.EncodeToString(b)[:n]
}
