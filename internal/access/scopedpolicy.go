package access

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/redshift-data-access/redshift-data-access/internal/awsarn"
	"github.com/redshift-data-access/redshift-data-access/internal/awserr"
	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/internal/policy"
)

// maxPolicyVersions is IAM's limit of versions per managed policy.
const maxPolicyVersions = 5

// Tags every resource of this product carries.
const (
	tagStackID   = customresource.TagStackID
	tagLogicalID = customresource.TagLogicalID
)

// ErrNotOwned is returned when a name is taken by an IAM entity that this
// resource did not create.
var ErrNotOwned = errors.New("exists and was not created by this resource")

// customerPolicyArn reports whether id is the ARN of a customer managed
// policy, the only shape of Scoped physical ID this resource issues.
func customerPolicyArn(id string) bool { return awsarn.IsCustomerPolicy(id) }

func ownerTags(req customresource.Request) []iamtypes.Tag {
	return []iamtypes.Tag{
		{Key: aws.String(tagStackID), Value: aws.String(req.StackID)},
		{Key: aws.String(tagLogicalID), Value: aws.String(req.LogicalResourceID)},
	}
}

// ownedBy reports whether tags say the entity belongs to req's resource.
func ownedBy(list []iamtypes.Tag, req customresource.Request) bool {
	tags := make(map[string]string, len(list))
	for _, t := range list {
		tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return customresource.OwnedBy(tags, req)
}

// createPolicy creates the scoped policy, or adopts it when a redelivered
// Create finds the one the first delivery made. created says which.
func (r *Access) createPolicy(ctx context.Context, req customresource.Request, loc location, name, path string, doc policy.Document) (arn string, created bool, err error) {
	text, err := doc.JSON()
	if err != nil {
		return "", false, err
	}
	arn = awsarn.IAMARN(loc.Partition, loc.Account, awsarn.KindPolicy, path, name)
	in := &iam.CreatePolicyInput{
		PolicyName:     aws.String(name),
		Path:           aws.String(path),
		PolicyDocument: aws.String(text),
		Description:    aws.String(fmt.Sprintf("Redshift Data API access granted by %s in stack %s", req.LogicalResourceID, awsarn.StackName(req.StackID))),
		Tags:           ownerTags(req),
	}
	out, err := r.c.IAM.CreatePolicy(ctx, in)
	if err == nil {
		return aws.ToString(out.Policy.Arn), true, nil
	}
	if ctx.Err() != nil {
		// IAM may have made the policy anyway: repeat the call, so that
		// it exists for certain, and delete it if it is this resource's.
		cause := fmt.Errorf("creating policy %s: %w", arn, err)
		return "", false, undo(ctx, cause, "policy "+arn, func(ctx context.Context) error {
			_, _ = r.c.IAM.CreatePolicy(ctx, in) // its outcome is read back by deletePolicy
			return r.deletePolicy(ctx, req, arn)
		})
	}
	if !isEntityAlreadyExists(err) {
		return "", false, fmt.Errorf("creating policy %s: %w", arn, err)
	}
	got, err := findPolicy(ctx, r.c.IAM, arn)
	switch {
	case awserr.IsNotFound(err) || (err == nil && !ownedBy(got.Policy.Tags, req)):
		// Not found means the name is taken at another path: IAM policy
		// names are unique in an account whatever the path.
		return "", false, fmt.Errorf("creating policy %s: a policy named %s %w; choose another PolicyName", arn, name, ErrNotOwned)
	case err != nil:
		return "", false, fmt.Errorf("getting policy %s, whose name is taken: %w", arn, err)
	}
	if _, err := r.ensureDocument(ctx, arn, doc); err != nil {
		return "", false, err
	}
	return arn, false, nil
}

// ensureDocument makes doc the default version of the policy unless the
// default version already means the same. At IAM's limit of five versions
// the oldest non-default version is deleted first.
func (r *Access) ensureDocument(ctx context.Context, arn string, doc policy.Document) (bool, error) {
	got, err := findPolicy(ctx, r.c.IAM, arn)
	if err != nil {
		return false, fmt.Errorf("getting policy %s: %w", arn, err)
	}
	def, err := r.c.IAM.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: got.Policy.DefaultVersionId})
	if err != nil {
		return false, fmt.Errorf("getting version %s of policy %s: %w", aws.ToString(got.Policy.DefaultVersionId), arn, err)
	}
	current, err := policy.Parse(aws.ToString(def.PolicyVersion.Document))
	if err != nil {
		return false, fmt.Errorf("reading version %s of policy %s: %w", aws.ToString(got.Policy.DefaultVersionId), arn, err)
	}
	if policy.Equivalent(current, doc) {
		return false, nil
	}
	old, total, err := r.nonDefaultVersions(ctx, arn)
	if err != nil {
		return false, err
	}
	if total >= maxPolicyVersions && len(old) > 0 {
		oldest := old[0]
		if _, err := r.c.IAM.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: oldest.VersionId}); err != nil && !awserr.IsNotFound(err) {
			return false, fmt.Errorf("deleting version %s of policy %s: %w", aws.ToString(oldest.VersionId), arn, err)
		}
	}
	text, err := doc.JSON()
	if err != nil {
		return false, err
	}
	if _, err := r.c.IAM.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(text), SetAsDefault: true}); err != nil {
		return false, fmt.Errorf("creating a new version of policy %s: %w", arn, err)
	}
	return true, nil
}

