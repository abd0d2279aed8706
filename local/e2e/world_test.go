package e2e

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/smithy-go"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
	"github.com/redshift-data-access/redshift-data-access/local/prerequisites"
)

// fixture is an emulator with the prerequisites of package local/prerequisites,
// which the resources and the sample events need.
type fixture struct {
	srv *awsemu.Server
	*prerequisites.World
	dbuser dbuserWorld // see dbuser_test.go
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	srv := awsemu.Start()
	t.Cleanup(srv.Close)
	w, err := prerequisites.Build(t.Context(), srv)
	if err != nil {
		t.Fatalf("building the prerequisites: %v", err)
	}
	// The cross-account role samples act in account B, which owns the
	// cluster in the seed; the guardrails refuse a cluster that does not
	// exist there.
	if _, err := redshift.NewFromConfig(srv.Config(awsemu.AccountB)).CreateCluster(t.Context(), &redshift.CreateClusterInput{
		ClusterIdentifier: aws.String(prerequisites.ClusterID), NodeType: aws.String("ra3.xlplus"), ClusterType: aws.String("single-node"),
		MasterUsername: aws.String("awsuser"), MasterUserPassword: aws.String("Admin-Passw0rd"),
	}); err != nil {
		t.Fatalf("creating cluster %s in account B: %v", prerequisites.ClusterID, err)
	}
	return &fixture{srv: srv, World: w, dbuser: buildDBUser(t, srv)}
}

// secretExists reports whether a secret exists and is not scheduled for
// deletion.
func (w *fixture) secretExists(ctx context.Context, arn string) (bool, error) {
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
func (w *fixture) policyExists(ctx context.Context, arn string) (bool, error) {
	_, err := iam.NewFromConfig(w.srv.Config(awsemu.AccountA)).GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: &arn})
	var notFound *iamtypes.NoSuchEntityException
	if errors.As(err, &notFound) {
		return false, nil
	}
	return err == nil, err
}

// roleExists reports whether the role arn exists in account B.
func (w *fixture) roleExists(ctx context.Context, arn string) (bool, error) {
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
func (w *fixture) endpointExists(ctx context.Context, id string) (bool, error) {
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
