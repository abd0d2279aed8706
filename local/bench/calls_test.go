package bench_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/google/go-cmp/cmp"

	"github.com/redshift-data-access/redshift-data-access/internal/access"
	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/internal/endpoint"
	"github.com/redshift-data-access/redshift-data-access/internal/guardrail"
	"github.com/redshift-data-access/redshift-data-access/internal/secret"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
	"github.com/redshift-data-access/redshift-data-access/local/bench"
)

const callsStackID = "arn:aws:cloudformation:us-east-1:111111111111:stack/bench-calls/0e6f1c10-0000-11ef-8000-0a1b2c3d4e5f"

// awsEnv is a local emulator behind a call counter.
type awsEnv struct {
	calls *bench.Counter
	// cfg configures clients for account A, cfgB for account B.
	cfg, cfgB aws.Config
}

func newAWSEnv(tb testing.TB) *awsEnv {
	tb.Helper()
	calls := bench.NewCounter(awsemu.New())
	srv := httptest.NewServer(calls)
	tb.Cleanup(srv.Close)
	e := &awsEnv{calls: calls, cfg: awsemu.Config(srv.URL, awsemu.AccountA), cfgB: awsemu.Config(srv.URL, awsemu.AccountB)}
	// The guardrails refuse a grant on a cluster that does not exist.
	for _, cfg := range []aws.Config{e.cfg, e.cfgB} {
		if _, err := redshift.NewFromConfig(cfg).CreateCluster(tb.Context(), &redshift.CreateClusterInput{
			ClusterIdentifier: aws.String("analytics"), NodeType: aws.String("ra3.large"), ClusterType: aws.String("single-node"),
			MasterUsername: aws.String("admin"), MasterUserPassword: aws.String("Admin-Passw0rd"),
		}); err != nil {
			tb.Fatalf("creating cluster analytics: %v", err)
		}
	}
	return e
}

func (e *awsEnv) accessClients(cfg aws.Config) access.Clients {
	return access.NewClients(cfg, guardrail.Config{})
}

// scenario is one kind of resource instance whose calls are counted.
type scenario struct {
	resourceType string
	// setup prepares the accounts (with calls the counter forgets) and
	// returns the resource and the properties of an instance.
	setup func(tb testing.TB, e *awsEnv) (customresource.Resource, map[string]any)
}

var scenarios = map[string]scenario{
	"secret-cluster": {
		resourceType: secret.ResourceType,
		setup: func(tb testing.TB, e *awsEnv) (customresource.Resource, map[string]any) {
			return secret.New(secretsmanager.NewFromConfig(e.cfg), e.cfg.Region), map[string]any{
				"ClusterIdentifier": "analytics", "Username": "app_user", "Database": "dev",
			}
		},
	},
	"secret-workgroup": {
		resourceType: secret.ResourceType,
		setup: func(tb testing.TB, e *awsEnv) (customresource.Resource, map[string]any) {
			return secret.New(secretsmanager.NewFromConfig(e.cfg), e.cfg.Region), map[string]any{
				"WorkgroupName": "reporting", "Username": "app_user",
			}
		},
	},
	"access-scoped": {
		resourceType: access.AccessType,
		setup: func(tb testing.TB, e *awsEnv) (customresource.Resource, map[string]any) {
			createRole(tb, e.cfg, "bench-app")
			return access.NewAccess(e.accessClients(e.cfg)), map[string]any{
				"Roles": []any{"bench-app"}, "Clusters": []any{"analytics"}, "Databases": []any{"dev"},
			}
		},
	},
	"access-managed": {
		resourceType: access.AccessType,
		setup: func(tb testing.TB, e *awsEnv) (customresource.Resource, map[string]any) {
			createRole(tb, e.cfg, "bench-app")
			return access.NewAccess(e.accessClients(e.cfg)), map[string]any{
				"Roles": []any{"bench-app"}, "PolicyMode": "Managed",
			}
		},
	},
	"crossaccountrole": {
		resourceType: access.CrossAccountRoleType,
		setup: func(tb testing.TB, e *awsEnv) (customresource.Resource, map[string]any) {
			caller := createRole(tb, e.cfg, "bench-caller")
			return access.NewCrossAccountRole(e.accessClients(e.cfgB)), map[string]any{
				"TrustedPrincipalArns": []any{caller}, "Clusters": []any{"analytics"},
			}
		},
	},
	"endpoint": {
		resourceType: endpoint.ResourceType,
		setup: func(tb testing.TB, e *awsEnv) (customresource.Resource, map[string]any) {
			client := ec2.NewFromConfig(e.cfg)
			vpc, subnet := createVPC(tb, client)
			return endpoint.New(client, e.cfg.Region), map[string]any{
				"VpcId": vpc, "SubnetIds": []any{subnet},
			}
		},
	},
}

// createRole creates a role that Lambda may assume and returns its ARN.
func createRole(tb testing.TB, cfg aws.Config, name string) string {
	tb.Helper()
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	out, err := iam.NewFromConfig(cfg).CreateRole(context.Background(), &iam.CreateRoleInput{
		RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust),
	})
	if err != nil {
		tb.Fatalf("creating role %s: %v", name, err)
	}
	return aws.ToString(out.Role.Arn)
}

