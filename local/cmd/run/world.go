package main

import (
	"context"
	"crypto/rand"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	"github.com/aws/aws-sdk-go-v2/service/redshiftserverless"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
)

// Names of the prerequisites, as in the seed's procedures.
const (
	clusterID     = "examplecluster"
	namespaceName = "default-namespace"
	workgroupName = "default-workgroup"
	callerRole    = "someRoleA" // account A's role that assumes account B's
	analystRole   = "analyst"
	loaderRole    = "loader"
	analystUser   = "analyst"
)

// world is what the resources need to exist in the emulator before
// CloudFormation would create them.
type world struct {
	callerRoleArn string
	vpc           string
	subnetA       string // us-east-1a
	subnetB       string // us-east-1b
	securityGroup string
	otherVPC      string // for the endpoint's replacement
	otherSubnet   string
}

// setUp creates the prerequisites in account A through the SDK and writes
// them to the report.
func setUp(ctx context.Context, cfgA aws.Config, rep *report) (world, error) {
	var w world
	if err := setUpRedshift(ctx, cfgA); err != nil {
		return w, err
	}
	if err := setUpIAM(ctx, iam.NewFromConfig(cfgA), &w); err != nil {
		return w, err
	}
	if err := setUpNetwork(ctx, ec2.NewFromConfig(cfgA), &w); err != nil {
		return w, err
	}
	rep.section("prerequisites in account " + awsemu.AccountA)
	rep.printf("  Redshift cluster %s, serverless namespace %s with workgroup %s\n", clusterID, namespaceName, workgroupName)
	rep.printf("  IAM roles %s (trusts account %s), %s, %s; IAM user %s\n", callerRole, awsemu.AccountA, analystRole, loaderRole, analystUser)
	rep.printf("  VPC %s (DNS support and hostnames) with subnets %s (us-east-1a), %s (us-east-1b), security group %s\n", w.vpc, w.subnetA, w.subnetB, w.securityGroup)
	rep.printf("  VPC %s (DNS support and hostnames) with subnet %s, for the endpoint's replacement\n", w.otherVPC, w.otherSubnet)
	return w, nil
}

func setUpRedshift(ctx context.Context, cfg aws.Config) error {
	// The admin passwords are never shown; nothing in the run uses them.
	if _, err := redshift.NewFromConfig(cfg).CreateCluster(ctx, &redshift.CreateClusterInput{
		ClusterIdentifier:  aws.String(clusterID),
		NodeType:           aws.String("ra3.xlplus"),
		ClusterType:        aws.String("single-node"),
		MasterUsername:     aws.String("awsuser"),
		MasterUserPassword: aws.String(adminPassword()),
		DBName:             aws.String("dev"),
	}); err != nil {
		return fmt.Errorf("creating Redshift cluster %s: %w", clusterID, err)
	}
	rss := redshiftserverless.NewFromConfig(cfg)
	if _, err := rss.CreateNamespace(ctx, &redshiftserverless.CreateNamespaceInput{
		NamespaceName:     aws.String(namespaceName),
		AdminUsername:     aws.String("admin"),
		AdminUserPassword: aws.String(adminPassword()),
		DbName:            aws.String("dev"),
	}); err != nil {
		return fmt.Errorf("creating Redshift Serverless namespace %s: %w", namespaceName, err)
	}
	if _, err := rss.CreateWorkgroup(ctx, &redshiftserverless.CreateWorkgroupInput{
		WorkgroupName: aws.String(workgroupName),
		NamespaceName: aws.String(namespaceName),
	}); err != nil {
		return fmt.Errorf("creating Redshift Serverless workgroup %s: %w", workgroupName, err)
	}
	return nil
}

// adminPassword returns a random password under Redshift's rules.
func adminPassword() string {
	return "Aa1" + rand.Text()
}

// accountTrust lets the administrators of account A assume a role.
const accountTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + awsemu.AccountA + `:root"},"Action":"sts:AssumeRole"}]}`

func setUpIAM(ctx context.Context, c *iam.Client, w *world) error {
	for _, name := range []string{callerRole, analystRole, loaderRole} {
		out, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(accountTrust)})
		if err != nil {
			return fmt.Errorf("creating role %s: %w", name, err)
		}
		if name == callerRole {
			w.callerRoleArn = aws.ToString(out.Role.Arn)
		}
	}
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(analystUser)}); err != nil {
		return fmt.Errorf("creating user %s: %w", analystUser, err)
	}
	return nil
}

func setUpNetwork(ctx context.Context, c *ec2.Client, w *world) error {
	var err error
	if w.vpc, err = newVPC(ctx, c, "10.0.0.0/16"); err != nil {
		return err
	}
	if w.subnetA, err = newSubnet(ctx, c, w.vpc, "10.0.1.0/24", "us-east-1a"); err != nil {
		return err
	}
	if w.subnetB, err = newSubnet(ctx, c, w.vpc, "10.0.2.0/24", "us-east-1b"); err != nil {
		return err
	}
	if w.otherVPC, err = newVPC(ctx, c, "10.1.0.0/16"); err != nil {
		return err
	}
	if w.otherSubnet, err = newSubnet(ctx, c, w.otherVPC, "10.1.1.0/24", "us-east-1a"); err != nil {
		return err
	}
	const group = "redshift-data-api-endpoint"
	out, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{VpcId: &w.vpc, GroupName: aws.String(group), Description: aws.String("HTTPS to the Redshift Data API endpoint")})
	if err != nil {
		return fmt.Errorf("creating security group %s in %s: %w", group, w.vpc, err)
	}
	w.securityGroup = aws.ToString(out.GroupId)
	return nil
}

// newVPC creates a VPC with the DNS attributes that private DNS needs.
func newVPC(ctx context.Context, c *ec2.Client, cidr string) (string, error) {
	out, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: &cidr})
	if err != nil {
		return "", fmt.Errorf("creating VPC %s: %w", cidr, err)
	}
	id := aws.ToString(out.Vpc.VpcId)
	on := &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}
	// EC2 takes one attribute per call.
	if _, err := c.ModifyVpcAttribute(ctx, &ec2.ModifyVpcAttributeInput{VpcId: &id, EnableDnsSupport: on}); err != nil {
		return "", fmt.Errorf("enabling DNS support of VPC %s: %w", id, err)
	}
	if _, err := c.ModifyVpcAttribute(ctx, &ec2.ModifyVpcAttributeInput{VpcId: &id, EnableDnsHostnames: on}); err != nil {
		return "", fmt.Errorf("enabling DNS hostnames of VPC %s: %w", id, err)
	}
	return id, nil
}

func newSubnet(ctx context.Context, c *ec2.Client, vpc, cidr, zone string) (string, error) {
	out, err := c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: &vpc, CidrBlock: &cidr, AvailabilityZone: &zone})
	if err != nil {
		return "", fmt.Errorf("creating subnet %s in VPC %s: %w", cidr, vpc, err)
	}
	return aws.ToString(out.Subnet.SubnetId), nil
}
