// Package sqldb is the simulated inside of a Redshift cluster or
// serverless namespace: its databases and users (DB, database.go) and the
// few SQL statements that provisioning runs through the Data API against
// them (Exec: sql.go runs them, parse.go tokenizes them), with results in
// the Data API's shapes (Result, result.go).
//
// Package redshift owns each cluster's and namespace's DB and runs Data
// API statements against it under the Redshift state's lock; a statement
// or batch runs on a Clone and takes effect with Commit.
package sqldb
