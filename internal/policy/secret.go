package policy

import (
	"strings"

	"github.com/redshift-data-access/redshift-data-access/internal/awsarn"
)

// secretResource returns the policy Resource for a secret ARN as given. A
// policy Resource is matched against the secret's complete ARN, so an ARN
// given without the random suffix (arn:...:secret:name) would match no
// secret; it gets "-??????", which Secrets Manager's documentation
// recommends for this ("Limiting access to specific secrets"): exactly six
// characters, so it matches the secret called name and no other (a "*"
// would also match name-<anything>). An ARN that already ends in a hyphen
// and six letters or digits is taken as complete; that is also how Secrets
// Manager reads it, which is why it advises against secret names ending so.
// An ARN holding a wildcard is the caller's pattern and is kept as given.
func secretResource(arn string) string {
	if strings.ContainsAny(arn, "*?") || awsarn.HasSecretSuffix(arn) {
		return arn
	}
	return arn + "-??????"
}
