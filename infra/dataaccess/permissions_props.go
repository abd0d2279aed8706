package dataaccess

import (
	"regexp"
	"strings"
)

// PolicyMode says which Data API permissions a grant gives.
type PolicyMode string

// The policy modes.
const (
	// PolicyModeScoped creates a customer managed policy derived from
	// AmazonRedshiftDataFullAccess with every resource narrowed to the
	// given clusters and workgroups.
	PolicyModeScoped PolicyMode = "Scoped"
	// PolicyModeManaged attaches the AWS managed policy
	// AmazonRedshiftDataFullAccess.
	PolicyModeManaged PolicyMode = "Managed"
)

// AuthMethod is a way of authenticating Data API calls that a scoped policy
// allows.
type AuthMethod string

// The authentication methods of the Data API.
const (
	AuthSecretsManager                 AuthMethod = "SecretsManager"
	AuthClusterTemporaryCredentials    AuthMethod = "ClusterTemporaryCredentials"
	AuthClusterIamIdentity             AuthMethod = "ClusterIamIdentity"
	AuthServerlessTemporaryCredentials AuthMethod = "ServerlessTemporaryCredentials"
)

// Permissions are the Data API permissions of an Access grant or a
// CrossAccountRole. Apart from PolicyMode, every field applies only to
// PolicyModeScoped; an Access grant also reads Workgroups with
// PolicyModeManaged, for TagWorkgroups.
type Permissions struct {
	// PolicyMode is Scoped or Managed. Default: Scoped.
	PolicyMode PolicyMode
	// Clusters and Workgroups are the targets the Data API statements may
	// run against.
	Clusters   *[]*string
	Workgroups *[]*string
	// Databases limits cluster temporary credentials to these databases.
	// Default: all.
	Databases *[]*string
	// AuthMethods are the allowed ways to authenticate. Default: those that
	// fit the targets.
	AuthMethods []AuthMethod
	// SecretArns are the secrets that may be read. Default: any secret
	// tagged RedshiftDataFullAccess, as in the managed policy.
	SecretArns *[]*string
	// DbUser is the database user of cluster temporary credentials.
	// Default: redshift_data_api_user.
	DbUser *string
	// StatementOwnerOnly limits describing, reading, cancelling and listing
	// statements to the caller's own. Default: true.
	StatementOwnerOnly *bool
}

// iamPathPattern matches an IAM path: / or /<segments>/.
var iamPathPattern = regexp.MustCompile(`^/([\x21-\x7e]*/)?$`)

// validate checks the permissions. needTargets says whether a scoped
// policy must name at least one cluster or workgroup; workgroupsInManaged
// whether Workgroups means something with PolicyModeManaged.
func (p *Permissions) validate(v *validator, needTargets, workgroupsInManaged bool) {
	switch p.PolicyMode {
	case "", PolicyModeScoped:
	case PolicyModeManaged:
		scopedOnly := []struct {
			prop string
			set  bool
		}{
			{"Clusters", stateOf(p.Clusters) != listEmpty},
			{"Databases", stateOf(p.Databases) != listEmpty},
			{"AuthMethods", len(p.AuthMethods) > 0},
			{"SecretArns", stateOf(p.SecretArns) != listEmpty},
			{"DbUser", isSet(p.DbUser)},
			{"StatementOwnerOnly", p.StatementOwnerOnly != nil},
			{"Workgroups", !workgroupsInManaged && stateOf(p.Workgroups) != listEmpty},
		}
		for _, s := range scopedOnly {
			if s.set {
				v.fail("Permissions."+s.prop, "is set with PolicyMode Managed; allowed: only with PolicyMode Scoped")
			}
		}
		return
	default:
		v.fail("Permissions.PolicyMode", "is %q; allowed: %s or %s", p.PolicyMode, PolicyModeScoped, PolicyModeManaged)
		return
	}
	if needTargets && stateOf(p.Clusters) == listEmpty && stateOf(p.Workgroups) == listEmpty {
		v.fail("Permissions.Clusters", "and Permissions.Workgroups are both empty; allowed: at least one cluster or workgroup for a scoped policy")
	}
	for _, m := range p.AuthMethods {
		switch m {
		case AuthSecretsManager, AuthClusterTemporaryCredentials, AuthClusterIamIdentity, AuthServerlessTemporaryCredentials:
		default:
			v.fail("Permissions.AuthMethods", "holds %q; allowed: %s, %s, %s, %s", m,
				AuthSecretsManager, AuthClusterTemporaryCredentials, AuthClusterIamIdentity, AuthServerlessTemporaryCredentials)
		}
	}
}

// providerPath checks an IAM path prop: the provider may manage only
// policies and roles under /redshift-data-api/.
func (v *validator) providerPath(prop string, path *string) {
	if p, ok := known(path); ok && (len(p) > 512 || !iamPathPattern.MatchString(p) || !strings.HasPrefix(p, "/"+NamePrefix)) {
		v.fail(prop, "is %q; allowed: an IAM path that starts with /%s and ends with /", p, NamePrefix)
	}
}

// write adds the permissions to the resource properties.
func (p *Permissions) write(props properties) {
	if p.PolicyMode != "" {
		props["PolicyMode"] = string(p.PolicyMode)
	}
	props.list("Clusters", p.Clusters)
	props.list("Workgroups", p.Workgroups)
	props.list("Databases", p.Databases)
	if len(p.AuthMethods) > 0 {
		methods := make([]string, 0, len(p.AuthMethods))
		for _, m := range p.AuthMethods {
			methods = append(methods, string(m))
		}
		props["AuthMethods"] = methods
	}
	props.list("SecretArns", p.SecretArns)
	props.str("DbUser", p.DbUser)
	props.boolean("StatementOwnerOnly", p.StatementOwnerOnly)
}
