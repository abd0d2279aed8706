package bench_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/redshift-data-access/redshift-data-access/internal/access"
	"github.com/redshift-data-access/redshift-data-access/internal/awsconfig"
	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/internal/endpoint"
	"github.com/redshift-data-access/redshift-data-access/internal/secret"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
)

// The stack of BenchmarkThrottledStack: grants on shared principals, with
// room in each role's managed-policy quota (10): stackScoped/stackRoles
// Scoped policies and the one AWS managed policy per role.
const (
	stackRoles     = 10
	stackScoped    = 60
	stackManaged   = 40
	stackSecrets   = 20
	stackEndpoints = 5
	stackResources = stackScoped + stackManaged + stackSecrets + stackEndpoints
	stackID        = "arn:aws:cloudformation:us-east-1:111111111111:stack/bench-scale/0e6f1c10-0000-11ef-8000-0a1b2c3d4e5f"
)

// stackResource is one resource of the stack: its handler, function (for
// the retry budget and deadline) and properties before and after the
// stack's update.
type stackResource struct {
	logicalID    string
	resourceType string
	fn           awsconfig.Function
	res          customresource.Resource
	props        map[string]any
	updated      map[string]any
	physicalID   string
}

// BenchmarkThrottledStack deploys, updates and deletes a stack of 100
// Access grants (Scoped and Managed on shared roles), 20 secrets and 5 VPC
// endpoints against the emulator with IAM rate limited at
// awsemu.IAMRateLimit, every resource of a phase at once, as CloudFormation
// runs the independent resources of a stack in parallel. Each handler runs
// with its function's production retry budget (internal/awsconfig) and a
// context that ends at its function's timeout less the runtime's deadline
// margin, as the customresource runtime gives it.
//
// It reports failed resources (the goal is 0), the wall time of the three
// phases, the floor the rate limit imposes (IAM calls served, less the
// burst, divided by the rate), the throttled calls (each one a retry or
// a failure) and the calls per resource and action.
func BenchmarkThrottledStack(b *testing.B) {
	for i := 0; i < b.N; i++ {
		runThrottledStack(b, i)
	}
}

