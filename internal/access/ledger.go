package access

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/redshift-data-access/redshift-data-access/internal/awsarn"
	"github.com/redshift-data-access/redshift-data-access/internal/awserr"
	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

// IAM groups take no tags, so a Managed grant records itself for a group
// on a ledger instead: a customer managed policy per group, at ledgerPath,
// whose tags are the records a role or user would carry (grantTagPrefix
// keys and attachedByGrantTag). The ledger is never attached. Its document
// only denies every action on the ledger itself, so attaching it by
// mistake can take permissions away but never give any. It is created
// with the first record and deleted when the last grant leaves.
//
// A policy rather than, say, a parameter or a table: it needs no other
// service, lives in the same account and partition as the group, takes
// 50 tags like a role, and falls under the provider's existing permissions
// for its own policies at /redshift-data-api/.
const (
	ledgerPath = DefaultPath + "grants/"
	// ledgerGroupTag names the group a ledger records grants for, for a
	// person reading the policy; the name itself is a hash.
	ledgerGroupTag = "redshift-data-access:ledger-for-group"
)

// notInTagValue matches the characters of an IAM name that IAM refuses in
// a tag value: group names may hold a comma, tag values may not.
var notInTagValue = regexp.MustCompile(`[^\p{L}\p{Z}\p{N}_.:/=+\-@]`)

// ledgerName is the name of group's ledger policy. IAM group names are
// case-insensitive and up to 128 characters, so the name hashes the
// lower-cased group name rather than embedding it.
func ledgerName(group string) string {
	return "grant-ledger-" + customresource.ShortHash(strings.ToLower(group), 16)
}

func ledgerArn(loc location, group string) string {
	return awsarn.IAMARN(loc.Partition, loc.Account, awsarn.KindPolicy, ledgerPath, ledgerName(group))
}

// ledgerDocument denies everything on the ledger itself: a policy needs a
// statement, and an Allow, however narrow, would grant something if the
// ledger were ever attached.
func ledgerDocument(arn string) string {
	return `{"Version":"2012-10-17","Statement":[{"Sid":"GrantLedgerOnlyHoldsTags","Effect":"Deny","Action":"*","Resource":"` + arn + `"}]}`
}

// ledgerTags returns the records on group's ledger. A ledger that does not
// exist holds no records: the result is empty, not an error.
func ledgerTags(ctx context.Context, c IAMAPI, loc location, group string) (map[string]string, error) {
	arn := ledgerArn(loc, group)
	out := map[string]string{}
	pages := iam.NewListPolicyTagsPaginator(c, &iam.ListPolicyTagsInput{PolicyArn: aws.String(arn)})
	for pages.HasMorePages() {
		res, err := pages.NextPage(ctx)
		if awserr.IsNotFound(err) {
			return map[string]string{}, nil
		}
		if err != nil {
			return nil, fmt.Errorf("listing the grants on ledger %s of group %s: %w", arn, group, err)
		}
		for _, t := range res.Tags {
			out[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
	}
	return out, nil
}

// addLedgerTags records add on group's ledger, creating the ledger when it
// does not exist. Two grants may create it at the same moment: the one
// that finds it created already tags it instead.
func addLedgerTags(ctx context.Context, c IAMAPI, loc location, group string, add map[string]string) error {
	arn := ledgerArn(loc, group)
	list := tagList(add)
	_, err := c.TagPolicy(ctx, &iam.TagPolicyInput{PolicyArn: aws.String(arn), Tags: list})
	if err == nil {
		return nil
	}
	if !awserr.IsNotFound(err) {
		return fmt.Errorf("recording a grant on ledger %s of group %s: %w", arn, group, err)
	}
	_, err = c.CreatePolicy(ctx, &iam.CreatePolicyInput{
		PolicyName:     aws.String(ledgerName(group)),
		Path:           aws.String(ledgerPath),
		PolicyDocument: aws.String(ledgerDocument(arn)),
		Description:    aws.String("Records the Redshift Data API grants that hold AmazonRedshiftDataFullAccess on group " + group + " (in its tags). Never attach it."),
		Tags:           append(list, iamtypes.Tag{Key: aws.String(ledgerGroupTag), Value: aws.String(notInTagValue.ReplaceAllString(group, "_"))}),
	})
	switch {
	case err == nil:
		return nil
	case isEntityAlreadyExists(err):
		// Created by a concurrent grant between our TagPolicy and here.
		if _, err := c.TagPolicy(ctx, &iam.TagPolicyInput{PolicyArn: aws.String(arn), Tags: list}); err != nil {
			return fmt.Errorf("recording a grant on ledger %s of group %s: %w", arn, group, err)
		}
		return nil
	}
	return fmt.Errorf("creating ledger %s of group %s: %w", arn, group, err)
}

// removeLedgerTags removes records from group's ledger; a ledger that is
// gone has none to remove.
func removeLedgerTags(ctx context.Context, c IAMAPI, loc location, group string, keys ...string) error {
	arn := ledgerArn(loc, group)
	if _, err := c.UntagPolicy(ctx, &iam.UntagPolicyInput{PolicyArn: aws.String(arn), TagKeys: keys}); err != nil && !awserr.IsNotFound(err) {
		return fmt.Errorf("removing grant records from ledger %s of group %s: %w", arn, group, err)
	}
	return nil
}

// deleteLedger deletes group's ledger; release calls it once no grant is
// recorded on it. A ledger that is gone already is success. A person may
// have attached the ledger or given it versions, which makes IAM refuse
// the delete with DeleteConflict: then it is detached and its versions
// deleted first. The ledger is this function's own, and detaching it
// takes nothing away, since its document only denies.
func (r *Access) deleteLedger(ctx context.Context, loc location, group string) error {
	arn := ledgerArn(loc, group)
	_, err := r.c.IAM.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(arn)})
	if isDeleteConflict(err) {
		err = r.removePolicy(ctx, arn)
	}
	if err != nil && !awserr.IsNotFound(err) {
		return fmt.Errorf("deleting ledger %s of group %s: %w", arn, group, err)
	}
	return nil
}

func tagList(m map[string]string) []iamtypes.Tag {
	list := make([]iamtypes.Tag, 0, len(m))
	for k, v := range m {
		list = append(list, iamtypes.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	return list
}
