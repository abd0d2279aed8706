package eventdriven_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	"github.com/aws/aws-sdk-go-v2/service/redshiftdata"
	rsdtypes "github.com/aws/aws-sdk-go-v2/service/redshiftdata/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/redshift-data-access/redshift-data-access/internal/access"
	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/internal/dbuser"
	"github.com/redshift-data-access/redshift-data-access/internal/endpoint"
	"github.com/redshift-data-access/redshift-data-access/internal/eventdriven"
	"github.com/redshift-data-access/redshift-data-access/internal/eventdriven/eventtest"
	"github.com/redshift-data-access/redshift-data-access/internal/guardrail"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
)

// failingResource wraps a real resource: it records the calls and, when
// failEvent is set, makes every Update of that request event and then fails
// it, as a half-done Update would, in every delivery of the event. The
// rollback Update the adapter sends is never failed.
type failingResource struct {
	customresource.Resource
	mu        sync.Mutex
	calls     []string
	failEvent string
}

func (r *failingResource) record(req customresource.Request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, string(req.Action)+" "+req.RequestID)
}

func (r *failingResource) Create(ctx context.Context, req customresource.Request) (customresource.Result, error) {
	r.record(req)
	return r.Resource.Create(ctx, req)
}

func (r *failingResource) Update(ctx context.Context, req customresource.Request) (customresource.Result, error) {
	r.record(req)
	out, err := r.Resource.Update(ctx, req)
	r.mu.Lock()
	fail := r.failEvent != "" && req.RequestID == r.failEvent
	r.mu.Unlock()
	if err == nil && fail {
		return customresource.Result{}, fmt.Errorf("update half done: %w", errInjected)
	}
	return out, err
}

func (r *failingResource) Delete(ctx context.Context, req customresource.Request) error {
	r.record(req)
	return r.Resource.Delete(ctx, req)
}

func (r *failingResource) takeCalls() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.calls
	r.calls = nil
	return out
}

func (r *failingResource) failUpdatesOf(eventID string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failEvent = eventID
}

// SecretProperties passes the wrapped resource's secret properties on, so
// that the parser refuses them as it would for the real resource.
func (r *failingResource) SecretProperties() []string {
	if s, ok := r.Resource.(customresource.SecretProperties); ok {
		return s.SecretProperties()
	}
	return nil
}

// resourceCase is one resource type's event-path contract: the properties
// of each step and how to read the real resources back.
type resourceCase struct {
	resourceType string
	// setup makes the resource against a fresh local emulator, with the
	// prerequisites its properties name, and returns it with a check of
	// whether a physical ID exists.
	setup func(t *testing.T) (customresource.Resource, func(ctx context.Context, id string) (bool, error))
	// create, inPlace and replace are the properties of the create, the
	// update in place and the update needing replacement; failed is an
	// in-place change of replace that the wrapper makes fail.
	create, inPlace, replace, failed func() map[string]any
}

// typedRequestEvent is requestEvent for any resource type.
func typedRequestEvent(resourceType, id string, rt eventdriven.RequestType, key string, props map[string]any) string {
	detail, _ := json.Marshal(eventdriven.Detail{RequestType: rt, ResourceType: resourceType, Key: key, Properties: props})
	b, _ := json.Marshal(eventdriven.Envelope{
		Version: "0", ID: id, DetailType: eventdriven.DetailTypeRequest, Source: requestSource,
		Account: awsemu.AccountA, Region: "us-east-1", Detail: detail,
	})
	return string(b)
}

// runResourceLifecycle plays a key's life through the queue for c and,
// after every step, checks that the ledger item and the real resources
// agree: the item names the one resource that exists, and every other
// physical ID a result event ever named is gone.
func runResourceLifecycle(t *testing.T, c resourceCase, failAt int) *env {
	t.Helper()
	r, exists := c.setup(t)
	res := &failingResource{Resource: r}
	e := newEnvWith(t, map[string]customresource.Resource{c.resourceType: res})
	e.faults.failAt = failAt
	const key = "team-c/event-contract"
	seen := 0
	tr := eventtest.NewTracker(c.resourceType, key)
	for _, s := range eventtest.Lifecycle(c.create(), c.inPlace(), c.replace(), c.failed()) {
		res.takeCalls()
		if s.FailUpdate {
			res.failUpdatesOf(s.EventID)
		} else {
			res.failUpdatesOf("")
		}
		e.send(typedRequestEvent(c.resourceType, s.EventID, s.Request, key, s.Props), key, s.DedupID())
		e.drain()
		calls := res.takeCalls()
		var results []eventtest.Result
		for _, r := range e.results(&seen) {
			results = append(results, eventtest.Result{DetailType: r.DetailType, Detail: r.Detail, Raw: r.Raw})
		}
		if s.NoCalls && len(calls) > 0 {
			t.Errorf("%s: resource calls %v, want none: the ledger answers", s.Name, calls)
		}
		raw, item := e.item(key), map[string]string{}
		for name := range raw {
			item[name] = attrS(raw, name)
		}
		for _, err := range tr.Check(context.Background(), s, results, item, exists) {
			t.Error(err)
		}
		if t.Failed() {
			t.Fatalf("stopping after step %s; resource calls %v", s.Name, calls)
		}
	}
	return e
}

