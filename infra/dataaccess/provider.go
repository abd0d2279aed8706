package dataaccess

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// Function names one Lambda function of the provider. Its value is the
// folder name of the function's bootstrap binary under the asset directory.
type Function string

// The provider's functions. FunctionAccess serves both
// Custom::RedshiftDataApiAccess and Custom::RedshiftDataApiCrossAccountRole.
const (
	FunctionSecret   Function = "secret"
	FunctionAccess   Function = "access"
	FunctionEndpoint Function = "endpoint"
	FunctionDBUser   Function = "dbuser"
)

// Functions returns every function of the provider in a stable order.
func Functions() []Function {
	return []Function{FunctionSecret, FunctionAccess, FunctionEndpoint, FunctionDBUser}
}

// AssetDirContextKey is the CDK context key that sets the directory holding
// the built functions when ProviderProps.AssetDir is not given.
const AssetDirContextKey = "redshift-data-access:lambdaAssetDir"

// DefaultAssetDir is where the Makefile's build target puts the functions,
// relative to the repository root from which cdk runs the app.
const DefaultAssetDir = "build/lambda"

// Settings that apply to every function. Memory is sized for a Go binary
// that makes a handful of AWS calls; it also buys CPU for a faster cold start.
const (
	functionMemoryMB    = 256
	defaultLogRetention = awslogs.RetentionDays_THREE_MONTHS
)

// ProviderProps configures the provider's functions. The zero value is valid.
type ProviderProps struct {
	// AssetDir holds one folder per function (secret, access, endpoint), each
	// with a linux/arm64 executable named bootstrap. Default: the context
	// value AssetDirContextKey, else DefaultAssetDir.
	AssetDir *string
	// LogRetention is how long the functions' logs are kept. Default: three
	// months.
	LogRetention awslogs.RetentionDays
	// LogRemovalPolicy says what happens to the log groups when the stack is
	// deleted. Default: RETAIN, so that the record of IAM, Secrets Manager
	// and EC2 changes the functions made outlives the stack.
	LogRemovalPolicy awscdk.RemovalPolicy
	// SecretKmsKeyArns are customer managed KMS keys that secrets may be
	// encrypted with (the KmsKeyId property of a Secret). The secret function
	// may use them only through Secrets Manager. Default: none; secrets use
	// the AWS managed key aws/secretsmanager.
	SecretKmsKeyArns *[]*string
	// DatabaseUserTargets are the clusters and workgroups whose database
	// users the dbuser function may administer (dbuser.go). Default:
	// none; a DatabaseUser then fails synth.
	DatabaseUserTargets []*DatabaseUserTarget
	// Guardrails bound what stack authors may ask the functions for.
	// Default: the safe bounds of GuardrailProps' zero value.
	Guardrails GuardrailProps
}

// Provider is the set of Lambda functions that serve this project's custom
// resource types, each with its own least-privilege role and log group.
type Provider struct {
	constructs.Construct
	functions map[Function]awslambda.Function
	// secretKeys says whether the secret function may use customer
	// managed KMS keys (ProviderProps.SecretKmsKeyArns).
	secretKeys bool
	// dbuserTargets are the keys of ProviderProps.DatabaseUserTargets.
	dbuserTargets map[string]bool
}

// providerID is the construct ID of the provider that ProviderOf creates.
const providerID = "RedshiftDataApiProvider"

// providers maps the construct of every Provider to its Go value, so that
// ProviderOf can return the provider it finds by construct ID in a stack.
var (
	providersMu sync.Mutex
	providers   = map[constructs.IConstruct]*Provider{}
)

// NewProvider creates the provider's functions in scope. Most apps either
// call ProviderOf (one provider per stack, created on first use) or deploy
// the provider stack once and use ImportedProvider. It panics when a
// function's bootstrap binary is missing: without it no template can be
// synthesized; run make build first.
//
//	provider := dataaccess.NewProvider(stack, "Provider", &dataaccess.ProviderProps{
//		LogRetention: awslogs.RetentionDays_ONE_YEAR,
//	})
//	dataaccess.NewSecret(stack, "Secret", &dataaccess.SecretProps{Provider: provider, ...})
func NewProvider(scope constructs.Construct, id string, props *ProviderProps) *Provider {
	if props == nil {
		props = &ProviderProps{}
	}
	p := &Provider{
		Construct:  constructs.NewConstruct(scope, jsii.String(id)),
		functions:  map[Function]awslambda.Function{},
		secretKeys: props.SecretKmsKeyArns != nil && len(*props.SecretKmsKeyArns) > 0,
	}
	var targetErrs []error
	p.dbuserTargets, targetErrs = dbuserTargetKeys(props.DatabaseUserTargets)
	report(p.Construct, targetErrs)
	assetDir := resolveAssetDir(p.Construct, props.AssetDir)
	for _, spec := range functionSpecs() {
		p.functions[spec.function] = p.newFunction(spec, assetDir, props)
	}
	p.addGuardrailEnvironment(props.Guardrails)
	providersMu.Lock()
	providers[p.Construct] = p
	providersMu.Unlock()
	return p
}

