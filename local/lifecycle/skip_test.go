package lifecycle_test

import (
	"bytes"
	"slices"
	"testing"

	"github.com/aws/aws-lambda-go/cfn"

	"github.com/redshift-data-access/redshift-data-access/local/lifecycle"
)

// TestRunContractSkip checks that a scenario named in Skip sends nothing
// while the others still run.
func TestRunContractSkip(t *testing.T) {
	res := &memResource{items: map[string]int{}}
	var phases []string
	lifecycle.RunContract(t, lifecycle.Contract{
		ResourceType:      memType,
		Invoke:            serve(res, &bytes.Buffer{}),
		Create:            map[string]any{"Name": "a", "Size": "2"},
		UpdateInPlace:     map[string]any{"Name": "a", "Size": 3},
		UpdateReplace:     map[string]any{"Name": "b", "Size": "2"},
		InvalidProperties: map[string]any{"Name": "a", "Size": "eleven"},
		Exists:            res.exists,
		Skip:              map[string]string{"duplicate create": "this backend cannot"},
		Check:             func(t *testing.T, phase string, resp cfn.Response) { phases = append(phases, phase) },
	})
	if slices.Contains(phases, "duplicate create") {
		t.Error("the skipped scenario ran")
	}
	if !slices.Contains(phases, "update in place") {
		t.Errorf("phases %v: the scenarios not skipped must still run", phases)
	}
}
