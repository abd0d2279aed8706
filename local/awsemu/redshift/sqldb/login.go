package sqldb

import (
	"crypto/rand"
	"encoding/base64"
	"strings"
	"time"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
)

// This file holds how clients log in to Redshift, the same for
// provisioned clusters, serverless workgroups and the Data API.

// Defaults of a new cluster or workgroup.
const (
	DefaultPort     = 5439
	DefaultDatabase = "dev"
)

// The bounds of DurationSeconds of temporary database credentials.
const (
	MinCredentialSeconds = 900
	MaxCredentialSeconds = 3600
)

// CredentialDuration validates DurationSeconds of the temporary-credential
// operations of both Redshift and Redshift Serverless.
func CredentialDuration(seconds, def int, code string) (time.Duration, error) {
	if seconds == 0 {
		seconds = def
	}
	if seconds < MinCredentialSeconds || seconds > MaxCredentialSeconds {
		return 0, protocol.Errorf(code, "DurationSeconds must be between %d and %d.", MinCredentialSeconds, MaxCredentialSeconds)
	}
	return time.Duration(seconds) * time.Second, nil
}

// IAMUser maps an IAM identity to its database user as Redshift does for
// IAM-identity credentials: IAM user foo is IAM:foo, role bar is IAMR:bar.
// The account root, which AWS does not document, maps to IAM:root.
func IAMUser(id protocol.Identity) string {
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

// TempPassword returns a random temporary database password.
func TempPassword() string {
	var b [48]byte
	_, _ = rand.Read(b[:])
	return base64.StdEncoding.EncodeToString(b[:])
}
