package endpoint

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/redshift-data-access/redshift-data-access/local/lifecycle"
	"github.com/redshift-data-access/redshift-data-access/local/moto"
	"github.com/redshift-data-access/redshift-data-access/local/oracle"
)

// TestContractMoto runs the lifecycle contract against moto's EC2, a
// second reading of the VPC endpoint API beside the local emulator. The
// scenarios that redeliver a Create are skipped: moto ignores
// CreateVpcEndpoint's ClientToken (see oracle.Divergences).
func TestContractMoto(t *testing.T) {
	srv := moto.Use(t)
	setup := ec2.NewFromConfig(srv.Config(moto.AccountA))
	f := &fixture{calls: &callCounter{calls: map[string]int{}}}
	f.client = ec2.NewFromConfig(srv.Config(moto.AccountA), func(o *ec2.Options) {
		o.APIOptions = append(o.APIOptions, f.calls.middleware)
	})
	f.res = New(f.client, moto.Region)
	f.res.timing = testTiming
	f.vpc = newVPC(t, setup, "10.0.0.0/16", true)
	f.subnetA = newSubnet(t, setup, f.vpc, "10.0.1.0/24", "us-east-1a")
	f.subnetB = newSubnet(t, setup, f.vpc, "10.0.2.0/24", "us-east-1b")
	f.subnetA2 = newSubnet(t, setup, f.vpc, "10.0.3.0/24", "us-east-1a")
	f.otherVPC = newVPC(t, setup, "10.1.0.0/16", true)
	f.otherSub = newSubnet(t, setup, f.otherVPC, "10.1.1.0/24", "us-east-1a")

	c := f.contract()
	c.Skip = oracle.ContractSkips(ResourceType)
	lifecycle.RunContract(t, c)
}
