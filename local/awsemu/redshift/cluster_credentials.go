package redshift

import (
	"strings"
	"time"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu/redshift/sqldb"
)

// The temporary database credentials of GetClusterCredentials and
// GetClusterCredentialsWithIAM, and the database users they map IAM
// identities to.

type credentials struct {
	DbUser     string
	DbPassword string
	Expiration string
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
			DbPassword: sqldb.TempPassword(),
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
	return sqldb.CredentialDuration(seconds, defaultClusterSeconds, "InvalidParameterValue")
}

func GetClusterCredentialsWithIAM(c *protocol.Call) (any, error) {
	d, err := clusterCredentialsDuration(c.Query)
	if err != nil {
		return nil, err
	}
	return onCluster(c, func(_ *state, cl *cluster) (any, error) {
		user := sqldb.IAMUser(c.Caller)
		cl.db.EnsureUser(user)
		expires := c.Env.Now().Add(d).UTC().Format(time.RFC3339)
		return struct {
			credentials
			NextRefreshTime string
		}{credentials{DbUser: user, DbPassword: sqldb.TempPassword(), Expiration: expires}, expires}, nil
	})
}
