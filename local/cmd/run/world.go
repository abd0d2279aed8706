package main

import (
	"context"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
	"github.com/redshift-data-access/redshift-data-access/local/prerequisites"
)

// setUp creates the prerequisites in account A of srv and writes them to
// the report.
func setUp(ctx context.Context, srv *awsemu.Server, rep *report) (*prerequisites.World, error) {
	w, err := prerequisites.Build(ctx, srv)
	if err != nil {
		return nil, err
	}
	zone := srv.Region()
	rep.section("prerequisites in account " + awsemu.AccountA)
	rep.printf("  Redshift cluster %s, serverless namespace %s with workgroup %s\n", prerequisites.ClusterID, prerequisites.NamespaceName, prerequisites.WorkgroupName)
	rep.printf("  IAM roles %s (trusts account %s), %s, %s; IAM users %s, %s; IAM group %s\n",
		prerequisites.CallerRole, awsemu.AccountA, prerequisites.AnalystRole, prerequisites.LoaderRole, prerequisites.AnalystUser, prerequisites.ETLUser, prerequisites.AnalystsGroup)
	rep.printf("  VPC %s (DNS support and hostnames) with subnets %s (%sa), %s (%sb), %s (%sc), security group %s\n",
		w.VPC, w.SubnetA, zone, w.SubnetB, zone, w.SubnetC, zone, w.SecurityGroup)
	rep.printf("  VPC %s (DNS support and hostnames) with subnet %s (%sa), security group %s, for the endpoint's replacement\n",
		w.OtherVPC, w.OtherSubnet, zone, w.OtherSecurityGroup)
	return w, nil
}
