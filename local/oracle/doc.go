// Package oracle holds what the independent emulators, moto and kumo,
// tell us about the local emulator's reading of AWS, and where they are
// themselves wrong.
//
// Divergences is the one table of their recorded departures from the AWS
// API reference: each entry names the emulator, the operations, what the
// emulator does, what the reference says and where, and a check that
// fails when the emulator no longer departs as recorded. The moto
// contract suites (see local/moto) skip the scenarios a moto divergence
// makes impossible, through ContractSkips.
//
// The differential scenarios (differential.go, scenarios_*.go) run the
// same IAM, STS and Secrets Manager calls against the local emulator and
// kumo, and compare their transcripts with AWS's documented behaviour,
// recorded in testdata/differential.
package oracle
