package access

import (
	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

// accessProps are the validated properties of an Access resource.
type accessProps struct {
	Principals    []principal
	Scope         scopeProps
	PolicyName    string
	PolicyPath    string
	TagWorkgroups bool
}

// readAccess parses and validates the properties; every problem is a
// PropertyError that names the property.
func readAccess(props map[string]any) (accessProps, error) {
	p := customresource.NewPropertyReader(props)
	a := accessProps{
		Principals:    readPrincipals(p),
		Scope:         readScope(p, true),
		PolicyName:    readName(p, "PolicyName", 128),
		PolicyPath:    readPath(p, "PolicyPath"),
		TagWorkgroups: p.Bool("TagWorkgroups", false),
	}
	if a.TagWorkgroups && len(a.Scope.Workgroups) == 0 {
		p.Fail("TagWorkgroups", "is true but no workgroup is given", "Workgroups to tag, or TagWorkgroups false")
	}
	if a.Scope.Mode == ModeManaged && len(a.Scope.Workgroups) > 0 && !a.TagWorkgroups {
		// The managed policy cannot be narrowed to workgroups; without
		// TagWorkgroups they would be ignored without a word.
		p.Fail("Workgroups", "in Managed mode only names the workgroups to tag, but TagWorkgroups is false", "TagWorkgroups true, PolicyMode Scoped, or no Workgroups")
	}
	if a.Scope.Mode == ModeManaged {
		for _, name := range []string{"PolicyName", "PolicyPath"} {
			if p.Has(name) {
				p.Fail(name, "is only used with PolicyMode Scoped; Managed mode attaches the AWS managed policy", "PolicyMode Scoped, or remove "+name)
			}
		}
	}
	return a, p.Err()
}
