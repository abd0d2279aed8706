// Package secret implements the Custom::RedshiftDataApiSecret resource: a
// Secrets Manager secret that holds the credentials of a Redshift database
// user for a provisioned cluster or a serverless workgroup, tagged
// RedshiftDataFullAccess so that the AmazonRedshiftDataFullAccess policy
// (and the scoped policies derived from it) let the Data API read it.
//
// The physical ID is the secret's ARN. A password that the caller does not
// give is generated with GetRandomPassword under Redshift's password rules
// and kept across updates; it never leaves the secret except through
// GetSecretValue, and never appears in attributes, errors or logs.
package secret
