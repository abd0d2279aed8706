package secret

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/internal/guardrail"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
	emustate "github.com/redshift-data-access/redshift-data-access/local/awsemu/snapshot"
)

// TestUsernameGuardrail: a Username with a NUL, a newline, a space or an
// emoji fails Create and Update with a violation of Username, and the
// account is exactly as it was.
func TestUsernameGuardrail(t *testing.T) {
	e := newEnv(t)
	existing := e.create(t, clusterProps())
	state := func(t *testing.T) emustate.State {
		t.Helper()
		return emustate.Take(t, e.srv.Config(awsemu.AccountA), nil, nil)
	}
	for name, username := range map[string]string{
		"NUL":     "app\x00user",
		"newline": "app\nuser",
		"space":   "app user",
		"emoji":   "app\U0001F600",
	} {
		t.Run(name, func(t *testing.T) {
			before := state(t)
			e.calls.reset()
			props := with(clusterProps(), map[string]any{"Username": username})
			_, errCreate := e.res.Create(context.Background(), request(customresource.ActionCreate, "attack-"+name, "", nil, props))
			_, errUpdate := e.res.Update(context.Background(), request(customresource.ActionUpdate, "attack-update-"+name, existing.PhysicalResourceID, clusterProps(), props))
			for action, err := range map[string]error{"Create": errCreate, "Update": errUpdate} {
				var v *guardrail.Violation
				if !errors.As(err, &v) || v.Property != "Username" || v.Guardrail != guardrail.UsernameCharacters {
					t.Errorf("%s: error = %v, want a violation of Username", action, err)
				}
			}
			if m := e.calls.mutations(); len(m) > 0 {
				t.Errorf("mutating calls %v, want none", m)
			}
			if diff := cmp.Diff(before, state(t)); diff != "" {
				t.Errorf("state changed (-before +after):\n%s", diff)
			}
		})
	}
}
