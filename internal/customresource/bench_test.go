package customresource_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/cfn"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

// memoryResource keeps its instances in a map: a resource with no AWS
// behind it, so that a benchmark measures the runtime alone.
type memoryResource struct {
	mu        sync.Mutex
	instances map[string]map[string]any
}

func (m *memoryResource) Create(_ context.Context, req customresource.Request) (customresource.Result, error) {
	id := "instance-" + customresource.ShortHash(req.RequestID, 16)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.instances[id] = req.Properties
	return customresource.Result{PhysicalResourceID: id, Data: map[string]string{"Id": id}}, nil
}

func (m *memoryResource) Update(_ context.Context, req customresource.Request) (customresource.Result, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.instances[req.PhysicalResourceID] = req.Properties
	return customresource.Result{PhysicalResourceID: req.PhysicalResourceID, Data: map[string]string{"Id": req.PhysicalResourceID}}, nil
}

func (m *memoryResource) Delete(_ context.Context, req customresource.Request) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.instances, req.PhysicalResourceID)
	return nil
}

// BenchmarkHandleEvent measures the runtime's cost per request: parsing
// the event, the resource call, the response body, the JSON logs and the
// PUT to a loopback ResponseURL.
func BenchmarkHandleEvent(b *testing.B) {
	// wrong counts responses that are not a PUT of SUCCESS: every request
	// below must take the successful path that it is named after.
	var mu sync.Mutex
	var wrong int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var resp cfn.Response
		if r.Method != http.MethodPut || json.NewDecoder(r.Body).Decode(&resp) != nil || resp.Status != cfn.StatusSuccess {
			mu.Lock()
			wrong++
			mu.Unlock()
		}
	}))
	defer srv.Close()
	url := srv.URL + "/cloudformation-custom-resource-response-useast1/bench?X-Amz-Signature=" + signature

	props := map[string]any{"ServiceToken": "arn:aws:lambda:us-east-1:111111111111:function:f", "Name": "bench", "Size": "30", "Items": []any{"a", "b", "c"}}
	res := &memoryResource{instances: map[string]map[string]any{}}
	h := customresource.NewHandler(map[string]customresource.Resource{testType: res},
		customresource.WithLogger(slog.New(slog.NewJSONHandler(io.Discard, nil))),
		customresource.WithAllowLocalResponseURL(true),
	)
	created := newEvent(url, cfn.RequestCreate, "", props)
	physicalID := "instance-" + customresource.ShortHash(created.RequestID, 16)

	tests := []struct {
		name  string
		event cfn.Event
	}{
		{"Create", created},
		{"Update", newEvent(url, cfn.RequestUpdate, physicalID, props)},
		{"Delete", newEvent(url, cfn.RequestDelete, physicalID, props)},
		{"DeleteOfAFailedCreate", newEvent(url, cfn.RequestDelete, customresource.FailedCreateMarker(created.RequestID), props)},
		{"DeleteOfAnUnsupportedType", withType(newEvent(url, cfn.RequestDelete, physicalID, props), "Custom::Other")},
	}
	for _, tc := range tests {
		event := tc.event
		b.Run(tc.name, func(b *testing.B) {
			ctx := context.Background()
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				event.RequestID = "11111111-2222-3333-4444-" + strconv.Itoa(i)
				if err := h.HandleEvent(ctx, event); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	mu.Lock()
	defer mu.Unlock()
	if wrong > 0 {
		b.Errorf("%d responses were not a PUT of SUCCESS", wrong)
	}
}

func withType(e cfn.Event, resourceType string) cfn.Event {
	e.ResourceType = resourceType
	return e
}
