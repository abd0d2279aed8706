package access

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/redshift-data-access/redshift-data-access/local/lifecycle"
	"github.com/redshift-data-access/redshift-data-access/local/moto"
)

// The contract suites again, against moto's IAM and STS: a second reading
// of those APIs beside the local emulator. moto has no Redshift Serverless,
// so the clients have none: grants here name clusters only, and a lookup
// of a workgroup would fail the test instead of passing unseen.

// motoEnv returns clients of account on srv.
func motoEnv(srv *moto.Server, account string) *env {
	cfg := srv.Config(account)
	log := &callLog{}
	i := iam.NewFromConfig(cfg, func(o *iam.Options) { o.APIOptions = append(o.APIOptions, log.record) })
	rs := redshift.NewFromConfig(cfg)
	return &env{
		clients:  Clients{IAM: i, STS: sts.NewFromConfig(cfg), Redshift: rs, Region: cfg.Region},
		iam:      i,
		redshift: rs,
		calls:    log,
		account:  account,
	}
}

func skipWorkgroups(t *testing.T) {
	t.Run("workgroups", func(t *testing.T) {
		t.Skip("moto implements no Redshift Serverless: grants on workgroups (resolving and tagging them) run against the local emulator only")
	})
}

func TestAccessContractScopedMoto(t *testing.T) {
	e := motoEnv(moto.Use(t), moto.AccountA)
	e.createRole(t, "analyst", "/")
	e.createCluster(t, "analytics", "admin")
	lifecycle.RunContract(t, scopedContract(e))
	skipWorkgroups(t)
}

func TestAccessContractManagedMoto(t *testing.T) {
	for name, tc := range managedCases {
		t.Run(name, func(t *testing.T) {
			e := motoEnv(moto.Use(t), moto.AccountA)
			e.createCluster(t, "analytics", "admin") // the replacing update is Scoped
			lifecycle.RunContract(t, managedContract(t, e, tc))
		})
	}
	skipWorkgroups(t)
}

func TestCrossAccountRoleContractMoto(t *testing.T) {
	srv := moto.Use(t)
	motoEnv(srv, moto.AccountA).createRole(t, "someRoleA", "/")
	lifecycle.RunContract(t, crossAccountContract(motoEnv(srv, moto.AccountB)))
	skipWorkgroups(t)
}
