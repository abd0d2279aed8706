package e2e

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/cfn"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
	emustate "github.com/redshift-data-access/redshift-data-access/local/awsemu/snapshot"
	"github.com/redshift-data-access/redshift-data-access/local/lambdarie"
	"github.com/redshift-data-access/redshift-data-access/local/lifecycle"
	"github.com/redshift-data-access/redshift-data-access/local/prerequisites"
)

// TestRequestsCloudFormationNeverSends sends the built secret function a
// request whose ResourceProperties is not an object (which no cfn.Event
// decodes) and Deletes of physical IDs no resource issues: each gets
// exactly one answer of at most 4 KB, and the emulator is unchanged.
func TestRequestsCloudFormationNeverSends(t *testing.T) {
	requireBinaries(t)
	w := newFixture(t)
	var logs bytes.Buffer
	f, err := lambdarie.Start(t.Context(), lambdarie.Options{
		RIEPath:       binaries.rie,
		BootstrapPath: filepath.Join(binaries.dir, "secret", "bootstrap"),
		Env:           prerequisites.FunctionEnv(w.srv, awsemu.AccountA),
		Output:        &logs,
	})
	if err != nil {
		t.Fatalf("starting the secret function: %v", err)
	}
	t.Cleanup(func() {
		if err := f.Close(); err != nil {
			t.Errorf("stopping the secret function: %v", err)
		}
	})
	d, err := lifecycle.NewDriver(secretType, f.InvokeEvent)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	cfg := w.srv.Config(awsemu.AccountA)
	before := emustate.Take(t, cfg, nil, nil)
	props := map[string]any{"ClusterIdentifier": prerequisites.ClusterID, "Username": "myusername"}

	answers := func(t *testing.T, requestID string) []lifecycle.Recorded {
		t.Helper()
		var out []lifecycle.Recorded
		for _, r := range d.Responses() {
			if r.Response.RequestID == requestID {
				out = append(out, r)
			}
		}
		return out
	}
	check := func(t *testing.T, requestID string, want cfn.StatusType) {
		t.Helper()
		got := answers(t, requestID)
		if len(got) != 1 {
			t.Fatalf("%d answers, want exactly one", len(got))
		}
		if got[0].Response.Status != want {
			t.Errorf("status %s (reason %q), want %s", got[0].Response.Status, got[0].Response.Reason, want)
		}
		if n := len(got[0].Body); n > 4096 {
			t.Errorf("the answer is %d bytes, over 4 KB", n)
		}
	}

	t.Run("properties not an object", func(t *testing.T) {
		ev := d.NewEvent(cfn.RequestCreate, "", nil, props)
		raw, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		m["ResourceProperties"] = "ClusterIdentifier=x"
		if raw, err = json.Marshal(m); err != nil {
			t.Fatal(err)
		}
		if _, err := f.Invoke(t.Context(), raw); err != nil {
			t.Fatalf("invoking: %v", err)
		}
		check(t, ev.RequestID, cfn.StatusFailed)
	})
	for name, id := range map[string]string{"empty": "", "5,000 characters": strings.Repeat("x", 5000)} {
		t.Run("delete of a physical ID "+name, func(t *testing.T) {
			ev := d.NewEvent(cfn.RequestDelete, id, nil, props)
			if _, err := d.Send(t.Context(), ev); err != nil {
				t.Fatal(err)
			}
			check(t, ev.RequestID, cfn.StatusSuccess)
		})
	}
	emustate.Unchanged(t, before, emustate.Take(t, cfg, nil, nil))
}
