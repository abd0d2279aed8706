package awsemu

import (
	"crypto/rand"
	"encoding/base64"
	"regexp"
	"strings"
	"time"
)

func init() {
	register("sts", func(e *Emulator) *Service {
		return &Service{
			Name:      "sts",
			Protocol:  ProtocolQuery,
			Namespace: "https://sts.amazonaws.com/doc/2011-06-15/",
			Operations: map[string]Handler{
				"GetCallerIdentity": stsGetCallerIdentity,
				"AssumeRole":        stsAssumeRole,
			},
		}
	})
}

type callerIdentityResult struct {
	Account string
	Arn     string
	UserId  string
}

func stsGetCallerIdentity(c *Call) (any, error) {
	return callerIdentityResult{Account: c.Caller.Account, Arn: c.Caller.Arn, UserId: c.Caller.UserID}, nil
}

// STS's bounds of DurationSeconds. Role chaining (a role session assuming
// a role) is limited to one hour whatever the role allows.
const (
	stsMinSessionSeconds      = 900
	stsRoleChainingMaxSeconds = 3600
)

var stsSessionNamePattern = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)

type stsCredentialsXML struct {
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
	Credentials     stsCredentialsXML
	AssumedRoleUser assumedRoleUserXML
}

// stsAssumeRole issues session credentials for a role when its trust
// policy admits the caller, and registers them with the emulator so that
// requests signed with them act as the assumed-role session.
//
// The decision follows IAM's rules in a reduced form:
//   - the trust policy must allow sts:AssumeRole for the caller: its
//     account ("*", the account ID or its root ARN), its role ARN, or its
//     session ARN; an explicit Deny wins; conditions other than
//     sts:ExternalId make a statement not apply;
//   - when the caller is a role session and the trust admits it only
//     through its account, or the role is in another account, the
//     caller's own policies (inline and attached managed, default
//     versions) must allow sts:AssumeRole on the role's ARN. Permissions
//     boundaries, SCPs and session policies are not evaluated;
//   - a role younger than the IAM propagation delay cannot be assumed yet.
//
// A role that does not exist is AccessDenied, as in AWS.
func stsAssumeRole(c *Call) (any, error) {
	q := c.Query
	roleArn, err := iamRequired(q, "RoleArn")
	if err != nil {
		return nil, err
	}
	session, err := iamRequired(q, "RoleSessionName")
	if err != nil {
		return nil, err
	}
	if !stsSessionNamePattern.MatchString(session) {
		return nil, Errorf("ValidationError", "1 validation error detected: Value '%s' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]* and have length between 2 and 64", session)
	}
	duration, err := q.Int("DurationSeconds", stsRoleChainingMaxSeconds)
	if err != nil {
		return nil, err
	}
	if duration < stsMinSessionSeconds {
		return nil, Errorf("ValidationError", "1 validation error detected: Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to %d", duration, stsMinSessionSeconds)
	}

	s := iamStateOf(c.Emulator)
	s.mu.Lock()
	defer s.mu.Unlock()
	now := c.Emulator.Now()
	denied := iamAccessDenied("User: %s is not authorized to perform: sts:AssumeRole on resource: %s", c.Caller.Arn, roleArn)
	target, ok := parseIAMArn(roleArn)
	if !ok || target.kind != "role" {
		return nil, Errorf("ValidationError", "%s is invalid", roleArn)
	}
	role := s.account(target.account).roles[strings.ToLower(target.name)]
	if role == nil || role.arn != roleArn || !s.propagated(role.created, now) {
		return nil, denied
	}
	match := iamTrustAllows(role.trust, c.Caller, q.Get("ExternalId"))
	if match == iamTrustDenied {
		return nil, denied
	}
	if c.Caller.RoleArn != "" && (match == iamTrustByAccount || target.account != c.Caller.Account) {
		if !s.callerRoleAllows(c.Caller, "sts:AssumeRole", roleArn) {
			return nil, denied
		}
	}
	if c.Caller.RoleArn != "" && duration > stsRoleChainingMaxSeconds {
		return nil, Errorf("ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	}
	if duration > role.maxSession {
		return nil, Errorf("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}

	keyID := "ASIA" + iamRandomID(16)
	id := Identity{
		Account: target.account,
		Arn:     "arn:" + target.partition + ":sts::" + target.account + ":assumed-role/" + role.name + "/" + session,
		UserID:  role.id + ":" + session,
		RoleArn: role.arn,
	}
	c.Emulator.RegisterIdentity(keyID, id)
	return assumeRoleResult{
		Credentials: stsCredentialsXML{
			AccessKeyId:     keyID,
			SecretAccessKey: stsRandomToken(30),
			SessionToken:    stsRandomToken(120),
			Expiration:      iamTime(now.Add(time.Duration(duration) * time.Second)),
		},
		AssumedRoleUser: assumedRoleUserXML{AssumedRoleId: id.UserID, Arn: id.Arn},
	}, nil
}

// callerRoleAllows evaluates the identity-based policies of the role
// behind a session. The caller holds s.mu.
func (s *iamState) callerRoleAllows(caller Identity, action, resource string) bool {
	p, ok := parseIAMArn(caller.RoleArn)
	if !ok {
		return false
	}
	a := s.account(p.account)
	r := a.roles[strings.ToLower(p.name)]
	if r == nil {
		return false
	}
	var docs []string
	for _, doc := range r.inline {
		docs = append(docs, doc)
	}
	for _, arn := range r.attached {
		pol, err := a.policy(arn)
		if err != nil {
			continue
		}
		if v, err := pol.version(pol.defaultVersion); err == nil {
			docs = append(docs, v.document)
		}
	}
	return iamIdentityAllows(docs, action, resource)
}

func stsRandomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawStdEncoding.EncodeToString(b)[:n]
}
