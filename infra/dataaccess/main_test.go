package dataaccess

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"

	"github.com/redshift-data-access/redshift-data-access/infra/internal/cdktest"
)

// assetDir holds dummy bootstrap files, so that no test needs make build.
var assetDir string

func TestMain(m *testing.M) {
	names := make([]string, 0, len(Functions()))
	for _, fn := range Functions() {
		names = append(names, string(fn))
	}
	cdktest.Main(m, names, &assetDir)
}

// newTestApp returns an app whose functions come from the dummy assets.
func newTestApp() awscdk.App {
	return awscdk.NewApp(&awscdk.AppProps{
		Context: &map[string]any{AssetDirContextKey: assetDir},
	})
}

// cfnTemplate is the part of a synthesized template that the tests read.
type cfnTemplate struct {
	Resources map[string]cfnResource
	Outputs   map[string]map[string]any
}

type cfnResource struct {
	Type           string
	Properties     map[string]any
	DeletionPolicy string
}

// ofType returns the resources of one type by logical ID.
func (c cfnTemplate) ofType(typ string) map[string]cfnResource {
	out := map[string]cfnResource{}
	for id, r := range c.Resources {
		if r.Type == typ {
			out[id] = r
		}
	}
	return out
}

// flatten renders a template value as text: Fn::Join is joined, Ref and
// Fn::GetAtt become ${Name} and ${Name.Attr}, lists become comma-joined.
func flatten(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []any:
		parts := make([]string, 0, len(x))
		for _, item := range x {
			parts = append(parts, flatten(item))
		}
		return strings.Join(parts, ",")
	case map[string]any:
		if ref, ok := x["Ref"]; ok {
			return "${" + flatten(ref) + "}"
		}
		if att, ok := x["Fn::GetAtt"].([]any); ok {
			return "${" + flatten(att[0]) + "." + flatten(att[1]) + "}"
		}
		if join, ok := x["Fn::Join"].([]any); ok {
			items, _ := join[1].([]any)
			parts := make([]string, 0, len(items))
			for _, item := range items {
				parts = append(parts, flatten(item))
			}
			return strings.Join(parts, flatten(join[0]))
		}
		raw, _ := json.Marshal(x)
		return string(raw)
	default:
		return fmt.Sprint(x)
	}
}

// invalidProps returns the props named by errs, which must all be
// *InvalidPropError.
func invalidProps(t *testing.T, errs []error) []string {
	t.Helper()
	var out []string
	for _, err := range errs {
		var invalid *InvalidPropError
		if !errors.As(err, &invalid) {
			t.Fatalf("error %v is %T, want *InvalidPropError", err, err)
		}
		out = append(out, invalid.Prop)
	}
	return out
}

// synthOnce builds a fixture once per test binary: starting jsii and
// synthesizing are the slow part of these tests.
func synthOnce[T any](build func() T) func() T {
	var once sync.Once
	var v T
	return func() T {
		once.Do(func() { v = build() })
		return v
	}
}
