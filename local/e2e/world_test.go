package e2e

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	"github.com/aws/aws-sdk-go-v2/service/redshiftserverless"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/smithy-go"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
)

// world is an emulator with what the resources and the sample events
// need: in account A the seed's cluster examplecluster, the workgroup
// default-workgroup, the role someRoleA, the users analyst and etl, the
// group analysts, a VPC with DNS support and hostnames, subnets in
// us-east-1a, us-east-1b and us-east-1c, a security group, and a second
// such VPC with a subnet and a security group for replacements.
type world struct {
	srv         *awsemu.Server
	roleA       string // someRoleA's ARN
	vpc         string
	subnetA     string
	subnetB     string
	subnetC     string
	group       string
	otherVPC    string
	otherSubnet string
	otherGroup  string
}

const (
	clusterID     = "examplecluster"
	workgroupName = "default-workgroup"
	roleAName     = "someRoleA"
)

// The IAM users and groups the sample grants name.
var (
	userNames  = []string{"analyst", "etl"}
	groupNames = []string{"analysts"}
)

func newWorld(t *testing.T) *world {
	t.Helper()
	srv := awsemu.Start()
	t.Cleanup(srv.Close)
	ctx := t.Context()
	cfg := srv.Config(awsemu.AccountA)
	w := &world{srv: srv}

	must(t, "CreateCluster", func() error {
		_, err := redshift.NewFromConfig(cfg).CreateCluster(ctx, &redshift.CreateClusterInput{
			ClusterIdentifier: aws.String(clusterID), NodeType: aws.String("ra3.xlplus"), ClusterType: aws.String("single-node"),
			MasterUsername: aws.String("awsuser"), MasterUserPassword: aws.String("Admin-Passw0rd-e2e"),
		})
		return err
	})
	rss := redshiftserverless.NewFromConfig(cfg)
	must(t, "CreateNamespace", func() error {
		_, err := rss.CreateNamespace(ctx, &redshiftserverless.CreateNamespaceInput{NamespaceName: aws.String("default-namespace")})
		return err
	})
	must(t, "CreateWorkgroup", func() error {
		_, err := rss.CreateWorkgroup(ctx, &redshiftserverless.CreateWorkgroupInput{WorkgroupName: aws.String(workgroupName), NamespaceName: aws.String("default-namespace")})
		return err
	})

	c := iam.NewFromConfig(cfg)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}]}`
	must(t, "CreateRole", func() error {
		out, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(roleAName), AssumeRolePolicyDocument: &trust})
		if err == nil {
			w.roleA = aws.ToString(out.Role.Arn)
		}
		return err
	})
	for _, name := range userNames {
		must(t, "CreateUser", func() error {
			_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)})
			return err
		})
	}
	for _, name := range groupNames {
		must(t, "CreateGroup", func() error {
			_, err := c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String(name)})
			return err
		})
	}

	e := ec2.NewFromConfig(cfg)
	w.vpc = newVPC(t, e, "10.0.0.0/16")
	w.subnetA = newSubnet(t, e, w.vpc, "10.0.1.0/24", "us-east-1a")
	w.subnetB = newSubnet(t, e, w.vpc, "10.0.2.0/24", "us-east-1b")
	w.subnetC = newSubnet(t, e, w.vpc, "10.0.3.0/24", "us-east-1c")
	w.group = newSecurityGroup(t, e, w.vpc)
	w.otherVPC = newVPC(t, e, "10.1.0.0/16")
	w.otherSubnet = newSubnet(t, e, w.otherVPC, "10.1.1.0/24", "us-east-1a")
	w.otherGroup = newSecurityGroup(t, e, w.otherVPC)
	return w
}

func newSecurityGroup(t *testing.T, c *ec2.Client, vpc string) string {
	t.Helper()
	var id string
	must(t, "CreateSecurityGroup", func() error {
		out, err := c.CreateSecurityGroup(t.Context(), &ec2.CreateSecurityGroupInput{VpcId: &vpc, GroupName: aws.String("data-api"), Description: aws.String("data-api")})
		if err == nil {
			id = aws.ToString(out.GroupId)
		}
		return err
	})
	return id
}

func must(t *testing.T, op string, f func() error) {
	t.Helper()
	if err := f(); err != nil {
		t.Fatalf("%s: %v", op, err)
	}
}

func newVPC(t *testing.T, c *ec2.Client, cidr string) string {
	t.Helper()
	var id string
	must(t, "CreateVpc", func() error {
		out, err := c.CreateVpc(t.Context(), &ec2.CreateVpcInput{CidrBlock: &cidr})
		if err != nil {
			return err
		}
		id = aws.ToString(out.Vpc.VpcId)
		on := &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}
		if _, err := c.ModifyVpcAttribute(t.Context(), &ec2.ModifyVpcAttributeInput{VpcId: &id, EnableDnsSupport: on}); err != nil {
			return err
		}
		_, err = c.ModifyVpcAttribute(t.Context(), &ec2.ModifyVpcAttributeInput{VpcId: &id, EnableDnsHostnames: on})
		return err
	})
	return id
}

func newSubnet(t *testing.T, c *ec2.Client, vpc, cidr, zone string) string {
	t.Helper()
	var id string
	must(t, "CreateSubnet", func() error {
		out, err := c.CreateSubnet(t.Context(), &ec2.CreateSubnetInput{VpcId: &vpc, CidrBlock: &cidr, AvailabilityZone: &zone})
		if err == nil {
			id = aws.ToString(out.Subnet.SubnetId)
		}
		return err
	})
	return id
}

// secretExists reports whether a secret exists and is not scheduled for
// deletion.
func (w *world) secretExists(ctx context.Context, arn string) (bool, error) {
	out, err := secretsmanager.NewFromConfig(w.srv.Config(awsemu.AccountA)).DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: &arn})
	var notFound *smtypes.ResourceNotFoundException
	if errors.As(err, &notFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return out.DeletedDate == nil, nil
}

// policyExists reports whether the customer managed policy arn exists in
// account A.
func (w *world) policyExists(ctx context.Context, arn string) (bool, error) {
	_, err := iam.NewFromConfig(w.srv.Config(awsemu.AccountA)).GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: &arn})
	var notFound *iamtypes.NoSuchEntityException
	if errors.As(err, &notFound) {
		return false, nil
	}
	return err == nil, err
}

// roleExists reports whether the role arn exists in account B.
func (w *world) roleExists(ctx context.Context, arn string) (bool, error) {
	name := arn[strings.LastIndex(arn, "/")+1:]
	out, err := iam.NewFromConfig(w.srv.Config(awsemu.AccountB)).GetRole(ctx, &iam.GetRoleInput{RoleName: &name})
	var notFound *iamtypes.NoSuchEntityException
	if errors.As(err, &notFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return aws.ToString(out.Role.Arn) == arn, nil
}

// endpointExists reports whether the VPC endpoint id exists and is neither
// deleting nor deleted.
func (w *world) endpointExists(ctx context.Context, id string) (bool, error) {
	out, err := ec2.NewFromConfig(w.srv.Config(awsemu.AccountA)).DescribeVpcEndpoints(ctx, &ec2.DescribeVpcEndpointsInput{VpcEndpointIds: []string{id}})
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) && apiErr.ErrorCode() == "InvalidVpcEndpointId.NotFound" {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	for _, ep := range out.VpcEndpoints {
		if s := strings.ToLower(string(ep.State)); s != "deleting" && s != "deleted" {
			return true, nil
		}
	}
	return false, nil
}
