// Package dbuser implements the Custom::RedshiftDataApiDatabaseUser
// resource: a database user inside a provisioned cluster or a serverless
// workgroup, with its grants, group memberships and roles, created through
// the Redshift Data API with an administrator's credentials.
//
// The user is either a named user (redshift_data_api_user by default, the
// name the AmazonRedshiftDataFullAccess policy lets GetClusterCredentials
// use) or the user an IAM identity logs in as (IAMR:<role> or IAM:<user>).
//
// SQL is built only from identifiers that passed validation, always
// double-quoted with inner quotes doubled, and from keywords taken from
// allowlists. A password is read from a Secrets Manager secret and sent
// only in Redshift's md5 hashed form, because the Data API returns a
// statement's text to anyone allowed to describe it.
//
// Every change runs as one BatchExecuteStatement (one transaction) whose
// ClientToken comes from the request, so a redelivered request resumes the
// same statement instead of running it twice. A user that already exists is
// adopted: the physical ID records that, and a Delete then revokes only what
// this resource granted and never drops the user.
//
// The password is set when the user is created or adopted and again when
// PasswordSecretArn names another secret; a new value in the same secret
// (a rotation) reaches the user only with the next change of the
// property, since CloudFormation sends no Update for it.
package dbuser
