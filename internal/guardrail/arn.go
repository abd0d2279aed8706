package guardrail

import (
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

// This file is the only place in the package that parses ARNs.

var accountIDRE = regexp.MustCompile(`^[0-9]{12}$`)

// isAccountID reports whether s is a 12-digit AWS account ID.
func isAccountID(s string) bool { return accountIDRE.MatchString(s) }

// parsedARN is an ARN as the checks need it.
type parsedARN struct {
	Partition, Service, Region, Account, Resource string
}

// parseARN parses s with the SDK's ARN parser.
func parseARN(s string) (parsedARN, bool) {
	a, err := arn.Parse(s)
	if err != nil {
		return parsedARN{}, false
	}
	return parsedARN{Partition: a.Partition, Service: a.Service, Region: a.Region, Account: a.AccountID, Resource: a.Resource}, true
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
