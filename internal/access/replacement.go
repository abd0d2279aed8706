package access

import (
	"fmt"
	"strings"

	"github.com/redshift-data-access/redshift-data-access/internal/awsarn"
	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

// iamPathName splits the path and the name out of the ARN of an IAM role or
// customer managed policy: arn:aws:iam::111111111111:role/a/b/name gives
// "/a/b/" and "name".
func iamPathName(arn string) (path, name string) {
	for _, kind := range []awsarn.IAMKind{awsarn.KindRole, awsarn.KindPolicy} {
		if a, err := awsarn.ParseIAM(arn, kind); err == nil {
			return a.Path, a.Name
		}
	}
	return "", ""
}

// renamed is a role or policy's path and name before and after an update:
// what IAM cannot change in place.
type renamed struct {
	// CurrentArn is the physical ID, the ARN IAM knows.
	CurrentArn string
	// Path and Name are the new properties; Name is "" for a generated
	// name. OldName is the name property the entity was made with.
	Path, Name, OldName string
	// PathProperty and NameProperty name the properties in errors.
	PathProperty, NameProperty string
}

// needsNew reports whether the update needs a new role or policy: its path
// changes, its explicit name changes, or an explicit name gives way to a
// generated one. The ARN, not the old properties, says the current path
// and name. IAM names are unique in an account whatever the path, so a new
// entity that keeps the current name could never be created beside the old
// one: that is a PropertyError, found before anything is changed.
func (n renamed) needsNew() (bool, error) {
	path, name := iamPathName(n.CurrentArn)
	replace := path != n.Path || (n.Name != "" && n.Name != name) || (n.Name == "" && n.OldName != "")
	if !replace || n.Name == "" || !strings.EqualFold(n.Name, name) {
		return replace, nil
	}
	property := n.NameProperty
	if path != n.Path {
		property = n.PathProperty
	}
	return false, &customresource.PropertyError{
		Property: property,
		Problem:  fmt.Sprintf("changes, which needs a new IAM entity, while %s stays %q: IAM names are unique in an account whatever the path, so the new one cannot be created beside %s", n.NameProperty, n.Name, n.CurrentArn),
		Allowed:  fmt.Sprintf("a new %s as well, or no %s (a generated name)", n.NameProperty, n.NameProperty),
	}
}
