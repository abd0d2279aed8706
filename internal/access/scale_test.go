package access

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/internal/policy"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
)

// clusterNames creates n clusters on e (the guardrails refuse a grant on a
// cluster that does not exist) and returns their identifiers as a property.
func clusterNames(t *testing.T, e *env, n int) []any {
	t.Helper()
	var out []any
	for i := range n {
		id := fmt.Sprintf("analytics-%d", i)
		e.createCluster(t, id, "admin")
		out = append(out, id)
	}
	return out
}

// A Scoped grant of 100 clusters times 5 databases, with secrets by tag,
// needs a dbname resource per pair: 57,696 characters even in the tight
// layout, more than nine times IAM's managed policy quota. Create refuses it
// before changing anything, naming the quota.
func TestScopedGrantOverThePolicyQuotaFailsBeforeAnyChange(t *testing.T) {
	e := newEnv(t, awsemu.AccountA)
	e.createRole(t, "analyst", "/")
	clusters := clusterNames(t, e, 100)
	e.calls.reset()
	props := map[string]any{
		"Roles":     []any{"analyst"},
		"Clusters":  clusters,
		"Databases": []any{"db0", "db1", "db2", "db3", "db4"},
	}
	_, err := NewAccess(e.clients).Create(t.Context(), request(customresource.ActionCreate, "DataAccess", "", props, nil))
	var pe *customresource.PropertyError
	if !errors.As(err, &pe) || !customresource.IsInvalidInput(err) {
		t.Fatalf("Create of 100 clusters x 5 databases: %v, want an invalid-input PropertyError", err)
	}
	if pe.Property != "Clusters" {
		t.Errorf("the error names property %q, want Clusters", pe.Property)
	}
	// The reason a CloudFormation user reads names the quota.
	if !strings.Contains(pe.Problem, strconv.Itoa(policy.ManagedPolicySize)) {
		t.Errorf("the problem %q does not name IAM's quota of %d characters", pe.Problem, policy.ManagedPolicySize)
	}
	if m := e.calls.mutating(); len(m) > 0 {
		t.Errorf("mutating calls before the failure: %v", m)
	}
	if got := e.attachedTo(t, kindRole, "analyst"); len(got) > 0 {
		t.Errorf("policies attached to the role after the failure: %v", got)
	}
}

// Fifteen clusters with one database each do not fit one managed policy in
// the plain layout (one dbname list per credentials action) but do in the
// tight one: the grant is created and attached.
func TestScopedGrantAboveThePlainLayoutIsCreated(t *testing.T) {
	e := newEnv(t, awsemu.AccountA)
	e.createRole(t, "analyst", "/")
	props := map[string]any{"Roles": []any{"analyst"}, "Clusters": clusterNames(t, e, 15), "Databases": []any{"dev"}}
	res, err := NewAccess(e.clients).Create(t.Context(), request(customresource.ActionCreate, "DataAccess", "", props, nil))
	if err != nil {
		t.Fatalf("Create of 15 clusters: %v", err)
	}
	if !slices.Contains(e.attachedTo(t, kindRole, "analyst"), res.PhysicalResourceID) {
		t.Errorf("the scoped policy %s is not attached to the role", res.PhysicalResourceID)
	}
}
