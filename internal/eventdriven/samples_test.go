package eventdriven_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/redshift-data-access/redshift-data-access/internal/access"
	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/internal/endpoint"
	"github.com/redshift-data-access/redshift-data-access/internal/eventdriven"
	"github.com/redshift-data-access/redshift-data-access/internal/secret"
)

const samplesDir = "../../events/eventdriven"

// sampleTypes maps the resource part of a sample's name to its type.
var sampleTypes = map[string]string{
	"secret": secret.ResourceType, "access": access.AccessType, "endpoint": endpoint.ResourceType,
}

func readSample(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(samplesDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSampleRequestEvents checks that every events/eventdriven/request-*.json
// is a request event the parser accepts, for the resource type its name
// says, with properties the resource accepts, and that every SQS envelope
// carries such events with the key as message group and the event ID as
// deduplication ID.
func TestSampleRequestEvents(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(samplesDir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("finding the samples: %v (%d found)", err, len(files))
	}
	parser := eventdriven.Parser{
		Sources:       []string{requestSource},
		ResourceTypes: []string{secret.ResourceType, access.AccessType, access.CrossAccountRoleType, endpoint.ResourceType},
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			b := readSample(t, name)
			parts := strings.Split(strings.TrimSuffix(name, ".json"), "-")
			switch parts[0] {
			case "request":
				msg, err := parser.Parse(b)
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				if want := sampleTypes[parts[1]]; msg.ResourceType != want {
					t.Errorf("resourceType %q, want %q as the name says", msg.ResourceType, want)
				}
				if want := eventdriven.RequestType(strings.ToUpper(parts[2][:1]) + parts[2][1:]); msg.RequestType != want {
					t.Errorf("requestType %q, want %q as the name says", msg.RequestType, want)
				}
				if msg.RequestType == eventdriven.RequestApply {
					checkSampleProperties(t, msg)
				}
			case "sqs":
				var batch events.SQSEvent
				if err := json.Unmarshal(b, &batch); err != nil {
					t.Fatalf("not an SQS event: %v", err)
				}
				if len(batch.Records) == 0 {
					t.Fatal("no records")
				}
				for _, r := range batch.Records {
					msg, err := parser.Parse([]byte(r.Body))
					if err != nil {
						t.Fatalf("record %s: %v", r.MessageId, err)
					}
					if r.EventSource != "aws:sqs" || r.Attributes["MessageGroupId"] != msg.Key || r.Attributes["MessageDeduplicationId"] != msg.EventID {
						t.Errorf("record %s: source %q, group %q, deduplication ID %q; want aws:sqs, the key %q and the event ID %q",
							r.MessageId, r.EventSource, r.Attributes["MessageGroupId"], r.Attributes["MessageDeduplicationId"], msg.Key, msg.EventID)
					}
				}
			default:
				t.Errorf("sample name %s: want request-<resource>-<apply|delete>[-variant].json or sqs-<resource>-<what>.json", name)
			}
		})
	}
}

// checkSampleProperties runs a sample's properties through its resource's
// own parser.
func checkSampleProperties(t *testing.T, msg eventdriven.Message) {
	t.Helper()
	var err error
	switch msg.ResourceType {
	case secret.ResourceType:
		_, err = secret.ParseProperties(msg.Properties)
	case endpoint.ResourceType:
		_, err = endpoint.ParseProperties(msg.Properties, msg.Region)
	default:
		// Access properties are validated by applying them, in
		// TestSampleEventsApplied.
		return
	}
	if err != nil {
		t.Errorf("properties: %v", err)
	}
}

// TestSampleEventsApplied hands the secret and access samples to the
// function's invoker, as SQS and as EventBridge would, against the local
// emulator: each Apply is Provisioned and each Delete is Deleted.
func TestSampleEventsApplied(t *testing.T) {
	c, _ := accessClients(t, "analyst", "loader")
	e := newEnvWith(t, map[string]customresource.Resource{access.AccessType: access.NewAccess(c)})
	inv, _ := invoker(e)
	seen := 0
	for _, tc := range []struct {
		sample string
		want   []string // the detail-type of each result, in order
	}{
		{"sqs-secret-apply.json", []string{eventdriven.DetailTypeProvisioned}},
		{"request-secret-delete.json", []string{eventdriven.DetailTypeDeleted}},
		{"sqs-access-batch.json", []string{eventdriven.DetailTypeProvisioned, eventdriven.DetailTypeProvisioned}},
		{"request-access-delete.json", []string{eventdriven.DetailTypeDeleted}},
	} {
		out, err := inv.Invoke(context.Background(), readSample(t, tc.sample))
		if err != nil {
			t.Fatalf("%s: %v", tc.sample, err)
		}
		if resp, ok := out.(events.SQSEventResponse); ok && len(resp.BatchItemFailures) > 0 {
			t.Errorf("%s: batch item failures %v", tc.sample, resp.BatchItemFailures)
		}
		var got []string
		for _, r := range e.results(&seen) {
			got = append(got, r.DetailType)
			if r.DetailType == eventdriven.DetailTypeProvisioned && r.Detail.PhysicalResourceID == "" {
				t.Errorf("%s: result %s names no physical ID", tc.sample, r.Raw)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: results %v, want %v (log %s)", tc.sample, got, tc.want, e.logs)
		}
	}
}
