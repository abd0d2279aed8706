package awsemu

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/google/go-cmp/cmp"
)

// TestChinaPartition checks that an emulator in a China region issues and
// accepts the aws-cn partition's ARNs and DNS names, as AWS does there.
func TestChinaPartition(t *testing.T) {
	srv := Start(WithRegion("cn-north-1"))
	t.Cleanup(srv.Close)
	ctx := context.Background()
	cfg := srv.Config(AccountA)
	iamClient := iam.NewFromConfig(cfg)
	trust := func(principal string) *string {
		return aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + principal + `"},"Action":"sts:AssumeRole"}]}`)
	}

	caller, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("GetCallerIdentity: %v", err)
	}
	role, err := iamClient.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("reader"), AssumeRolePolicyDocument: trust("arn:aws-cn:iam::111111111111:root")})
	if err != nil {
		t.Fatalf("CreateRole: %v", err)
	}
	_, foreignErr := iamClient.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("foreign"), AssumeRolePolicyDocument: trust("arn:aws:iam::111111111111:root")})
	_, attachErr := iamClient.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("reader"), PolicyArn: aws.String("arn:aws-cn:iam::aws:policy/AmazonRedshiftDataFullAccess")})
	_, attachOtherErr := iamClient.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("reader"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonRedshiftDataFullAccess")})
	session, err := sts.NewFromConfig(cfg).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: role.Role.Arn, RoleSessionName: aws.String("s1")})
	if err != nil {
		t.Fatalf("AssumeRole: %v", err)
	}
	secret, err := secretsmanager.NewFromConfig(cfg).CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("db"), SecretString: aws.String("not-a-password")})
	if err != nil {
		t.Fatalf("CreateSecret: %v", err)
	}
	cluster, err := redshift.NewFromConfig(cfg).CreateCluster(ctx, &redshift.CreateClusterInput{
		ClusterIdentifier: aws.String("c1"), NodeType: aws.String("ra3.xlplus"), ClusterType: aws.String("single-node"),
		MasterUsername: aws.String("admin"), MasterUserPassword: aws.String("Admin-Passw0rd"),
	})
	if err != nil {
		t.Fatalf("CreateCluster: %v", err)
	}

	type result struct {
		Caller, Role, Session          string
		SecretArnPrefix                bool
		ClusterDomain                  bool
		ForeignPrincipal               string
		AttachCN, AttachOtherPartition string
	}
	got := result{
		Caller: aws.ToString(caller.Arn), Role: aws.ToString(role.Role.Arn), Session: aws.ToString(session.AssumedRoleUser.Arn),
		SecretArnPrefix:  strings.HasPrefix(aws.ToString(secret.ARN), "arn:aws-cn:secretsmanager:cn-north-1:111111111111:secret:db-"),
		ClusterDomain:    strings.HasSuffix(aws.ToString(cluster.Cluster.Endpoint.Address), ".cn-north-1.redshift.amazonaws.com.cn"),
		ForeignPrincipal: iamErrCode(t, foreignErr), AttachCN: iamErrCode(t, attachErr), AttachOtherPartition: iamErrCode(t, attachOtherErr),
	}
	want := result{
		Caller: "arn:aws-cn:iam::111111111111:root", Role: "arn:aws-cn:iam::111111111111:role/reader",
		Session:         "arn:aws-cn:sts::111111111111:assumed-role/reader/s1",
		SecretArnPrefix: true, ClusterDomain: true,
		ForeignPrincipal: "MalformedPolicyDocument", AttachCN: "", AttachOtherPartition: "NoSuchEntity",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("aws-cn names (-want +got):\n%s", diff)
	}
}
