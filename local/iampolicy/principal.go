package iampolicy

import (
	"regexp"
	"strings"

	awsarn "github.com/aws/aws-sdk-go-v2/aws/arn"
)

type principalMatchKind int

const (
	noMatch   principalMatchKind = iota
	byAccount                    // "*", the account ID or its root ARN
	byName                       // the caller's own user, role or session ARN
)

var accountID = regexp.MustCompile(`^\d{12}$`)

// principalMatch says how a Principal element covers the caller: an
// account (its ID or root ARN) covers every principal of the account, a
// role ARN covers the role's sessions, "*" covers everyone.
func principalMatch(ps Principals, caller Principal) principalMatchKind {
	best := noMatch
	for _, p := range ps["AWS"] {
		switch {
		case p == "*":
			best = max(best, byAccount)
		case p == caller.ARN, caller.RoleARN != "" && p == caller.RoleARN:
			return byName
		case accountID.MatchString(p) && p == caller.Account:
			best = max(best, byAccount)
		case caller.Account != "" && isAccountRoot(p, caller):
			best = max(best, byAccount)
		}
	}
	if caller.Service != "" {
		for _, s := range ps["Service"] {
			if s == "*" || strings.EqualFold(s, caller.Service) {
				return byName
			}
		}
	}
	return best
}

// isAccountRoot reports whether p is the root ARN of the caller's
// account, arn:<partition>:iam::<account>:root, in the caller's
// partition.
func isAccountRoot(p string, caller Principal) bool {
	root, err := awsarn.Parse(p)
	if err != nil || root.Service != "iam" || root.Resource != "root" || root.AccountID != caller.Account {
		return false
	}
	partition := "aws"
	if c, err := awsarn.Parse(caller.ARN); err == nil {
		partition = c.Partition
	}
	return root.Partition == partition
}
