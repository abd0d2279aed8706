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
// CrossAccountRole. Apart from PolicyMode and Workgroups (which
// AccessProps.TagWorkgroups also reads), every field applies only to
// PolicyModeScoped.
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
	// PolicyName is the name of the scoped policy. Default: generated.
	PolicyName *string
	// PolicyPath is the path of the scoped policy; it must start with
	// /redshift-data-api/, the only path the provider may manage. Default:
	// /redshift-data-api/.
	PolicyPath *string
}

var (
	policyNamePattern = regexp.MustCompile(`^[\w+=,.@-]{1,128}$`)
	iamPathPattern    = regexp.MustCompile(`^/([\x21-\x7e]*/)?$`)
)

// validate checks the permissions; needTargets says whether a scoped
// policy must name at least one cluster or workgroup.
func (p *Permissions) validate(v *validator, needTargets bool) {
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
			{"PolicyName", isSet(p.PolicyName)},
			{"PolicyPath", isSet(p.PolicyPath)},
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
	if name, ok := known(p.PolicyName); ok && !policyNamePattern.MatchString(name) {
		v.fail("Permissions.PolicyName", "is %q; allowed: 1 to 128 letters, digits and +=,.@_-", name)
	}
	if path, ok := known(p.PolicyPath); ok && (!iamPathPattern.MatchString(path) || !strings.HasPrefix(path, "/"+NamePrefix)) {
		v.fail("Permissions.PolicyPath", "is %q; allowed: an IAM path that starts with /%s and ends with /", path, NamePrefix)
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
	props.str("PolicyName", p.PolicyName)
	props.str("PolicyPath", p.PolicyPath)
}
