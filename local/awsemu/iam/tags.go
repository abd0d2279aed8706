package iam

import (
	"encoding/xml"
	"regexp"
	"strings"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
)

// iamTag is an IAM tag, also its XML form in requests and results.
type iamTag struct {
	Key   string
	Value string
}

// iamTagList is the Tags member of a role, user or policy in IAM's XML
// form, <Tags><member>...</member></Tags>. With omitempty it is left out
// when empty, as IAM does; a "Tags>member" path would still write an
// empty <Tags/>.
type iamTagList []iamTag

// MarshalXML writes the list's members inside start.
func (l iamTagList) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return e.EncodeElement(struct {
		Member []iamTag `xml:"member"`
	}{l}, start)
}

// MaxTags is IAM's limit of tags per role, user or policy.
const MaxTags = 50

// iamTagPattern is the character set IAM allows in tag keys and values
// (the Tag data type in the IAM API reference).
var iamTagPattern = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)

// iamTagsParam parses the Tags.member.N.Key/Value parameters of a request.
// Tag keys are case-insensitive in IAM, so a request may not name one
// twice in different case.
func iamTagsParam(q protocol.QueryParams) ([]iamTag, error) {
	var tags []iamTag
	seen := map[string]bool{}
	for _, m := range q.Structs("Tags") {
		k, v := m["Key"], m["Value"]
		if k == "" || len(k) > 128 || len(v) > 256 {
			return nil, protocol.Errorf("ValidationError", "1 validation error detected: Value '%s' at 'tags.member.key' failed to satisfy constraint: Member must have length between 1 and 128, and values at most 256", k)
		}
		if !iamTagPattern.MatchString(k) || !iamTagPattern.MatchString(v) {
			return nil, protocol.Errorf("ValidationError", "1 validation error detected: Value at 'tags.member.value' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*")
		}
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return nil, protocol.Errorf("InvalidInput", "User is not authorized to create tags with aws: prefix.")
		}
		if seen[strings.ToLower(k)] {
			return nil, protocol.Errorf("InvalidInput", "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
		}
		seen[strings.ToLower(k)] = true
		tags = append(tags, iamTag{Key: k, Value: v})
	}
	if len(tags) > MaxTags {
		return nil, protocol.Conflictf("LimitExceeded", "The number of tags has reached the maximum limit.")
	}
	return tags, nil
}

// iamMergeTags adds or overwrites add in existing, keeping existing's order.
func iamMergeTags(existing, add []iamTag) ([]iamTag, error) {
	out := append([]iamTag(nil), existing...)
	for _, t := range add {
		replaced := false
		for i := range out {
			if strings.EqualFold(out[i].Key, t.Key) {
				out[i] = t
				replaced = true
			}
		}
		if !replaced {
			out = append(out, t)
		}
	}
	if len(out) > MaxTags {
		return nil, protocol.Conflictf("LimitExceeded", "The number of tags has reached the maximum limit.")
	}
	return out, nil
}

// iamRemoveTags drops the tags whose keys are in keys; unknown keys are
// ignored, as in IAM.
func iamRemoveTags(existing []iamTag, keys []string) []iamTag {
	var out []iamTag
	for _, t := range existing {
		drop := false
		for _, k := range keys {
			if strings.EqualFold(t.Key, k) {
				drop = true
			}
		}
		if !drop {
			out = append(out, t)
		}
	}
	return out
}

type iamTagsResult struct {
	Tags []iamTag `xml:"Tags>member"`
	iamListPage
}

// iamTagTarget is a kind of taggable IAM resource: the request parameter
// that names one, and how to find its tags for reading and for a change.
// They differ for policies: AWS managed policies can be read but not
// tagged.
type iamTagTarget struct {
	param  string
	read   func(a *iamAccount, id string) (*[]iamTag, error)
	change func(a *iamAccount, id string) (*[]iamTag, error)
}

// iamEntityTags is the tag target of roles or users.
func iamEntityTags(kind iamEntityKind) iamTagTarget {
	find := func(a *iamAccount, name string) (*[]iamTag, error) {
		e, err := a.entity(kind, name)
		if err != nil {
			return nil, err
		}
		return &e.tags, nil
	}
	return iamTagTarget{param: iamEntityParam(kind), read: find, change: find}
}

// iamPolicyTags is the tag target of managed policies.
var iamPolicyTags = iamTagTarget{
	param: "PolicyArn",
	read: func(a *iamAccount, arn string) (*[]iamTag, error) {
		p, err := a.policy(arn)
		if err != nil {
			return nil, err
		}
		return &p.tags, nil
	},
	change: func(a *iamAccount, arn string) (*[]iamTag, error) {
		p, err := a.ownPolicy(arn)
		if err != nil {
			return nil, err
		}
		return &p.tags, nil
	},
}

// The tagging operations of roles, users and managed policies.
var (
	TagRole        = iamTagHandler(iamEntityTags(kindRole))
	UntagRole      = iamUntagHandler(iamEntityTags(kindRole))
	ListRoleTags   = iamListTagsHandler(iamEntityTags(kindRole))
	TagUser        = iamTagHandler(iamEntityTags(kindUser))
	UntagUser      = iamUntagHandler(iamEntityTags(kindUser))
	ListUserTags   = iamListTagsHandler(iamEntityTags(kindUser))
	TagPolicy      = iamTagHandler(iamPolicyTags)
	UntagPolicy    = iamUntagHandler(iamPolicyTags)
	ListPolicyTags = iamListTagsHandler(iamPolicyTags)
)

// iamTagHandler serves TagRole, TagUser and TagPolicy.
func iamTagHandler(target iamTagTarget) protocol.Handler {
	return func(c *protocol.Call) (any, error) {
		tags, err := iamTagsParam(c.Query)
		if err != nil {
			return nil, err
		}
		return iamOn(c, target.param, target.change, func(_ *iamState, _ *iamAccount, existing *[]iamTag) (any, error) {
			merged, err := iamMergeTags(*existing, tags)
			if err != nil {
				return nil, err
			}
			*existing = merged
			return nil, nil
		})
	}
}

// iamUntagHandler serves UntagRole, UntagUser and UntagPolicy.
func iamUntagHandler(target iamTagTarget) protocol.Handler {
	return func(c *protocol.Call) (any, error) {
		return iamOn(c, target.param, target.change, func(_ *iamState, _ *iamAccount, existing *[]iamTag) (any, error) {
			*existing = iamRemoveTags(*existing, c.Query.List("TagKeys"))
			return nil, nil
		})
	}
}

// iamListTagsHandler serves ListRoleTags, ListUserTags and ListPolicyTags.
func iamListTagsHandler(target iamTagTarget) protocol.Handler {
	return func(c *protocol.Call) (any, error) {
		return iamOn(c, target.param, target.read, func(_ *iamState, _ *iamAccount, tags *[]iamTag) (any, error) {
			items, page, err := iamPaginate(c.Query, *tags)
			if err != nil {
				return nil, err
			}
			return iamTagsResult{Tags: items, iamListPage: page}, nil
		})
	}
}
