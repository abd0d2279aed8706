package prerequisites

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// securityGroupName names the security group in each VPC.
const securityGroupName = "redshift-data-api-endpoint"

func buildNetwork(ctx context.Context, cfg aws.Config, w *World) error {
	c := ec2.NewFromConfig(cfg)
	zone := func(letter string) string { return cfg.Region + letter }
	var err error
	if w.VPC, err = newVPC(ctx, c, "10.0.0.0/16"); err != nil {
		return err
	}
	if w.SubnetA, err = newSubnet(ctx, c, w.VPC, "10.0.1.0/24", zone("a")); err != nil {
		return err
	}
	if w.SubnetB, err = newSubnet(ctx, c, w.VPC, "10.0.2.0/24", zone("b")); err != nil {
		return err
	}
	if w.SubnetC, err = newSubnet(ctx, c, w.VPC, "10.0.3.0/24", zone("c")); err != nil {
		return err
	}
	if w.SecurityGroup, err = newSecurityGroup(ctx, c, w.VPC); err != nil {
		return err
	}
	if w.OtherVPC, err = newVPC(ctx, c, "10.1.0.0/16"); err != nil {
		return err
	}
	if w.OtherSubnet, err = newSubnet(ctx, c, w.OtherVPC, "10.1.1.0/24", zone("a")); err != nil {
		return err
	}
	if w.OtherSecurityGroup, err = newSecurityGroup(ctx, c, w.OtherVPC); err != nil {
		return err
	}
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

func newSecurityGroup(ctx context.Context, c *ec2.Client, vpc string) (string, error) {
	out, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{
		VpcId:       &vpc,
		GroupName:   aws.String(securityGroupName),
		Description: aws.String("HTTPS to the Redshift Data API endpoint"),
	})
	if err != nil {
		return "", fmt.Errorf("creating security group %s in VPC %s: %w", securityGroupName, vpc, err)
	}
	return aws.ToString(out.GroupId), nil
}
