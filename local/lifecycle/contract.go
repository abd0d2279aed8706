package lifecycle

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-lambda-go/cfn"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

// Contract describes a resource for RunContract.
type Contract struct {
	// ResourceType is the custom resource type, e.g.
	// Custom::RedshiftDataApiSecret.
	ResourceType string
	// Invoke delivers events to the function under test.
	Invoke Invoke
	// Create are valid properties for a Create.
	Create map[string]any
	// UpdateInPlace are properties that change the resource created with
	// Create without replacing it.
	UpdateInPlace map[string]any
	// UpdateReplace are properties that require a replacement of the
	// resource created with Create.
	UpdateReplace map[string]any
	// InvalidProperties fail validation, on Create and on Update.
	InvalidProperties map[string]any
	// Exists reports whether the resource with physicalID exists.
	Exists func(ctx context.Context, physicalID string) (bool, error)
	// Check, if set, makes resource-specific assertions on every response;
	// phase names the step, e.g. "create" or "rollback".
	Check func(t *testing.T, phase string, resp cfn.Response)
	// Skip maps the names of scenarios (the subtest names, e.g.
	// "duplicate create") to why they cannot run here: a backend that
	// departs from AWS where the scenario depends on it.
	Skip map[string]string
	// Access, if set, is asked by the contract of an access-granting
	// resource whether the principal that the resource with physicalID
	// grants can use what it grants, for example run SELECT 1 through the
	// Data API (see SelectOne): after a Create it must, after the Delete
	// it must not. It reports a denial as false with a nil error.
	Access func(ctx context.Context, physicalID string) (bool, error)
}

// RunContract runs, each as a subtest, the request sequences CloudFormation
// sends a custom resource: create and read back, duplicate delivery of a
// Create, update in place, update with replacement followed by the delete of
// the old physical ID (with the Update delivered twice), a failed update
// followed by its rollback, an update in place rolled back after another
// resource failed, delete, delete twice, duplicate delivery of a
// Delete, the delete of a failed Create's marker and of physical IDs the
// function never issued, and a Create whose
// response PUT fails twice with 503 before S3 takes it; and, with
// c.Access, that the grant gives access from its Create (and across an
// update in place) until its Delete. Every response is checked against
// CloudFormation's rules before c.Check sees it.
func RunContract(t *testing.T, c Contract) {
	t.Helper()
	scenarios := []struct {
		name string
		run  func(t *testing.T, s *step)
	}{
		{"create", contractCreate},
		{"duplicate create", contractDuplicateCreate},
		{"update in place", contractUpdateInPlace},
		{"update with replacement", contractUpdateReplace},
		{"failed update and rollback", contractRollback},
		{"update in place rolled back", contractUpdateInPlaceRolledBack},
		{"delete", contractDelete},
		{"delete twice", contractDeleteTwice},
		{"duplicate delete", contractDuplicateDelete},
		{"delete of a failed create", contractFailedCreate},
		{"delete of a foreign physical ID", contractDeleteForeign},
		{"create answered through a failing ResponseURL", contractFlakyResponseURL},
		{"access from create until delete", contractAccess},
	}
	known := map[string]bool{}
	for _, tc := range scenarios {
		known[tc.name] = true
	}
	for name := range c.Skip {
		if !known[name] {
			t.Errorf("Skip names %q, which is no scenario of the contract", name)
		}
	}
	for _, tc := range scenarios {
		t.Run(tc.name, func(t *testing.T) {
			if why, ok := c.Skip[tc.name]; ok {
				t.Skip(why)
			}
			if tc.name == "access from create until delete" && c.Access == nil {
				t.Skip("the resource grants no access (Contract.Access is unset)")
			}
			d, err := NewDriver(c.ResourceType, c.Invoke)
			if err != nil {
				t.Fatalf("starting the driver: %v", err)
			}
			defer d.Close()
			tc.run(t, &step{t: t, c: c, d: d, ctx: t.Context()})
		})
	}
}

