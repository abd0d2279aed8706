package ec2

import (
	"sort"
	"strconv"
	"strings"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
)

// sub returns the parameters under prefix, with "prefix." removed:
// sub(q, "TagSpecification.1") turns TagSpecification.1.Tag.2.Key into
// Tag.2.Key.
func sub(q protocol.QueryParams, prefix string) protocol.QueryParams {
	out := protocol.QueryParams{}
	for k, vs := range q {
		if rest, ok := strings.CutPrefix(k, prefix+"."); ok {
			out[rest] = vs
		}
	}
	return out
}

// indexes returns the list indexes used under prefix (prefix.N...), in
// ascending order.
func indexes(q protocol.QueryParams, prefix string) []int {
	seen := map[int]bool{}
	var out []int
	for k := range q {
		rest, ok := strings.CutPrefix(k, prefix+".")
		if !ok {
			continue
		}
		idx, _, _ := strings.Cut(rest, ".")
		i, err := strconv.Atoi(idx)
		if err != nil || seen[i] {
			continue
		}
		seen[i] = true
		out = append(out, i)
	}
	sort.Ints(out)
	return out
}

// tagSpecifications returns the tags of the TagSpecification entries
// for resourceType; an entry for another resource type is an error, as in
// EC2.
func tagSpecifications(q protocol.QueryParams, resourceType string) (map[string]string, error) {
	tags := map[string]string{}
	for _, i := range indexes(q, "TagSpecification") {
		spec := sub(q, "TagSpecification."+strconv.Itoa(i))
		if rt := spec.Get("ResourceType"); rt != resourceType {
			return nil, protocol.Errorf("InvalidParameterValue", "'%s' is not a valid taggable resource type for this operation.", rt)
		}
		for _, t := range spec.Structs("Tag") {
			key := t["Key"]
			if key == "" {
				return nil, protocol.Errorf("InvalidParameterValue", "Tag keys must not be empty")
			}
			if strings.HasPrefix(strings.ToLower(key), "aws:") {
				return nil, protocol.Errorf("InvalidParameterValue", "Tag keys starting with 'aws:' are reserved for internal use")
			}
			tags[key] = t["Value"]
		}
	}
	return tags, nil
}

// filterSet is the Filter.N.Name / Filter.N.Value.M parameters of a
// Describe call: every filter must match, and a filter matches when any of
// its values equals any of the object's values for that name.
type filterSet map[string][]string

func filters(q protocol.QueryParams) filterSet {
	out := filterSet{}
	for _, i := range indexes(q, "Filter") {
		f := sub(q, "Filter."+strconv.Itoa(i))
		name := f.Get("Name")
		out[name] = append(out[name], f.List("Value")...)
	}
	return out
}

// match reports whether an object with these filterable attributes and
// tags passes every filter. tag:<key> and tag-key filters use tags; any
// other unknown filter name matches nothing.
func (fs filterSet) match(attrs map[string][]string, tags map[string]string) bool {
	for name, want := range fs {
		var have []string
		switch {
		case strings.HasPrefix(name, "tag:"):
			if v, ok := tags[strings.TrimPrefix(name, "tag:")]; ok {
				have = []string{v}
			}
		case name == "tag-key":
			for k := range tags {
				have = append(have, k)
			}
		default:
			have = attrs[name]
		}
		if !anyEqual(want, have) {
			return false
		}
	}
	return true
}

func anyEqual(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}
