// Command infra is the CDK app of the Redshift Data API access kit. cdk.json
// runs it: it always synthesizes the provider stack, which deploys the
// custom resource functions and exports their ServiceTokens, and with the
// context value example=true also the example stack. Every stack passes the
// cdk-nag AwsSolutions checks; an unsuppressed finding fails cdk synth.
package main

import (
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/redshift-data-access/redshift-data-access/infra/dataaccess"
)

// Context keys the app reads (cdk.json or cdk -c key=value).
const (
	// contextExample adds the example stack when "true".
	contextExample = "example"
	// contextProviderStackName names the provider stack, and so prefixes
	// its export names. Default: defaultProviderStackName.
	contextProviderStackName = "providerStackName"
	// contextSecretKmsKeyArns lists the customer managed KMS keys that
	// secrets may be encrypted with (KmsKeyId), comma-separated from cdk -c
	// or a list in cdk.json; the secret function may use only these keys,
	// and only through Secrets Manager. Default: none, so secrets use
	// Secrets Manager's aws/secretsmanager key.
	contextSecretKmsKeyArns = "secretKmsKeyArns"
)

const (
	defaultProviderStackName = dataaccess.DefaultExportPrefix
	exampleStackName         = "RedshiftDataApiExample"
)

func main() {
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	addStacks(app)
	app.Synth(nil)
}

// stacks are the stacks addStacks created; example is nil unless enabled.
type stacks struct {
	provider *ProviderStack
	example  awscdk.Stack
}

// addStacks adds the app's stacks to app, as the context asks, and the
// cdk-nag AwsSolutions checks to all of them.
func addStacks(app awscdk.App) stacks {
	name := defaultProviderStackName
	if v, ok := app.Node().TryGetContext(jsii.String(contextProviderStackName)).(string); ok && v != "" {
		name = v
	}
	var s stacks
	s.provider = NewProviderStack(app, name, &ProviderStackProps{
		StackProps: awscdk.StackProps{
			Description: jsii.String("Redshift Data API access kit: the custom resource functions and their exported ServiceTokens."),
		},
		Provider: dataaccess.ProviderProps{
			SecretKmsKeyArns: contextList(app, contextSecretKmsKeyArns),
			Guardrails:       guardrailsFromContext(app),
			// dbuser_context.go
			DatabaseUserTargets: databaseUserTargetsFromContext(app),
		},
	})
	if contextTrue(app, contextExample) {
		s.example = NewExampleStack(app, exampleStackName, &ExampleStackProps{
			StackProps: awscdk.StackProps{
				Description: jsii.String("Redshift Data API access kit: an example of a workgroup secret, scoped access for a role, and a VPC endpoint."),
			},
			Provider: dataaccess.ImportedProvider{ExportPrefix: name},
		})
		s.example.AddStackDependency(s.provider.Stack, jsii.String("imports the provider's ServiceTokens"))
	}
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
	return s
}

// contextTrue reports whether a context value is true: a boolean from
// cdk.json or the string "true" from cdk -c.
func contextTrue(app awscdk.App, key string) bool {
	switch v := app.Node().TryGetContext(jsii.String(key)).(type) {
	case bool:
		return v
	case string:
		return v == "true"
	default:
		return false
	}
}

// contextList reads a context value that is a list: a JSON list from
// cdk.json or a comma-separated string from cdk -c. Empty items are
// dropped; nil when the key is absent or empty.
func contextList(app awscdk.App, key string) *[]*string {
	var items []string
	switch v := app.Node().TryGetContext(jsii.String(key)).(type) {
	case string:
		items = strings.Split(v, ",")
	case []any:
		for _, item := range v {
			if s, ok := item.(string); ok {
				items = append(items, s)
			}
		}
	}
	var out []*string
	for _, item := range items {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, jsii.String(item))
		}
	}
	if len(out) == 0 {
		return nil
	}
	return &out
}

// Context keys of the provider's guardrails (dataaccess.GuardrailProps;
// docs/guardrails.md says what each one guards against). Lists are JSON
// lists in cdk.json or comma-separated from cdk -c; flags are true/false.
const (
	contextGuardrailAssumeRoleAccounts     = "guardrail:assumeRoleAccounts"
	contextGuardrailTrustedAccounts        = "guardrail:trustedAccounts"
	contextGuardrailTrustOrgID             = "guardrail:trustOrgId"
	contextGuardrailRequireExternalID      = "guardrail:requireExternalId"
	contextGuardrailAllowUntaggedSecrets   = "guardrail:allowUntaggedSecrets"
	contextGuardrailDbUsers                = "guardrail:dbUsers"
	contextGuardrailClusters               = "guardrail:clusters"
	contextGuardrailWorkgroups             = "guardrail:workgroups"
	contextGuardrailPrincipalPaths         = "guardrail:principalPaths"
	contextGuardrailPrincipalTag           = "guardrail:principalTag"
	contextGuardrailDisableManagedMode     = "guardrail:disableManagedMode"
	contextGuardrailPermissionsBoundaryArn = "guardrail:permissionsBoundaryArn"
)

// guardrailsFromContext reads the provider's guardrails from the context.
func guardrailsFromContext(app awscdk.App) dataaccess.GuardrailProps {
	list := func(key string) []string {
		var out []string
		if l := contextList(app, key); l != nil {
			for _, s := range *l {
				out = append(out, *s)
			}
		}
		return out
	}
	str := func(key string) string {
		v, _ := app.Node().TryGetContext(jsii.String(key)).(string)
		return strings.TrimSpace(v)
	}
	return dataaccess.GuardrailProps{
		AssumeRoleAccounts:     list(contextGuardrailAssumeRoleAccounts),
		TrustedAccounts:        list(contextGuardrailTrustedAccounts),
		TrustOrgID:             str(contextGuardrailTrustOrgID),
		RequireExternalID:      contextTrue(app, contextGuardrailRequireExternalID),
		AllowUntaggedSecrets:   contextTrue(app, contextGuardrailAllowUntaggedSecrets),
		DbUsers:                list(contextGuardrailDbUsers),
		Clusters:               list(contextGuardrailClusters),
		Workgroups:             list(contextGuardrailWorkgroups),
		PrincipalPaths:         list(contextGuardrailPrincipalPaths),
		PrincipalTag:           str(contextGuardrailPrincipalTag),
		DisableManagedMode:     contextTrue(app, contextGuardrailDisableManagedMode),
		PermissionsBoundaryArn: str(contextGuardrailPermissionsBoundaryArn),
	}
}
