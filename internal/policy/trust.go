package policy

import (
	"slices"

	"github.com/redshift-data-access/redshift-data-access/internal/awsarn"
)

// TrustPolicy returns the trust policy of a cross-account role, as in the
// seed: the trusted principals may call sts:AssumeRole, and when externalID
// is set only with that sts:ExternalId. A bare account ID is written as the
// account's root ARN, which is how IAM stores it.
func TrustPolicy(partition string, trusted []string, externalID string) Document {
	principals := make(Value, 0, len(trusted))
	for _, t := range trusted {
		if awsarn.IsAccountID(t) {
			t = awsarn.AccountRoot(partition, t)
		}
		principals = append(principals, t)
	}
	st := Statement{
		Effect:    Allow,
		Principal: &Principal{IDs: map[string]Value{"AWS": slices.Compact(principals)}},
		Action:    Value{"sts:AssumeRole"},
	}
	if externalID != "" {
		st.Condition = Condition{"StringEquals": {"sts:ExternalId": {externalID}}}
	}
	return Document{Version: Version, Statement: []Statement{st}}
}
