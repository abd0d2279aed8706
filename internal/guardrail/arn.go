package guardrail

import (
	"strings"

	"github.com/redshift-data-access/redshift-data-access/internal/awsarn"
)

// This file is the only place in the package that parses ARNs; it does so
// with internal/awsarn, the one ARN parser of the module.

// isAccountID reports whether s is a 12-digit AWS account ID.
func isAccountID(s string) bool { return awsarn.IsAccountID(s) }

// parseARN parses s; an ARN awsarn refuses (an unsupported partition, a
// malformed part) is not ok.
func parseARN(s string) (awsarn.ARN, bool) {
	a, err := awsarn.Parse(s)
	return a, err == nil
}

// iamPathAndName splits an IAM resource such as "role/a/b/name" into its
// path ("/a/b/") and name ("name").
func iamPathAndName(resource string) (path, name string) {
	_, rest, _ := strings.Cut(resource, "/")
	i := strings.LastIndex(rest, "/")
	if i < 0 {
		return "/", rest
	}
	return "/" + rest[:i+1], rest[i+1:]
}

// hasWildcard reports whether s holds an IAM wildcard character.
func hasWildcard(s string) bool { return strings.ContainsAny(s, "*?") }
