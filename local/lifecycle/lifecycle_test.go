package lifecycle_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/cfn"
	"github.com/google/go-cmp/cmp"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/local/lifecycle"
)

const memType = "Custom::Memory"

// memResource is an in-memory resource: a named item with a size. A new
// Name needs a replacement; a new Size is changed in place.
type memResource struct {
	mu    sync.Mutex
	items map[string]int
}

var namePattern = regexp.MustCompile(`[a-zA-Z0-9-]`)

func (m *memResource) parse(props map[string]any) (string, int, error) {
	p := customresource.NewPropertyReader(props)
	name := p.RequiredString("Name", "any text")
	size := p.Int("Size", 1, 1, 10)
	return name, size, p.Err()
}

func (m *memResource) Create(_ context.Context, req customresource.Request) (customresource.Result, error) {
	_, size, err := m.parse(req.Properties)
	if err != nil {
		return customresource.Result{}, err
	}
	id := customresource.GeneratedName(req, 64, namePattern)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.items[id] = size
	return customresource.Result{PhysicalResourceID: id, Data: map[string]string{"Id": id}}, nil
}

func (m *memResource) Update(ctx context.Context, req customresource.Request) (customresource.Result, error) {
	name, size, err := m.parse(req.Properties)
	if err != nil {
		return customresource.Result{}, err
	}
	if oldName, _ := req.OldProperties["Name"].(string); oldName != name {
		return m.Create(ctx, req)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.items[req.PhysicalResourceID]; !ok {
		return customresource.Result{}, errors.New("updating item " + req.PhysicalResourceID + ": not found")
	}
	m.items[req.PhysicalResourceID] = size
	return customresource.Result{PhysicalResourceID: req.PhysicalResourceID, Data: map[string]string{"Id": req.PhysicalResourceID}}, nil
}

func (m *memResource) Delete(_ context.Context, req customresource.Request) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.items, req.PhysicalResourceID)
	return nil
}

func (m *memResource) exists(_ context.Context, id string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, ok := m.items[id]
	return ok, nil
}

func (m *memResource) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.items)
}

// serve returns the real Handler's HandleEvent for res, logging to logs.
func serve(res customresource.Resource, logs *bytes.Buffer) lifecycle.Invoke {
	h := customresource.NewHandler(map[string]customresource.Resource{memType: res},
		customresource.WithAllowLocalResponseURL(true),
		customresource.WithLogger(slog.New(slog.NewJSONHandler(logs, nil))))
	return h.HandleEvent
}

func TestRunContract(t *testing.T) {
	res := &memResource{items: map[string]int{}}
	logs := &bytes.Buffer{}
	var phases []string
	lifecycle.RunContract(t, lifecycle.Contract{
		ResourceType:      memType,
		Invoke:            serve(res, logs),
		Create:            map[string]any{"Name": "a", "Size": "2"},
		UpdateInPlace:     map[string]any{"Name": "a", "Size": 3},
		UpdateReplace:     map[string]any{"Name": "b", "Size": "2"},
		InvalidProperties: map[string]any{"Name": "a", "Size": "eleven"},
		Exists:            res.exists,
		Check: func(t *testing.T, phase string, resp cfn.Response) {
			phases = append(phases, phase)
			if resp.Status == cfn.StatusSuccess && !strings.HasPrefix(phase, "delete") && phase != "cleanup" && resp.Data["Id"] != resp.PhysicalResourceID {
				t.Errorf("%s: Data.Id = %v, want the physical ID %q", phase, resp.Data["Id"], resp.PhysicalResourceID)
			}
		},
	})
	if n := res.count(); n != 0 {
		t.Errorf("%d items left after the contract; every sequence must clean up", n)
	}
	if len(phases) < 20 {
		t.Errorf("Check saw %d responses, want every response of the contract", len(phases))
	}
	if strings.Contains(logs.String(), "X-Amz-Signature") {
		t.Error("the ResponseURL reached the logs")
	}
}

