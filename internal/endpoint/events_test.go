package endpoint

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-lambda-go/cfn"
)

// TestSampleEvents checks that every sample event of this resource is a
// CloudFormation request for it whose properties pass validation.
func TestSampleEvents(t *testing.T) {
	files, err := filepath.Glob("../../events/endpoint-*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no events/endpoint-*.json sample events")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var ev cfn.Event
			if err := json.Unmarshal(raw, &ev); err != nil {
				t.Fatalf("not a cfn.Event: %v", err)
			}
			if ev.ResourceType != ResourceType || ev.RequestID == "" || ev.StackID == "" || ev.LogicalResourceID == "" || ev.ResponseURL == "" {
				t.Errorf("event lacks CloudFormation fields: %+v", ev)
			}
			if ev.RequestType != cfn.RequestCreate && !endpointIDPattern.MatchString(ev.PhysicalResourceID) {
				t.Errorf("%s event has physical ID %q, want a VPC endpoint ID", ev.RequestType, ev.PhysicalResourceID)
			}
			if _, err := ParseProperties(ev.ResourceProperties, "us-east-1"); err != nil {
				t.Errorf("ResourceProperties: %v", err)
			}
			if ev.RequestType == cfn.RequestUpdate {
				if _, err := ParseProperties(ev.OldResourceProperties, "us-east-1"); err != nil {
					t.Errorf("OldResourceProperties: %v", err)
				}
			}
		})
	}
}
