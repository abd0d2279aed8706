package access

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-lambda-go/cfn"
)

// TestSampleEventsAreValid keeps events/access-*.json and
// events/crossaccountrole-*.json in step with the handler: each is a
// cfn.Event of the right type, its properties pass validation, and the
// physical ID of an Update or Delete has a shape this handler issues.
func TestSampleEventsAreValid(t *testing.T) {
	tests := map[string]struct {
		pattern string
		typ     string
		read    func(map[string]any) error
		issued  func(string) bool
	}{
		"access": {
			pattern: "access-*.json", typ: AccessType,
			read:   func(p map[string]any) error { _, err := readAccess(p); return err },
			issued: func(id string) bool { return isGrantID(id) || customerPolicyArn(id) },
		},
		"crossaccountrole": {
			pattern: "crossaccountrole-*.json", typ: CrossAccountRoleType,
			read:   func(p map[string]any) error { _, err := readRole(p); return err },
			issued: func(id string) bool { _, ok := roleName(id); return ok },
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			files, err := filepath.Glob(filepath.Join("..", "..", "events", tc.pattern))
			if err != nil {
				t.Fatal(err)
			}
			if len(files) < 3 {
				t.Fatalf("found %d sample events for %s, want create, update and delete", len(files), tc.pattern)
			}
			for _, path := range files {
				t.Run(filepath.Base(path), func(t *testing.T) {
					b, err := os.ReadFile(path)
					if err != nil {
						t.Fatal(err)
					}
					var ev cfn.Event
					if err := json.Unmarshal(b, &ev); err != nil {
						t.Fatalf("not a cfn.Event: %v", err)
					}
					if ev.ResourceType != tc.typ {
						t.Errorf("ResourceType %q, want %q", ev.ResourceType, tc.typ)
					}
					if err := tc.read(ev.ResourceProperties); err != nil {
						t.Errorf("ResourceProperties: %v", err)
					}
					if ev.RequestType == cfn.RequestUpdate {
						if err := tc.read(ev.OldResourceProperties); err != nil {
							t.Errorf("OldResourceProperties: %v", err)
						}
					}
					if ev.RequestType != cfn.RequestCreate && !tc.issued(ev.PhysicalResourceID) {
						t.Errorf("PhysicalResourceId %q is not an ID this handler issues", ev.PhysicalResourceID)
					}
				})
			}
		})
	}
}
