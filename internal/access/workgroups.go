package access

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/redshiftserverless"
	rstypes "github.com/aws/aws-sdk-go-v2/service/redshiftserverless/types"

	"github.com/redshift-data-access/redshift-data-access/internal/awsarn"
	"github.com/redshift-data-access/redshift-data-access/internal/awserr"
	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/internal/policy"
)

// workgroupTagValue is the value of the RedshiftDataFullAccess tag that
// TagWorkgroups puts on a workgroup that lacks it; the managed policy only
// checks that the key is present.
const workgroupTagValue = "redshift-data-access"

// resolveWorkgroups returns the ARN of each workgroup. IAM names a
// workgroup by its ID, not its name, so a name is looked up with
// GetWorkgroup; an ARN is taken as given. A workgroup that does not exist
// is a PropertyError, found before anything is changed.
func resolveWorkgroups(ctx context.Context, c ServerlessAPI, refs []string) ([]string, error) {
	out := make([]string, 0, len(refs))
	var errs []error
	for _, ref := range refs {
		if awsarn.IsARN(ref) {
			out = append(out, ref)
			continue
		}
		if c == nil {
			return nil, fmt.Errorf("looking up workgroup %s: no Redshift Serverless client", ref)
		}
		res, err := c.GetWorkgroup(ctx, &redshiftserverless.GetWorkgroupInput{WorkgroupName: aws.String(ref)})
		switch {
		case awserr.IsNotFound(err):
			errs = append(errs, &customresource.PropertyError{Property: "Workgroups", Problem: fmt.Sprintf("workgroup %s does not exist", ref), Allowed: "names or ARNs of existing workgroups"})
		case err != nil:
			return nil, fmt.Errorf("looking up workgroup %s: %w", ref, err)
		default:
			out = append(out, aws.ToString(res.Workgroup.WorkgroupArn))
		}
	}
	return out, errors.Join(errs...)
}

// tagWorkgroups makes sure each workgroup carries the RedshiftDataFullAccess
// tag that the managed policy requires for serverless temporary
// credentials. A workgroup that has the tag already is left as it is, so a
// repeated request makes no change.
func tagWorkgroups(ctx context.Context, c ServerlessAPI, arns []string) error {
	for _, arn := range arns {
		res, err := c.ListTagsForResource(ctx, &redshiftserverless.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
		if err != nil {
			return fmt.Errorf("listing the tags of workgroup %s: %w", arn, err)
		}
		has := false
		for _, t := range res.Tags {
			if aws.ToString(t.Key) == policy.TagKey {
				has = true
			}
		}
		if has {
			continue
		}
		_, err = c.TagResource(ctx, &redshiftserverless.TagResourceInput{
			ResourceArn: aws.String(arn),
			Tags:        []rstypes.Tag{{Key: aws.String(policy.TagKey), Value: aws.String(workgroupTagValue)}},
		})
		if err != nil {
			return fmt.Errorf("tagging workgroup %s with %s: %w", arn, policy.TagKey, err)
		}
	}
	return nil
}
