// Package redshifttest holds what the tests of the three Redshift APIs
// (packages redshift, redshiftserverless and redshiftdata) share: a
// clock, identities to sign as, and a cluster and a workgroup to run
// statements against.
package redshifttest

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	"github.com/aws/aws-sdk-go-v2/service/redshift/types"
	rss "github.com/aws/aws-sdk-go-v2/service/redshiftserverless"
	rsstypes "github.com/aws/aws-sdk-go-v2/service/redshiftserverless/types"
	"github.com/aws/smithy-go"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
)

// Clock is a clock that tests move by hand.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a Clock at a fixed time.
func NewClock() *Clock {
	return &Clock{now: time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)}
}

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// ErrorCode returns the AWS error code of err, or "" when err is nil or
// not an API error.
func ErrorCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}

// ConfigAs returns a configuration that authenticates as id, registered
// under a fresh access key. The emulator authorizes the calls of role
// sessions and IAM users with their IAM policies, so ConfigAs first
// creates id's role or user in IAM, unless it exists, with a policy that
// allows everything: the tests of each service see the operation's
// semantics, and the authorization tests (local/awsemu/authz_test.go)
// its policies.
func ConfigAs(t *testing.T, srv *awsemu.Server, key string, id awsemu.Identity) aws.Config {
	t.Helper()
	admin := iam.NewFromConfig(srv.Config(id.Account))
	ctx := context.Background()
	const allowAll = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`
	var err error
	if id.RoleArn != "" {
		path, name := pathAndName(id.RoleArn, ":role")
		_, err = admin.CreateRole(ctx, &iam.CreateRoleInput{
			RoleName: aws.String(name), Path: aws.String(path),
			AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"` + id.Account + `"},"Action":"sts:AssumeRole"}}`),
		})
		if err == nil {
			_, err = admin.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("allow-all"), PolicyDocument: aws.String(allowAll)})
		}
	} else {
		path, name := pathAndName(id.Arn, ":user")
		_, err = admin.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name), Path: aws.String(path)})
		if err == nil {
			var pol *iam.CreatePolicyOutput
			pol, err = admin.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("allow-all-" + name), PolicyDocument: aws.String(allowAll)})
			if err == nil {
				_, err = admin.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String(name), PolicyArn: pol.Policy.Arn})
			}
		}
	}
	if err != nil && ErrorCode(err) != "EntityAlreadyExists" {
		t.Fatalf("creating the IAM identity of %s: %v", id.Arn, err)
	}
	srv.RegisterIdentity(key, id)
	cfg := srv.Config(id.Account)
	cfg.Credentials = credentials.NewStaticCredentialsProvider(key, awsemu.SecretKey, "")
	return cfg
}

// pathAndName splits the resource of an IAM ARN such as
// arn:aws:iam::111111111111:role/service/app-role, after kind (":role"),
// into its path (/service/) and name (app-role).
func pathAndName(arn, kind string) (path, name string) {
	_, res, _ := strings.Cut(arn, kind)
	i := strings.LastIndex(res, "/")
	return res[:i+1], res[i+1:]
}

var (
	// RoleIdentity is a session of a role with a path in AccountA.
	RoleIdentity = awsemu.Identity{
		Account: awsemu.AccountA,
		Arn:     "arn:aws:sts::111111111111:assumed-role/app-role/session-1",
		UserID:  "AROAAPPROLE:session-1",
		RoleArn: "arn:aws:iam::111111111111:role/service/app-role",
	}
	// UserIdentity is an IAM user with a path in AccountA.
	UserIdentity = awsemu.Identity{Account: awsemu.AccountA, Arn: "arn:aws:iam::111111111111:user/team/alice", UserID: "AIDAALICE"}
)

// CreateCluster creates the single-node cluster id with admin user admin
// and returns it.
func CreateCluster(t *testing.T, client *redshift.Client, id string) *types.Cluster {
	t.Helper()
	out, err := client.CreateCluster(context.Background(), &redshift.CreateClusterInput{
		ClusterIdentifier:  aws.String(id),
		NodeType:           aws.String("ra3.large"),
		MasterUsername:     aws.String("admin"),
		MasterUserPassword: aws.String("Admin-Passw0rd"),
		ClusterType:        aws.String("single-node"),
		Tags:               []types.Tag{{Key: aws.String("team"), Value: aws.String("data")}},
	})
	if err != nil {
		t.Fatalf("CreateCluster %s: %v", id, err)
	}
	return out.Cluster
}

// CreateWorkgroup creates namespace <name>-ns with admin user admin
// and workgroup <name>, and returns the workgroup.
func CreateWorkgroup(t *testing.T, client *rss.Client, name string) *rsstypes.Workgroup {
	t.Helper()
	ctx := context.Background()
	if _, err := client.CreateNamespace(ctx, &rss.CreateNamespaceInput{
		NamespaceName:     aws.String(name + "-ns"),
		AdminUsername:     aws.String("admin"),
		AdminUserPassword: aws.String("Admin-Passw0rd"),
	}); err != nil {
		t.Fatalf("CreateNamespace %s-ns: %v", name, err)
	}
	out, err := client.CreateWorkgroup(ctx, &rss.CreateWorkgroupInput{
		WorkgroupName: aws.String(name),
		NamespaceName: aws.String(name + "-ns"),
		Tags:          []rsstypes.Tag{{Key: aws.String("team"), Value: aws.String("data")}},
	})
	if err != nil {
		t.Fatalf("CreateWorkgroup %s: %v", name, err)
	}
	return out.Workgroup
}
