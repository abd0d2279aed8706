// Package redshift emulates the three Amazon Redshift APIs the product
// calls, in one package because they share one state under one lock and
// one simulated database:
//
//   - provisioned Redshift (awsQuery): clusters and their temporary
//     credentials, in cluster*.go;
//   - Redshift Serverless (awsJson1_1): namespaces, workgroups, tags and
//     temporary credentials, in serverless*.go;
//   - the Redshift Data API (awsJson1_1): statements and batches, their
//     status and results, in data*.go.
//
// The sub-package sqldb holds what the emulator knows of the inside of a
// cluster or namespace (its databases and users) and runs the few SQL
// statements that provisioning sends through the Data API against it.
package redshift
