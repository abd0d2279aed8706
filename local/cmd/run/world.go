package main

import (
	"context"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
	"github.com/redshift-data-access/redshift-data-access/local/world"
)

// setUp creates the prerequisites in account A of srv and writes them to
// the report.
func setUp(ctx context.Context, srv *awsemu.Server, rep *report) (*world.World, error) {
	w, err := world.Build(ctx, srv)
	if err != nil {
		return nil, err
	}
	zone := srv.Region()
	rep.section("prerequisites in account " + awsemu.AccountA)
	rep.printf("  Redshift cluster %s, serverless namespace %s with workgroup %s\n", world.ClusterID, world.NamespaceName, world.WorkgroupName)
	rep.printf("  IAM roles %s (trusts account %s), %s, %s; IAM users %s, %s; IAM group %s\n",
		world.CallerRole, awsemu.AccountA, world.AnalystRole, world.LoaderRole, world.AnalystUser, world.ETLUser, world.AnalystsGroup)
	rep.printf("  VPC %s (DNS support and hostnames) with subnets %s (%sa), %s (%sb), %s (%sc), security group %s\n",
		w.VPC, w.SubnetA, zone, w.SubnetB, zone, w.SubnetC, zone, w.SecurityGroup)
	rep.printf("  VPC %s (DNS support and hostnames) with subnet %s (%sa), security group %s, for the endpoint's replacement\n",
		w.OtherVPC, w.OtherSubnet, zone, w.OtherSecurityGroup)
	return w, nil
}
