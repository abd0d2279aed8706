package secret

import (
	"regexp"

	"github.com/aws/aws-sdk-go-v2/aws"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/redshift-data-access/redshift-data-access/internal/awsarn"
	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

// ResourceType is the CloudFormation type the resource serves.
const ResourceType = "Custom::RedshiftDataApiSecret"

// namePrefix starts every generated secret name; the provider's IAM policy
// limits the function's Secrets Manager permissions to it.
const namePrefix = "redshift-data-api/"

// Bounds of the stack and logical ID parts of a generated name: the
// longest stack name and logical ID CloudFormation allows. With the prefix,
// the slash and the hash the name stays below Secrets Manager's 512
// characters, also for a request that did not come from CloudFormation.
const (
	maxStackPart   = 128
	maxLogicalPart = 255
)

// nameHashLength is the length of the request hash that ends a generated
// name. It is not six: Secrets Manager appends a hyphen and six random
// characters to a secret's ARN, and a name ending the same way would make
// partial ARNs ambiguous.
const nameHashLength = 12

// nameChars are the characters a part of a generated name keeps; '/' is
// left out because it separates the parts.
var nameChars = regexp.MustCompile(`[^A-Za-z0-9_+=.@-]`)

// Resource is the Custom::RedshiftDataApiSecret resource.
type Resource struct {
	sm     Client
	region string
}

var (
	_ customresource.Resource         = (*Resource)(nil)
	_ customresource.SecretProperties = (*Resource)(nil)
)

// New returns the resource, calling Secrets Manager through sm, a client
// of region: the resource issues only ARNs of that region (and its
// partition), and leaves the secrets of any other alone.
func New(sm Client, region string) *Resource {
	return &Resource{sm: sm, region: region}
}

// SecretProperties names the properties whose values the runtime must
// never log or echo.
func (r *Resource) SecretProperties() []string { return []string{propPassword} }

// generatedName is redshift-data-api/<stack>/<logical ID>-<hash>, where
// the hash comes from the Create request: a redelivery of the request
// gets the same name, a replacement (another request) a new one.
func generatedName(req customresource.Request) string {
	hash := customresource.RequestHash(req, nameHashLength)
	stack := namePart(awsarn.StackName(req.StackID), maxStackPart)
	logical := namePart(req.LogicalResourceID, maxLogicalPart)
	return namePrefix + stack + "/" + logical + "-" + hash
}

// namePart returns s with every character a secret name part may not hold
// replaced by '-', cut to max characters.
func namePart(s string, max int) string {
	s = nameChars.ReplaceAllString(s, "-")
	if len(s) > max {
		s = s[:max]
	}
	return s
}

func result(arn, name string) customresource.Result {
	return customresource.Result{
		PhysicalResourceID: arn,
		Data:               map[string]string{"Arn": arn, "Name": name, "TagKey": TagKey},
	}
}

// desiredTags are the caller's tags, the RedshiftDataFullAccess tag and the
// tags that name the resource.
func desiredTags(req customresource.Request, p Properties) map[string]string {
	tags := make(map[string]string, len(p.Tags)+3)
	for k, v := range p.Tags {
		tags[k] = v
	}
	tags[TagKey] = p.TagValue
	tags[TagStackID] = req.StackID
	tags[TagLogicalID] = req.LogicalResourceID
	return tags
}

func sdkTags(tags map[string]string) []smtypes.Tag {
	out := make([]smtypes.Tag, 0, len(tags))
	for _, k := range sortedKeys(tags) {
		out = append(out, smtypes.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	return out
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}
