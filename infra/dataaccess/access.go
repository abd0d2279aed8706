package dataaccess

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/redshift-data-access/redshift-data-access/internal/access"
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
