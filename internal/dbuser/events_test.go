package dbuser

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-lambda-go/cfn"
	"github.com/google/go-cmp/cmp"
)

// TestSampleEvents checks that every events/dbuser-*.json is a
// CloudFormation event for this resource whose properties validate and
// whose physical ID is one this resource issues.
func TestSampleEvents(t *testing.T) {
	files, err := filepath.Glob("../../events/dbuser-*.json")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f))
	}
	want := []string{
		"dbuser-create-cluster.json", "dbuser-create-workgroup.json",
		"dbuser-delete-cluster.json", "dbuser-delete-workgroup.json",
		"dbuser-update-cluster.json", "dbuser-update-workgroup.json",
	}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("sample events (-want +got):\n%s", diff)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var ev cfn.Event
			if err := json.Unmarshal(b, &ev); err != nil {
				t.Fatalf("not a cfn.Event: %v", err)
			}
			if ev.ResourceType != ResourceType {
				t.Errorf("ResourceType = %q, want %q", ev.ResourceType, ResourceType)
			}
			p, err := ParseProperties(ev.ResourceProperties)
			if err != nil {
				t.Fatalf("ResourceProperties: %v", err)
			}
			switch ev.RequestType {
			case cfn.RequestUpdate:
				old, err := ParseProperties(ev.OldResourceProperties)
				if err != nil {
					t.Fatalf("OldResourceProperties: %v", err)
				}
				p = old
				fallthrough
			case cfn.RequestDelete:
				id, ok := parsePhysicalID(ev.PhysicalResourceID)
				if !ok {
					t.Fatalf("PhysicalResourceId %q is not one this resource issues", ev.PhysicalResourceID)
				}
				if want := idOf(id.ownership, p); id != want {
					t.Errorf("PhysicalResourceId names %+v, the properties %+v", id, want)
				}
			}
		})
	}
}