// ProviderOf returns the provider of the stack that contains scope, creating
// it with default ProviderProps on first use.
func ProviderOf(scope constructs.IConstruct) *Provider {
	stack := awscdk.Stack_Of(scope)
	if child := stack.Node().TryFindChild(jsii.String(providerID)); child != nil {
		providersMu.Lock()
		p, ok := providers[child]
		providersMu.Unlock()
		if !ok {
			panic(fmt.Sprintf("dataaccess: stack %s has a construct %q that is not a dataaccess.Provider; choose another ID for it", *stack.StackName(), providerID))
		}
		return p
	}
	return NewProvider(stack, providerID, nil)
}

// Function returns the Lambda function fn.
func (p *Provider) Function(fn Function) awslambda.Function {
	return p.functions[fn]
}

// ServiceToken returns the ARN of function fn.
func (p *Provider) ServiceToken(fn Function) *string {
	return p.functions[fn].FunctionArn()
}

// resolveAssetDir returns the directory that holds the built functions:
// the prop, else the context value, else DefaultAssetDir.
func resolveAssetDir(scope constructs.Construct, prop *string) string {
	if prop != nil && *prop != "" {
		return *prop
	}
	if v, ok := scope.Node().TryGetContext(jsii.String(AssetDirContextKey)).(string); ok && v != "" {
		return v
	}
	return DefaultAssetDir
}

func (p *Provider) newFunction(spec functionSpec, assetDir string, props *ProviderProps) awslambda.Function {
	name := string(spec.function)
	codeDir := filepath.Join(assetDir, name)
	if _, err := os.Stat(filepath.Join(codeDir, "bootstrap")); err != nil {
		panic(fmt.Sprintf("dataaccess: the %s function is not built (%v): run make build, or set %s or ProviderProps.AssetDir", name, err, AssetDirContextKey))
	}
	retention := props.LogRetention
	if retention == "" {
		retention = defaultLogRetention
	}
	removal := props.LogRemovalPolicy
	if removal == "" {
		removal = awscdk.RemovalPolicy_RETAIN
	}
	logs := awslogs.NewLogGroup(p.Construct, jsii.String(spec.id+"Logs"), &awslogs.LogGroupProps{
		Retention:     retention,
		RemovalPolicy: removal,
	})

	stack := awscdk.Stack_Of(p.Construct)
	perms := append(spec.permissions(stack, props), permission{
		sid:       "WriteOwnLogs",
		actions:   []string{"logs:CreateLogStream", "logs:PutLogEvents"},
		resources: []resource{tokenResource(logs.LogGroupArn())},
	})
	role := awsiam.NewRole(p.Construct, jsii.String(spec.id+"Role"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
		Description: jsii.String(fmt.Sprintf("Runs the %s function of the Redshift Data API access kit.", name)),
		InlinePolicies: &map[string]awsiam.PolicyDocument{
			"Permissions": policyDocument(stack, perms),
		},
	})
	if s := nagSuppressions(perms); len(s) > 0 {
		cdknag.NagSuppressions_AddResourceSuppressions(role, &s, jsii.Bool(false))
	}

	return awslambda.NewFunction(p.Construct, jsii.String(spec.id+"Function"), &awslambda.FunctionProps{
		Description:   jsii.String(spec.description),
		Runtime:       awslambda.Runtime_PROVIDED_AL2023(),
		Architecture:  awslambda.Architecture_ARM_64(),
		Handler:       jsii.String("bootstrap"),
		Code:          awslambda.Code_FromAsset(jsii.String(codeDir), nil),
		Timeout:       awscdk.Duration_Minutes(jsii.Number(spec.timeoutMinutes)),
		MemorySize:    jsii.Number(functionMemoryMB),
		Role:          role,
		LogGroup:      logs,
		LoggingFormat: awslambda.LoggingFormat_JSON,
		RetryAttempts: jsii.Number(asyncRetryAttempts),
		MaxEventAge:   spec.maxEventAge(),
	})
}
