package secret

import (
	"context"
	"testing"

	"github.com/aws/aws-lambda-go/cfn"

	"github.com/redshift-data-access/redshift-data-access/local/lifecycle"
)

// contractCase is a secret the contract creates, and the name of its
// replacement.
type contractCase struct {
	create      map[string]any
	replaceName string
}

// contractCases are a cluster's secret with a generated password and a
// workgroup's with a given one.
func contractCases() map[string]contractCase {
	return map[string]contractCase{
		"cluster, generated password": {create: clusterProps(), replaceName: "app/cluster-v2"},
		"workgroup, given password": {
			create:      with(workgroupProps(), map[string]any{"Password": canaryPassword, "RecoveryWindowInDays": "0"}),
			replaceName: "app/workgroup-v2",
		},
	}
}

// contract is the contract of tc, served by invoke, with secrets looked up
// in e, so that the same contract runs on every backend.
func (e *env) contract(invoke lifecycle.Invoke, tc contractCase) lifecycle.Contract {
	return lifecycle.Contract{
		ResourceType:      ResourceType,
		Invoke:            invoke,
		Create:            tc.create,
		UpdateInPlace:     with(tc.create, map[string]any{"Database": "sales", "Description": "updated", "Tags": map[string]any{"team": "data"}}),
		UpdateReplace:     with(tc.create, map[string]any{"Name": tc.replaceName}),
		InvalidProperties: with(tc.create, map[string]any{"PasswordLength": "7", "RecoveryWindowInDays": "3"}),
		Exists: func(ctx context.Context, id string) (bool, error) {
			return exists(ctx, e.sm, id)
		},
		Check: func(t *testing.T, phase string, resp cfn.Response) {
			if resp.Status != cfn.StatusSuccess || resp.Data == nil {
				return
			}
			if resp.Data["Arn"] != resp.PhysicalResourceID || resp.Data["TagKey"] != TagKey || resp.Data["Name"] == "" {
				t.Errorf("%s: Data %v, want Arn (the physical ID), Name and TagKey", phase, resp.Data)
			}
		},
	}
}
