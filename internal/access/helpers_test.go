package access

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	"github.com/aws/aws-sdk-go-v2/service/redshiftserverless"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"

	"github.com/redshift-data-access/redshift-data-access/internal/awserr"
	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
)

const testStack = "arn:aws:cloudformation:us-east-1:111111111111:stack/data-stack/4a2b6c8e-1111-2222-3333-444455556666"

// env is one emulator and the clients of one account, with a record of the
// operations the clients called.
type env struct {
	srv      *awsemu.Server
	clients  Clients
	iam      *iam.Client
	redshift *redshift.Client
	secrets  *secretsmanager.Client
	calls    *callLog
	account  string
}

func newEnv(t *testing.T, account string) *env {
	t.Helper()
	srv := awsemu.Start()
	t.Cleanup(srv.Close)
	e := envFor(srv, account)
	for _, id := range testClusters {
		e.createCluster(t, id, "admin")
	}
	return e
}

// testClusters are the clusters newEnv creates: the guardrails refuse a
// Scoped policy for a cluster that does not exist.
var testClusters = []string{"analytics", "other"}

// createCluster creates a provisioned cluster with master user master.
func (e *env) createCluster(t *testing.T, id, master string) {
	t.Helper()
	_, err := e.redshift.CreateCluster(t.Context(), &redshift.CreateClusterInput{
		ClusterIdentifier: aws.String(id), NodeType: aws.String("ra3.large"), ClusterType: aws.String("single-node"),
		MasterUsername: aws.String(master), MasterUserPassword: aws.String("Admin-Passw0rd"),
	})
	if err != nil {
		t.Fatalf("creating cluster %s: %v", id, err)
	}
}

// envFor returns clients of account on an existing emulator.
func envFor(srv *awsemu.Server, account string) *env {
	cfg := srv.Config(account)
	log := &callLog{}
	i := iam.NewFromConfig(cfg, func(o *iam.Options) { o.APIOptions = append(o.APIOptions, log.record) })
	rs := redshift.NewFromConfig(cfg, func(o *redshift.Options) { o.APIOptions = append(o.APIOptions, log.record) })
	sm := secretsmanager.NewFromConfig(cfg, func(o *secretsmanager.Options) { o.APIOptions = append(o.APIOptions, log.record) })
	return &env{
		srv: srv,
		clients: Clients{
			IAM:        i,
			STS:        sts.NewFromConfig(cfg),
			Serverless: redshiftserverless.NewFromConfig(cfg, func(o *redshiftserverless.Options) { o.APIOptions = append(o.APIOptions, log.record) }),
			Redshift:   rs,
			Secrets:    sm,
			Region:     cfg.Region,
		},
		redshift: rs,
		secrets:  sm,
		iam:      i,
		calls:    log,
		account:  account,
	}
}

// callLog records the operation name of every call of the clients it is
// installed in.
type callLog struct {
	mu  sync.Mutex
	ops []string
}

func (l *callLog) record(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("recordOperation", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
		l.mu.Lock()
		l.ops = append(l.ops, awsmiddleware.GetOperationName(ctx))
		l.mu.Unlock()
		return next.HandleInitialize(ctx, in)
	}), middleware.After)
}

func (l *callLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ops = nil
}

// mutating returns the recorded operations that change something.
func (l *callLog) mutating() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, op := range l.ops {
		for _, prefix := range []string{"Create", "Put", "Attach", "Detach", "Delete", "Tag", "Untag", "Update", "Set", "Add", "Remove"} {
			if strings.HasPrefix(op, prefix) {
				out = append(out, op)
				break
			}
		}
	}
	return out
}

var requestCounter atomic.Int64

// request builds a request of logical resource logicalID in the test stack,
// with a fresh request ID.
func request(action customresource.Action, logicalID, physicalID string, props, old map[string]any) customresource.Request {
	return customresource.Request{
		Action:             action,
		RequestID:          fmt.Sprintf("req-%d", requestCounter.Add(1)),
		StackID:            testStack,
		LogicalResourceID:  logicalID,
		PhysicalResourceID: physicalID,
		Properties:         props,
		OldProperties:      old,
	}
}

