package policy

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/redshift-data-access/redshift-data-access/internal/awsarn"
)

// ErrInvalidDocument is returned, wrapped, by Validate.
var ErrInvalidDocument = errors.New("invalid policy document")

var actionRE = regexp.MustCompile(`^[a-z0-9-]+:[A-Za-z0-9*]+$`)

// Validate checks d against IAM's policy grammar before it is sent, so that
// a bad document fails before anything is created: version 2012-10-17, at
// least one statement, Effect Allow or Deny, actions of the form
// service:Action, exactly one of Action and NotAction and (outside trust
// policies) of Resource and NotResource, resources "*" or well-formed ARNs,
// principals (and NotPrincipal) that are
// ARNs, account IDs or "*", known condition operators, and a size (without
// white space) of at most sizeLimit characters.
func Validate(d Document, sizeLimit int) error {
	var errs []error
	fail := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrInvalidDocument}, args...)...))
	}
	if d.Version != Version {
		fail("Version is %q, want %q", d.Version, Version)
	}
	if len(d.Statement) == 0 {
		fail("no statement")
	}
	for i, s := range d.Statement {
		if s.Effect != Allow && s.Effect != Deny {
			fail("statement %d: Effect %q is neither Allow nor Deny", i, s.Effect)
		}
		if (len(s.Action) == 0) == (len(s.NotAction) == 0) {
			fail("statement %d: exactly one of Action and NotAction is required", i)
		}
		for _, a := range append(slices.Clone(s.Action), s.NotAction...) {
			if a != "*" && !actionRE.MatchString(a) {
				fail("statement %d: action %q is not of the form service:Action", i, a)
			}
		}
		trust := s.Principal != nil || s.NotPrincipal != nil
		if !trust && (len(s.Resource) == 0) == (len(s.NotResource) == 0) {
			fail("statement %d: exactly one of Resource and NotResource is required", i)
		}
		for _, r := range append(slices.Clone(s.Resource), s.NotResource...) {
			if r == "*" {
				continue
			}
			if _, err := awsarn.Parse(r); err != nil {
				fail("statement %d: resource: %v", i, err)
			}
		}
		for _, pr := range []*Principal{s.Principal, s.NotPrincipal} {
			if pr == nil {
				continue
			}
			for kind, ids := range pr.IDs {
				for _, id := range ids {
					if kind == "AWS" && id != "*" && !awsarn.IsAccountID(id) {
						if _, err := awsarn.Parse(id); err != nil {
							fail("statement %d: principal: %v", i, err)
						}
					}
				}
			}
		}
		for op, keys := range s.Condition {
			if !knownOperator(op) {
				fail("statement %d: unknown condition operator %q", i, op)
			}
			for k, v := range keys {
				if k == "" || len(v) == 0 {
					fail("statement %d: condition %s needs a key and at least one value", i, op)
				}
			}
		}
	}
	text, err := d.JSON()
	if err != nil {
		errs = append(errs, err)
	} else if n := Size(text); n > sizeLimit {
		fail("%d characters without white space, more than IAM's limit of %d", n, sizeLimit)
	}
	return errors.Join(errs...)
}

// Size is the length of a policy document as IAM counts it against its
// quotas: every character but white space outside strings. Compact JSON
// from Document.JSON has none, so this counts what IAM counts.
func Size(doc string) int {
	n := 0
	inString, escaped := false, false
	for _, r := range doc {
		switch {
		case escaped:
			escaped = false
		case inString && r == '\\':
			escaped = true
		case r == '"':
			inString = !inString
		case !inString && strings.ContainsRune(" \t\r\n", r):
			continue
		}
		n++
	}
	return n
}

func knownOperator(op string) bool {
	op, _ = strings.CutPrefix(op, "ForAnyValue:")
	op, _ = strings.CutPrefix(op, "ForAllValues:")
	op, _ = strings.CutSuffix(op, "IfExists")
	return slices.Contains(ConditionOperators, op)
}
