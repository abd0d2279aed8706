package dataaccess

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/google/go-cmp/cmp"

	"github.com/redshift-data-access/redshift-data-access/infra/internal/cdktest"
)

// customResource is what the tests read of a custom resource: its type, the
// function its ServiceToken names, and its other properties as text.
type customResource struct {
	Type       string
	Function   Function
	Properties map[string]string
}

// customResources returns the custom resources of tpl by the construct ID
// that starts their logical ID, and the logical IDs.
func customResources(tpl cfnTemplate, ids ...string) (map[string]customResource, map[string]string) {
	got := map[string]customResource{}
	logical := map[string]string{}
	for id, r := range tpl.Resources {
		if !strings.HasPrefix(r.Type, "Custom::") {
			continue
		}
		for _, want := range ids {
			if !strings.HasPrefix(id, want) {
				continue
			}
			cr := customResource{Type: r.Type, Properties: map[string]string{}}
			for k, v := range r.Properties {
				if k == "ServiceToken" {
					token := flatten(v)
					for _, spec := range functionSpecs() {
						if strings.Contains(token, spec.id+"Function") {
							cr.Function = spec.function
						}
					}
					continue
				}
				cr.Properties[k] = flatten(v)
			}
			got[want] = cr
			logical[want] = id
		}
	}
	return got, logical
}

func TestCustomResourceProperties(t *testing.T) {
	f := getFixture(t)
	got, logical := customResources(f.templates[f.constructs],
		"WorkgroupSecret", "ClusterSecret", "AppAccess", "PartnerRole", "DataApiEndpoint")
	want := map[string]customResource{
		"WorkgroupSecret": {Type: SecretResourceType, Function: FunctionSecret, Properties: map[string]string{
			"WorkgroupName": "analytics", "Username": "myusername", "Database": "dev", "PasswordLength": "32",
			"RetainOnDelete": "false", "ServiceTimeout": "720",
			"Tags": `{"Key":"env","Value":"test"},{"Key":"team","Value":"data"}`,
		}},
		"ClusterSecret": {Type: SecretResourceType, Function: FunctionSecret, Properties: map[string]string{
			"ClusterIdentifier": "examplecluster", "Username": "awsuser", "Port": "5439", "ServiceTimeout": "720",
		}},
		"AppAccess": {Type: AccessResourceType, Function: FunctionAccess, Properties: map[string]string{
			"Roles": "app-role", "Workgroups": "analytics", "AuthMethods": "SecretsManager,ServerlessTemporaryCredentials",
			"SecretArns":    fmt.Sprintf("${%s.Arn}", logical["WorkgroupSecret"]),
			"TagWorkgroups": "true", "ServiceTimeout": "720",
		}},
		"PartnerRole": {Type: CrossAccountRoleResourceType, Function: FunctionAccess, Properties: map[string]string{
			"TrustedPrincipalArns": "arn:aws:iam::111111111111:role/someRoleA", "ExternalId": "partner-42",
			"MaxSessionDuration": "7200", "PolicyMode": "Managed", "ServiceTimeout": "720",
		}},
		"DataApiEndpoint": {Type: EndpointResourceType, Function: FunctionEndpoint, Properties: map[string]string{
			"VpcId": "vpc-0123456789abcdef0", "SubnetIds": "subnet-0a1b2c3d,subnet-0e1f2a3b", "PrivateDnsEnabled": "true", "ServiceTimeout": "1920",
			"PolicyDocument": `{"Statement":[{"Action":"redshift-data:*","Effect":"Allow","Principal":{"AWS":"*"},"Resource":"*"}],"Version":"2012-10-17"}`,
		}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("custom resources (-want +got):\n%s", diff)
	}
}

func TestImportedProviderImportsServiceTokens(t *testing.T) {
	f := getFixture(t)
	want := map[string]string{
		SecretResourceType:           importPrefix + "-SecretServiceToken",
		AccessResourceType:           importPrefix + "-AccessServiceToken",
		CrossAccountRoleResourceType: importPrefix + "-AccessServiceToken",
		EndpointResourceType:         importPrefix + "-EndpointServiceToken",
	}
	got := map[string]string{}
	for _, r := range f.templates[f.imported].Resources {
		if strings.HasPrefix(r.Type, "Custom::") {
			token, _ := r.Properties["ServiceToken"].(map[string]any)
			got[r.Type] = flatten(token["Fn::ImportValue"])
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("imported ServiceTokens by resource type (-want +got):\n%s", diff)
	}
}

// TestImportedProviderNeedsNoBuild synthesizes a stack of every construct
// with ImportedProvider in an app whose asset directory is empty, as in a
// fresh clone before make build: nothing may look for the functions.
func TestImportedProviderNeedsNoBuild(t *testing.T) {
	app := awscdk.NewApp(&awscdk.AppProps{Context: &map[string]any{AssetDirContextKey: t.TempDir()}})
	stack := awscdk.NewStack(app, jsii.String("Unbuilt"), nil)
	provider := ImportedProvider{}
	NewSecret(stack, "Secret", &SecretProps{Provider: provider, WorkgroupName: jsii.String("wg1"), Username: jsii.String("u")})
	NewAccess(stack, "Access", &AccessProps{Provider: provider, Roles: jsii.Strings("app"), Permissions: Permissions{Workgroups: jsii.Strings("wg1")}})
	NewCrossAccountRole(stack, "Role", &CrossAccountRoleProps{Provider: provider, TrustedPrincipalArns: jsii.Strings("111111111111"), Permissions: Permissions{PolicyMode: PolicyModeManaged}})
	NewEndpoint(stack, "Endpoint", &EndpointProps{Provider: provider, VpcId: jsii.String("vpc-0a1b2c3d"), SubnetIds: jsii.Strings("subnet-0a1b2c3d")})
	tpl, err := decodeTemplate(stack)
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]int{}
	for _, r := range tpl.Resources {
		types[r.Type]++
	}
	want := map[string]int{SecretResourceType: 1, AccessResourceType: 1, CrossAccountRoleResourceType: 1, EndpointResourceType: 1}
	if diff := cmp.Diff(want, types); diff != "" {
		t.Errorf("resources by type (-want +got):\n%s", diff)
	}
}

func TestImportedProviderExportPrefix(t *testing.T) {
	stack := awscdk.NewStack(newTestApp(), jsii.String("Importing"), nil)
	tests := map[string]struct {
		provider ImportedProvider
		want     string
	}{
		"default":      {want: "RedshiftDataApiProvider-EndpointServiceToken"},
		"other prefix": {provider: ImportedProvider{ExportPrefix: "Shared"}, want: "Shared-EndpointServiceToken"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			token, _ := stack.Resolve(tc.provider.ServiceToken(FunctionEndpoint)).(map[string]any)
			got := flatten(token["Fn::ImportValue"])
			if got != tc.want {
				t.Errorf("imports %q, want %q", got, tc.want)
			}
		})
	}
}

