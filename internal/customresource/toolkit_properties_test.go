package customresource_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

// failedProperties lists the Property of every PropertyError in err.
func failedProperties(err error) []string {
	var out []string
	var walk func(error)
	walk = func(e error) {
		var pe *customresource.PropertyError
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, inner := range j.Unwrap() {
				walk(inner)
			}
		} else if errors.As(e, &pe) {
			out = append(out, pe.Property)
		}
	}
	if err != nil {
		walk(err)
	}
	return out
}

func TestPropertyReader(t *testing.T) {
	tests := map[string]struct {
		props      string
		read       func(p *customresource.PropertyReader) any
		want       any
		wantFailed []string
	}{
		"string":                  {props: `{"A":"x"}`, read: func(p *customresource.PropertyReader) any { return p.String("A") }, want: "x"},
		"number as string":        {props: `{"A":30}`, read: func(p *customresource.PropertyReader) any { return p.String("A") }, want: "30"},
		"list is not a string":    {props: `{"A":["x"]}`, read: func(p *customresource.PropertyReader) any { return p.String("A") }, want: "", wantFailed: []string{"A"}},
		"required and absent":     {props: `{}`, read: func(p *customresource.PropertyReader) any { return p.RequiredString("A", "a name") }, want: "", wantFailed: []string{"A"}},
		"int from string":         {props: `{"A":"30"}`, read: func(p *customresource.PropertyReader) any { return p.Int("A", 1, 1, 64) }, want: 30},
		"int from number":         {props: `{"A":30}`, read: func(p *customresource.PropertyReader) any { return p.Int("A", 1, 1, 64) }, want: 30},
		"int default":             {props: `{}`, read: func(p *customresource.PropertyReader) any { return p.Int("A", 7, 1, 64) }, want: 7},
		"int out of range":        {props: `{"A":"65"}`, read: func(p *customresource.PropertyReader) any { return p.Int("A", 7, 1, 64) }, want: 7, wantFailed: []string{"A"}},
		"int fraction":            {props: `{"A":1.5}`, read: func(p *customresource.PropertyReader) any { return p.Int("A", 7, 1, 64) }, want: 7, wantFailed: []string{"A"}},
		"bool from string":        {props: `{"A":"True"}`, read: func(p *customresource.PropertyReader) any { return p.Bool("A", false) }, want: true},
		"bool from JSON":          {props: `{"A":false}`, read: func(p *customresource.PropertyReader) any { return p.Bool("A", true) }, want: false},
		"bool invalid":            {props: `{"A":"yes"}`, read: func(p *customresource.PropertyReader) any { return p.Bool("A", true) }, want: true, wantFailed: []string{"A"}},
		"enum canonical spelling": {props: `{"A":"scoped"}`, read: func(p *customresource.PropertyReader) any { return p.Enum("A", "Managed", "Managed", "Scoped") }, want: "Scoped"},
		"enum invalid":            {props: `{"A":"other"}`, read: func(p *customresource.PropertyReader) any { return p.Enum("A", "Managed", "Managed", "Scoped") }, want: "Managed", wantFailed: []string{"A"}},
		"list from JSON":          {props: `{"A":["x"," y","x",""]}`, read: func(p *customresource.PropertyReader) any { return p.StringList("A") }, want: []string{"x", "y"}},
		"list from commas":        {props: `{"A":"x, y,,x"}`, read: func(p *customresource.PropertyReader) any { return p.StringList("A") }, want: []string{"x", "y"}},
		"list with a number":      {props: `{"A":["x",1]}`, read: func(p *customresource.PropertyReader) any { return p.StringList("A") }, want: []string(nil), wantFailed: []string{"A"}},
		"tags as Key and Value":   {props: `{"A":[{"Key":"k","Value":"v"}]}`, read: func(p *customresource.PropertyReader) any { return p.Tags("A") }, want: map[string]string{"k": "v"}},
		"tags as object":          {props: `{"A":{"k":"v"}}`, read: func(p *customresource.PropertyReader) any { return p.Tags("A") }, want: map[string]string{"k": "v"}},
		"tags without Value":      {props: `{"A":[{"Key":"k"}]}`, read: func(p *customresource.PropertyReader) any { return p.Tags("A") }, want: map[string]string(nil), wantFailed: []string{"A"}},
		"JSON from string":        {props: `{"A":"{\"b\": 1}"}`, read: func(p *customresource.PropertyReader) any { return p.JSON("A") }, want: `{"b":1}`},
		"JSON from object":        {props: `{"A":{"b":1}}`, read: func(p *customresource.PropertyReader) any { return p.JSON("A") }, want: `{"b":1}`},
		"JSON invalid":            {props: `{"A":"{"}`, read: func(p *customresource.PropertyReader) any { return p.JSON("A") }, want: "", wantFailed: []string{"A"}},
		"unknown properties":      {props: `{"A":"x","Z":"1","Y":"2"}`, read: func(p *customresource.PropertyReader) any { return p.String("A") }, want: "x", wantFailed: []string{"Y, Z"}},
		"ServiceToken is known":   {props: `{"A":"x","ServiceToken":"arn"}`, read: func(p *customresource.PropertyReader) any { return p.String("A") }, want: "x"},
		"ServiceTimeout is known": {props: `{"A":"x","ServiceTimeout":"300"}`, read: func(p *customresource.PropertyReader) any { return p.String("A") }, want: "x"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var props map[string]any
			if err := json.Unmarshal([]byte(tc.props), &props); err != nil {
				t.Fatalf("bad test props: %v", err)
			}
			p := customresource.NewPropertyReader(props)
			got := tc.read(p)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("value (-want +got):\n%s", diff)
			}
			err := p.Err()
			if diff := cmp.Diff(tc.wantFailed, failedProperties(err)); diff != "" {
				t.Errorf("failed properties (-want +got):\n%s", diff)
			}
			if (err != nil) != customresource.IsInvalidInput(err) {
				t.Errorf("IsInvalidInput(%v) = %t", err, customresource.IsInvalidInput(err))
			}
		})
	}
}
