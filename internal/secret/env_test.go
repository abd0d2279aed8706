package secret

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/redshift-data-access/redshift-data-access/internal/awserr"
	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
)

const testStackID = "arn:aws:cloudformation:us-east-1:111111111111:stack/analytics/0b6a1c70-4f3e-11ef-9a5c-0a1b2c3d4e5f"

// mutating are the Secrets Manager operations that change something.
var mutating = map[string]bool{
	"CreateSecret": true, "PutSecretValue": true, "UpdateSecret": true, "DeleteSecret": true,
	"RestoreSecret": true, "TagResource": true, "UntagResource": true,
}

// countingClient records the Secrets Manager operations a client sends.
type countingClient struct {
	next *http.Client
	mu   sync.Mutex
	ops  []string
}

func (c *countingClient) Do(req *http.Request) (*http.Response, error) {
	if _, op, ok := strings.Cut(req.Header.Get("X-Amz-Target"), "."); ok {
		c.mu.Lock()
		c.ops = append(c.ops, op)
		c.mu.Unlock()
	}
	return c.next.Do(req)
}

// reset forgets the operations recorded so far.
func (c *countingClient) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ops = nil
}

// operations returns every operation recorded since the last reset.
func (c *countingClient) operations() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.ops)
}

// mutations returns the mutating operations recorded since the last reset.
func (c *countingClient) mutations() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, op := range c.ops {
		if mutating[op] {
			out = append(out, op)
		}
	}
	return out
}

// env is a resource served by a fresh local emulator.
type env struct {
	srv   *awsemu.Server
	sm    *secretsmanager.Client
	calls *countingClient
	res   *Resource
}

func newEnv(t *testing.T, opts ...awsemu.Option) *env {
	t.Helper()
	srv := awsemu.Start(opts...)
	t.Cleanup(srv.Close)
	cfg := srv.Config(awsemu.AccountA)
	calls := &countingClient{next: &http.Client{}}
	cfg.HTTPClient = calls
	sm := secretsmanager.NewFromConfig(cfg)
	return &env{srv: srv, sm: sm, calls: calls, res: New(sm, cfg.Region)}
}

// request builds a request of this test's stack and logical ID.
func request(action customresource.Action, requestID, physicalID string, old, props map[string]any) customresource.Request {
	return customresource.Request{
		Action: action, RequestID: requestID, StackID: testStackID, LogicalResourceID: "AppSecret",
		PhysicalResourceID: physicalID, ResourceType: ResourceType, Properties: props, OldProperties: old,
	}
}

func (e *env) create(t *testing.T, props map[string]any) customresource.Result {
	t.Helper()
	res, err := e.res.Create(context.Background(), request(customresource.ActionCreate, "create-"+t.Name(), "", nil, props))
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	return res
}

func (e *env) update(t *testing.T, requestID, id string, old, props map[string]any) customresource.Result {
	t.Helper()
	res, err := e.res.Update(context.Background(), request(customresource.ActionUpdate, requestID, id, old, props))
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	return res
}

// value returns the current secret value of id as a JSON object.
func (e *env) value(t *testing.T, id string) map[string]any {
	t.Helper()
	v, err := currentValue(context.Background(), e.sm, id)
	if err != nil {
		t.Fatalf("reading secret %s: %v", id, err)
	}
	return v
}

func (e *env) describe(t *testing.T, id string) *secretsmanager.DescribeSecretOutput {
	t.Helper()
	d, err := describe(context.Background(), e.sm, id)
	if err != nil {
		t.Fatalf("describing secret %s: %v", id, err)
	}
	return d
}

// liveSecrets returns the names of the secrets not scheduled for deletion.
func (e *env) liveSecrets(t *testing.T) []string {
	t.Helper()
	out, err := e.sm.ListSecrets(context.Background(), &secretsmanager.ListSecretsInput{})
	if err != nil {
		t.Fatalf("ListSecrets: %v", err)
	}
	var names []string
	for _, s := range out.SecretList {
		names = append(names, aws.ToString(s.Name))
	}
	return names
}

// exists reports whether the secret id exists and is not scheduled for
// deletion.
func exists(ctx context.Context, sm Client, id string) (bool, error) {
	d, err := describe(ctx, sm, id)
	if awserr.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return d.DeletedDate == nil, nil
}

func clusterProps() map[string]any {
	return map[string]any{
		"ClusterIdentifier": "analytics-cluster",
		"Username":          "app_user",
		"Database":          "dev",
	}
}

func workgroupProps() map[string]any {
	return map[string]any{
		"WorkgroupName": "analytics-wg",
		"Username":      "app_user",
	}
}

// with returns a copy of props with the given changes; a nil value removes
// the property.
func with(props map[string]any, changes map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range props {
		out[k] = v
	}
	for k, v := range changes {
		if v == nil {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

// splitPassword returns v without its password, and the password, so that
// tests can print differences in the value without printing a secret.
func splitPassword(v map[string]any) (map[string]any, string) {
	out := map[string]any{}
	for k, x := range v {
		out[k] = x
	}
	p, _ := out["password"].(string)
	delete(out, "password")
	return out, p
}