func runThrottledStack(b *testing.B, round int) {
	b.Helper()
	b.StopTimer()
	srv := awsemu.Start()
	defer srv.Close()
	cfgFor := func(fn awsconfig.Function) aws.Config {
		cfg := srv.Config(awsemu.AccountA)
		cfg.Retryer = awsconfig.BudgetOf(fn).Retryer
		return cfg
	}
	env := &awsEnv{cfg: cfgFor(awsconfig.Access)}
	grants := access.NewAccess(env.accessClients(env.cfg))
	secrets := secret.New(secretsmanager.NewFromConfig(cfgFor(awsconfig.Secret)), env.cfg.Region)
	ec2Client := ec2.NewFromConfig(cfgFor(awsconfig.Endpoint))
	endpoints := endpoint.New(ec2Client, env.cfg.Region)

	var stack []*stackResource
	for r := range stackRoles {
		createRole(b, env.cfg, fmt.Sprintf("scale-app-%d", r))
	}
	for g := range stackScoped {
		role := fmt.Sprintf("scale-app-%d", g%stackRoles)
		cluster := fmt.Sprintf("analytics-%d", g)
		stack = append(stack, &stackResource{
			logicalID: fmt.Sprintf("Scoped%d", g), resourceType: access.AccessType, fn: awsconfig.Access, res: grants,
			props:   map[string]any{"Roles": []any{role}, "Clusters": []any{cluster}, "Databases": []any{"dev"}},
			updated: map[string]any{"Roles": []any{role}, "Clusters": []any{cluster}, "Databases": []any{"dev", "reports"}},
		})
	}
	for g := range stackManaged {
		props := map[string]any{"Roles": []any{fmt.Sprintf("scale-app-%d", g%stackRoles)}, "PolicyMode": "Managed"}
		stack = append(stack, &stackResource{
			logicalID: fmt.Sprintf("Managed%d", g), resourceType: access.AccessType, fn: awsconfig.Access, res: grants,
			props: props, updated: props,
		})
	}
	for s := range stackSecrets {
		props := map[string]any{"ClusterIdentifier": fmt.Sprintf("analytics-%d", s), "Username": "app_user", "Database": "dev"}
		updated := map[string]any{"ClusterIdentifier": fmt.Sprintf("analytics-%d", s), "Username": "app_user", "Database": "dev", "Description": "updated"}
		stack = append(stack, &stackResource{
			logicalID: fmt.Sprintf("Secret%d", s), resourceType: secret.ResourceType, fn: awsconfig.Secret, res: secrets,
			props: props, updated: updated,
		})
	}
	for range stackEndpoints {
		// One endpoint per VPC: private DNS allows one per service and VPC.
		vpc, subnet := createVPC(b, ec2Client)
		props := map[string]any{"VpcId": vpc, "SubnetIds": []any{subnet}}
		stack = append(stack, &stackResource{
			logicalID: fmt.Sprintf("Endpoint%d", len(stack)), resourceType: endpoint.ResourceType, fn: awsconfig.Endpoint, res: endpoints,
			props: props, updated: props,
		})
	}

	limit := awsemu.IAMRateLimit
	srv.SetRateLimit(limit)
	callsBefore, allBefore := srv.Calls("iam"), allCalls(srv)
	var failures atomic.Int64
	phase := func(action customresource.Action, do func(ctx context.Context, r *stackResource, req customresource.Request) error) {
		var wg sync.WaitGroup
		for n, r := range stack {
			if action != customresource.ActionCreate && r.physicalID == "" {
				continue // its Create failed
			}
			wg.Go(func() {
				ctx, cancel := context.WithTimeout(context.Background(), awsconfig.BudgetOf(r.fn).Window)
				defer cancel()
				req := customresource.Request{
					Action: action, RequestID: fmt.Sprintf("%08d-0000-4000-8000-%012d", round, n), StackID: stackID,
					LogicalResourceID: r.logicalID, ResourceType: r.resourceType, PhysicalResourceID: r.physicalID,
				}
				if err := do(ctx, r, req); err != nil {
					failures.Add(1)
					b.Logf("%s %s: %v", action, r.logicalID, err)
				}
			})
		}
		wg.Wait()
	}

	b.StartTimer()
	start := time.Now()
	phase(customresource.ActionCreate, func(ctx context.Context, r *stackResource, req customresource.Request) error {
		req.Properties = r.props
		out, err := r.res.Create(ctx, req)
		r.physicalID = out.PhysicalResourceID
		return err
	})
	phase(customresource.ActionUpdate, func(ctx context.Context, r *stackResource, req customresource.Request) error {
		req.Properties, req.OldProperties = r.updated, r.props
		out, err := r.res.Update(ctx, req)
		if err == nil && out.PhysicalResourceID != r.physicalID {
			return fmt.Errorf("the in-place update replaced %s with %s", r.physicalID, out.PhysicalResourceID)
		}
		return err
	})
	phase(customresource.ActionDelete, func(ctx context.Context, r *stackResource, req customresource.Request) error {
		req.Properties = r.updated
		return r.res.Delete(ctx, req)
	})
	wall := time.Since(start)
	b.StopTimer()

	throttled := srv.RateLimited("iam")
	served := srv.Calls("iam") - callsBefore - throttled
	floor := time.Duration(float64(max(served-limit.Burst, 0)) / limit.Rate * float64(time.Second))
	all := allCalls(srv) - allBefore
	b.ReportMetric(float64(failures.Load()), "failures")
	b.ReportMetric(wall.Seconds(), "wall-s")
	b.ReportMetric(floor.Seconds(), "floor-s")
	b.ReportMetric(wall.Seconds()/floor.Seconds(), "wall/floor")
	b.ReportMetric(float64(throttled), "retries")
	b.ReportMetric(float64(served), "iam-calls")
	b.ReportMetric(float64(all-throttled)/float64(stackResources)/3, "calls/resource-action")
	if failures.Load() > 0 {
		b.Errorf("%d resources failed under throttling, want 0", failures.Load())
	}
}

// allCalls is the number of calls the emulator has received, throttled or
// not, to the services the stack's resources call.
func allCalls(srv *awsemu.Server) int {
	n := 0
	for _, svc := range []string{"iam", "sts", "redshift-serverless", "secretsmanager", "ec2"} {
		n += srv.Calls(svc)
	}
	return n
}
