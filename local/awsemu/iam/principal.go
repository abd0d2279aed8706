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

// trustMatch is how a trust policy admitted a caller.
type trustMatch int

const (
	trustDenied    trustMatch = iota
	trustByAccount            // the policy trusts the caller's whole account (or "*")
	trustByName               // the policy names the caller's role or session
)

// trustAllows evaluates a role's trust policy for sts:AssumeRole by
// caller. It understands Allow and Deny statements with Principal "AWS"
// entries and one kind of condition: StringEquals or StringLike on
// sts:ExternalId. A statement with any other condition never matches, so
// such a trust denies rather than allows.
func trustAllows(doc string, caller protocol.Identity, externalID string) trustMatch {
	pd, err := parsePolicy(doc, trustDocument)
	if err != nil {
		return trustDenied
	}
	result := trustDenied
	for _, st := range pd.Statement {
		if st.Principal == nil || !coversAssumeRole(st) || !externalIDHolds(st.Condition, externalID) {
			continue
		}
		m := principalMatch((*st.Principal)["AWS"], caller)
		if m == trustDenied {
			continue
		}
		if st.Effect == "Deny" {
			return trustDenied
		}
		result = max(result, m)
	}
	return result
}

func coversAssumeRole(st statement) bool {
	if st.Action != nil {
		return matchAny(st.Action, "sts:AssumeRole", true)
	}
	return !matchAny(st.NotAction, "sts:AssumeRole", true)
}

func principalMatch(principals []string, caller protocol.Identity) trustMatch {
	best := trustDenied
	for _, p := range principals {
		switch {
		case p == caller.Arn || (caller.RoleArn != "" && p == caller.RoleArn):
			return trustByName
		case p == "*", p == caller.Account, p == protocol.RootIdentity(arnPartition(caller.Arn), caller.Account).Arn:
			best = trustByAccount
		}
	}
	return best
}

func externalIDHolds(cond map[string]map[string]policyStrings, externalID string) bool {
	for op, kv := range cond {
		for key, values := range kv {
			if !strings.EqualFold(key, "sts:ExternalId") {
				return false
			}
			switch op {
			case "StringEquals":
				if !matchExact(values, externalID) {
					return false
				}
			case "StringLike":
				if externalID == "" || !matchAny(values, externalID, false) {
					return false
				}
			default:
				return false
			}
		}
	}
	return true
}

func matchExact(values []string, v string) bool { return v != "" && slices.Contains(values, v) }
