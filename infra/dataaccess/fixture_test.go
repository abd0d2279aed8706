package dataaccess

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/redshift-data-access/redshift-data-access/infra/internal/cdktest"
)

// fixture is one app, synthesized once, with a stack per situation.
type fixture struct {
	// constructs uses every construct with the stack's own provider.
	constructs awscdk.Stack
	// imported uses constructs with ImportedProvider.
	imported awscdk.Stack
	// invalid holds constructs with invalid props.
	invalid awscdk.Stack
	// custom holds a provider with non-default props and a secret
	// encrypted with its KMS key.
	custom    awscdk.Stack
	templates map[awscdk.Stack]cfnTemplate
	err       error
}

// The export prefix of the imported stack.
const importPrefix = "SharedProvider"

// workgroupArn is the ARN of the workgroup analytics, a database user
// target of the constructs stack's provider.
const workgroupArn = "arn:aws:redshift-serverless:eu-west-1:111111111111:workgroup/0b6a1c70-4f3e-11ef-9a5c-0a1b2c3d4e5f"

// secretKeyArn is the KMS key of the custom provider.
const secretKeyArn = "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"

var loadFixture = synthOnce(func() *fixture {
	app := newTestApp()
	f := &fixture{templates: map[awscdk.Stack]cfnTemplate{}}

	f.constructs = awscdk.NewStack(app, jsii.String("Constructs"), nil)
	// The stack's provider, as ProviderOf finds it, with the targets of
	// the database users below.
	NewProvider(f.constructs, providerID, &ProviderProps{DatabaseUserTargets: []*DatabaseUserTarget{
		{ClusterIdentifier: jsii.String("examplecluster"), AdminDbUser: jsii.String("awsuser")},
		{WorkgroupName: jsii.String("analytics"), WorkgroupArn: jsii.String(workgroupArn)},
	}})
	secret := NewSecret(f.constructs, "WorkgroupSecret", &SecretProps{
		WorkgroupName:  jsii.String("analytics"),
		Username:       jsii.String("myusername"),
		Database:       jsii.String("dev"),
		PasswordLength: jsii.Number(32),
		Tags:           &map[string]*string{"team": jsii.String("data"), "env": jsii.String("test")},
		RetainOnDelete: jsii.Bool(false),
	})
	NewSecret(f.constructs, "ClusterSecret", &SecretProps{
		ClusterIdentifier: jsii.String("examplecluster"),
		Username:          jsii.String("awsuser"),
		Port:              jsii.Number(5439),
	})
	NewAccess(f.constructs, "AppAccess", &AccessProps{
		Roles: jsii.Strings("app-role"),
		Permissions: Permissions{
			Workgroups:  jsii.Strings("analytics"),
			AuthMethods: []AuthMethod{AuthSecretsManager, AuthServerlessTemporaryCredentials},
			SecretArns:  &[]*string{secret.Arn()},
		},
		TagWorkgroups: jsii.Bool(true),
	})
	NewCrossAccountRole(f.constructs, "PartnerRole", &CrossAccountRoleProps{
		TrustedPrincipalArns: jsii.Strings("arn:aws:iam::111111111111:role/someRoleA"),
		ExternalId:           jsii.String("partner-42"),
		MaxSessionDuration:   awscdk.Duration_Hours(jsii.Number(2)),
		Permissions:          Permissions{PolicyMode: PolicyModeManaged},
	})
	NewEndpoint(f.constructs, "DataApiEndpoint", &EndpointProps{
		VpcId:             jsii.String("vpc-0123456789abcdef0"),
		SubnetIds:         jsii.Strings("subnet-0a1b2c3d", "subnet-0e1f2a3b"),
		PrivateDnsEnabled: jsii.Bool(true),
		PolicyDocument: awsiam.NewPolicyDocument(&awsiam.PolicyDocumentProps{Statements: &[]awsiam.PolicyStatement{
			awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Actions:    jsii.Strings("redshift-data:*"),
				Resources:  jsii.Strings("*"),
				Principals: &[]awsiam.IPrincipal{awsiam.NewAnyPrincipal()},
			}),
		}}),
	})

	NewDatabaseUser(f.constructs, "DataApiUser", &DatabaseUserProps{
		ClusterIdentifier: jsii.String("examplecluster"), AdminDbUser: jsii.String("awsuser"),
		Grants: &[]*DatabaseGrant{{Privileges: jsii.Strings("USAGE"), On: jsii.String("SCHEMA public")}},
	})
	NewDatabaseUser(f.constructs, "AnalystUser", &DatabaseUserProps{
		WorkgroupName: jsii.String("analytics"), AdminSecretArn: secret.Arn(),
		IamIdentityArn: jsii.String("arn:aws:iam::111111111111:role/Analyst"), Roles: jsii.Strings("analyst"), Database: jsii.String("dev"),
	})

	// Every prop set, for the handlers' parsers.
	NewSecret(f.constructs, "FullSecret", &SecretProps{
		ClusterIdentifier: jsii.String("examplecluster"), Username: jsii.String("awsuser"),
		Password: awscdk.SecretValue_SecretsManager(jsii.String("admin-password"), nil),
		Database: jsii.String("dev"), Host: jsii.String("examplecluster.abc.eu-west-1.redshift.amazonaws.com"), Port: jsii.Number(5439),
		Name: jsii.String("redshift-data-api/examplecluster/awsuser"), Description: jsii.String("awsuser on examplecluster"),
		KmsKeyId: jsii.String("alias/secrets"), Tags: &map[string]*string{"team": jsii.String("data")}, TagValue: jsii.String("examplecluster"),
		RecoveryWindowInDays: jsii.Number(7), RetainOnDelete: jsii.Bool(true), RestoreIfScheduledForDeletion: jsii.Bool(true),
	})
	NewEndpoint(f.constructs, "FullEndpoint", &EndpointProps{
		VpcId: jsii.String("vpc-0a1b2c3d"), SubnetIds: jsii.Strings("subnet-0a1b2c3d"), SecurityGroupIds: jsii.Strings("sg-0a1b2c3d"),
		PrivateDnsEnabled: jsii.Bool(false), IpAddressType: jsii.String("ipv4"),
		ServiceName: jsii.String("com.amazonaws.eu-west-1.redshift-data-fips"), Tags: &map[string]*string{"team": jsii.String("data")},
	})

	f.imported = awscdk.NewStack(app, jsii.String("Imported"), nil)
	shared := ImportedProvider{ExportPrefix: importPrefix}
	NewSecret(f.imported, "Secret", &SecretProps{Provider: shared, WorkgroupName: jsii.String("wg1"), Username: jsii.String("u")})
	NewAccess(f.imported, "Access", &AccessProps{Provider: shared, Users: jsii.Strings("analyst"), Permissions: Permissions{PolicyMode: PolicyModeManaged}})
	NewCrossAccountRole(f.imported, "Role", &CrossAccountRoleProps{Provider: shared, TrustedPrincipalArns: jsii.Strings("111111111111"), Permissions: Permissions{PolicyMode: PolicyModeManaged}})
	NewEndpoint(f.imported, "Endpoint", &EndpointProps{Provider: shared, VpcId: jsii.String("vpc-0a1b2c3d"), SubnetIds: jsii.Strings("subnet-0a1b2c3d")})

	f.invalid = awscdk.NewStack(app, jsii.String("Invalid"), nil)
	NewSecret(f.invalid, "NoUser", &SecretProps{Provider: shared, WorkgroupName: jsii.String("wg1")})
	NewEndpoint(f.invalid, "NoNetwork", &EndpointProps{Provider: shared})
	NewSecret(f.invalid, "PlainPassword", &SecretProps{
		Provider: shared, WorkgroupName: jsii.String("wg1"), Username: jsii.String("u"),
		Password: awscdk.SecretValue_UnsafePlainText(jsii.String("Example-Passw0rd")),
	})
	// Refused by the access function's parser, which synth calls.
	NewDatabaseUser(f.invalid, "TwoTargets", &DatabaseUserProps{
		Provider: shared, ClusterIdentifier: jsii.String("examplecluster"), WorkgroupName: jsii.String("analytics"), AdminDbUser: jsii.String("awsuser"),
	})
	NewCrossAccountRole(f.invalid, "ShortExternalId", &CrossAccountRoleProps{
		Provider: shared, TrustedPrincipalArns: jsii.Strings("111111111111"), ExternalId: jsii.String("x"),
		Permissions: Permissions{PolicyMode: PolicyModeManaged},
	})

	f.custom = awscdk.NewStack(app, jsii.String("Custom"), nil)
	custom := NewProvider(f.custom, "Provider", &ProviderProps{
		LogRetention:     awslogs.RetentionDays_ONE_YEAR,
		LogRemovalPolicy: awscdk.RemovalPolicy_DESTROY,
		SecretKmsKeyArns: jsii.Strings(secretKeyArn),
		Guardrails:       customGuardrails,
	})
	NewSecret(f.custom, "KeySecret", &SecretProps{
		Provider: custom, ClusterIdentifier: jsii.String("examplecluster"), Username: jsii.String("awsuser"), KmsKeyId: jsii.String(secretKeyArn),
	})
	// A provider without DatabaseUserTargets may administer no cluster.
	NewDatabaseUser(f.custom, "UnlistedCluster", &DatabaseUserProps{
		Provider: custom, ClusterIdentifier: jsii.String("examplecluster"), AdminDbUser: jsii.String("awsuser"),
	})

	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
	for _, stack := range []awscdk.Stack{f.constructs, f.imported, f.invalid, f.custom} {
		tpl, err := decodeTemplate(stack)
		if err != nil {
			f.err = err
			return f
		}
		f.templates[stack] = tpl
	}
	return f
})

func decodeTemplate(stack awscdk.Stack) (cfnTemplate, error) {
	var tpl cfnTemplate
	err := cdktest.DecodeTemplate(stack, &tpl)
	return tpl, err
}

// getFixture returns the synthesized fixture.
func getFixture(t *testing.T) *fixture {
	t.Helper()
	f := loadFixture()
	if f.err != nil {
		t.Fatal(f.err)
	}
	return f
}
