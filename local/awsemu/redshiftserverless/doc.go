// Package redshiftserverless emulates Amazon Redshift Serverless
// (awsJson1_1): namespaces and workgroups, which become available at once,
// their tags, and the temporary credentials of GetCredentials.
//
// Each namespace holds a database (package redshift/sqldb); the Data API
// finds a workgroup's with WorkgroupDB.
package redshiftserverless
