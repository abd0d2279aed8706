package oracle

import (
	"flag"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
)

var updateDifferential = flag.Bool("update-differential", false, "rewrite testdata/differential from the emulators' transcripts")

func init() { rewriteTranscripts = func() bool { return *updateDifferential } }

// TestDifferential runs every scenario against the local emulator, which
// must produce AWS's documented transcript, and against kumo, which must
// produce it too unless Divergences records where kumo departs from it
// (TestDivergences then checks kumo's recorded transcript).
func TestDifferential(t *testing.T) {
	ours := awsemu.Start()
	defer ours.Close()
	local := newBackend(ours.Config(awsemu.AccountA))
	theirs := startKumo(t)
	run := randomRun(t)

	for name := range scenarios() {
		t.Run(name, func(t *testing.T) {
			golden, kumoGolden := transcriptPath(name, ""), transcriptPath(name, ".kumo")
			got := runScenario(t, name, run, local)
			want := expectedTranscript(t, golden, got)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("our emulator departs from AWS's documented behaviour in %s (-want +got):\n%s", golden, diff)
			}

			if _, ok := kumoDivergence(name); ok {
				return // TestDivergences checks kumo's recorded divergence
			}
			if _, err := os.Stat(kumoGolden); err == nil {
				t.Errorf("%s exists, but Divergences records no kumo divergence in the scenario", kumoGolden)
			}
			if diff := cmp.Diff(want, runScenario(t, name, run, theirs)); diff != "" {
				t.Errorf("kumo %s departs from %s with no recorded divergence; decide from AWS's documentation which is right, "+
					"then fix our emulator or record the divergence in Divergences (-want +got):\n%s", KumoVersion, golden, diff)
			}
		})
	}
}