func contractCreate(t *testing.T, s *step) {
	id := s.create("create", s.c.Create)
	s.wantExists(id, true)
	s.delete("cleanup", id, s.c.Create)
}

func contractDuplicateCreate(t *testing.T, s *step) {
	ev := s.d.NewEvent(cfn.RequestCreate, "", nil, s.c.Create)
	first := s.expect("create", cfn.StatusSuccess, s.send(ev))
	second := s.expect("duplicate create", cfn.StatusSuccess, s.send(ev))
	if first.PhysicalResourceID != second.PhysicalResourceID {
		t.Errorf("duplicate create: physical ID %q, first delivery returned %q; a redelivery must converge on the same resource", second.PhysicalResourceID, first.PhysicalResourceID)
	}
	s.wantExists(first.PhysicalResourceID, true)
	s.delete("cleanup", first.PhysicalResourceID, s.c.Create)
	s.wantExists(first.PhysicalResourceID, false)
}

func contractUpdateInPlace(t *testing.T, s *step) {
	id := s.create("create", s.c.Create)
	resp := s.expect("update in place", cfn.StatusSuccess, s.send(s.d.NewEvent(cfn.RequestUpdate, id, s.c.Create, s.c.UpdateInPlace)))
	if resp.PhysicalResourceID != id {
		t.Errorf("update in place: physical ID changed from %q to %q", id, resp.PhysicalResourceID)
	}
	s.wantExists(id, true)
	s.delete("cleanup", id, s.c.UpdateInPlace)
}

func contractUpdateReplace(t *testing.T, s *step) {
	oldID := s.create("create", s.c.Create)
	ev := s.d.NewEvent(cfn.RequestUpdate, oldID, s.c.Create, s.c.UpdateReplace)
	resp := s.expect("update with replacement", cfn.StatusSuccess, s.send(ev))
	newID := resp.PhysicalResourceID
	if newID == oldID {
		t.Fatalf("update with replacement: physical ID stayed %q", oldID)
	}
	// One sequence both replaces and redelivers: a resource with a fixed
	// name may block that name for a while after deleting it.
	again := s.expect("update with replacement redelivered", cfn.StatusSuccess, s.send(ev))
	if again.PhysicalResourceID != newID {
		t.Errorf("update with replacement redelivered: physical ID %q, first delivery returned %q; a redelivery must converge on the same replacement", again.PhysicalResourceID, newID)
	}
	// The old resource stays until CloudFormation's cleanup phase deletes it.
	s.wantExists(oldID, true)
	s.wantExists(newID, true)
	s.delete("delete old", oldID, s.c.Create)
	s.wantExists(oldID, false)
	s.wantExists(newID, true)
	s.delete("cleanup", newID, s.c.UpdateReplace)
}

func contractRollback(t *testing.T, s *step) {
	id := s.create("create", s.c.Create)
	failed := s.expect("failed update", cfn.StatusFailed, s.send(s.d.NewEvent(cfn.RequestUpdate, id, s.c.Create, s.c.InvalidProperties)))
	if failed.PhysicalResourceID != id {
		t.Errorf("failed update: physical ID %q, want the unchanged %q", failed.PhysicalResourceID, id)
	}
	// CloudFormation rolls back with the old and new properties swapped.
	back := s.expect("rollback", cfn.StatusSuccess, s.send(s.d.NewEvent(cfn.RequestUpdate, id, s.c.InvalidProperties, s.c.Create)))
	if back.PhysicalResourceID != id {
		t.Errorf("rollback: physical ID %q, want %q", back.PhysicalResourceID, id)
	}
	s.wantExists(id, true)
	s.delete("cleanup", id, s.c.Create)
}

