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

type credentials struct {
	DbUser     string
	DbPassword string
	Expiration string
}

// duration validates DurationSeconds of the temporary-credential
// operations of both Redshift and Redshift Serverless.
func duration(seconds, def int, code string) (time.Duration, error) {
	if seconds == 0 {
		seconds = def
	}
	if seconds < minCredentialSeconds || seconds > maxCredentialSeconds {
		return 0, protocol.Errorf(code, "DurationSeconds must be between %d and %d.", minCredentialSeconds, maxCredentialSeconds)
	}
	return time.Duration(seconds) * time.Second, nil
}

func GetClusterCredentials(c *protocol.Call) (any, error) {
	q := c.Query
	user := q.Get("DbUser")
	if !dbUserPattern.MatchString(user) || strings.EqualFold(user, "public") {
		return nil, protocol.Errorf("InvalidParameterValue", "Invalid DbUser %q.", user)
	}
	d, err := clusterCredentialsDuration(q)
	if err != nil {
		return nil, err
	}
	return onCluster(c, func(_ *state, cl *cluster) (any, error) {
		// Redshift prefixes the user to tell the login that the password
		// is a temporary IAM credential: IAMA: when the login may create
		// the user, IAM: otherwise.
		prefix := "IAM:"
		if q.Bool("AutoCreate", false) {
			cl.db.EnsureUser(user)
			prefix = "IAMA:"
		}
		return credentials{
			DbUser:     prefix + user,
			DbPassword: tempPassword(),
			Expiration: c.Env.Now().Add(d).UTC().Format(time.RFC3339),
		}, nil
	})
}

// clusterCredentialsDuration reads the DurationSeconds of the
// provisioned cluster's credential operations.
func clusterCredentialsDuration(q protocol.QueryParams) (time.Duration, error) {
	seconds, err := q.Int("DurationSeconds", 0)
	if err != nil {
		return 0, err
	}
	return duration(seconds, defaultClusterSeconds, "InvalidParameterValue")
}

func GetClusterCredentialsWithIAM(c *protocol.Call) (any, error) {
	d, err := clusterCredentialsDuration(c.Query)
	if err != nil {
		return nil, err
	}
	return onCluster(c, func(_ *state, cl *cluster) (any, error) {
		user := iamDbUser(c.Caller)
		cl.db.EnsureUser(user)
		expires := c.Env.Now().Add(d).UTC().Format(time.RFC3339)
		return struct {
			credentials
			NextRefreshTime string
		}{credentials{DbUser: user, DbPassword: tempPassword(), Expiration: expires}, expires}, nil
	})
}

// iamDbUser maps an IAM identity to its database user as Redshift does for
// IAM-identity credentials: IAM user foo is IAM:foo, role bar is IAMR:bar.
// The account root, which AWS does not document, maps to IAM:root.
func iamDbUser(id protocol.Identity) string {
	if id.RoleArn != "" {
		return "IAMR:" + lastSegment(id.RoleArn)
	}
	if _, rest, ok := strings.Cut(id.Arn, ":assumed-role/"); ok {
		role, _, _ := strings.Cut(rest, "/")
		return "IAMR:" + role
	}
	if _, rest, ok := strings.Cut(id.Arn, ":user/"); ok {
		return "IAM:" + lastSegment(rest)
	}
	return "IAM:root"
}

func lastSegment(s string) string { return s[strings.LastIndex(s, "/")+1:] }

// tempPassword returns a random temporary database password.
func tempPassword() string {
	var b [48]byte
	_, _ = rand.Read(b[:])
	return base64.StdEncoding.EncodeToString(b[:])
}
