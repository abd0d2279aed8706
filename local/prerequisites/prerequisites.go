package prerequisites

import (
	"context"
	"crypto/rand"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	"github.com/aws/aws-sdk-go-v2/service/redshiftserverless"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
)

// Names of the prerequisites, as in the seed's procedures and the sample
// events under events/.
const (
	ClusterID     = "examplecluster"
	NamespaceName = "default-namespace"
	WorkgroupName = "default-workgroup"
	Database      = "dev"
	CallerRole    = "someRoleA" // account A's role that assumes account B's
	AnalystRole   = "analyst"
	LoaderRole    = "loader"
	AnalystUser   = "analyst"
	ETLUser       = "etl"
	AnalystsGroup = "analysts"
)

// World holds the IDs and ARNs of the prerequisites that the emulator
// chose. Everything is in account A.
type World struct {
	CallerRoleArn      string // the ARN of CallerRole
	VPC                string // with DNS support and hostnames
	SubnetA            string // in VPC, zone <region>a
	SubnetB            string // in VPC, zone <region>b
	SubnetC            string // in VPC, zone <region>c
	SecurityGroup      string // in VPC
	OtherVPC           string // with DNS support and hostnames, for replacements
	OtherSubnet        string // in OtherVPC, zone <region>a
	OtherSecurityGroup string // in OtherVPC
}

// Build creates the prerequisites in account A of srv through the SDK and
// returns their IDs.
func Build(ctx context.Context, srv *awsemu.Server) (*World, error) {
	cfg := srv.Config(awsemu.AccountA)
	w := &World{}
	if err := buildRedshift(ctx, cfg); err != nil {
		return nil, err
	}
	if err := buildIAM(ctx, iam.NewFromConfig(cfg), w); err != nil {
		return nil, err
	}
	if err := buildNetwork(ctx, cfg, w); err != nil {
		return nil, err
	}
	return w, nil
}

// FunctionEnv is the whole environment of a function that acts in account
// on srv: the standard SDK variables, and the switch that lets the
// custom-resource runtime answer the lifecycle driver's loopback
// ResponseURLs.
func FunctionEnv(srv *awsemu.Server, account string) map[string]string {
	key := awsemu.AccessKeyA
	if account == awsemu.AccountB {
		key = awsemu.AccessKeyB
	}
	return map[string]string{
		"AWS_ENDPOINT_URL":                      srv.URL,
		"AWS_ACCESS_KEY_ID":                     key,
		"AWS_SECRET_ACCESS_KEY":                 awsemu.SecretKey,
		"AWS_REGION":                            srv.Region(),
		customresource.EnvAllowLocalResponseURL: "true",
	}
}

func buildRedshift(ctx context.Context, cfg aws.Config) error {
	// The admin passwords are never shown; nothing uses them.
	if _, err := redshift.NewFromConfig(cfg).CreateCluster(ctx, &redshift.CreateClusterInput{
		ClusterIdentifier:  aws.String(ClusterID),
		NodeType:           aws.String("ra3.xlplus"),
		ClusterType:        aws.String("single-node"),
		MasterUsername:     aws.String("awsuser"),
		MasterUserPassword: aws.String(adminPassword()),
		DBName:             aws.String(Database),
	}); err != nil {
		return fmt.Errorf("creating Redshift cluster %s: %w", ClusterID, err)
	}
	rss := redshiftserverless.NewFromConfig(cfg)
	if _, err := rss.CreateNamespace(ctx, &redshiftserverless.CreateNamespaceInput{
		NamespaceName:     aws.String(NamespaceName),
		AdminUsername:     aws.String("admin"),
		AdminUserPassword: aws.String(adminPassword()),
		DbName:            aws.String(Database),
	}); err != nil {
		return fmt.Errorf("creating Redshift Serverless namespace %s: %w", NamespaceName, err)
	}
	if _, err := rss.CreateWorkgroup(ctx, &redshiftserverless.CreateWorkgroupInput{
		WorkgroupName: aws.String(WorkgroupName),
		NamespaceName: aws.String(NamespaceName),
	}); err != nil {
		return fmt.Errorf("creating Redshift Serverless workgroup %s: %w", WorkgroupName, err)
	}
	return nil
}

// adminPassword returns a random password under Redshift's rules.
func adminPassword() string {
	return "Aa1" + rand.Text()
}

// accountTrust lets the administrators of account A assume a role.
const accountTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + awsemu.AccountA + `:root"},"Action":"sts:AssumeRole"}]}`

func buildIAM(ctx context.Context, c *iam.Client, w *World) error {
	for _, name := range []string{CallerRole, AnalystRole, LoaderRole} {
		out, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(accountTrust)})
		if err != nil {
			return fmt.Errorf("creating role %s: %w", name, err)
		}
		if name == CallerRole {
			w.CallerRoleArn = aws.ToString(out.Role.Arn)
		}
	}
	for _, name := range []string{AnalystUser, ETLUser} {
		if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
			return fmt.Errorf("creating user %s: %w", name, err)
		}
	}
	if _, err := c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String(AnalystsGroup)}); err != nil {
		return fmt.Errorf("creating group %s: %w", AnalystsGroup, err)
	}
	return nil
}
