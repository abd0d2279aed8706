package dbuser

import (
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/cfn"

	"github.com/redshift-data-access/redshift-data-access/local/lifecycle"
)

func TestContract(t *testing.T) {
	e := newEnv(t)
	tests := map[string]struct {
		create, inPlace, replace map[string]any
	}{
		"cluster, named user with a password": {
			create: with(e.clusterProps(), map[string]any{"UserName": "app_user", "PasswordSecretArn": e.passwordSecret, "Grants": []any{map[string]any{"Privileges": []any{"TEMP"}, "On": "DATABASE dev"}}}),
			inPlace: with(e.clusterProps(), map[string]any{"UserName": "app_user", "Groups": []any{"readers"}, "Roles": "analyst", "Grants": []any{
				map[string]any{"Privileges": []any{"CREATE", "TEMP"}, "On": "DATABASE dev"},
				map[string]any{"Privileges": []any{"SELECT"}, "On": "TABLE sales.orders"},
			}}),
			replace: with(e.clusterProps(), map[string]any{"UserName": "app_user_v2"}),
		},
		"workgroup, IAM role user": {
			create: with(e.workgroupProps(), map[string]any{"IamIdentityArn": "arn:aws:iam::111111111111:role/Analyst"}),
			inPlace: with(e.workgroupProps(), map[string]any{"IamIdentityArn": "arn:aws:iam::111111111111:role/Analyst", "Groups": "writers", "Grants": []any{
				map[string]any{"Privileges": "USAGE", "On": "SCHEMA sales"},
				map[string]any{"Privileges": "SELECT", "On": "ALL TABLES IN SCHEMA sales"},
			}}),
			replace: with(e.workgroupProps(), map[string]any{"IamIdentityArn": "arn:aws:iam::111111111111:role/Analyst2"}),
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h, logs := e.handler()
			lifecycle.RunContract(t, lifecycle.Contract{
				ResourceType:      ResourceType,
				Invoke:            h.HandleEvent,
				Create:            tc.create,
				UpdateInPlace:     tc.inPlace,
				UpdateReplace:     tc.replace,
				InvalidProperties: with(tc.create, map[string]any{"Grants": []any{map[string]any{"Privileges": "EXECUTE", "On": "VIEW v"}}}),
				Exists:            e.exists,
				Check: func(t *testing.T, phase string, resp cfn.Response) {
					if resp.Status != cfn.StatusSuccess || resp.Data == nil {
						return
					}
					if resp.Data["UserName"] == "" || resp.Data["DbUser"] != resp.Data["UserName"] {
						t.Errorf("%s: Data %v, want UserName and DbUser", phase, resp.Data)
					}
					if strings.Contains(resp.Reason, canaryPassword) {
						t.Errorf("%s: the Reason holds the password", phase)
					}
				},
			})
			if strings.Contains(logs.String(), canaryPassword) {
				t.Error("the logs contain the password")
			}
		})
	}
}
