package iam

import (
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
)

// How trust policy principals are checked, as in IAM: a principal must be
// "*", an account (its ID or arn:aws:iam::<id>:root), or an IAM role,
// user or assumed-role session that IAM knows. For the two accounts the
// emulator serves, "knows" means the role or user exists and is older than
// the propagation delay (SetPropagationDelay). An ARN in any other
// account is accepted when it is well formed: the emulator cannot see
// those accounts, and refusing them would make every cross-account test
// against a made-up account fail where AWS would accept it.

var (
	accountPattern     = regexp.MustCompile(`^\d{12}$`)
	rootArnPattern     = regexp.MustCompile(`^arn:(?:aws|aws-cn|aws-us-gov):iam::(\d{12}):root$`)
	assumedRolePattern = regexp.MustCompile(`^arn:(?:aws|aws-cn|aws-us-gov):sts::(\d{12}):assumed-role/([\w+=,.@-]+)/([\w+=,.@-]+)$`)
	emulatedAccounts   = []string{protocol.AccountA, protocol.AccountB}
)

func emulatedAccount(id string) bool { return slices.Contains(emulatedAccounts, id) }

// arnPartition is the partition field of an ARN, "" when arn is none.
func arnPartition(arn string) string {
	parts := strings.SplitN(arn, ":", 3)
	if len(parts) < 3 || parts[0] != "arn" {
		return ""
	}
	return parts[1]
}

// propagated reports whether an entity created at created is visible to
// IAM's principal checks at now. The caller holds s.mu.
func (s *state) propagated(created, now time.Time) bool {
	return now.Sub(created) >= s.propagationDelay
}

// knownPrincipal reports whether IAM accepts p as an "AWS" principal of a
// trust policy at now. The caller holds s.mu.
func (s *state) knownPrincipal(p string, now time.Time) bool {
	if p == "*" || accountPattern.MatchString(p) {
		return true
	}
	// A principal of another partition is never valid.
	if arnPartition(p) != s.partition {
		return false
	}
	if rootArnPattern.MatchString(p) {
		return true
	}
	if m := assumedRolePattern.FindStringSubmatch(p); m != nil {
		if !emulatedAccount(m[1]) {
			return true
		}
		r := s.account(m[1]).roles[strings.ToLower(m[2])]
		return r != nil && s.propagated(r.created, now)
	}
	arn, ok := parseIAMArn(p)
	if !ok || arn.account == "aws" || (arn.kind != "role" && arn.kind != "user") {
		return false
	}
	if !emulatedAccount(arn.account) {
		return true
	}
	a := s.account(arn.account)
	var ent *entity
	if arn.kind == "role" {
		if r := a.roles[strings.ToLower(arn.name)]; r != nil {
			ent = &r.entity
		}
	} else if u := a.users[strings.ToLower(arn.name)]; u != nil {
		ent = &u.entity
	}
	return ent != nil && ent.arn == p && s.propagated(ent.created, now)
}
