package dataaccess

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

// TokenSource supplies the ServiceToken, the ARN of the Lambda function,
// that serves each function's resource types. *Provider and
// ImportedProvider implement it.
type TokenSource interface {
	ServiceToken(fn Function) *string
}

var (
	_ TokenSource = (*Provider)(nil)
	_ TokenSource = ImportedProvider{}
)

// DefaultExportPrefix is the name of the provider stack that this
// repository's CDK app deploys, and so the prefix of its export names.
const DefaultExportPrefix = "RedshiftDataApiProvider"

// ImportedProvider imports the ServiceTokens that a provider stack exports,
// so that a stack declares resources without deploying functions itself.
// The zero value imports those of the provider stack deployed under its
// default name.
//
//	provider := dataaccess.ImportedProvider{}
//	dataaccess.NewEndpoint(stack, "Endpoint", &dataaccess.EndpointProps{Provider: provider, ...})
type ImportedProvider struct {
	// ExportPrefix is the prefix of the export names: the provider stack's
	// name. Default: DefaultExportPrefix.
	ExportPrefix string
}

// ServiceToken returns Fn::ImportValue of the export of function fn.
func (p ImportedProvider) ServiceToken(fn Function) *string {
	prefix := p.ExportPrefix
	if prefix == "" {
		prefix = DefaultExportPrefix
	}
	return awscdk.Fn_ImportValue(jsii.String(ExportName(prefix, fn)))
}

// ExportName is the name under which a provider stack exports the
// ServiceToken of function fn: <prefix>-SecretServiceToken,
// <prefix>-AccessServiceToken, <prefix>-EndpointServiceToken,
// <prefix>-DatabaseUserServiceToken.
func ExportName(prefix string, fn Function) string {
	return prefix + "-" + ServiceTokenName(fn)
}

// ServiceTokenName names the ServiceToken of function fn, for example
// SecretServiceToken: the suffix of its export name and the logical ID of
// the provider stack's output.
func ServiceTokenName(fn Function) string {
	if spec, ok := specOf(fn); ok {
		return spec.id + "ServiceToken"
	}
	return string(fn) + "ServiceToken"
}

// tokenFor returns the ServiceToken of fn from source, or from the stack's
// provider (created on first use) when source is nil.
func tokenFor(scopeStack awscdk.Stack, source TokenSource, fn Function) *string {
	if source == nil {
		source = ProviderOf(scopeStack)
	}
	return source.ServiceToken(fn)
}