func TestInvalidPropsAreSynthErrors(t *testing.T) {
	f := getFixture(t)
	annotations := assertions.Annotations_FromStack(f.invalid)
	tests := map[string]struct {
		path    string
		pattern string
		want    int
	}{
		"secret without username":       {path: "/Invalid/NoUser", pattern: `SecretProps\.Username:`, want: 1},
		"endpoint without VPC, subnets": {path: "/Invalid/NoNetwork", pattern: `EndpointProps\.(VpcId|SubnetIds):`, want: 2},
		"plain-text password":           {path: "/Invalid/PlainPassword", pattern: `SecretProps\.Password:`, want: 1},
		"external ID the function refuses": {
			path: "/Invalid/ShortExternalId", pattern: `CrossAccountRoleProps\.ExternalId:`, want: 1,
		},
		"database user with a cluster and a workgroup": {
			path: "/Invalid/TwoTargets", pattern: `DatabaseUserProps\.(ClusterIdentifier, WorkgroupName|AdminDbUser):`, want: 2,
		},
		"nothing else": {path: "*", pattern: `^dataaccess\.`, want: 7},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			found := annotations.FindError(jsii.String(tc.path), assertions.Match_StringLikeRegexp(jsii.String(tc.pattern)))
			if got := len(*found); got != tc.want {
				t.Errorf("%d errors at %s matching %s, want %d", got, tc.path, tc.pattern, tc.want)
			}
		})
	}
}

func TestRejectedPasswordStaysOutOfTemplate(t *testing.T) {
	f := getFixture(t)
	for id, r := range f.templates[f.invalid].ofType(SecretResourceType) {
		if _, ok := r.Properties["Password"]; ok {
			t.Errorf("secret %s has a Password property although its password was rejected", id)
		}
	}
}

func TestNoUnsuppressedNagFindings(t *testing.T) {
	f := getFixture(t)
	stacks := map[string]awscdk.Stack{
		"constructs": f.constructs, "imported": f.imported, "invalid": f.invalid, "custom": f.custom,
	}
	for name, stack := range stacks {
		t.Run(name, func(t *testing.T) {
			for _, finding := range cdktest.NagFindings(stack) {
				t.Errorf("unsuppressed cdk-nag finding: %s", finding)
			}
		})
	}
}

func TestSecretKeyWithoutGrantWarns(t *testing.T) {
	f := getFixture(t)
	tests := map[string]struct {
		stack awscdk.Stack
		want  int
	}{
		// FullSecret names a key; the stack's default provider grants none.
		"default provider":      {stack: f.constructs, want: 1},
		"provider with the key": {stack: f.custom, want: 0},
		"imported provider":     {stack: f.imported, want: 0},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			found := assertions.Annotations_FromStack(tc.stack).FindWarning(jsii.String("*"),
				assertions.Match_StringLikeRegexp(jsii.String(`SecretProps\.KmsKeyId:`)))
			if got := len(*found); got != tc.want {
				t.Errorf("%d KmsKeyId warnings, want %d", got, tc.want)
			}
		})
	}
}