// contractUpdateInPlaceRolledBack is an update that succeeded while
// another resource of the stack failed: CloudFormation sends this one an
// Update back to its old properties.
func contractUpdateInPlaceRolledBack(t *testing.T, s *step) {
	id := s.create("create", s.c.Create)
	s.expect("update in place", cfn.StatusSuccess, s.send(s.d.NewEvent(cfn.RequestUpdate, id, s.c.Create, s.c.UpdateInPlace)))
	back := s.expect("rollback", cfn.StatusSuccess, s.send(s.d.NewEvent(cfn.RequestUpdate, id, s.c.UpdateInPlace, s.c.Create)))
	if back.PhysicalResourceID != id {
		t.Errorf("rollback: physical ID %q, want %q", back.PhysicalResourceID, id)
	}
	s.wantExists(id, true)
	s.delete("cleanup", id, s.c.Create)
}

func contractDelete(t *testing.T, s *step) {
	id := s.create("create", s.c.Create)
	s.delete("delete", id, s.c.Create)
	s.wantExists(id, false)
}

func contractDeleteTwice(t *testing.T, s *step) {
	id := s.create("create", s.c.Create)
	s.delete("delete", id, s.c.Create)
	s.delete("delete again", id, s.c.Create)
	s.wantExists(id, false)
}

func contractDuplicateDelete(t *testing.T, s *step) {
	id := s.create("create", s.c.Create)
	ev := s.d.NewEvent(cfn.RequestDelete, id, nil, s.c.Create)
	s.expect("delete", cfn.StatusSuccess, s.send(ev))
	s.expect("delete redelivered", cfn.StatusSuccess, s.send(ev))
	s.wantExists(id, false)
}

func contractFailedCreate(t *testing.T, s *step) {
	resp := s.expect("failed create", cfn.StatusFailed, s.send(s.d.NewEvent(cfn.RequestCreate, "", nil, s.c.InvalidProperties)))
	if !customresource.IsFailedCreateMarker(resp.PhysicalResourceID) {
		t.Fatalf("failed create: physical ID %q is not a failed-create marker", resp.PhysicalResourceID)
	}
	s.delete("delete marker", resp.PhysicalResourceID, s.c.InvalidProperties)
}

// foreignPhysicalIDs are physical IDs that no resource of this product
// issues: the log stream name that old cfn-response helpers answered with,
// and an ID made up by CloudFormation for a resource it never created.
var foreignPhysicalIDs = []string{
	"2026/01/01/[$LATEST]0123456789abcdef0123456789abcdef",
	"lifecycle-test-Resource-1A2B3C4D5E6F",
}

// contractDeleteForeign deletes IDs the function never issued beside a
// resource it did create: each Delete is SUCCESS and touches nothing.
func contractDeleteForeign(t *testing.T, s *step) {
	id := s.create("create", s.c.Create)
	for _, foreign := range foreignPhysicalIDs {
		s.delete("delete foreign", foreign, s.c.Create)
	}
	s.wantExists(id, true)
	s.delete("cleanup", id, s.c.Create)
}

// flakyPuts is how many response PUTs contractFlakyResponseURL fails: fewer
// than the five attempts the runtime makes.
const flakyPuts = 2

func contractFlakyResponseURL(t *testing.T, s *step) {
	s.d.FailPuts(flakyPuts, http.StatusServiceUnavailable)
	id := s.create("create", s.c.Create)
	s.wantExists(id, true)
	s.delete("cleanup", id, s.c.Create)
}

// contractAccess checks that the principal of the grant has access after
// the Create and after an update in place, and loses it with the Delete.
func contractAccess(t *testing.T, s *step) {
	id := s.create("create", s.c.Create)
	s.wantAccess("after create", id, true)
	s.expect("update in place", cfn.StatusSuccess, s.send(s.d.NewEvent(cfn.RequestUpdate, id, s.c.Create, s.c.UpdateInPlace)))
	s.wantAccess("after update in place", id, true)
	s.delete("delete", id, s.c.UpdateInPlace)
	s.wantAccess("after delete", id, false)
}
