package policy

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	awsarn "github.com/aws/aws-sdk-go-v2/aws/arn"
)

// ARN is an Amazon Resource Name split into its parts.
type ARN struct {
	Partition, Service, Region, Account, Resource string
}

// String returns the ARN.
func (a ARN) String() string {
	return strings.Join([]string{"arn", a.Partition, a.Service, a.Region, a.Account, a.Resource}, ":")
}

// ErrMalformedARN is returned, wrapped, by ParseARN.
var ErrMalformedARN = errors.New("malformed ARN")

var (
	accountID    = regexp.MustCompile(`^[0-9]{12}$`)
	partitionRE  = regexp.MustCompile(`^aws(-cn|-us-gov)?$`)
	serviceRE    = regexp.MustCompile(`^[a-z0-9-]+$`)
	regionRE     = regexp.MustCompile(`^([a-z]{2}(-gov)?-[a-z]+-[0-9]|\*)?$`)
	arnAccountRE = regexp.MustCompile(`^([0-9]{12}|\*|aws)?$`)
)

// ParseARN splits an ARN with the SDK's parser and checks the shape of each part: a known
// partition, a service name, a region (or empty for global services), a
// 12-digit account (or empty, or "aws" for AWS managed policies) and a
// non-empty resource. Wildcards are accepted where a policy may use them.
func ParseARN(s string) (ARN, error) {
	parsed, err := awsarn.Parse(s)
	if err != nil {
		return ARN{}, fmt.Errorf("%w: %q does not have the form arn:partition:service:region:account:resource", ErrMalformedARN, s)
	}
	a := ARN{Partition: parsed.Partition, Service: parsed.Service, Region: parsed.Region, Account: parsed.AccountID, Resource: parsed.Resource}
	switch {
	case !partitionRE.MatchString(a.Partition):
		return ARN{}, fmt.Errorf("%w: %q has an unknown partition", ErrMalformedARN, s)
	case !serviceRE.MatchString(a.Service):
		return ARN{}, fmt.Errorf("%w: %q has an invalid service", ErrMalformedARN, s)
	case !regionRE.MatchString(a.Region):
		return ARN{}, fmt.Errorf("%w: %q has an invalid region", ErrMalformedARN, s)
	case !arnAccountRE.MatchString(a.Account):
		return ARN{}, fmt.Errorf("%w: %q has an invalid account", ErrMalformedARN, s)
	case a.Resource == "":
		return ARN{}, fmt.Errorf("%w: %q has no resource", ErrMalformedARN, s)
	}
	return a, nil
}

// IsAccountID reports whether s is a 12-digit AWS account ID.
func IsAccountID(s string) bool { return accountID.MatchString(s) }
