package awsemu

import "strings"

// The tags of Redshift Serverless namespaces and workgroups, kept by ARN.

type rssTag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

func rssCheckTags(tags []rssTag) error {
	if len(tags) > rssMaxTags {
		return Errorf("TooManyTagsException", "A resource can have at most %d tags.", rssMaxTags)
	}
	for _, t := range tags {
		if len(t.Key) == 0 || len(t.Key) > 128 || len(t.Value) > 256 {
			return Errorf("ValidationException", "Tag keys must be 1 to 128 characters and values at most 256.")
		}
	}
	return nil
}

// setTags adds or replaces tags on arn. The caller holds st.mu.
func (st *rsState) setTags(arn string, tags []rssTag) error {
	merged := append([]rssTag(nil), st.tags[arn]...)
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
	if err := rssCheckTags(merged); err != nil {
		return err
	}
	st.tags[arn] = merged
	return nil
}

// taggable checks that arn names a namespace or workgroup of the caller's
// account. The caller holds st.mu.
func (st *rsState) taggable(c *Call, arn string) error {
	if !strings.HasPrefix(arn, "arn:") {
		return Errorf("ValidationException", "resourceArn %q is not an ARN.", arn)
	}
	if _, ok := st.tags[arn]; !ok || strings.Split(arn, ":")[4] != c.Account() {
		return Errorf("ResourceNotFoundException", "Resource %s not found.", arn)
	}
	return nil
}

func rssTagResource(c *Call) (any, error) {
	var in struct {
		ResourceArn string   `json:"resourceArn"`
		Tags        []rssTag `json:"tags"`
	}
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	st := rsStore(c.Emulator)
	st.mu.Lock()
	defer st.mu.Unlock()
	if err := st.taggable(c, in.ResourceArn); err != nil {
		return nil, err
	}
	return struct{}{}, st.setTags(in.ResourceArn, in.Tags)
}

func rssUntagResource(c *Call) (any, error) {
	var in struct {
		ResourceArn string   `json:"resourceArn"`
		TagKeys     []string `json:"tagKeys"`
	}
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	st := rsStore(c.Emulator)
	st.mu.Lock()
	defer st.mu.Unlock()
	if err := st.taggable(c, in.ResourceArn); err != nil {
		return nil, err
	}
	kept := []rssTag{}
	for _, t := range st.tags[in.ResourceArn] {
		removed := false
		for _, k := range in.TagKeys {
			removed = removed || k == t.Key
		}
		if !removed {
			kept = append(kept, t)
		}
	}
	st.tags[in.ResourceArn] = kept
	return struct{}{}, nil
}

func rssListTagsForResource(c *Call) (any, error) {
	var in struct {
		ResourceArn string `json:"resourceArn"`
	}
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	st := rsStore(c.Emulator)
	st.mu.Lock()
	defer st.mu.Unlock()
	if err := st.taggable(c, in.ResourceArn); err != nil {
		return nil, err
	}
	tags := append([]rssTag{}, st.tags[in.ResourceArn]...)
	return map[string]any{"tags": tags}, nil
}
