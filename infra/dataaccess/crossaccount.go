package dataaccess

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/redshift-data-access/redshift-data-access/internal/access"
)

// CrossAccountRoleResourceType is the CloudFormation type of a
// CrossAccountRole.
const CrossAccountRoleResourceType = "Custom::RedshiftDataApiCrossAccountRole"

// CrossAccountRoleProps configures a CrossAccountRole. TrustedPrincipalArns
// is required.
type CrossAccountRoleProps struct {
	// Provider supplies the ServiceToken. Default: the stack's provider,
	// created on first use (ProviderOf).
	Provider TokenSource

	// TrustedPrincipalArns are the roles, or account IDs, of the other
	// account that may assume the role.
	TrustedPrincipalArns *[]*string
	// ExternalId adds an sts:ExternalId condition to the trust policy.
	ExternalId *string
	// RoleName is the role's name. Default: generated.
	RoleName *string
	// RolePath must start with /redshift-data-api/, the only path the
	// provider may manage. Default: /redshift-data-api/.
	RolePath    *string
	Description *string
	// MaxSessionDuration is from one to twelve hours. Default: one hour.
	MaxSessionDuration     awscdk.Duration
	PermissionsBoundaryArn *string
	// Tags are added to the role's own tags.
	Tags *map[string]*string
	// Permissions are the Data API permissions the role carries: the
	// managed policy, or a scoped inline policy.
	Permissions Permissions
}

// CrossAccountRole is a role, in the account that owns the cluster or
// workgroup, that principals of another account assume to use the Data
// API. The other account grants its principals sts:AssumeRole on it with an
// Access whose AssumeRoleArns holds RoleArn.
type CrossAccountRole struct {
	constructs.Construct
	resource awscdk.CustomResource
}

// NewCrossAccountRole declares a Custom::RedshiftDataApiCrossAccountRole.
// Account B of the guide lets someRoleA of account A use its cluster:
//
//	role := dataaccess.NewCrossAccountRole(stack, "PartnerRole", &dataaccess.CrossAccountRoleProps{
//		TrustedPrincipalArns: jsii.Strings("arn:aws:iam::111111111111:role/someRoleA"),
//		Permissions:          dataaccess.Permissions{PolicyMode: dataaccess.PolicyModeManaged},
//	})
//	awscdk.NewCfnOutput(stack, jsii.String("RoleArn"), &awscdk.CfnOutputProps{Value: role.RoleArn()})
func NewCrossAccountRole(scope constructs.Construct, id string, props *CrossAccountRoleProps) *CrossAccountRole {
	if props == nil {
		props = &CrossAccountRoleProps{}
	}
	r := &CrossAccountRole{Construct: constructs.NewConstruct(scope, jsii.String(id))}
	p := props.properties()
	report(r.Construct, props.validate(p))
	r.resource = newCustomResource(r.Construct, CrossAccountRoleResourceType, props.Provider, FunctionAccess, p)
	return r
}

// properties renders the props as the resource's properties.
func (props *CrossAccountRoleProps) properties() properties {
	p := properties{}
	p.list("TrustedPrincipalArns", props.TrustedPrincipalArns)
	p.str("ExternalId", props.ExternalId)
	p.str("RoleName", props.RoleName)
	p.str("RolePath", props.RolePath)
	p.str("Description", props.Description)
	if props.MaxSessionDuration != nil {
		p.number("MaxSessionDuration", props.MaxSessionDuration.ToSeconds(nil))
	}
	p.str("PermissionsBoundaryArn", props.PermissionsBoundaryArn)
	p.tags("Tags", props.Tags)
	props.Permissions.write(p)
	return p
}

// validate returns every problem of the rendered properties p that synth
// can see: those the access function's parser finds, and a RolePath
// outside the provider's.
func (props *CrossAccountRoleProps) validate(p properties) []error {
	errs := check("CrossAccountRole", p, access.ValidateCrossAccountRoleProperties, permissionsField)
	return append(errs, providerPath("CrossAccountRole", "RolePath", props.RolePath)...)
}

// Resource returns the underlying CloudFormation custom resource.
func (r *CrossAccountRole) Resource() awscdk.CustomResource { return r.resource }

// RoleArn returns the role's ARN, which is also its physical ID.
func (r *CrossAccountRole) RoleArn() *string { return r.resource.GetAttString(jsii.String("RoleArn")) }

// RoleName returns the role's name.
func (r *CrossAccountRole) RoleName() *string {
	return r.resource.GetAttString(jsii.String("RoleName"))
}
