// Package policy holds IAM policy documents for the Redshift Data API: the
// document types (with Action, Resource and condition values that are a
// string or a list, as IAM accepts them), a semantic comparison that decides
// whether two documents mean the same, the generator of the scoped
// customer-managed policy derived from the AWS managed policy
// AmazonRedshiftDataFullAccess, and the trust policy of a cross-account role.
//
// The generator is pure: it takes resolved ARNs, partition, region and
// account, and makes no AWS call. Its documents are golden files in testdata,
// refreshed with
//
//	go test ./internal/policy -update
package policy
