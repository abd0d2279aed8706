package main

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/redshift-data-access/redshift-data-access/infra/dataaccess"
)

// ProviderStackProps configures the provider stack.
type ProviderStackProps struct {
	awscdk.StackProps
	// Provider configures the functions.
	Provider dataaccess.ProviderProps
}

// ProviderStack deploys the custom resource functions once per account and
// region and exports each ServiceToken as <stack name>-<Name>ServiceToken,
// for CloudFormation templates and for CDK apps that use
// dataaccess.ImportedProvider.
type ProviderStack struct {
	awscdk.Stack
	Provider *dataaccess.Provider
}

// NewProviderStack creates the provider stack.
func NewProviderStack(scope constructs.Construct, id string, props *ProviderStackProps) *ProviderStack {
	if props == nil {
		props = &ProviderStackProps{}
	}
	stack := awscdk.NewStack(scope, jsii.String(id), &props.StackProps)
	provider := dataaccess.NewProvider(stack, "Provider", &props.Provider)
	for _, fn := range dataaccess.Functions() {
		name := dataaccess.ExportName(*stack.StackName(), fn)
		awscdk.NewCfnOutput(stack, jsii.String(dataaccess.ServiceTokenName(fn)), &awscdk.CfnOutputProps{
			Description: jsii.String(fmt.Sprintf("ServiceToken of the %s function.", fn)),
			Value:       provider.ServiceToken(fn),
			ExportName:  jsii.String(name),
		})
	}
	return &ProviderStack{Stack: stack, Provider: provider}
}
