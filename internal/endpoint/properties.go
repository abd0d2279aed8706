package endpoint

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

// ResourceType is the CloudFormation type this package serves.
const ResourceType = "Custom::RedshiftDataApiEndpoint"

// Tags every endpoint carries, naming the stack and logical resource that
// created it.
const (
	TagStackID   = customresource.TagStackID
	TagLogicalID = customresource.TagLogicalID
	// reservedTagPrefix is the prefix of the tags the resource manages
	// itself; users cannot set them.
	reservedTagPrefix = "redshift-data-access:"
)

// maxPolicyLength is EC2's limit on an endpoint policy, in characters.
const maxPolicyLength = 20480

// The values IpAddressType accepts, as EC2 names them.
var ipAddressTypes = []string{"ipv4", "dualstack", "ipv6"}

var (
	vpcIDPattern    = regexp.MustCompile(`^vpc-[0-9a-f]{8,17}$`)
	subnetIDPattern = regexp.MustCompile(`^subnet-[0-9a-f]{8,17}$`)
	groupIDPattern  = regexp.MustCompile(`^sg-[0-9a-f]{8,17}$`)
	// endpointIDPattern is the shape of the physical IDs this resource
	// issues; Delete ignores any other ID.
	endpointIDPattern = regexp.MustCompile(`^vpce-[0-9a-f]{8,17}$`)
	// serviceNamePattern admits the cn. prefix that AWS services carry in
	// the China regions.
	serviceNamePattern = regexp.MustCompile(`^(cn\.)?com\.amazonaws\.[a-z0-9-]+\.[a-z0-9.-]+$`)
)

// Properties are the validated properties of an endpoint.
type Properties struct {
	VpcID     string
	SubnetIDs []string
	// SecurityGroupIDs is empty when the VPC's default security group is
	// meant; Create and Update resolve it.
	SecurityGroupIDs  []string
	PrivateDNSEnabled bool
	// PolicyDocument is compact JSON, or "" for EC2's default full-access
	// policy.
	PolicyDocument string
	// IPAddressType is "" to let EC2 choose (ipv4).
	IPAddressType string
	ServiceName   string
	Tags          map[string]string
}

// DefaultServiceName is the Redshift Data API's endpoint service in region.
// In the China regions (aws-cn partition) AWS service names start with
// cn.com.amazonaws instead of com.amazonaws.
func DefaultServiceName(region string) string {
	prefix := "com.amazonaws."
	if strings.HasPrefix(region, "cn-") {
		prefix = "cn." + prefix
	}
	return prefix + region + ".redshift-data"
}

// ParseProperties validates props, with the service name defaulting to
// the Data API's in region. Every problem is a customresource.PropertyError;
// all of them are reported together.
func ParseProperties(props map[string]any, region string) (Properties, error) {
	r := customresource.NewPropertyReader(props)
	p := Properties{
		VpcID:             r.RequiredString("VpcId", "a VPC ID such as vpc-0a1b2c3d"),
		SubnetIDs:         r.StringList("SubnetIds"),
		SecurityGroupIDs:  r.StringList("SecurityGroupIds"),
		PrivateDNSEnabled: r.Bool("PrivateDnsEnabled", true),
		PolicyDocument:    r.JSON("PolicyDocument"),
		IPAddressType:     r.Enum("IpAddressType", "", ipAddressTypes...),
		ServiceName:       r.String("ServiceName"),
		Tags:              r.Tags("Tags"),
	}
	if p.VpcID != "" && !vpcIDPattern.MatchString(p.VpcID) {
		r.Fail("VpcId", fmt.Sprintf("%q is not a VPC ID", p.VpcID), "vpc- followed by 8 or 17 hexadecimal digits")
	}
	if len(p.SubnetIDs) == 0 {
		r.Fail("SubnetIds", "needs at least one subnet", "a list of subnet IDs, at most one per Availability Zone")
	}
	checkPolicy(r, p.PolicyDocument)
	checkIDs(r, "SubnetIds", p.SubnetIDs, subnetIDPattern, "subnet IDs such as subnet-0a1b2c3d")
	checkIDs(r, "SecurityGroupIds", p.SecurityGroupIDs, groupIDPattern, "security group IDs such as sg-0a1b2c3d")
	if p.ServiceName == "" {
		p.ServiceName = DefaultServiceName(region)
	} else if !serviceNamePattern.MatchString(p.ServiceName) {
		r.Fail("ServiceName", fmt.Sprintf("%q is not a VPC endpoint service name", p.ServiceName), "a name such as "+DefaultServiceName(region))
	}
	checkTags(r, p.Tags)
	if err := r.Err(); err != nil {
		return Properties{}, err
	}
	return p, nil
}

// checkPolicy checks what EC2 would refuse of an endpoint policy before
// anything is created: a document that is not an object, or one longer
// than EC2 allows. doc is compact JSON, as EC2 receives it.
func checkPolicy(r *customresource.PropertyReader, doc string) {
	const allowed = "an endpoint policy: a JSON object with a Statement, at most 20480 characters"
	switch {
	case doc == "":
	case !strings.HasPrefix(doc, "{"):
		r.Fail("PolicyDocument", "is not a JSON object", allowed)
	case len(doc) > maxPolicyLength:
		r.Fail("PolicyDocument", fmt.Sprintf("has %d characters", len(doc)), allowed)
	}
}

// EC2's tag limits: 50 tags a resource, of which the resource sets two,
// keys of at most 127 characters and values of at most 255.
const (
	maxUserTags    = 50 - 2
	maxTagKeyLen   = 127
	maxTagValueLen = 255
)

func checkTags(r *customresource.PropertyReader, tags map[string]string) {
	const allowed = "at most 48 tags, keys of 1 to 127 characters that do not start with aws: or " + reservedTagPrefix + ", values of at most 255 characters"
	if len(tags) > maxUserTags {
		r.Fail("Tags", fmt.Sprintf("%d tags", len(tags)), allowed)
	}
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		switch {
		case strings.HasPrefix(k, reservedTagPrefix) || strings.HasPrefix(strings.ToLower(k), "aws:"):
			r.Fail("Tags", fmt.Sprintf("tag key %q is reserved", k), allowed)
		case utf8.RuneCountInString(k) > maxTagKeyLen:
			r.Fail("Tags", fmt.Sprintf("tag key %.20q... is longer than %d characters", k, maxTagKeyLen), allowed)
		case utf8.RuneCountInString(tags[k]) > maxTagValueLen:
			r.Fail("Tags", fmt.Sprintf("the value of tag %q is longer than %d characters", k, maxTagValueLen), allowed)
		}
	}
}

func checkIDs(r *customresource.PropertyReader, property string, ids []string, pattern *regexp.Regexp, allowed string) {
	for _, id := range ids {
		if !pattern.MatchString(id) {
			r.Fail(property, fmt.Sprintf("%q is not a valid ID", id), allowed)
		}
	}
}

// tags returns the endpoint's tags: the user's and the mandatory ones.
func (p Properties) tags(req customresource.Request) map[string]string {
	out := map[string]string{TagStackID: req.StackID, TagLogicalID: req.LogicalResourceID}
	for k, v := range p.Tags {
		out[k] = v
	}
	return out
}
