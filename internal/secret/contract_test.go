package secret

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/cfn"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/local/lifecycle"
)

// handler serves the resource of e as CloudFormation would reach it, with
// responses to the lifecycle driver's loopback ResponseURLs and logs in
// the returned buffer.
func (e *env) handler() (*customresource.Handler, *bytes.Buffer) {
	var logs bytes.Buffer
	h := customresource.NewHandler(
		map[string]customresource.Resource{ResourceType: e.res},
		customresource.WithAllowLocalResponseURL(true),
		customresource.WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))),
	)
	return h, &logs
}

func TestContract(t *testing.T) {
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
			e := newEnv(t)
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
