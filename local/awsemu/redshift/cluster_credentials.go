package redshift

import (
	"strings"
	"time"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/iam"
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

// GetClusterCredentials issues a temporary password for DbUser to a
// caller allowed redshift:GetClusterCredentials on the database user (and
// database, when DbName is given) and, with AutoCreate,
// redshift:CreateClusterUser on the user.
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
	if err := AuthorizeClusterCredentials(c, q.Get("ClusterIdentifier"), user, q.Get("DbName"), q.Bool("AutoCreate", false)); err != nil {
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

// GetClusterCredentialsWithIAM issues a temporary password for the
// database user of the caller's IAM identity (IAM:<user>, IAMR:<role>)
// to a caller allowed redshift:GetClusterCredentialsWithIAM on the
// database.
func GetClusterCredentialsWithIAM(c *protocol.Call) (any, error) {
	d, err := clusterCredentialsDuration(c.Query)
	if err != nil {
		return nil, err
	}
	if err := AuthorizeClusterCredentialsWithIAM(c, c.Query.Get("ClusterIdentifier"), c.Query.Get("DbName")); err != nil {
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

// ClusterARN is the ARN of cluster id of account in c's region, the
// resource of the Data API's operations on a cluster.
func ClusterARN(c *protocol.Call, account, id string) string {
	return resourceARN(c, account, "cluster:"+strings.ToLower(id))
}

func resourceARN(c *protocol.Call, account, resource string) string {
	return "arn:" + c.Partition() + ":redshift:" + c.Region + ":" + account + ":" + resource
}

// AuthorizeClusterCredentials decides redshift:GetClusterCredentials by
// c's caller as Redshift does: on dbuser:<cluster>/<user>, on
// dbname:<cluster>/<database> when a database is named, and with
// autoCreate redshift:CreateClusterUser on the user. The Data API asks
// it for a statement with DbUser. It returns nil or the AccessDenied of
// c's service.
func AuthorizeClusterCredentials(c *protocol.Call, clusterID, dbUser, dbName string, autoCreate bool) error {
	cluster := strings.ToLower(clusterID)
	userARN := resourceARN(c, c.Account(), "dbuser:"+cluster+"/"+dbUser)
	if err := iam.Authorize(c, "redshift:GetClusterCredentials", userARN, nil); err != nil {
		return err
	}
	if dbName != "" {
		if err := iam.Authorize(c, "redshift:GetClusterCredentials", resourceARN(c, c.Account(), "dbname:"+cluster+"/"+dbName), nil); err != nil {
			return err
		}
	}
	if autoCreate {
		return iam.Authorize(c, "redshift:CreateClusterUser", userARN, nil)
	}
	return nil
}

// AuthorizeClusterCredentialsWithIAM decides
// redshift:GetClusterCredentialsWithIAM by c's caller on
// dbname:<cluster>/<database>, the cluster's default database when
// dbName is "". It returns nil or the AccessDenied of c's service.
func AuthorizeClusterCredentialsWithIAM(c *protocol.Call, clusterID, dbName string) error {
	cluster := strings.ToLower(clusterID)
	if dbName == "" {
		st := store(c.Env)
		st.mu.Lock()
		if cl, ok := st.clusters[clusterKey(c.Account(), cluster)]; ok {
			dbName = cl.dbName
		}
		st.mu.Unlock()
	}
	return iam.Authorize(c, "redshift:GetClusterCredentialsWithIAM", resourceARN(c, c.Account(), "dbname:"+cluster+"/"+dbName), nil)
}