func resourceCases() map[string]resourceCase {
	return map[string]resourceCase{
		"access Scoped": {
			resourceType: access.AccessType,
			setup: func(t *testing.T) (customresource.Resource, func(context.Context, string) (bool, error)) {
				c, client := accessClients(t, "analyst")
				return access.NewAccess(c), func(ctx context.Context, arn string) (bool, error) {
					_, err := client.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
					var nf *iamtypes.NoSuchEntityException
					if errors.As(err, &nf) {
						return false, nil
					}
					return err == nil, err
				}
			},
			create: func() map[string]any {
				return map[string]any{"Roles": []any{"analyst"}, "Clusters": []any{"analytics"}}
			},
			inPlace: func() map[string]any {
				return map[string]any{"Roles": []any{"analyst"}, "Clusters": []any{"analytics"}, "Databases": []any{"dev"}}
			},
			replace: func() map[string]any {
				return map[string]any{"Roles": []any{"analyst"}, "Clusters": []any{"analytics"}, "Databases": []any{"dev"}, "PolicyName": "event-data-api"}
			},
			failed: func() map[string]any {
				return map[string]any{"Roles": []any{"analyst"}, "Clusters": []any{"analytics"}, "Databases": []any{"prod"}, "PolicyName": "event-data-api"}
			},
		},
		"access Managed": {
			resourceType: access.AccessType,
			setup: func(t *testing.T) (customresource.Resource, func(context.Context, string) (bool, error)) {
				c, client := accessClients(t, "analyst", "loader")
				return access.NewAccess(c), func(ctx context.Context, id string) (bool, error) {
					if strings.HasPrefix(id, "arn:") {
						_, err := client.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(id)})
						var nf *iamtypes.NoSuchEntityException
						if errors.As(err, &nf) {
							return false, nil
						}
						return err == nil, err
					}
					// A Managed grant's ID is a tag on each role it holds.
					for _, role := range []string{"analyst", "loader"} {
						out, err := client.ListRoleTags(ctx, &iam.ListRoleTagsInput{RoleName: aws.String(role)})
						if err != nil {
							return false, err
						}
						if slices.ContainsFunc(out.Tags, func(tag iamtypes.Tag) bool { return aws.ToString(tag.Key) == id }) {
							return true, nil
						}
					}
					return false, nil
				}
			},
			create: func() map[string]any { return map[string]any{"PolicyMode": "Managed", "Roles": []any{"analyst"}} },
			inPlace: func() map[string]any {
				return map[string]any{"PolicyMode": "Managed", "Roles": []any{"analyst", "loader"}}
			},
			// Managed to Scoped replaces the grant with a policy.
			replace: func() map[string]any {
				return map[string]any{"PolicyMode": "Scoped", "Roles": []any{"analyst"}, "Clusters": []any{"analytics"}}
			},
			failed: func() map[string]any {
				return map[string]any{"PolicyMode": "Scoped", "Roles": []any{"analyst"}, "Clusters": []any{"analytics"}, "Databases": []any{"dev"}}
			},
		},
		"endpoint": endpointCase(),
		"dbuser":   dbuserCase(),
	}
}

