package dataaccess

import (
	"reflect"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/redshift-data-access/redshift-data-access/internal/access"
	"github.com/redshift-data-access/redshift-data-access/internal/policy"
)

// AccessResourceType is the CloudFormation type of an Access grant.
const AccessResourceType = "Custom::RedshiftDataApiAccess"

// AccessProps configures an Access grant. At least one of Roles, Users and
// Groups is required.
type AccessProps struct {
	// Provider supplies the ServiceToken. Default: the stack's provider,
	// created on first use (ProviderOf).
	Provider TokenSource

	// Roles, Users and Groups are the principals, by name or ARN, in the
	// stack's account.
	Roles  *[]*string
	Users  *[]*string
	Groups *[]*string
	// Permissions are the Data API permissions the principals get. A scoped
	// policy needs a cluster or workgroup unless AssumeRoleArns is the only
	// grant.
	Permissions Permissions
	// AssumeRoleArns are roles in other accounts that the principals may
	// assume (sts:AssumeRole): the caller side of cross-account access.
	// Scoped only.
	AssumeRoleArns *[]*string
	// PolicyName is the name of the scoped policy. Default: generated.
	// Scoped only.
	PolicyName *string
	// PolicyPath is the path of the scoped policy; it must start with
	// /redshift-data-api/, the only path the provider may manage. Default:
	// /redshift-data-api/. Scoped only.
	PolicyPath *string
	// TagWorkgroups tags the Permissions.Workgroups with
	// RedshiftDataFullAccess, which serverless temporary credentials need.
	// Default: false.
	TagWorkgroups *bool
}

// Access grants IAM roles, users and groups access to the Redshift Data API.
type Access struct {
	constructs.Construct
	resource awscdk.CustomResource
}

// NewAccess declares a Custom::RedshiftDataApiAccess. A scoped grant for an
// application role on one workgroup, with secrets and serverless temporary
// credentials:
//
//	dataaccess.NewAccess(stack, "AppAccess", &dataaccess.AccessProps{
//		Roles: jsii.Strings("app-role"),
//		Permissions: dataaccess.Permissions{
//			Workgroups:  jsii.Strings("analytics"),
//			AuthMethods: []dataaccess.AuthMethod{dataaccess.AuthSecretsManager, dataaccess.AuthServerlessTemporaryCredentials},
//			SecretArns:  &[]*string{secret.Arn()},
//		},
//		TagWorkgroups: jsii.Bool(true),
//	})
//
// The guide's simplest grant, the managed policy for a user:
//
//	dataaccess.NewAccess(stack, "AnalystAccess", &dataaccess.AccessProps{
//		Users:       jsii.Strings("analyst"),
//		Permissions: dataaccess.Permissions{PolicyMode: dataaccess.PolicyModeManaged},
//	})
func NewAccess(scope constructs.Construct, id string, props *AccessProps) *Access {
	if props == nil {
		props = &AccessProps{}
	}
	a := &Access{Construct: constructs.NewConstruct(scope, jsii.String(id))}
	p := props.properties()
	report(a.Construct, props.validate(p))
	a.resource = newCustomResource(a.Construct, AccessResourceType, props.Provider, FunctionAccess, p)
	return a
}

// properties renders the props as the resource's properties.
func (props *AccessProps) properties() properties {
	p := properties{}
	p.list("Roles", props.Roles)
	p.list("Users", props.Users)
	p.list("Groups", props.Groups)
	props.Permissions.write(p)
	p.list("AssumeRoleArns", props.AssumeRoleArns)
	p.str("PolicyName", props.PolicyName)
	p.str("PolicyPath", props.PolicyPath)
	p.boolean("TagWorkgroups", props.TagWorkgroups)
	return p
}

// validate returns every problem of the rendered properties p that synth
// can see: those the access function's parser finds, and a PolicyPath
// outside the provider's.
func (props *AccessProps) validate(p properties) []error {
	errs := check("Access", p, access.ValidateAccessProperties, permissionsField)
	return append(errs, providerPath("Access", "PolicyPath", props.PolicyPath)...)
}

// Resource returns the underlying CloudFormation custom resource.
func (a *Access) Resource() awscdk.CustomResource { return a.resource }

// PolicyArn returns the ARN of the scoped policy, or of
// AmazonRedshiftDataFullAccess in PolicyModeManaged.
func (a *Access) PolicyArn() *string { return a.resource.GetAttString(jsii.String("PolicyArn")) }

// DbUsers returns the database users the principals appear as on
// serverless workgroups (IAM:<user>, IAMR:<role>), joined with commas.
func (a *Access) DbUsers() *string { return a.resource.GetAttString(jsii.String("DbUsers")) }

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
