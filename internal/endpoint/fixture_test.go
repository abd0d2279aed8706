package endpoint

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
)

// testTiming makes waits take milliseconds instead of minutes.
var testTiming = waitTiming{first: 5 * time.Millisecond, max: 20 * time.Millisecond, reserve: 500 * time.Millisecond, limit: 5 * time.Second, notFoundGrace: 100 * time.Millisecond}

// fixture is an emulator with a VPC that supports private DNS (subnets in
// us-east-1a, us-east-1b and a second one in us-east-1a), a second such
// VPC, and a VPC without DNS hostnames, and the resource under test.
type fixture struct {
	srv      *awsemu.Server
	client   *ec2.Client
	calls    *callCounter
	res      *Resource
	vpc      string
	subnetA  string
	subnetB  string
	subnetA2 string
	otherVPC string
	otherSub string
	noDNSVPC string
	noDNSSub string
}

// callCounter counts the EC2 operations the resource calls.
type callCounter struct {
	mu    sync.Mutex
	calls map[string]int
}

func (c *callCounter) middleware(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("countCalls",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			c.mu.Lock()
			c.calls[awsmiddleware.GetOperationName(ctx)]++
			c.mu.Unlock()
			return next.HandleInitialize(ctx, in)
		}), middleware.After)
}

// mutating returns the counts of calls that change something.
func (c *callCounter) mutating() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]int{}
	for _, op := range []string{"CreateVpcEndpoint", "ModifyVpcEndpoint", "DeleteVpcEndpoints", "CreateTags", "DeleteTags"} {
		if n := c.calls[op]; n > 0 {
			out[op] = n
		}
	}
	return out
}

func (c *callCounter) total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, v := range c.calls {
		n += v
	}
	return n
}

func (c *callCounter) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = map[string]int{}
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	srv := awsemu.Start()
	t.Cleanup(srv.Close)
	setup := ec2.NewFromConfig(srv.Config(awsemu.AccountA))
	f := &fixture{srv: srv, calls: &callCounter{calls: map[string]int{}}}
	f.client = ec2.NewFromConfig(srv.Config(awsemu.AccountA), func(o *ec2.Options) {
		o.APIOptions = append(o.APIOptions, f.calls.middleware)
	})
	f.res = New(f.client, srv.Region())
	f.res.timing = testTiming

	f.vpc = newVPC(t, setup, "10.0.0.0/16", true)
	f.subnetA = newSubnet(t, setup, f.vpc, "10.0.1.0/24", "us-east-1a")
	f.subnetB = newSubnet(t, setup, f.vpc, "10.0.2.0/24", "us-east-1b")
	f.subnetA2 = newSubnet(t, setup, f.vpc, "10.0.3.0/24", "us-east-1a")
	f.otherVPC = newVPC(t, setup, "10.1.0.0/16", true)
	f.otherSub = newSubnet(t, setup, f.otherVPC, "10.1.1.0/24", "us-east-1a")
	f.noDNSVPC = newVPC(t, setup, "10.2.0.0/16", false)
	f.noDNSSub = newSubnet(t, setup, f.noDNSVPC, "10.2.1.0/24", "us-east-1a")
	return f
}

func newVPC(t *testing.T, client *ec2.Client, cidr string, dnsHostnames bool) string {
	t.Helper()
	ctx := context.Background()
	out, err := client.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: &cidr})
	if err != nil {
		t.Fatalf("CreateVpc: %v", err)
	}
	if dnsHostnames {
		if _, err := client.ModifyVpcAttribute(ctx, &ec2.ModifyVpcAttributeInput{VpcId: out.Vpc.VpcId, EnableDnsHostnames: &types.AttributeBooleanValue{Value: aws.Bool(true)}}); err != nil {
			t.Fatalf("ModifyVpcAttribute: %v", err)
		}
	}
	return *out.Vpc.VpcId
}

func newSubnet(t *testing.T, client *ec2.Client, vpc, cidr, zone string) string {
	t.Helper()
	out, err := client.CreateSubnet(context.Background(), &ec2.CreateSubnetInput{VpcId: &vpc, CidrBlock: &cidr, AvailabilityZone: &zone})
	if err != nil {
		t.Fatalf("CreateSubnet: %v", err)
	}
	return *out.Subnet.SubnetId
}

func (f *fixture) newSecurityGroup(t *testing.T, name string) string {
	t.Helper()
	out, err := f.client.CreateSecurityGroup(context.Background(), &ec2.CreateSecurityGroupInput{VpcId: &f.vpc, GroupName: &name, Description: &name})
	if err != nil {
		t.Fatalf("CreateSecurityGroup: %v", err)
	}
	return *out.GroupId
}

// request is a CloudFormation-shaped request for the resource.
func request(action customresource.Action, requestID, physicalID string, props map[string]any) customresource.Request {
	return customresource.Request{
		Action: action, RequestID: requestID, PhysicalResourceID: physicalID, ResourceType: ResourceType,
		StackID:           "arn:aws:cloudformation:us-east-1:111111111111:stack/network/5b6f1e20-8a3c-11f0-9d2e-0a1b2c3d4e5f",
		LogicalResourceID: "DataApiEndpoint", Properties: props,
	}
}

func (f *fixture) describe(t *testing.T, id string) types.VpcEndpoint {
	t.Helper()
	ep, err := f.res.find(context.Background(), id)
	if err != nil {
		t.Fatalf("finding %s: %v", id, err)
	}
	return ep
}

func (f *fixture) create(t *testing.T, props map[string]any) customresource.Result {
	t.Helper()
	res, err := f.res.Create(context.Background(), request(customresource.ActionCreate, "create-"+t.Name(), "", props))
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	return res
}
