package dataaccess

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/redshift-data-access/redshift-data-access/internal/endpoint"
)

// EndpointResourceType is the CloudFormation type of an Endpoint.
const EndpointResourceType = "Custom::RedshiftDataApiEndpoint"

// EndpointProps configures an Endpoint. VpcId and SubnetIds are required.
type EndpointProps struct {
	// Provider supplies the ServiceToken. Default: the stack's provider,
	// created on first use (ProviderOf).
	Provider TokenSource

	// VpcId is the VPC of the applications that call the Data API.
	VpcId *string
	// SubnetIds are the subnets of the endpoint, at most one per
	// Availability Zone.
	SubnetIds *[]*string
	// SecurityGroupIds default to the VPC's default security group.
	SecurityGroupIds *[]*string
	// PrivateDnsEnabled makes redshift-data.<region>.amazonaws.com resolve
	// to the endpoint; the VPC needs DNS support and DNS hostnames.
	// Default: true.
	PrivateDnsEnabled *bool
	// PolicyDocument is the endpoint policy. Default: full access.
	PolicyDocument awsiam.PolicyDocument
	// IpAddressType is ipv4, dualstack or ipv6. Default: EC2's.
	IpAddressType *string
	// ServiceName defaults to com.amazonaws.<region>.redshift-data.
	ServiceName *string
	Tags        *map[string]*string
}

// Endpoint is an interface VPC endpoint (AWS PrivateLink) for the Data API.
type Endpoint struct {
	constructs.Construct
	resource awscdk.CustomResource
}

// NewEndpoint declares a Custom::RedshiftDataApiEndpoint, as in the guide's
// procedure: one subnet per Availability Zone, private DNS enabled.
//
//	vpc := awsec2.Vpc_FromLookup(stack, jsii.String("Vpc"), &awsec2.VpcLookupOptions{VpcId: jsii.String("vpc-0123456789abcdef0")})
//	dataaccess.NewEndpoint(stack, "DataApiEndpoint", &dataaccess.EndpointProps{
//		VpcId:     vpc.VpcId(),
//		SubnetIds: vpc.SelectSubnets(&awsec2.SubnetSelection{OnePerAz: jsii.Bool(true)}).SubnetIds,
//	})
func NewEndpoint(scope constructs.Construct, id string, props *EndpointProps) *Endpoint {
	if props == nil {
		props = &EndpointProps{}
	}
	e := &Endpoint{Construct: constructs.NewConstruct(scope, jsii.String(id))}
	p := props.properties()
	report(e.Construct, props.validate(p))
	e.resource = newCustomResource(e.Construct, EndpointResourceType, props.Provider, FunctionEndpoint, p)
	return e
}

// properties renders the props as the resource's properties.
func (props *EndpointProps) properties() properties {
	p := properties{}
	p.str("VpcId", props.VpcId)
	p.list("SubnetIds", props.SubnetIds)
	p.list("SecurityGroupIds", props.SecurityGroupIds)
	p.boolean("PrivateDnsEnabled", props.PrivateDnsEnabled)
	if props.PolicyDocument != nil {
		p["PolicyDocument"] = props.PolicyDocument.ToJSON()
	}
	p.str("IpAddressType", props.IpAddressType)
	p.str("ServiceName", props.ServiceName)
	p.tags("Tags", props.Tags)
	return p
}

// synthRegion stands for the stack's region, which the endpoint parser
// needs only for the default ServiceName and for the example in its
// message about a wrong one.
const synthRegion = "<region>"

// validate returns every problem of the rendered properties p that synth
// can see: those the endpoint function's parser finds, and a subnet given
// twice. The function drops a repeated subnet, as it drops a repeated item
// of any list; in a typed list it is more likely a mistake, such as two
// selections of one Availability Zone, so synth names it.
func (props *EndpointProps) validate(p properties) []error {
	errs := check("Endpoint", p, func(m map[string]any) error {
		_, err := endpoint.ParseProperties(m, synthRegion)
		return err
	}, sameName)
	seen := map[string]bool{}
	if props.SubnetIds != nil && !unresolved(props.SubnetIds) {
		for _, item := range *props.SubnetIds {
			if id, ok := known(item); ok {
				if seen[id] {
					errs = append(errs, invalid("Endpoint", "SubnetIds", "holds %q twice; allowed: each subnet once", id))
				}
				seen[id] = true
			}
		}
	}
	return errs
}

// Resource returns the underlying CloudFormation custom resource.
func (e *Endpoint) Resource() awscdk.CustomResource { return e.resource }

// VpcEndpointId returns the endpoint's ID, which is also its physical ID.
func (e *Endpoint) VpcEndpointId() *string {
	return e.resource.GetAttString(jsii.String("VpcEndpointId"))
}

// DnsName returns the endpoint's first DNS name.
func (e *Endpoint) DnsName() *string { return e.resource.GetAttString(jsii.String("DnsName")) }

// DnsNames returns every DNS name of the endpoint, joined with commas.
func (e *Endpoint) DnsNames() *string { return e.resource.GetAttString(jsii.String("DnsNames")) }

// NetworkInterfaceIds returns the endpoint's network interfaces, joined
// with commas.
func (e *Endpoint) NetworkInterfaceIds() *string {
	return e.resource.GetAttString(jsii.String("NetworkInterfaceIds"))
}

// ServiceName returns the endpoint service's name.
func (e *Endpoint) ServiceName() *string {
	return e.resource.GetAttString(jsii.String("ServiceName"))
}