func TestDriverSendCountsResponses(t *testing.T) {
	res := &memResource{items: map[string]int{}}
	handle := serve(res, &bytes.Buffer{})
	errInvoke := errors.New("invoke failed")
	tests := map[string]struct {
		invoke   lifecycle.Invoke
		failPuts int
		wantErr  error
	}{
		"one response":                       {invoke: handle},
		"one response after two failed PUTs": {invoke: handle, failPuts: 2},
		"no response": {
			invoke:  func(context.Context, cfn.Event) error { return nil },
			wantErr: lifecycle.ErrResponseCount,
		},
		"two responses": {
			invoke: func(ctx context.Context, ev cfn.Event) error {
				if err := handle(ctx, ev); err != nil {
					return err
				}
				return handle(ctx, ev)
			},
			wantErr: lifecycle.ErrResponseCount,
		},
		"a PUT with an altered signature is refused": {
			invoke: func(ctx context.Context, ev cfn.Event) error {
				ev.ResponseURL = strings.Replace(ev.ResponseURL, "X-Amz-Signature=", "X-Amz-Signature=0", 1)
				return handle(ctx, ev)
			},
			wantErr: lifecycle.ErrResponseCount,
		},
		"the function returns an error": {
			invoke:  func(context.Context, cfn.Event) error { return errInvoke },
			wantErr: errInvoke,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			d, err := lifecycle.NewDriver(memType, tc.invoke)
			if err != nil {
				t.Fatalf("NewDriver: %v", err)
			}
			defer d.Close()
			d.FailPuts(tc.failPuts, http.StatusInternalServerError)
			_, err = d.Create(t.Context(), map[string]any{"Name": "a"})
			if !errors.Is(err, tc.wantErr) {
				t.Errorf("Create error = %v, want %v", err, tc.wantErr)
			}
			if n := len(d.Responses()); err == nil && n != 1 {
				t.Errorf("%d responses recorded, want the one S3 accepted", n)
			}
		})
	}
}

func TestDriverRecordsRawResponse(t *testing.T) {
	res := &memResource{items: map[string]int{}}
	d, err := lifecycle.NewDriver(memType, serve(res, &bytes.Buffer{}))
	if err != nil {
		t.Fatalf("NewDriver: %v", err)
	}
	defer d.Close()
	resp, err := d.Create(t.Context(), map[string]any{"Name": "a"})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	recs := d.Responses()
	if len(recs) != 1 {
		t.Fatalf("got %d recorded responses, want 1", len(recs))
	}
	if diff := cmp.Diff(resp.PhysicalResourceID, recs[0].Response.PhysicalResourceID); diff != "" {
		t.Errorf("recorded physical ID (-want +got):\n%s", diff)
	}
	if !bytes.Contains(recs[0].Body, []byte(`"Status":"SUCCESS"`)) || recs[0].ContentType != "" {
		t.Errorf("recorded body %s with Content-Type %q; want the raw SUCCESS body and no Content-Type", recs[0].Body, recs[0].ContentType)
	}
}

func TestDriverNewEvent(t *testing.T) {
	d, err := lifecycle.NewDriver(memType, func(context.Context, cfn.Event) error { return nil })
	if err != nil {
		t.Fatalf("NewDriver: %v", err)
	}
	defer d.Close()
	create := d.NewEvent(cfn.RequestCreate, "", map[string]any{"Name": "old"}, map[string]any{"Name": "a"})
	update := d.NewEvent(cfn.RequestUpdate, "id-1", map[string]any{"Name": "a"}, map[string]any{"Name": "b"})

	stackARN := regexp.MustCompile(`^arn:aws:cloudformation:us-east-1:111111111111:stack/[A-Za-z0-9-]+/[0-9a-f-]{36}$`)
	uuidPattern := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	if !stackARN.MatchString(create.StackID) || !uuidPattern.MatchString(create.RequestID) {
		t.Errorf("StackId %q or RequestId %q is not CloudFormation-shaped", create.StackID, create.RequestID)
	}
	if create.RequestID == update.RequestID || create.ResponseURL == update.ResponseURL {
		t.Error("two events share a RequestId or a ResponseURL")
	}
	if err := customresource.ValidateResponseURL(create.ResponseURL, true); err != nil {
		t.Errorf("the ResponseURL is not a valid local ResponseURL: %v", err)
	}
	want := cfn.Event{
		RequestType:           cfn.RequestUpdate,
		RequestID:             update.RequestID,
		ResponseURL:           update.ResponseURL,
		ResourceType:          memType,
		PhysicalResourceID:    "id-1",
		LogicalResourceID:     d.LogicalResourceID,
		StackID:               d.StackID,
		ResourceProperties:    map[string]any{"Name": "b", "ServiceToken": d.ServiceToken},
		OldResourceProperties: map[string]any{"Name": "a", "ServiceToken": d.ServiceToken},
	}
	if diff := cmp.Diff(want, update); diff != "" {
		t.Errorf("update event (-want +got):\n%s", diff)
	}
	if create.OldResourceProperties != nil {
		t.Error("a Create event carries OldResourceProperties")
	}
	// A PUT that is not for an issued request is refused, as S3 would.
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPut, create.ResponseURL, strings.NewReader(`{"RequestId":"unknown"}`))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("PUT: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("PUT for an unknown request answered %d, want 403", res.StatusCode)
	}
}
