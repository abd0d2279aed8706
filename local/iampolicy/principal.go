package iampolicy

import (
	"regexp"
	"strings"
)

type principalMatchKind int

const (
	noMatch   principalMatchKind = iota
	byAccount                    // "*", the account ID or its root ARN
	byName                       // the caller's own user, role or session ARN
)

var (
	accountID  = regexp.MustCompile(`^\d{12}$`)
	accountArn = regexp.MustCompile(`^arn:[\w-]+:iam::(\d{12}):root$`)
)

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
		case caller.Account != "":
			if m := accountArn.FindStringSubmatch(p); m != nil && m[1] == caller.Account {
				best = max(best, byAccount)
			}
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
