package awsarn

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	sdkarn "github.com/aws/aws-sdk-go-v2/aws/arn"
)

// ARN is an Amazon Resource Name split into its parts.
type ARN struct {
	Partition, Service, Region, Account, Resource string
}

// String returns the ARN.
func (a ARN) String() string {
	return strings.Join([]string{"arn", a.Partition, a.Service, a.Region, a.Account, a.Resource}, ":")
}

// ErrMalformed is returned, wrapped, by every parser of this package.
var ErrMalformed = errors.New("malformed ARN")

var (
	accountID    = regexp.MustCompile(`^[0-9]{12}$`)
	serviceRE    = regexp.MustCompile(`^[a-z0-9-]+$`)
	regionRE     = regexp.MustCompile(`^([a-z]{2}(-gov)?-[a-z]+-[0-9]|\*)?$`)
	arnAccountRE = regexp.MustCompile(`^([0-9]{12}|\*|aws)?$`)
)

// Parse splits an ARN with the SDK's parser and checks the shape of each
// part: a supported partition (see Supported), a service name, a region
// (or empty for global services), a 12-digit account (or empty, or "aws"
// for AWS managed policies) and a non-empty resource. Wildcards are
// accepted where a policy may use them.
func Parse(s string) (ARN, error) {
	parsed, err := sdkarn.Parse(s)
	if err != nil {
		return ARN{}, fmt.Errorf("%w: %q does not have the form arn:partition:service:region:account:resource", ErrMalformed, s)
	}
	a := ARN{Partition: parsed.Partition, Service: parsed.Service, Region: parsed.Region, Account: parsed.AccountID, Resource: parsed.Resource}
	switch {
	case !Supported(a.Partition):
		return ARN{}, fmt.Errorf("%w: %q is in partition %q, which is not one of %s", ErrMalformed, s, a.Partition, strings.Join(partitions, ", "))
	case !serviceRE.MatchString(a.Service):
		return ARN{}, fmt.Errorf("%w: %q has an invalid service", ErrMalformed, s)
	case !regionRE.MatchString(a.Region):
		return ARN{}, fmt.Errorf("%w: %q has an invalid region", ErrMalformed, s)
	case !arnAccountRE.MatchString(a.Account):
		return ARN{}, fmt.Errorf("%w: %q has an invalid account", ErrMalformed, s)
	case a.Resource == "":
		return ARN{}, fmt.Errorf("%w: %q has no resource", ErrMalformed, s)
	}
	return a, nil
}

// IsARN reports whether s looks like an ARN at all (starts with "arn:"),
// to tell an ARN from a name before parsing it.
func IsARN(s string) bool { return strings.HasPrefix(s, "arn:") }

// IsAccountID reports whether s is a 12-digit AWS account ID.
func IsAccountID(s string) bool { return accountID.MatchString(s) }

// partitions is the one accepted-partition set; see the package doc.
var partitions = []string{"aws", "aws-cn", "aws-us-gov"}

// Partitions returns the partitions the product supports.
func Partitions() []string { return slices.Clone(partitions) }

// Supported reports whether partition is one the product supports.
func Supported(partition string) bool { return slices.Contains(partitions, partition) }

// regionPrefixes map the region name prefixes of the partitions other than
// aws to those partitions, longest prefix first.
var regionPrefixes = []struct{ prefix, partition string }{
	{"us-gov-", "aws-us-gov"},
	{"us-isob-", "aws-iso-b"},
	{"us-isof-", "aws-iso-f"},
	{"us-iso-", "aws-iso"},
	{"eu-isoe-", "aws-iso-e"},
	{"cn-", "aws-cn"},
}

// PartitionOf returns the partition of region: aws-cn for the China
// regions, aws-us-gov for GovCloud, the isolated partitions for theirs, and
// aws otherwise.
func PartitionOf(region string) string {
	for _, p := range regionPrefixes {
		if strings.HasPrefix(region, p.prefix) {
			return p.partition
		}
	}
	return "aws"
}
