package secret

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-lambda-go/cfn"
	"github.com/google/go-cmp/cmp"
)

// TestSampleEvents checks that every events/secret-*.json is a
// CloudFormation event for this resource whose properties validate.
func TestSampleEvents(t *testing.T) {
	files, err := filepath.Glob("../../events/secret-*.json")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f))
	}
	want := []string{
		"secret-create-cluster.json", "secret-create-workgroup.json",
		"secret-delete-cluster.json", "secret-delete-workgroup.json",
		"secret-update-cluster.json", "secret-update-workgroup.json",
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
			if ev.RequestID == "" || ev.StackID == "" || ev.LogicalResourceID == "" || ev.ResponseURL == "" {
				t.Error("RequestId, StackId, LogicalResourceId and ResponseURL are required")
			}
			if _, err := ParseProperties(ev.ResourceProperties); err != nil {
				t.Errorf("ResourceProperties: %v", err)
			}
			switch ev.RequestType {
			case cfn.RequestUpdate:
				if _, err := ParseProperties(ev.OldResourceProperties); err != nil {
					t.Errorf("OldResourceProperties: %v", err)
				}
				fallthrough
			case cfn.RequestDelete:
				if _, ok := parseARN(ev.PhysicalResourceID); !ok {
					t.Errorf("PhysicalResourceId %q is not a secret ARN", ev.PhysicalResourceID)
				}
			}
		})
	}
}
