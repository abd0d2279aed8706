// Package redshift emulates the provisioned Amazon Redshift API
// (awsQuery): the clusters that the Data API runs statements against and
// the temporary credentials operations that its temporary-credential modes
// use. Clusters become available at once; the emulator does not model
// creation time.
//
// The simulated inside of a cluster (its databases and users, and the SQL
// that the Data API runs against them) is the sub-package sqldb, which
// Redshift Serverless and the Data API use too. The Data API finds a
// cluster's database with ClusterDB.
package redshift
