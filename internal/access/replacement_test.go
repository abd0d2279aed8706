package access

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

func TestRenamedNeedsNew(t *testing.T) {
	const current = "arn:aws:iam::111111111111:role/redshift-data-api/stack-Role-1a2b"
	tests := map[string]struct {
		path, name, oldName string
		want                bool
		wantProperty        string
	}{
		"generated name, same path":        {path: "/redshift-data-api/", want: false},
		"generated name, new path":         {path: "/data/", want: true},
		"explicit name equal to current":   {path: "/redshift-data-api/", name: "stack-Role-1a2b", want: false},
		"explicit name, new":               {path: "/redshift-data-api/", name: "analysts", want: true},
		"explicit name given up":           {path: "/redshift-data-api/", oldName: "stack-Role-1a2b", want: true},
		"explicit name kept, path changes": {path: "/data/", name: "stack-Role-1a2b", wantProperty: "RolePath"},
		"only the case of the name":        {path: "/redshift-data-api/", name: "STACK-Role-1a2b", wantProperty: "RoleName"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := renamed{CurrentArn: current, Path: tc.path, Name: tc.name, OldName: tc.oldName, PathProperty: "RolePath", NameProperty: "RoleName"}.needsNew()
			var pe *customresource.PropertyError
			if tc.wantProperty != "" {
				if !errors.As(err, &pe) || pe.Property != tc.wantProperty {
					t.Fatalf("error = %v, want a PropertyError on %s", err, tc.wantProperty)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("needsNew (-want +got):\n%s", diff)
			}
		})
	}
}