// accessClients returns the access clients of account A on a fresh
// emulator holding the roles, and its IAM client for reading back.
func accessClients(t *testing.T, roles ...string) (access.Clients, *iam.Client) {
	t.Helper()
	srv := awsemu.Start()
	t.Cleanup(srv.Close)
	cfg := srv.Config(awsemu.AccountA)
	client := iam.NewFromConfig(cfg)
	trust := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"sts:AssumeRole"}]}`, awsemu.AccountA)
	for _, role := range roles {
		if _, err := client.CreateRole(t.Context(), &iam.CreateRoleInput{RoleName: aws.String(role), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
			t.Fatalf("creating role %s: %v", role, err)
		}
	}
	// The guardrails refuse a grant on a cluster that does not exist.
	if _, err := redshift.NewFromConfig(cfg).CreateCluster(t.Context(), &redshift.CreateClusterInput{
		ClusterIdentifier: aws.String("analytics"), NodeType: aws.String("ra3.large"), ClusterType: aws.String("single-node"),
		MasterUsername: aws.String("admin"), MasterUserPassword: aws.String("Admin-Passw0rd"),
	}); err != nil {
		t.Fatalf("creating cluster analytics: %v", err)
	}
	return access.NewClients(cfg, guardrail.Config{}), client
}

// endpointCase is the endpoint's contract: two VPCs, so that moving the
// endpoint to the other one replaces it.
func endpointCase() resourceCase {
	var vpc, subA, subB, otherVPC, otherSub string
	return resourceCase{
		resourceType: endpoint.ResourceType,
		setup: func(t *testing.T) (customresource.Resource, func(context.Context, string) (bool, error)) {
			srv := awsemu.Start()
			t.Cleanup(srv.Close)
			client := ec2.NewFromConfig(srv.Config(awsemu.AccountA))
			newVPC := func(cidr string) string {
				out, err := client.CreateVpc(t.Context(), &ec2.CreateVpcInput{CidrBlock: aws.String(cidr)})
				if err != nil {
					t.Fatalf("CreateVpc: %v", err)
				}
				if _, err := client.ModifyVpcAttribute(t.Context(), &ec2.ModifyVpcAttributeInput{VpcId: out.Vpc.VpcId, EnableDnsHostnames: &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}}); err != nil {
					t.Fatalf("ModifyVpcAttribute: %v", err)
				}
				return aws.ToString(out.Vpc.VpcId)
			}
			newSubnet := func(vpc, cidr, zone string) string {
				out, err := client.CreateSubnet(t.Context(), &ec2.CreateSubnetInput{VpcId: aws.String(vpc), CidrBlock: aws.String(cidr), AvailabilityZone: aws.String(zone)})
				if err != nil {
					t.Fatalf("CreateSubnet: %v", err)
				}
				return aws.ToString(out.Subnet.SubnetId)
			}
			vpc, otherVPC = newVPC("10.0.0.0/16"), newVPC("10.1.0.0/16")
			subA, subB = newSubnet(vpc, "10.0.1.0/24", "us-east-1a"), newSubnet(vpc, "10.0.2.0/24", "us-east-1b")
			otherSub = newSubnet(otherVPC, "10.1.1.0/24", "us-east-1a")
			return endpoint.New(client, srv.Region()), func(ctx context.Context, id string) (bool, error) {
				out, err := client.DescribeVpcEndpoints(ctx, &ec2.DescribeVpcEndpointsInput{Filters: []ec2types.Filter{{Name: aws.String("vpc-endpoint-id"), Values: []string{id}}}})
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
		},
		create:  func() map[string]any { return map[string]any{"VpcId": vpc, "SubnetIds": []any{subA}} },
		inPlace: func() map[string]any { return map[string]any{"VpcId": vpc, "SubnetIds": []any{subA, subB}} },
		replace: func() map[string]any { return map[string]any{"VpcId": otherVPC, "SubnetIds": []any{otherSub}} },
		failed: func() map[string]any {
			return map[string]any{"VpcId": otherVPC, "SubnetIds": []any{otherSub}, "Tags": map[string]any{"team": "data"}}
		},
	}
}

// TestContractResources runs the event-path lifecycle for the access
// (Scoped and Managed), endpoint and database user resources, beside the secret's in
// TestContract.
func TestContractResources(t *testing.T) {
	for name, c := range resourceCases() {
		t.Run(name, func(t *testing.T) {
			e := runResourceLifecycle(t, c, 0)
			if e.faults.count() == 0 {
				t.Fatal("no DynamoDB or EventBridge call went through the wrapped clients")
			}
		})
	}
}

// TestContractResourcesFaults fails each DynamoDB and EventBridge call of
// each resource's lifecycle in turn, once: the failed delivery is retried
// and every step still ends where it does without faults.
func TestContractResourcesFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("one lifecycle per adapter call")
	}
	for name, c := range resourceCases() {
		t.Run(name, func(t *testing.T) {
			total := runResourceLifecycle(t, c, 0).faults.count()
			for n := 1; n <= total; n++ {
				t.Run(fmt.Sprintf("call %d of %d", n, total), func(t *testing.T) {
					if e := runResourceLifecycle(t, c, n); e.faults.count() < n {
						t.Fatalf("only %d calls: the fault on call %d was never injected", e.faults.count(), n)
					}
				})
			}
		})
	}
}

// TestConcurrentDeliveriesResources hands three deliveries of one request
// and a second request for the same new key to concurrent invocations,
// for each resource type: one delivery wins each claim, the others are
// retried, and one resource exists in the end, the one the ledger names.
func TestConcurrentDeliveriesResources(t *testing.T) {
	for name, c := range resourceCases() {
		t.Run(name, func(t *testing.T) {
			r, exists := c.setup(t)
			e := newEnvWith(t, map[string]customresource.Resource{c.resourceType: r})
			const key = "team-d/concurrent"
			first, second := c.create(), c.inPlace()
			pending := []events.SQSMessage{
				{MessageId: "m1", Body: typedRequestEvent(c.resourceType, "ev-a", eventdriven.RequestApply, key, first)},
				{MessageId: "m2", Body: typedRequestEvent(c.resourceType, "ev-a", eventdriven.RequestApply, key, first)},
				{MessageId: "m3", Body: typedRequestEvent(c.resourceType, "ev-a", eventdriven.RequestApply, key, first)},
				{MessageId: "m4", Body: typedRequestEvent(c.resourceType, "ev-b", eventdriven.RequestApply, key, second)},
			}
			// One invocation per delivery, all at once.
			handles := make([]eventtest.Handle, len(pending))
			for i := range handles {
				handles[i] = e.handler.HandleSQS
			}
			if err := eventtest.DeliverConcurrently(context.Background(), handles, pending); err != nil {
				t.Fatal(err)
			}
			seen := 0
			ids := map[string]bool{}
			for _, r := range e.results(&seen) {
				if r.DetailType != eventdriven.DetailTypeProvisioned {
					t.Errorf("result %s %s, want Provisioned", r.DetailType, r.Raw)
				}
				ids[r.Detail.PhysicalResourceID] = true
			}
			if len(ids) != 1 {
				t.Fatalf("results name physical IDs %v, want one", ids)
			}
			item := e.item(key)
			id := attrS(item, "PhysicalResourceId")
			if !ids[id] || attrS(item, "Status") != string(eventdriven.StatusProvisioned) || attrS(item, "Pending") != "" {
				t.Errorf("ledger names %q with Status %q and Pending %q, want %v provisioned and unclaimed", id, attrS(item, "Status"), attrS(item, "Pending"), ids)
			}
			want := first
			if attrS(item, "LastEventId") == "ev-b" {
				want = second
			}
			var props map[string]any
			if err := json.Unmarshal([]byte(attrS(item, "Properties")), &props); err != nil || !equalJSON(props, want) {
				t.Errorf("ledger Properties %v (%v), want those of %s: %v", props, err, attrS(item, "LastEventId"), want)
			}
			if ok, err := exists(context.Background(), id); err != nil || !ok {
				t.Errorf("%s exists = %v (%v), want the resource the ledger names", id, ok, err)
			}
		})
	}
}

// dbuserCase is the database user's contract on a cluster whose admin
// secret the properties name: renaming the user replaces it.
func dbuserCase() resourceCase {
	var adminSecret string
	return resourceCase{
		resourceType: dbuser.ResourceType,
		setup: func(t *testing.T) (customresource.Resource, func(context.Context, string) (bool, error)) {
			srv := awsemu.Start(awsemu.WithStatementDelay(0))
			t.Cleanup(srv.Close)
			cfg := srv.Config(awsemu.AccountA)
			if _, err := redshift.NewFromConfig(cfg).CreateCluster(t.Context(), &redshift.CreateClusterInput{
				ClusterIdentifier: aws.String("analytics"), NodeType: aws.String("ra3.large"), ClusterType: aws.String("single-node"),
				MasterUsername: aws.String("admin"), MasterUserPassword: aws.String("Admin-Passw0rd"),
			}); err != nil {
				t.Fatalf("CreateCluster: %v", err)
			}
			sm := secretsmanager.NewFromConfig(cfg)
			out, err := sm.CreateSecret(t.Context(), &secretsmanager.CreateSecretInput{
				Name: aws.String("cluster-admin"), SecretString: aws.String(`{"username":"admin","password":"Admin-Passw0rd"}`),
			})
			if err != nil {
				t.Fatalf("CreateSecret: %v", err)
			}
			adminSecret = aws.ToString(out.ARN)
			data := redshiftdata.NewFromConfig(cfg)
			for _, sql := range []string{"CREATE GROUP readers", "CREATE GROUP writers", "CREATE ROLE analyst"} {
				if _, err := runStatement(t.Context(), data, &redshiftdata.ExecuteStatementInput{
					ClusterIdentifier: aws.String("analytics"), Database: aws.String("dev"), SecretArn: aws.String(adminSecret), Sql: aws.String(sql),
				}); err != nil {
					t.Fatalf("%s: %v", sql, err)
				}
			}
			return dbuser.New(data, sm), func(ctx context.Context, id string) (bool, error) {
				return dbuserExists(ctx, data, adminSecret, id)
			}
		},
		create: func() map[string]any {
			return map[string]any{"ClusterIdentifier": "analytics", "AdminSecretArn": adminSecret, "UserName": "app_user", "Groups": []any{"readers"}}
		},
		inPlace: func() map[string]any {
			return map[string]any{"ClusterIdentifier": "analytics", "AdminSecretArn": adminSecret, "UserName": "app_user", "Groups": []any{"readers", "writers"}}
		},
		replace: func() map[string]any {
			return map[string]any{"ClusterIdentifier": "analytics", "AdminSecretArn": adminSecret, "UserName": "app_user_v2", "Groups": []any{"readers", "writers"}}
		},
		failed: func() map[string]any {
			return map[string]any{"ClusterIdentifier": "analytics", "AdminSecretArn": adminSecret, "UserName": "app_user_v2", "Groups": []any{"readers", "writers"}, "Roles": []any{"analyst"}}
		},
	}
}

// dbuserExists reports whether the user a database user's physical ID
// names exists in cluster analytics. The ID is spelled out here rather
// than parsed with the resource's own code:
// redshift-data-access:dbuser:<created|adopted>:cluster:<name>:<database>:<user>,
// database and user in unpadded base64url.
func dbuserExists(ctx context.Context, data *redshiftdata.Client, adminSecret, id string) (bool, error) {
	parts := strings.Split(id, ":")
	if len(parts) != 7 || parts[0] != "redshift-data-access" || parts[1] != "dbuser" || parts[3] != "cluster" {
		return false, fmt.Errorf("%q is not a database user's physical ID on a cluster", id)
	}
	database, err := base64.RawURLEncoding.DecodeString(parts[5])
	if err != nil {
		return false, err
	}
	user, err := base64.RawURLEncoding.DecodeString(parts[6])
	if err != nil {
		return false, err
	}
	stmt, err := runStatement(ctx, data, &redshiftdata.ExecuteStatementInput{
		ClusterIdentifier: aws.String(parts[4]), Database: aws.String(string(database)), SecretArn: aws.String(adminSecret),
		Sql:        aws.String("SELECT usename FROM pg_user WHERE usename = :name"),
		Parameters: []rsdtypes.SqlParameter{{Name: aws.String("name"), Value: aws.String(string(user))}},
	})
	if err != nil {
		return false, err
	}
	res, err := data.GetStatementResult(ctx, &redshiftdata.GetStatementResultInput{Id: aws.String(stmt)})
	if err != nil {
		return false, err
	}
	return len(res.Records) == 1, nil
}

// runStatement runs one statement and waits until it has finished.
func runStatement(ctx context.Context, data *redshiftdata.Client, in *redshiftdata.ExecuteStatementInput) (string, error) {
	out, err := data.ExecuteStatement(ctx, in)
	if err != nil {
		return "", err
	}
	for {
		d, err := data.DescribeStatement(ctx, &redshiftdata.DescribeStatementInput{Id: out.Id})
		if err != nil {
			return "", err
		}
		switch d.Status {
		case rsdtypes.StatusStringFinished:
			return aws.ToString(out.Id), nil
		case rsdtypes.StatusStringFailed, rsdtypes.StatusStringAborted:
			return "", fmt.Errorf("statement %s: %s", d.Status, aws.ToString(d.Error))
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}
