package main

import (
	"encoding/json"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/google/go-cmp/cmp"

	"github.com/redshift-data-access/redshift-data-access/infra/dataaccess"
	"github.com/redshift-data-access/redshift-data-access/infra/internal/cdktest"
)

// assetDir holds dummy bootstrap files, so that no test needs make build.
var assetDir string

func TestMain(m *testing.M) {
	names := make([]string, 0, len(dataaccess.Functions()))
	for _, fn := range dataaccess.Functions() {
		names = append(names, string(fn))
	}
	cdktest.Main(m, names, &assetDir)
}

// newTestApp returns an app with the dummy assets and the given context.
func newTestApp(context map[string]any) awscdk.App {
	ctx := map[string]any{dataaccess.AssetDirContextKey: assetDir}
	for k, v := range context {
		ctx[k] = v
	}
	return awscdk.NewApp(&awscdk.AppProps{Context: &ctx})
}

// synthesized is the app of cdk synth -c example=true, synthesized once:
// starting jsii and the first synth are the slow part of these tests.
type synthesized struct {
	stacks   stacks
	provider cfnTemplate
	example  cfnTemplate
}

var (
	synthOnce sync.Once
	synthApp  synthesized
	synthErr  error
)

func getSynthesized(t *testing.T) synthesized {
	t.Helper()
	synthOnce.Do(func() {
		synthApp.stacks = addStacks(newTestApp(map[string]any{contextExample: true}))
		if synthApp.provider, synthErr = decodeTemplate(synthApp.stacks.provider.Stack); synthErr == nil {
			synthApp.example, synthErr = decodeTemplate(synthApp.stacks.example)
		}
	})
	if synthErr != nil {
		t.Fatal(synthErr)
	}
	return synthApp
}

// cfnTemplate is the part of a synthesized template that the tests read.
type cfnTemplate struct {
	Parameters map[string]map[string]any
	Resources  map[string]struct {
		Type       string
		Properties map[string]any
	}
	Outputs map[string]struct {
		Value  any
		Export struct{ Name string }
	}
}

func decodeTemplate(stack awscdk.Stack) (cfnTemplate, error) {
	var tpl cfnTemplate
	err := cdktest.DecodeTemplate(stack, &tpl)
	return tpl, err
}

// text renders a template value compactly: strings as they are, anything
// else (Ref, Fn::GetAtt, Fn::ImportValue, lists) as JSON.
func text(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	raw, _ := json.Marshal(v)
	return string(raw)
}

func TestAppStacksFollowContext(t *testing.T) {
	tests := map[string]struct {
		context map[string]any
		want    []string
	}{
		"default":                        {want: []string{defaultProviderStackName}},
		"example from cdk.json":          {context: map[string]any{contextExample: true}, want: []string{exampleStackName, defaultProviderStackName}},
		"example from cdk -c":            {context: map[string]any{contextExample: "true"}, want: []string{exampleStackName, defaultProviderStackName}},
		"example off from cdk -c":        {context: map[string]any{contextExample: "false"}, want: []string{defaultProviderStackName}},
		"provider stack with other name": {context: map[string]any{contextProviderStackName: "Shared"}, want: []string{"Shared"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			app := newTestApp(tc.context)
			addStacks(app)
			var got []string
			for _, child := range *app.Node().Children() {
				if *awscdk.Stack_IsStack(child) {
					got = append(got, *child.Node().Id())
				}
			}
			sort.Strings(got)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("stacks (-want +got):\n%s", diff)
			}
		})
	}
}

// TestProviderStackExportsServiceTokens pins the export names and the
// functions' logical IDs. Both must never change once deployed:
// CloudFormation refuses to change an export that another stack imports,
// and refuses to change the ServiceToken of an existing custom resource
// ("Modifying service token is not allowed"), so a renamed construct ID
// that replaces a function would break every stack that uses it.
func TestProviderStackExportsServiceTokens(t *testing.T) {
	s := getSynthesized(t)
	type export struct{ Name, Value string }
	want := map[string]export{
		"SecretServiceToken":   {Name: defaultProviderStackName + "-SecretServiceToken", Value: `{"Fn::GetAtt":["ProviderSecretFunction4BEE846C","Arn"]}`},
		"AccessServiceToken":   {Name: defaultProviderStackName + "-AccessServiceToken", Value: `{"Fn::GetAtt":["ProviderAccessFunction464EF2AE","Arn"]}`},
		"EndpointServiceToken": {Name: defaultProviderStackName + "-EndpointServiceToken", Value: `{"Fn::GetAtt":["ProviderEndpointFunctionB8073F0B","Arn"]}`},
		"DatabaseUserServiceToken": {
			Name: defaultProviderStackName + "-DatabaseUserServiceToken", Value: `{"Fn::GetAtt":["ProviderDatabaseUserFunction6B3A18B3","Arn"]}`,
		},
	}
	got := map[string]export{}
	for id, o := range s.provider.Outputs {
		got[id] = export{Name: o.Export.Name, Value: text(o.Value)}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("outputs (-want +got):\n%s", diff)
	}
}

