// Package redshiftdata emulates the Amazon Redshift Data API (awsJson1_1):
// statements run asynchronously against a provisioned cluster or a
// serverless workgroup. A statement is SUBMITTED for one step delay,
// STARTED for another, then FINISHED or FAILED. Its SQL takes effect when
// it finishes, in submission order, so a statement sees what earlier
// finished statements did; a cancelled statement never takes effect.
//
// A statement runs against the database (package redshift/sqldb) of a
// cluster (redshift.ClusterDB) or of a workgroup's namespace
// (redshiftserverless.WorkgroupDB), as the caller: with a secret's
// credentials (secretsmanager.ReadSecretString), a database user, or the
// caller's IAM identity.
//
// Every operation is authorized as the caller (iam.Authorize): Execute
// and BatchExecuteStatement on the cluster's or workgroup's ARN with its
// tags, then the login the Data API makes for the caller
// (GetSecretValue on the secret, redshift:GetClusterCredentials on
// dbuser:<cluster>/<user> and dbname:<cluster>/<db> for a DbUser,
// GetClusterCredentialsWithIAM on the database without one,
// redshift-serverless:GetCredentials on a workgroup without a secret);
// the statement operations on "*" with
// redshift-data:statement-owner-iam-userid, the owner's user ID. A
// denial is AccessDeniedException.
package redshiftdata
