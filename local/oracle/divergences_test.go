package moto_test

import (
	"testing"

	"github.com/redshift-data-access/redshift-data-access/local/moto"
)

// TestDivergences keeps the table honest: each recorded divergence must
// still show against the pinned moto. When one fails, moto has changed:
// if it now follows the AWS reference, remove the entry (and so the
// contract skips it causes); if it departs differently, record that.
func TestDivergences(t *testing.T) {
	for name, d := range moto.Divergences {
		t.Run(name, func(t *testing.T) {
			srv := moto.Use(t)
			got, err := d.Probe(t.Context(), srv)
			if err != nil {
				t.Fatalf("probe: %v", err)
			}
			if got != d.Observed {
				t.Errorf("moto %s now answers %q, recorded %q: it no longer diverges as recorded from %s (%s)", moto.Version, got, d.Observed, d.AWS, d.Reference)
			}
			if d.Reference == "" || d.AWS == "" || d.Moto == "" {
				t.Error("a divergence names its reference, what AWS does and what moto does")
			}
		})
	}
}

func TestContractSkips(t *testing.T) {
	skips := moto.ContractSkips("Custom::RedshiftDataApiEndpoint")
	if _, ok := skips["duplicate create"]; !ok {
		t.Errorf("ContractSkips: %v, want the duplicate create the endpoint's ClientToken divergence prevents", skips)
	}
	if got := moto.ContractSkips("Custom::NoSuchResource"); len(got) != 0 {
		t.Errorf("ContractSkips of an unknown type: %v, want none", got)
	}
}
