package oracle

import (
	"os"
	"testing"
)

// TestDivergences keeps the table honest: each recorded divergence must
// still show against the pinned emulator. When one fails, the emulator
// has changed: if it now follows the AWS reference, remove the entry (and
// so the contract skips it causes); if it departs differently, record
// that.
func TestDivergences(t *testing.T) {
	for name, d := range Divergences {
		t.Run(name, func(t *testing.T) {
			if d.Emulator != Moto && d.Emulator != Kumo {
				t.Errorf("emulator %q, want %q or %q", d.Emulator, Moto, Kumo)
			}
			if d.Service == "" || len(d.Operations) == 0 || d.Behaviour == "" || d.AWS == "" || d.Reference == "" {
				t.Error("a divergence names its service, operations, what the emulator does, what AWS does and the reference that says so")
			}
			if len(d.Skips) > 0 && d.Emulator != Moto {
				t.Error("only moto divergences skip contract scenarios: the contract suites run against moto")
			}
			if d.Emulator == Kumo {
				if _, ok := scenarios()[d.scenario]; !ok {
					t.Errorf("no differential scenario %q shows this kumo divergence", d.scenario)
				}
			}
			if d.Check == nil {
				if d.Unchecked == "" {
					t.Fatal("a divergence has a check, or says in Unchecked why none can record it")
				}
				if _, err := os.Stat(transcriptPath(d.scenario, ".kumo")); err == nil {
					t.Errorf("%s exists, but the divergence is unchecked", transcriptPath(d.scenario, ".kumo"))
				}
				t.Logf("%s %s: not checked: %s", d.Emulator, d.Version(), d.Unchecked)
				return
			}
			d.Check(t)
			if t.Failed() {
				t.Logf("recorded: %s %s %s: %s; AWS: %s (%s)", d.Emulator, d.Version(), d.Operations, d.Behaviour, d.AWS, d.Reference)
			}
		})
	}
}

func TestContractSkips(t *testing.T) {
	skips := ContractSkips("Custom::RedshiftDataApiEndpoint")
	if _, ok := skips["duplicate create"]; !ok {
		t.Errorf("ContractSkips: %v, want the duplicate create the endpoint's ClientToken divergence prevents", skips)
	}
	if got := ContractSkips("Custom::NoSuchResource"); len(got) != 0 {
		t.Errorf("ContractSkips of an unknown type: %v, want none", got)
	}
}
