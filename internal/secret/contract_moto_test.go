package secret

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/cfn"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/redshift-data-access/redshift-data-access/local/lifecycle"
	"github.com/redshift-data-access/redshift-data-access/local/moto"
)

// TestContractMoto runs the lifecycle contract against moto's Secrets
// Manager, a second reading of the API beside the local emulator. The
// resource calls only Secrets Manager, so no part is skipped.
func TestContractMoto(t *testing.T) {
	tests := map[string]struct {
		create      map[string]any
		replaceName string
	}{
		"cluster, generated password": {create: clusterProps(), replaceName: "app/cluster-v2"},
		"workgroup, given password": {
			create:      with(workgroupProps(), map[string]any{"Password": canaryPassword, "RecoveryWindowInDays": "0"}),
			replaceName: "app/workgroup-v2",
		},
	}
	for name, tc := range tests {
		create := tc.create
		t.Run(name, func(t *testing.T) {
			srv := moto.Use(t)
			sm := secretsmanager.NewFromConfig(srv.Config(moto.AccountA))
			e := &env{sm: sm, res: New(sm, moto.Region)}
			h, logs := e.handler()
			lifecycle.RunContract(t, lifecycle.Contract{
				ResourceType:      ResourceType,
				Invoke:            h.HandleEvent,
				Create:            create,
				UpdateInPlace:     with(create, map[string]any{"Database": "sales", "Description": "updated", "Tags": map[string]any{"team": "data"}}),
				UpdateReplace:     with(create, map[string]any{"Name": tc.replaceName}),
				InvalidProperties: with(create, map[string]any{"PasswordLength": "7", "RecoveryWindowInDays": "3"}),
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
			})
			if strings.Contains(logs.String(), canaryPassword) {
				t.Error("the logs contain the password")
			}
		})
	}
}