// createVPC creates a VPC with DNS support and hostnames, as private DNS
// needs, and one subnet in it.
func createVPC(tb testing.TB, client *ec2.Client) (vpcID, subnetID string) {
	tb.Helper()
	ctx := context.Background()
	vpc, err := client.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	if err != nil {
		tb.Fatalf("creating a VPC: %v", err)
	}
	vpcID = aws.ToString(vpc.Vpc.VpcId)
	for _, in := range []*ec2.ModifyVpcAttributeInput{
		{VpcId: aws.String(vpcID), EnableDnsSupport: &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}},
		{VpcId: aws.String(vpcID), EnableDnsHostnames: &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}},
	} {
		if _, err := client.ModifyVpcAttribute(ctx, in); err != nil {
			tb.Fatalf("enabling DNS in VPC %s: %v", vpcID, err)
		}
	}
	subnet, err := client.CreateSubnet(ctx, &ec2.CreateSubnetInput{
		VpcId: aws.String(vpcID), CidrBlock: aws.String("10.0.1.0/24"), AvailabilityZone: aws.String("us-east-1a"),
	})
	if err != nil {
		tb.Fatalf("creating a subnet in VPC %s: %v", vpcID, err)
	}
	return vpcID, aws.ToString(subnet.Subnet.SubnetId)
}

// lifecycleCalls are the calls of each action of one lifecycle.
type lifecycleCalls struct {
	create, update, delete []bench.Call
}

// lifecycleTimeout bounds one lifecycle, as a Lambda function's timeout
// bounds each action: the endpoint's waits end at the deadline.
const lifecycleTimeout = time.Minute

// runLifecycle creates an instance with props, updates it with the same
// properties and deletes it, and returns the calls of each action. It
// fails tb when an action fails or the update replaces the resource.
func runLifecycle(tb testing.TB, e *awsEnv, sc scenario, res customresource.Resource, props map[string]any, requestID string) lifecycleCalls {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), lifecycleTimeout)
	defer cancel()
	req := customresource.Request{
		Action: customresource.ActionCreate, RequestID: requestID, StackID: callsStackID,
		LogicalResourceID: "Bench", ResourceType: sc.resourceType, Properties: props,
	}
	var calls lifecycleCalls

	e.calls.Reset()
	created, err := res.Create(ctx, req)
	calls.create = e.calls.Calls()
	if err != nil {
		tb.Fatalf("creating: %v", err)
	}

	req.Action, req.RequestID, req.PhysicalResourceID, req.OldProperties = customresource.ActionUpdate, requestID+"-update", created.PhysicalResourceID, props
	e.calls.Reset()
	updated, err := res.Update(ctx, req)
	calls.update = e.calls.Calls()
	if err != nil {
		tb.Fatalf("updating %s with unchanged properties: %v", created.PhysicalResourceID, err)
	}
	if updated.PhysicalResourceID != created.PhysicalResourceID {
		tb.Fatalf("an update with unchanged properties replaced %s with %s", created.PhysicalResourceID, updated.PhysicalResourceID)
	}

	req.Action, req.RequestID, req.OldProperties = customresource.ActionDelete, requestID+"-delete", nil
	e.calls.Reset()
	err = res.Delete(ctx, req)
	calls.delete = e.calls.Calls()
	if err != nil {
		tb.Fatalf("deleting %s: %v", created.PhysicalResourceID, err)
	}
	return calls
}

// TestNoOpUpdateMakesNoMutatingCall checks the budget (docs/bench.md)
// that an Update whose properties did not change only reads: every
// resource must find that nothing differs and leave the account alone.
func TestNoOpUpdateMakesNoMutatingCall(t *testing.T) {
	for name, sc := range scenarios {
		t.Run(name, func(t *testing.T) {
			e := newAWSEnv(t)
			res, props := sc.setup(t, e)
			calls := runLifecycle(t, e, sc, res, props, "11111111-2222-3333-4444-000000000001")
			if len(bench.Mutations(calls.create)) == 0 {
				t.Fatalf("the counter saw no mutating call of the create, only %v: it cannot judge the update", bench.Tally(calls.create))
			}
			if diff := cmp.Diff([]bench.Call(nil), bench.Mutations(calls.update)); diff != "" {
				t.Errorf("the no-op update made mutating calls (-want +got):\n%s", diff)
			}
		})
	}
}

// BenchmarkAPICalls reports, per resource, the AWS API calls of a Create
// (calls/create), of an Update with unchanged properties (calls/noop-update
// and, of those, mutating/noop-update) and of a Delete (calls/delete). The
// first round logs the calls per operation.
func BenchmarkAPICalls(b *testing.B) {
	for _, name := range sortedScenarios() {
		sc := scenarios[name]
		b.Run(name, func(b *testing.B) {
			e := newAWSEnv(b)
			res, props := sc.setup(b, e)
			var create, update, mutating, del int
			for i := 0; i < b.N; i++ {
				calls := runLifecycle(b, e, sc, res, props, fmt.Sprintf("11111111-2222-3333-4444-%012d", i))
				create += len(calls.create)
				update += len(calls.update)
				mutating += len(bench.Mutations(calls.update))
				del += len(calls.delete)
				if b.N == 1 {
					b.Logf("create: %v", bench.Tally(calls.create))
					b.Logf("no-op update: %v", bench.Tally(calls.update))
					b.Logf("delete: %v", bench.Tally(calls.delete))
				}
			}
			n := float64(b.N)
			b.ReportMetric(float64(create)/n, "calls/create")
			b.ReportMetric(float64(update)/n, "calls/noop-update")
			b.ReportMetric(float64(mutating)/n, "mutating/noop-update")
			b.ReportMetric(float64(del)/n, "calls/delete")
		})
	}
}

func sortedScenarios() []string {
	names := make([]string, 0, len(scenarios))
	for name := range scenarios {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}