func (e *env) createRole(t *testing.T, name, path string) string {
	t.Helper()
	trust := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"sts:AssumeRole"}]}`, e.account)
	out, err := e.iam.CreateRole(t.Context(), &iam.CreateRoleInput{RoleName: aws.String(name), Path: aws.String(path), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatalf("creating role %s: %v", name, err)
	}
	return aws.ToString(out.Role.Arn)
}

func (e *env) createUser(t *testing.T, name string) {
	t.Helper()
	if _, err := e.iam.CreateUser(t.Context(), &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
		t.Fatalf("creating user %s: %v", name, err)
	}
}

func (e *env) createGroup(t *testing.T, name string) {
	t.Helper()
	if _, err := e.iam.CreateGroup(t.Context(), &iam.CreateGroupInput{GroupName: aws.String(name)}); err != nil {
		t.Fatalf("creating group %s: %v", name, err)
	}
}

// attachedTo returns the managed policy ARNs attached to a principal.
func (e *env) attachedTo(t *testing.T, k kind, name string) []string {
	t.Helper()
	var out []string
	switch k {
	case kindRole:
		res, err := e.iam.ListAttachedRolePolicies(t.Context(), &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range res.AttachedPolicies {
			out = append(out, aws.ToString(p.PolicyArn))
		}
	case kindUser:
		res, err := e.iam.ListAttachedUserPolicies(t.Context(), &iam.ListAttachedUserPoliciesInput{UserName: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range res.AttachedPolicies {
			out = append(out, aws.ToString(p.PolicyArn))
		}
	case kindGroup:
		res, err := e.iam.ListAttachedGroupPolicies(t.Context(), &iam.ListAttachedGroupPoliciesInput{GroupName: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range res.AttachedPolicies {
			out = append(out, aws.ToString(p.PolicyArn))
		}
	}
	return out
}

// policyExists reports whether a customer managed policy exists.
func (e *env) policyExists(ctx context.Context, arn string) (bool, error) {
	_, err := e.iam.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
	if awserr.IsNotFound(err) {
		return false, nil
	}
	return err == nil, err
}

// roleExists reports whether the role with this ARN exists.
func (e *env) roleExists(ctx context.Context, arn string) (bool, error) {
	name, ok := roleName(arn)
	if !ok {
		return false, nil
	}
	_, err := e.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
	if awserr.IsNotFound(err) {
		return false, nil
	}
	return err == nil, err
}

// createWorkgroup creates a namespace and a workgroup and returns the
// workgroup's ARN.
func (e *env) createWorkgroup(t *testing.T, name string) string {
	t.Helper()
	ctx := t.Context()
	rs := e.clients.Serverless.(*redshiftserverless.Client)
	if _, err := rs.CreateNamespace(ctx, &redshiftserverless.CreateNamespaceInput{NamespaceName: aws.String(name + "-ns")}); err != nil {
		t.Fatalf("creating namespace: %v", err)
	}
	out, err := rs.CreateWorkgroup(ctx, &redshiftserverless.CreateWorkgroupInput{WorkgroupName: aws.String(name), NamespaceName: aws.String(name + "-ns")})
	if err != nil {
		t.Fatalf("creating workgroup: %v", err)
	}
	return aws.ToString(out.Workgroup.WorkgroupArn)
}

func (e *env) workgroupTagged(t *testing.T, arn string) bool {
	t.Helper()
	out, err := e.clients.Serverless.ListTagsForResource(t.Context(), &redshiftserverless.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	for _, tag := range out.Tags {
		if aws.ToString(tag.Key) == "RedshiftDataFullAccess" {
			return true
		}
	}
	return false
}

// errorCodeOf returns the AWS error code in err, or "".
func errorCodeOf(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}
