// Package sqldb is the simulated inside of a Redshift cluster or
// serverless namespace: its databases and users (DB, database.go) and the
// few SQL statements that provisioning runs through the Data API against
// them (Exec: sql.go runs them, parse.go tokenizes them, objects.go keeps
// the schemas, tables, groups, roles and grants they act on), with results in
// the Data API's shapes (Result, result.go).
//
// A DB guards itself with its own lock. A statement or batch runs on a
// Tx, a copy of the DB, inside DB.Update, and takes effect when all of it
// succeeds.
package sqldb
