package redshift

import (
	"crypto/rand"
	"encoding/base64"
	"strings"
	"time"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
)

// The temporary database credentials of GetClusterCredentials and
// GetClusterCredentialsWithIAM, and the database users they map IAM
// identities to.

type rsCredentials struct {
	DbUser     string
	DbPassword string
	Expiration string
}

// rsDuration validates DurationSeconds of the temporary-credential
// operations of both Redshift and Redshift Serverless.
func rsDuration(seconds, def int, code string) (time.Duration, error) {
	if seconds == 0 {
		seconds = def
	}
	if seconds < rsMinCredentialSeconds || seconds > rsMaxCredentialSeconds {
		return 0, protocol.Errorf(code, "DurationSeconds must be between %d and %d.", rsMinCredentialSeconds, rsMaxCredentialSeconds)
	}
	return time.Duration(seconds) * time.Second, nil
}

func GetClusterCredentials(c *protocol.Call) (any, error) {
	q := c.Query
	user := q.Get("DbUser")
	if !rsDbUserPattern.MatchString(user) || strings.EqualFold(user, "public") {
		return nil, protocol.Errorf("InvalidParameterValue", "Invalid DbUser %q.", user)
	}
	d, err := rsClusterCredentialsDuration(q)
	if err != nil {
		return nil, err
	}
	return rsOnCluster(c, func(_ *rsState, cl *rsCluster) (any, error) {
		// Redshift prefixes the user to tell the login that the password
		// is a temporary IAM credential: IAMA: when the login may create
		// the user, IAM: otherwise.
		prefix := "IAM:"
		if q.Bool("AutoCreate", false) {
			cl.db.ensureUser(user)
			prefix = "IAMA:"
		}
		return rsCredentials{
			DbUser:     prefix + user,
			DbPassword: rsTempPassword(),
			Expiration: c.Env.Now().Add(d).UTC().Format(time.RFC3339),
		}, nil
	})
}

// rsClusterCredentialsDuration reads the DurationSeconds of the
// provisioned cluster's credential operations.
func rsClusterCredentialsDuration(q protocol.QueryParams) (time.Duration, error) {
	seconds, err := q.Int("DurationSeconds", 0)
	if err != nil {
		return 0, err
	}
	return rsDuration(seconds, rsDefaultClusterSeconds, "InvalidParameterValue")
}

func GetClusterCredentialsWithIAM(c *protocol.Call) (any, error) {
	d, err := rsClusterCredentialsDuration(c.Query)
	if err != nil {
		return nil, err
	}
	return rsOnCluster(c, func(_ *rsState, cl *rsCluster) (any, error) {
		user := rsIAMDbUser(c.Caller)
		cl.db.ensureUser(user)
		expires := c.Env.Now().Add(d).UTC().Format(time.RFC3339)
		return struct {
			rsCredentials
			NextRefreshTime string
		}{rsCredentials{DbUser: user, DbPassword: rsTempPassword(), Expiration: expires}, expires}, nil
	})
}

// rsIAMDbUser maps an IAM identity to its database user as Redshift does for
// IAM-identity credentials: IAM user foo is IAM:foo, role bar is IAMR:bar.
// The account root, which AWS does not document, maps to IAM:root.
func rsIAMDbUser(id protocol.Identity) string {
	if id.RoleArn != "" {
		return "IAMR:" + rsLastSegment(id.RoleArn)
	}
	if _, rest, ok := strings.Cut(id.Arn, ":assumed-role/"); ok {
		role, _, _ := strings.Cut(rest, "/")
		return "IAMR:" + role
	}
	if _, rest, ok := strings.Cut(id.Arn, ":user/"); ok {
		return "IAM:" + rsLastSegment(rest)
	}
	return "IAM:root"
}

func rsLastSegment(s string) string { return s[strings.LastIndex(s, "/")+1:] }

// rsTempPassword returns a random temporary database password.
func rsTempPassword() string {
	var b [48]byte
	_, _ = rand.Read(b[:])
	return base64.StdEncoding.EncodeToString(b[:])
}
