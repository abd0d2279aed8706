package secret

import (
	"fmt"

	"github.com/redshift-data-access/redshift-data-access/internal/awsarn"
)

// secretARN is the ARN of a secret, split into the parts that tell
// whether this resource could have issued it; name is the secret's name
// without the six random characters Secrets Manager appends.
type secretARN struct {
	partition, region, account, name string
}

// parseARN splits arn, and returns false when it is not the complete ARN
// of a secret: the physical IDs this resource issues.
func parseARN(arn string) (secretARN, bool) {
	a, name, err := awsarn.ParseIssuedSecret(arn)
	if err != nil {
		return secretARN{}, false
	}
	return secretARN{partition: a.Partition, region: a.Region, account: a.Account, name: name}, true
}

// issuable reports whether the resource could have issued a: a secret
// in the partition and region of its client. The account is not checked:
// the client does not know its own, and Secrets Manager answers
// ResourceNotFoundException for another account's secret.
func (r *Resource) issuable(a secretARN) bool {
	return a.region == r.region && a.partition == awsarn.PartitionOf(r.region)
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
		e.ARN, e.Region, awsarn.PartitionOf(e.Region))
}