// nonDefaultVersions returns the versions of a policy that are not the
// default, oldest first, and the number of versions in all.
func (r *Access) nonDefaultVersions(ctx context.Context, arn string) ([]iamtypes.PolicyVersion, int, error) {
	var nonDefault []iamtypes.PolicyVersion
	total := 0
	pages := iam.NewListPolicyVersionsPaginator(r.c.IAM, &iam.ListPolicyVersionsInput{PolicyArn: aws.String(arn)})
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if err != nil {
			return nil, 0, fmt.Errorf("listing the versions of policy %s: %w", arn, err)
		}
		for _, v := range out.Versions {
			total++
			if !v.IsDefaultVersion {
				nonDefault = append(nonDefault, v)
			}
		}
	}
	// IAM numbers versions v1, v2, ... in creation order; CreateDate has
	// only second resolution, so the number decides ties.
	sort.Slice(nonDefault, func(i, j int) bool {
		a, b := aws.ToTime(nonDefault[i].CreateDate), aws.ToTime(nonDefault[j].CreateDate)
		if !a.Equal(b) {
			return a.Before(b)
		}
		return versionNumber(nonDefault[i].VersionId) < versionNumber(nonDefault[j].VersionId)
	})
	return nonDefault, total, nil
}

// deletePolicy detaches the scoped policy from every principal, deletes its
// non-default versions and then the policy. A policy that is gone already
// is success; one that does not carry req's owner tags was not created by
// this resource and is left alone.
func (r *Access) deletePolicy(ctx context.Context, req customresource.Request, arn string) error {
	got, err := findPolicy(ctx, r.c.IAM, arn)
	if awserr.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("getting policy %s: %w", arn, err)
	}
	if !ownedBy(got.Policy.Tags, req) {
		return nil
	}
	return r.removePolicy(ctx, arn)
}

// removePolicy detaches a customer managed policy from every principal,
// deletes its non-default versions and then the policy: what IAM requires
// before DeletePolicy succeeds. A policy that is gone already is success.
func (r *Access) removePolicy(ctx context.Context, arn string) error {
	pages := iam.NewListEntitiesForPolicyPaginator(r.c.IAM, &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String(arn)})
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if awserr.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("listing the principals of policy %s: %w", arn, err)
		}
		for _, g := range out.PolicyGroups {
			if err := detach(ctx, r.c.IAM, principal{Kind: kindGroup, Name: aws.ToString(g.GroupName)}, arn); err != nil {
				return err
			}
		}
		for _, u := range out.PolicyUsers {
			if err := detach(ctx, r.c.IAM, principal{Kind: kindUser, Name: aws.ToString(u.UserName)}, arn); err != nil {
				return err
			}
		}
		for _, ro := range out.PolicyRoles {
			if err := detach(ctx, r.c.IAM, principal{Kind: kindRole, Name: aws.ToString(ro.RoleName)}, arn); err != nil {
				return err
			}
		}
	}
	old, _, err := r.nonDefaultVersions(ctx, arn)
	if awserr.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, v := range old {
		if _, err := r.c.IAM.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: v.VersionId}); err != nil && !awserr.IsNotFound(err) {
			return fmt.Errorf("deleting version %s of policy %s: %w", aws.ToString(v.VersionId), arn, err)
		}
	}
	if _, err := r.c.IAM.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(arn)}); err != nil && !awserr.IsNotFound(err) {
		return fmt.Errorf("deleting policy %s: %w", arn, err)
	}
	return nil
}

// versionNumber is N of a version ID vN, or 0.
func versionNumber(id *string) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(aws.ToString(id), "v"))
	return n
}
