package policy_test

import (
	"fmt"
	"testing"

	"github.com/redshift-data-access/redshift-data-access/internal/policy"
)

// benchScope returns a scope with the given numbers of clusters,
// workgroups and databases, and every authentication method that fits.
func benchScope(clusters, workgroups, databases int) policy.Scope {
	s := policy.Scope{Partition: "aws", Region: "us-east-1", Account: "111111111111", StatementOwnerOnly: true}
	for i := range clusters {
		s.ClusterArns = append(s.ClusterArns, fmt.Sprintf("arn:aws:redshift:us-east-1:111111111111:cluster:analytics-%d", i))
	}
	for i := range workgroups {
		s.WorkgroupArns = append(s.WorkgroupArns, fmt.Sprintf("arn:aws:redshift-serverless:us-east-1:111111111111:workgroup/0b6a1c70-4f3e-11ef-9a5c-%012d", i))
	}
	for i := range databases {
		s.Databases = append(s.Databases, fmt.Sprintf("db%d", i))
	}
	return s
}

// BenchmarkScoped measures what an Access resource does with its policy on
// every Create and Update: generate it, validate it against IAM's size
// limit, encode it, and compare it by meaning with the stored version.
func BenchmarkScoped(b *testing.B) {
	// The largest scope fills about two thirds of IAM's 6,144-character
	// limit: every cluster adds a dbname resource per database.
	for _, size := range []struct{ clusters, workgroups, databases int }{{1, 0, 0}, {1, 1, 2}, {4, 4, 2}} {
		scope := benchScope(size.clusters, size.workgroups, size.databases)
		b.Run(fmt.Sprintf("clusters=%d,workgroups=%d,databases=%d", size.clusters, size.workgroups, size.databases), func(b *testing.B) {
			b.ReportAllocs()
			var size int
			for b.Loop() {
				doc, err := policy.Scoped(scope)
				if err != nil {
					b.Fatal(err)
				}
				if err := policy.Validate(doc, policy.ManagedPolicySize); err != nil {
					b.Fatal(err)
				}
				text, err := doc.JSON()
				if err != nil {
					b.Fatal(err)
				}
				stored, err := policy.Parse(text)
				if err != nil {
					b.Fatal(err)
				}
				if !policy.Equivalent(doc, stored) {
					b.Fatal("a policy is not equivalent to its own JSON")
				}
				size = policy.Size(text)
			}
			b.ReportMetric(float64(size), "policy-chars")
		})
	}
}
