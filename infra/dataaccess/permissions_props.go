package dataaccess

import (
	"reflect"
	"strings"

	"github.com/redshift-data-access/redshift-data-access/internal/access"
	"github.com/redshift-data-access/redshift-data-access/internal/policy"
)

// PolicyMode says which Data API permissions a grant gives.
type PolicyMode string

// The policy modes.
const (
	// PolicyModeScoped creates a customer managed policy derived from
	// AmazonRedshiftDataFullAccess with every resource narrowed to the
	// given clusters and workgroups.
	PolicyModeScoped PolicyMode = access.ModeScoped
	// PolicyModeManaged attaches the AWS managed policy
	// AmazonRedshiftDataFullAccess.
	PolicyModeManaged PolicyMode = access.ModeManaged
)

// AuthMethod is a way of authenticating Data API calls that a scoped policy
// allows.
type AuthMethod string

// The authentication methods of the Data API, as the access function names
// them.
const (
	AuthSecretsManager                 = AuthMethod(policy.AuthSecretsManager)
	AuthClusterTemporaryCredentials    = AuthMethod(policy.AuthClusterTemporaryCredentials)
	AuthClusterIamIdentity             = AuthMethod(policy.AuthClusterIAMIdentity)
	AuthServerlessTemporaryCredentials = AuthMethod(policy.AuthServerlessTemporaryCredentials)
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

// permissionsField is the props field of a property that Permissions
// renders, for the problems that the function's parser reports: the field
// of Permissions of the same name, or the props' own field.
func permissionsField(property string) string {
	if _, ok := reflect.TypeFor[Permissions]().FieldByName(property); ok {
		return "Permissions." + property
	}
	return property
}

// providerPath checks an IAM path prop against the provider's own
// permissions, which let it manage only policies and roles under
// /redshift-data-api/ (functions.go). The function's parser checks that the
// value is an IAM path.
func providerPath(resource, prop string, path *string) []error {
	if p, ok := known(path); ok && !strings.HasPrefix(p, "/"+NamePrefix) {
		return []error{invalid(resource, prop, "is %q; allowed: an IAM path that starts with /%s, the only path the provider may manage", p, NamePrefix)}
	}
	return nil
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
		props.strings("AuthMethods", methods)
	}
	props.list("SecretArns", p.SecretArns)
	props.str("DbUser", p.DbUser)
	props.boolean("StatementOwnerOnly", p.StatementOwnerOnly)
}
