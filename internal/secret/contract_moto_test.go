package secret

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/redshift-data-access/redshift-data-access/local/lifecycle"
	"github.com/redshift-data-access/redshift-data-access/local/moto"
)

// TestContractMoto runs the lifecycle contract against moto's Secrets
// Manager, a second reading of the API beside the local emulator. The
// resource calls only Secrets Manager, so no part is skipped.
func TestContractMoto(t *testing.T) {
	for name, tc := range contractCases() {
		t.Run(name, func(t *testing.T) {
			sm := secretsmanager.NewFromConfig(moto.Use(t).Config(moto.AccountA))
			e := &env{sm: sm, res: New(sm, moto.Region)}
			h, logs := e.handler()
			lifecycle.RunContract(t, e.contract(h.HandleEvent, tc))
			if strings.Contains(logs.String(), canaryPassword) {
				t.Error("the logs contain the password")
			}
		})
	}
}
