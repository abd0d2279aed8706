package policy

import "github.com/redshift-data-access/redshift-data-access/internal/awsarn"

// ParseARN is awsarn.Parse. It stays for the emulator's policy evaluator
// (local/iampolicy), which reads ARNs through this package; everything in
// internal/ calls awsarn directly.
func ParseARN(s string) (awsarn.ARN, error) { return awsarn.Parse(s) }

// Partitions are the ARN partitions the generator writes: awsarn's one
// accepted-partition set.
var Partitions = awsarn.Partitions()
