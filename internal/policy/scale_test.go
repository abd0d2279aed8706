package policy_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/redshift-data-access/redshift-data-access/internal/policy"
)

// scopeSize is the size of s's scoped policy without white space, and
// Validate's verdict against IAM's managed policy quota.
func scopeSize(tb testing.TB, s policy.Scope) (int, error) {
	tb.Helper()
	doc, err := policy.Scoped(s)
	if err != nil {
		tb.Fatal(err)
	}
	text, err := doc.JSON()
	if err != nil {
		tb.Fatal(err)
	}
	return policy.Size(text), policy.Validate(doc, policy.ManagedPolicySize)
}

// largest is the largest n for which scope(n) fits one managed policy,
// found by walking up from 1; 0 if none does.
func largest(tb testing.TB, scope func(n int) policy.Scope) int {
	tb.Helper()
	n := 0
	for {
		if _, err := scopeSize(tb, scope(n+1)); err != nil {
			return n
		}
		n++
	}
}

// The dimensions along which a Scoped grant grows.
var dimensions = map[string]func(n int) policy.Scope{
	"clusters":            func(n int) policy.Scope { return benchScope(n, 0, 0) },
	"clusters-5-dbs":      func(n int) policy.Scope { return benchScope(n, 0, 5) },
	"workgroups":          func(n int) policy.Scope { return benchScope(0, n, 0) },
	"secrets-1-cluster":   func(n int) policy.Scope { return withSecrets(benchScope(1, 0, 0), n) },
	"databases-1-cluster": func(n int) policy.Scope { return benchScope(1, 0, n) },
}

func withSecrets(s policy.Scope, n int) policy.Scope {
	for i := range n {
		s.SecretArns = append(s.SecretArns, fmt.Sprintf("arn:aws:secretsmanager:us-east-1:111111111111:secret:redshift-data-api/app-%d-AbCdEf", i))
	}
	return s
}

func TestOneTooManyTargetsFailsNamingTheQuotaAndHowFarOver(t *testing.T) {
	for name, scope := range dimensions {
		n := largest(t, scope)
		if n < 1 {
			t.Errorf("%s: not even one target fits a managed policy", name)
			continue
		}
		size, err := scopeSize(t, scope(n+1))
		var se *policy.SizeError
		if !errors.As(err, &se) || !errors.Is(err, policy.ErrInvalidDocument) {
			t.Errorf("%s: %d targets: %v, want a SizeError that is an ErrInvalidDocument", name, n+1, err)
			continue
		}
		if se.Limit != policy.ManagedPolicySize || se.Size != size || se.Size <= se.Limit {
			t.Errorf("%s: %d targets: SizeError %+v, want size %d over the limit %d", name, n+1, *se, size, policy.ManagedPolicySize)
		}
	}
}

// BenchmarkLargestScopedGrant measures, per dimension, the most targets a
// Scoped grant can name and still fit one managed policy (6,144
// characters without white space), the others at one.
func BenchmarkLargestScopedGrant(b *testing.B) {
	for _, name := range []string{"clusters", "clusters-5-dbs", "workgroups", "databases-1-cluster", "secrets-1-cluster"} {
		b.Run(name, func(b *testing.B) {
			var n int
			for b.Loop() {
				n = largest(b, dimensions[name])
			}
			size, _ := scopeSize(b, dimensions[name](n))
			b.ReportMetric(float64(n), "max-targets")
			b.ReportMetric(float64(size), "policy-chars")
		})
	}
}

// BenchmarkScopedTargets is a Scoped grant of 1, 10, 100 and 500 clusters
// with one database each: its policy's size, whether it fits one managed
// policy, and the fewest managed policies its characters would need if
// its statements were split across several (a lower bound, against the
// role's quota of 10).
func BenchmarkScopedTargets(b *testing.B) {
	for _, targets := range []int{1, 10, 100, 500} {
		b.Run(fmt.Sprintf("clusters=%d", targets), func(b *testing.B) {
			scope := benchScope(targets, 0, 1)
			var size int
			var err error
			for b.Loop() {
				size, err = scopeSize(b, scope)
			}
			fits := 0.0
			if err == nil {
				fits = 1
			}
			b.ReportMetric(float64(size), "policy-chars")
			b.ReportMetric(fits, "fits")
			b.ReportMetric(float64((size+policy.ManagedPolicySize-1)/policy.ManagedPolicySize), "min-policies")
		})
	}
}