func TestExampleStackUsesProviderExports(t *testing.T) {
	s := getSynthesized(t)
	type resource struct{ Type, ServiceToken, Properties string }
	want := []resource{
		{
			Type:         dataaccess.AccessResourceType,
			ServiceToken: `{"Fn::ImportValue":"RedshiftDataApiProvider-AccessServiceToken"}`,
			Properties:   `Roles=[{"Ref":"RoleName"}] TagWorkgroups=true Workgroups=[{"Ref":"WorkgroupName"}]`,
		},
		{
			Type:         dataaccess.EndpointResourceType,
			ServiceToken: `{"Fn::ImportValue":"RedshiftDataApiProvider-EndpointServiceToken"}`,
			Properties:   `PrivateDnsEnabled=true SubnetIds={"Ref":"SubnetIds"} VpcId={"Ref":"VpcId"}`,
		},
		{
			Type:         dataaccess.SecretResourceType,
			ServiceToken: `{"Fn::ImportValue":"RedshiftDataApiProvider-SecretServiceToken"}`,
			Properties:   `Database={"Ref":"DatabaseName"} TagValue=serverless Username={"Ref":"Username"} WorkgroupName={"Ref":"WorkgroupName"}`,
		},
	}
	shown := map[string]bool{"Roles": true, "TagWorkgroups": true, "Workgroups": true, "PrivateDnsEnabled": true,
		"SubnetIds": true, "VpcId": true, "Database": true, "TagValue": true, "Username": true, "WorkgroupName": true}
	var got []resource
	for _, r := range s.example.Resources {
		if r.Type == "AWS::Lambda::Function" {
			t.Errorf("the example stack deploys a function; it should import the provider's")
		}
		if !strings.HasPrefix(r.Type, "Custom::") {
			continue
		}
		var props []string
		for k, v := range r.Properties {
			if shown[k] {
				props = append(props, k+"="+text(v))
			}
		}
		sort.Strings(props)
		got = append(got, resource{Type: r.Type, ServiceToken: text(r.Properties["ServiceToken"]), Properties: strings.Join(props, " ")})
	}
	sort.Slice(got, func(i, j int) bool { return got[i].Type < got[j].Type })
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("custom resources (-want +got):\n%s", diff)
	}

	params := map[string]string{}
	for id, p := range s.example.Parameters {
		if id != "BootstrapVersion" {
			params[id] = text(p["Type"])
		}
	}
	wantParams := map[string]string{
		"VpcId": "AWS::EC2::VPC::Id", "SubnetIds": "List<AWS::EC2::Subnet::Id>", "RoleName": "String",
		"WorkgroupName": "String", "DatabaseName": "String", "Username": "String",
	}
	if diff := cmp.Diff(wantParams, params); diff != "" {
		t.Errorf("parameters (-want +got):\n%s", diff)
	}

	deps := map[string]bool{}
	for _, d := range *s.stacks.example.Dependencies() {
		deps[*d.StackName()] = true
	}
	if !deps[defaultProviderStackName] {
		t.Errorf("the example stack does not depend on %s, whose exports it imports", defaultProviderStackName)
	}
}

func TestNoUnsuppressedNagFindings(t *testing.T) {
	s := getSynthesized(t)
	for name, stack := range map[string]awscdk.Stack{"provider": s.stacks.provider.Stack, "example": s.stacks.example} {
		t.Run(name, func(t *testing.T) {
			for _, finding := range cdktest.NagFindings(stack) {
				t.Errorf("unsuppressed cdk-nag finding: %s", finding)
			}
		})
	}
}

func TestSecretKmsKeysFromContext(t *testing.T) {
	const keyA = "arn:aws:kms:us-east-1:111111111111:key/1111aaaa-1111-aaaa-1111-aaaa1111aaaa"
	const keyB = "arn:aws:kms:us-east-1:111111111111:key/2222bbbb-2222-bbbb-2222-bbbb2222bbbb"
	tests := map[string]struct {
		context map[string]any
		want    []string
	}{
		"none":                   {},
		"comma list from cdk -c": {context: map[string]any{contextSecretKmsKeyArns: keyA + ", " + keyB}, want: []string{keyA, keyB}},
		"list from cdk.json":     {context: map[string]any{contextSecretKmsKeyArns: []any{keyA}}, want: []string{keyA}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			app := newTestApp(tc.context)
			tpl, err := decodeTemplate(addStacks(app).provider.Stack)
			if err != nil {
				t.Fatal(err)
			}
			var policies strings.Builder
			for _, r := range tpl.Resources {
				if r.Type == "AWS::IAM::Policy" || r.Type == "AWS::IAM::Role" {
					policies.WriteString(text(r.Properties))
				}
			}
			var got []string
			for _, key := range []string{keyA, keyB} {
				if strings.Contains(policies.String(), key) {
					got = append(got, key)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("KMS keys the provider's roles may use (-want +got):\n%s", diff)
			}
		})
	}
}
