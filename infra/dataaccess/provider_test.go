package dataaccess

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/google/go-cmp/cmp"
)

// function is what the tests read of a Lambda function and its log group
// and role.
type function struct {
	Runtime, Handler, LogFormat string
	Architectures               []string
	Timeout, MemorySize         float64
	LogRetentionDays            float64
	LogDeletionPolicy           string
	// RetryAttempts and MaxEventAge are from the function's
	// AWS::Lambda::EventInvokeConfig.
	RetryAttempts, MaxEventAge float64
}

// functionsOf returns the functions of tpl and their role logical IDs,
// keyed by the Function that their logical ID names.
func functionsOf(t *testing.T, tpl cfnTemplate) (map[Function]function, map[Function]string) {
	t.Helper()
	got := map[Function]function{}
	roles := map[Function]string{}
	invokeConfigs := map[string]map[string]any{}
	for _, r := range tpl.ofType("AWS::Lambda::EventInvokeConfig") {
		invokeConfigs[flatten(r.Properties["FunctionName"])] = r.Properties
	}
	for id, r := range tpl.ofType("AWS::Lambda::Function") {
		p := r.Properties
		var key Function
		for _, spec := range functionSpecs() {
			if strings.Contains(id, spec.id+"Function") {
				key = spec.function
			}
		}
		logging, _ := p["LoggingConfig"].(map[string]any)
		logs := tpl.Resources[strings.Trim(flatten(logging["LogGroup"]), "${}")]
		fn := function{
			Runtime:           flatten(p["Runtime"]),
			Handler:           flatten(p["Handler"]),
			LogFormat:         flatten(logging["LogFormat"]),
			Timeout:           p["Timeout"].(float64),
			MemorySize:        p["MemorySize"].(float64),
			LogDeletionPolicy: logs.DeletionPolicy,
		}
		for _, a := range p["Architectures"].([]any) {
			fn.Architectures = append(fn.Architectures, flatten(a))
		}
		if days, ok := logs.Properties["RetentionInDays"].(float64); ok {
			fn.LogRetentionDays = days
		}
		invoke := invokeConfigs["${"+id+"}"]
		fn.RetryAttempts, _ = invoke["MaximumRetryAttempts"].(float64)
		fn.MaxEventAge, _ = invoke["MaximumEventAgeInSeconds"].(float64)
		got[key] = fn
		roles[key] = strings.TrimSuffix(strings.TrimPrefix(flatten(p["Role"]), "${"), ".Arn}")
	}
	return got, roles
}

func TestProviderFunctions(t *testing.T) {
	f := getFixture(t)
	base := function{
		Runtime: "provided.al2023", Handler: "bootstrap", LogFormat: "JSON", Architectures: []string{"arm64"},
		Timeout: 300, MemorySize: 256, RetryAttempts: 1,
	}
	// The oldest event worth running is the timeout plus a minute of
	// retry delay and a minute of slack.
	with := func(timeout, days float64, deletion string) function {
		fn := base
		fn.Timeout, fn.LogRetentionDays, fn.LogDeletionPolicy = timeout, days, deletion
		fn.MaxEventAge = timeout + 120
		return fn
	}
	tests := map[string]struct {
		stack awscdk.Stack
		want  map[Function]function
	}{
		"defaults": {stack: f.constructs, want: map[Function]function{
			FunctionSecret:   with(300, 90, "Retain"),
			FunctionAccess:   with(300, 90, "Retain"),
			FunctionEndpoint: with(900, 90, "Retain"),
			FunctionDBUser:   with(300, 90, "Retain"),
		}},
		"custom log retention and removal": {stack: f.custom, want: map[Function]function{
			FunctionSecret:   with(300, 365, "Delete"),
			FunctionAccess:   with(300, 365, "Delete"),
			FunctionEndpoint: with(900, 365, "Delete"),
			FunctionDBUser:   with(300, 365, "Delete"),
		}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, roles := functionsOf(t, f.templates[tc.stack])
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("functions (-want +got):\n%s", diff)
			}
			distinct := map[string]bool{}
			for _, role := range roles {
				distinct[role] = true
			}
			if len(distinct) != len(roles) {
				t.Errorf("functions share roles: %v", roles)
			}
		})
	}
}

func TestProviderOfIsOnePerStack(t *testing.T) {
	f := getFixture(t)
	if got := len(f.templates[f.constructs].ofType("AWS::Lambda::Function")); got != len(Functions()) {
		t.Errorf("a stack with five constructs has %d functions, want %d", got, len(Functions()))
	}
	if got := len(f.templates[f.imported].ofType("AWS::Lambda::Function")); got != 0 {
		t.Errorf("a stack with an imported provider has %d functions, want 0", got)
	}
	first := ProviderOf(f.constructs)
	if second := ProviderOf(f.constructs.Node().FindChild(jsii.String("AppAccess"))); second != first {
		t.Errorf("ProviderOf returned two providers for one stack")
	}
}

func TestNewProviderPanicsWithoutBuild(t *testing.T) {
	empty := t.TempDir()
	stack := awscdk.NewStack(newTestApp(), jsii.String("Unbuilt"), nil)
	defer func() {
		if recover() == nil {
			t.Errorf("NewProvider with no bootstrap in %s did not panic", empty)
		}
	}()
	NewProvider(stack, "Provider", &ProviderProps{AssetDir: jsii.String(empty)})
}

func TestResolveAssetDir(t *testing.T) {
	tests := map[string]struct {
		context map[string]any
		prop    *string
		want    string
	}{
		"default":           {want: DefaultAssetDir},
		"context":           {context: map[string]any{AssetDirContextKey: "out/lambda"}, want: "out/lambda"},
		"prop over context": {context: map[string]any{AssetDirContextKey: "out/lambda"}, prop: jsii.String("dist"), want: "dist"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			app := awscdk.NewApp(&awscdk.AppProps{Context: &tc.context})
			if got := resolveAssetDir(app, tc.prop); got != tc.want {
				t.Errorf("resolveAssetDir = %q, want %q", got, tc.want)
			}
		})
	}
}
