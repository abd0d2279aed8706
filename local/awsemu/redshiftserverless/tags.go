package redshiftserverless

import (
	"slices"
	"strings"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
)

// The tags of Redshift Serverless namespaces and workgroups, kept by ARN.

type serverlessTag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

func checkTags(tags []serverlessTag) error {
	if len(tags) > maxTags {
		return protocol.Errorf("TooManyTagsException", "A resource can have at most %d tags.", maxTags)
	}
	for _, t := range tags {
		if len(t.Key) == 0 || len(t.Key) > 128 || len(t.Value) > 256 {
			return protocol.Errorf("ValidationException", "Tag keys must be 1 to 128 characters and values at most 256.")
		}
	}
	return nil
}

// setTags adds or replaces tags on arn. The caller holds st.mu.
func (st *state) setTags(arn string, tags []serverlessTag) error {
	merged := append([]serverlessTag(nil), st.tags[arn]...)
	for _, t := range tags {
		replaced := false
		for i := range merged {
			if merged[i].Key == t.Key {
				merged[i].Value, replaced = t.Value, true
			}
		}
		if !replaced {
			merged = append(merged, t)
		}
	}
	if err := checkTags(merged); err != nil {
		return err
	}
	st.tags[arn] = merged
	return nil
}

// taggable checks that arn names a namespace or workgroup of the caller's
// account. The caller holds st.mu.
func (st *state) taggable(c *protocol.Call, arn string) error {
	if !strings.HasPrefix(arn, "arn:") {
		return protocol.Errorf("ValidationException", "resourceArn %q is not an ARN.", arn)
	}
	if _, ok := st.tags[arn]; !ok || strings.Split(arn, ":")[4] != c.Account() {
		return protocol.Errorf("ResourceNotFoundException", "Resource %s not found.", arn)
	}
	return nil
}

// tagInput is the request of TagResource, UntagResource and
// ListTagsForResource; each sends the members it needs.
type tagInput struct {
	ResourceArn string          `json:"resourceArn"`
	Tags        []serverlessTag `json:"tags"`
	TagKeys     []string        `json:"tagKeys"`
}

// onTaggable decodes a tag request, locks the Redshift state and runs
// serve once the resource ARN names a taggable resource of the caller.
func onTaggable(c *protocol.Call, serve func(st *state, in tagInput) (any, error)) (any, error) {
	var in tagInput
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	st := store(c.Env)
	st.mu.Lock()
	defer st.mu.Unlock()
	if err := st.taggable(c, in.ResourceArn); err != nil {
		return nil, err
	}
	return serve(st, in)
}

func TagResource(c *protocol.Call) (any, error) {
	return onTaggable(c, func(st *state, in tagInput) (any, error) {
		return struct{}{}, st.setTags(in.ResourceArn, in.Tags)
	})
}

func UntagResource(c *protocol.Call) (any, error) {
	return onTaggable(c, func(st *state, in tagInput) (any, error) {
		st.tags[in.ResourceArn] = slices.DeleteFunc(slices.Clone(st.tags[in.ResourceArn]), func(t serverlessTag) bool {
			return slices.Contains(in.TagKeys, t.Key)
		})
		return struct{}{}, nil
	})
}

func ListTagsForResource(c *protocol.Call) (any, error) {
	return onTaggable(c, func(st *state, in tagInput) (any, error) {
		return map[string]any{"tags": append([]serverlessTag{}, st.tags[in.ResourceArn]...)}, nil
	})
}
