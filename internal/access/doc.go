// Package access implements the custom resources that give IAM identities
// access to Amazon Redshift through the Data API:
//
//   - Custom::RedshiftDataApiAccess grants roles, users and groups of this
//     account either the AWS managed policy AmazonRedshiftDataFullAccess
//     (Managed mode) or a customer managed policy scoped to the given
//     clusters, workgroups, databases and secrets (Scoped mode), and
//     optionally sts:AssumeRole on roles of other accounts.
//   - Custom::RedshiftDataApiCrossAccountRole creates, in the account that
//     owns the cluster, a role that principals of another account may
//     assume, carrying the same Data API permissions.
//
// A Managed grant never revokes what it did not grant: it records, in tags
// on the role or user (for a group, in the tags of the group's never
// attached ledger policy), which grants hold the managed policy and whether
// a grant attached it, and detaches it only when the last grant recorded on
// the principal is deleted and a grant attached it (grant.go states the
// protocol). The README's section on the access resources explains the
// design.
package access
