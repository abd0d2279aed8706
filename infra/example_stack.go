package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/redshift-data-access/redshift-data-access/infra/dataaccess"
)

// ExampleStackProps configures the example stack.
type ExampleStackProps struct {
	awscdk.StackProps
	// Provider supplies the ServiceTokens. Default: a provider in this
	// stack.
	Provider dataaccess.TokenSource
}

// NewExampleStack creates a stack that follows the guide's procedures for a
// serverless workgroup: a secret with the workgroup's credentials tagged
// RedshiftDataFullAccess, a scoped Data API policy for an application role
// that may read that secret and get serverless temporary credentials, and
// an interface VPC endpoint with private DNS for the application's VPC.
// The VPC, subnets, role and workgroup are stack parameters:
//
//	cdk deploy -c example=true RedshiftDataApiExample \
//	  --parameters VpcId=vpc-... --parameters SubnetIds=subnet-a,subnet-b \
//	  --parameters RoleName=app-role --parameters WorkgroupName=analytics
func NewExampleStack(scope constructs.Construct, id string, props *ExampleStackProps) awscdk.Stack {
	if props == nil {
		props = &ExampleStackProps{}
	}
	stack := awscdk.NewStack(scope, jsii.String(id), &props.StackProps)

	vpcID := awscdk.NewCfnParameter(stack, jsii.String("VpcId"), &awscdk.CfnParameterProps{
		Type:        jsii.String("AWS::EC2::VPC::Id"),
		Description: jsii.String("The VPC of the application that calls the Data API; it needs DNS support and DNS hostnames."),
	})
	subnetIDs := awscdk.NewCfnParameter(stack, jsii.String("SubnetIds"), &awscdk.CfnParameterProps{
		Type:        jsii.String("List<AWS::EC2::Subnet::Id>"),
		Description: jsii.String("One subnet per Availability Zone that the application runs in."),
	})
	roleName := awscdk.NewCfnParameter(stack, jsii.String("RoleName"), &awscdk.CfnParameterProps{
		Type:        jsii.String("String"),
		Description: jsii.String("The application's IAM role, which gets the scoped Data API policy."),
	})
	workgroup := awscdk.NewCfnParameter(stack, jsii.String("WorkgroupName"), &awscdk.CfnParameterProps{
		Type:        jsii.String("String"),
		Default:     jsii.String("default-workgroup"),
		Description: jsii.String("The Redshift Serverless workgroup."),
	})
	database := awscdk.NewCfnParameter(stack, jsii.String("DatabaseName"), &awscdk.CfnParameterProps{
		Type:    jsii.String("String"),
		Default: jsii.String("dev"),
	})
	username := awscdk.NewCfnParameter(stack, jsii.String("Username"), &awscdk.CfnParameterProps{
		Type:        jsii.String("String"),
		Default:     jsii.String("myusername"),
		Description: jsii.String("The database user whose credentials the secret holds; the password is generated."),
	})

	secret := dataaccess.NewSecret(stack, "WorkgroupSecret", &dataaccess.SecretProps{
		Provider:      props.Provider,
		WorkgroupName: workgroup.ValueAsString(),
		Username:      username.ValueAsString(),
		Database:      database.ValueAsString(),
		TagValue:      jsii.String("serverless"),
	})
	access := dataaccess.NewAccess(stack, "AppAccess", &dataaccess.AccessProps{
		Provider: props.Provider,
		Roles:    &[]*string{roleName.ValueAsString()},
		Permissions: dataaccess.Permissions{
			PolicyMode:  dataaccess.PolicyModeScoped,
			Workgroups:  &[]*string{workgroup.ValueAsString()},
			AuthMethods: []dataaccess.AuthMethod{dataaccess.AuthSecretsManager, dataaccess.AuthServerlessTemporaryCredentials},
			SecretArns:  &[]*string{secret.Arn()},
		},
		TagWorkgroups: jsii.Bool(true),
	})
	endpoint := dataaccess.NewEndpoint(stack, "DataApiEndpoint", &dataaccess.EndpointProps{
		Provider:          props.Provider,
		VpcId:             vpcID.ValueAsString(),
		SubnetIds:         subnetIDs.ValueAsList(),
		PrivateDnsEnabled: jsii.Bool(true),
	})

	outputs := []struct {
		id    string
		value *string
	}{
		{"SecretArn", secret.Arn()},
		{"PolicyArn", access.PolicyArn()},
		{"DbUsers", access.DbUsers()},
		{"EndpointId", endpoint.VpcEndpointId()},
		{"EndpointDnsName", endpoint.DnsName()},
	}
	for _, o := range outputs {
		awscdk.NewCfnOutput(stack, jsii.String(o.id), &awscdk.CfnOutputProps{Value: o.value})
	}
	return stack
}
