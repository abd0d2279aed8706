package iam

import (
	"encoding/xml"
	"regexp"
	"strings"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
)

// tag is an IAM tag, also its XML form in requests and results.
type tag struct {
	Key   string
	Value string
}

// tagList is the Tags member of a role, user or policy in IAM's XML
// form, <Tags><member>...</member></Tags>. With omitempty it is left out
// when empty, as IAM does; a "Tags>member" path would still write an
// empty <Tags/>.
type tagList []tag

// MarshalXML writes the list's members inside start.
func (l tagList) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return e.EncodeElement(struct {
		Member []tag `xml:"member"`
	}{l}, start)
}

// MaxTags is IAM's limit of tags per role, user or policy.
const MaxTags = 50

// tagPattern is the character set IAM allows in tag keys and values
// (the Tag data type in the IAM API reference).
var tagPattern = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)

// tagsParam parses the Tags.member.N.Key/Value parameters of a request.
// Tag keys are case-insensitive in IAM, so a request may not name one
// twice in different case.
func tagsParam(q protocol.QueryParams) ([]tag, error) {
	var tags []tag
	seen := map[string]bool{}
	for _, m := range q.Structs("Tags") {
		k, v := m["Key"], m["Value"]
		if k == "" || len(k) > 128 || len(v) > 256 {
			return nil, protocol.Errorf("ValidationError", "1 validation error detected: Value '%s' at 'tags.member.key' failed to satisfy constraint: Member must have length between 1 and 128, and values at most 256", k)
		}
		if !tagPattern.MatchString(k) || !tagPattern.MatchString(v) {
			return nil, protocol.Errorf("ValidationError", "1 validation error detected: Value at 'tags.member.value' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*")
		}
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return nil, protocol.Errorf("InvalidInput", "User is not authorized to create tags with aws: prefix.")
		}
		if seen[strings.ToLower(k)] {
			return nil, protocol.Errorf("InvalidInput", "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
		}
		seen[strings.ToLower(k)] = true
		tags = append(tags, tag{Key: k, Value: v})
	}
	if len(tags) > MaxTags {
		return nil, protocol.Conflictf("LimitExceeded", "The number of tags has reached the maximum limit.")
	}
	return tags, nil
}

// mergeTags adds or overwrites add in existing, keeping existing's order.
func mergeTags(existing, add []tag) ([]tag, error) {
	out := append([]tag(nil), existing...)
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

// removeTags drops the tags whose keys are in keys; unknown keys are
// ignored, as in IAM.
func removeTags(existing []tag, keys []string) []tag {
	var out []tag
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

type tagsResult struct {
	Tags []tag `xml:"Tags>member"`
	listPage
}

// tagTarget is a kind of taggable IAM resource: the request parameter
// that names one, and how to find its tags for reading and for a change.
// They differ for policies: AWS managed policies can be read but not
// tagged.
type tagTarget struct {
	param  string
	read   func(a *account, id string) (*[]tag, error)
	change func(a *account, id string) (*[]tag, error)
}

// entityTags is the tag target of roles or users.
func entityTags(kind entityKind) tagTarget {
	find := func(a *account, name string) (*[]tag, error) {
		e, err := a.entity(kind, name)
		if err != nil {
			return nil, err
		}
		return &e.tags, nil
	}
	return tagTarget{param: entityParam(kind), read: find, change: find}
}

// policyTags is the tag target of managed policies.
var policyTags = tagTarget{
	param: "PolicyArn",
	read: func(a *account, arn string) (*[]tag, error) {
		p, err := a.policy(arn)
		if err != nil {
			return nil, err
		}
		return &p.tags, nil
	},
	change: func(a *account, arn string) (*[]tag, error) {
		p, err := a.ownPolicy(arn)
		if err != nil {
			return nil, err
		}
		return &p.tags, nil
	},
}

// The tagging operations of roles, users and managed policies.
var (
	TagRole        = tagHandler(entityTags(kindRole))
	UntagRole      = untagHandler(entityTags(kindRole))
	ListRoleTags   = listTagsHandler(entityTags(kindRole))
	TagUser        = tagHandler(entityTags(kindUser))
	UntagUser      = untagHandler(entityTags(kindUser))
	ListUserTags   = listTagsHandler(entityTags(kindUser))
	TagPolicy      = tagHandler(policyTags)
	UntagPolicy    = untagHandler(policyTags)
	ListPolicyTags = listTagsHandler(policyTags)
)

// tagHandler serves TagRole, TagUser and TagPolicy.
func tagHandler(target tagTarget) protocol.Handler {
	return func(c *protocol.Call) (any, error) {
		tags, err := tagsParam(c.Query)
		if err != nil {
			return nil, err
		}
		return on(c, target.param, target.change, func(_ *state, _ *account, existing *[]tag) (any, error) {
			merged, err := mergeTags(*existing, tags)
			if err != nil {
				return nil, err
			}
			*existing = merged
			return nil, nil
		})
	}
}

// untagHandler serves UntagRole, UntagUser and UntagPolicy.
func untagHandler(target tagTarget) protocol.Handler {
	return func(c *protocol.Call) (any, error) {
		return on(c, target.param, target.change, func(_ *state, _ *account, existing *[]tag) (any, error) {
			*existing = removeTags(*existing, c.Query.List("TagKeys"))
			return nil, nil
		})
	}
}

// listTagsHandler serves ListRoleTags, ListUserTags and ListPolicyTags.
func listTagsHandler(target tagTarget) protocol.Handler {
	return func(c *protocol.Call) (any, error) {
		return on(c, target.param, target.read, func(_ *state, _ *account, tags *[]tag) (any, error) {
			items, page, err := paginate(c.Query, *tags)
			if err != nil {
				return nil, err
			}
			return tagsResult{Tags: items, listPage: page}, nil
		})
	}
}
