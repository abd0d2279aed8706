package secret

import (
	"fmt"
	"regexp"
	"strings"
)

// secretARN is the ARN of a secret, split into the parts that tell
// whether this resource could have issued it.
type secretARN struct {
	partition, region, account, name string
}

// arnPattern matches the ARN of a secret: the physical IDs this resource
// issues. The name is followed by a hyphen and six random characters.
var arnPattern = regexp.MustCompile(`^arn:(aws[a-z-]*):secretsmanager:([a-z0-9-]+):(\d{12}):secret:([A-Za-z0-9/_+=.@-]+)-[A-Za-z0-9]{6}$`)

// parseARN splits arn, and returns false when it is not a secret ARN.
func parseARN(arn string) (secretARN, bool) {
	m := arnPattern.FindStringSubmatch(arn)
	if m == nil {
		return secretARN{}, false
	}
	return secretARN{partition: m[1], region: m[2], account: m[3], name: m[4]}, true
}

// partitionPrefixes map the region name prefixes of the partitions other
// than aws to those partitions.
var partitionPrefixes = []struct{ prefix, partition string }{
	{"cn-", "aws-cn"},
	{"us-gov-", "aws-us-gov"},
	{"us-iso-", "aws-iso"},
	{"us-isob-", "aws-iso-b"},
	{"eu-isoe-", "aws-iso-e"},
	{"us-isof-", "aws-iso-f"},
}

// partitionOf returns the partition of region.
func partitionOf(region string) string {
	for _, p := range partitionPrefixes {
		if strings.HasPrefix(region, p.prefix) {
			return p.partition
		}
	}
	return "aws"
}

// issuable reports whether the resource could have issued a: a secret
// in the partition and region of its client. The account is not checked:
// the client does not know its own, and Secrets Manager answers
// ResourceNotFoundException for another account's secret.
func (r *Resource) issuable(a secretARN) bool {
	return a.region == r.region && a.partition == partitionOf(r.region)
}

// ForeignARNError is returned by Update when the physical ID is the ARN of
// a secret in another partition or region than the function's: the
// resource never issued it and does not touch it.
type ForeignARNError struct {
	ARN    string
	Region string // the function's region
}

func (e *ForeignARNError) Error() string {
	return fmt.Sprintf("secret %s is not in the function's region %s (partition %s): this resource never issued it and leaves it alone",
		e.ARN, e.Region, partitionOf(e.Region))
}
