package access

import (
	"fmt"
	"strings"

	"github.com/redshift-data-access/redshift-data-access/internal/awsarn"
	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

// roleProps are the validated properties of a CrossAccountRole.
type roleProps struct {
	Trusted            []string
	ExternalID         string
	RoleName           string
	RolePath           string
	Description        string
	MaxSessionDuration int
	BoundaryArn        string
	Tags               map[string]string
	Scope              scopeProps
}

// readRole parses and validates the properties; every problem is a
// PropertyError that names the property.
func readRole(props map[string]any) (roleProps, error) {
	p := customresource.NewPropertyReader(props)
	r := roleProps{
		Trusted:            p.StringList("TrustedPrincipalArns"),
		ExternalID:         p.String("ExternalId"),
		RoleName:           readName(p, "RoleName", 64),
		RolePath:           readPath(p, "RolePath"),
		Description:        p.String("Description"),
		MaxSessionDuration: p.Int("MaxSessionDuration", 3600, 3600, 43200),
		BoundaryArn:        p.String("PermissionsBoundaryArn"),
		Tags:               p.Tags("Tags"),
		Scope:              readScope(p, false),
	}
	if len(r.Trusted) == 0 && p.Has("TrustedPrincipalArns") {
		p.Fail("TrustedPrincipalArns", "is empty", "role, user or account-root ARNs, or 12-digit account IDs")
	} else if len(r.Trusted) == 0 {
		p.Fail("TrustedPrincipalArns", "is required", "role, user or account-root ARNs, or 12-digit account IDs")
	}
	for _, t := range r.Trusted {
		if awsarn.IsAccountID(t) {
			continue
		}
		if !awsarn.IsTrustablePrincipal(t) {
			p.Fail("TrustedPrincipalArns", fmt.Sprintf("%q is not a principal IAM can trust", t), "role, user or account-root ARNs, or 12-digit account IDs")
		}
	}
	if r.ExternalID != "" && (len(r.ExternalID) < 2 || len(r.ExternalID) > 1224 || !externalIDRE.MatchString(r.ExternalID)) {
		p.Fail("ExternalId", "is not a valid external ID", "2 to 1224 letters, digits and +=,.@:/-_")
	}
	if len(r.Description) > 1000 {
		p.Fail("Description", fmt.Sprintf("has %d characters", len(r.Description)), "at most 1000 characters")
	}
	if r.BoundaryArn != "" {
		if _, err := awsarn.ParsePolicy(r.BoundaryArn); err != nil {
			p.Fail("PermissionsBoundaryArn", fmt.Sprintf("%q is not a managed policy ARN", r.BoundaryArn), "arn:<partition>:iam::<account or aws>:policy/<path><name>")
		}
	}
	for k := range r.Tags {
		if strings.HasPrefix(k, "redshift-data-access:") || strings.HasPrefix(strings.ToLower(k), "aws:") {
			p.Fail("Tags", fmt.Sprintf("tag key %q is reserved", k), "keys that start neither with redshift-data-access: nor aws:")
		}
	}
	return r, p.Err()
}
