package ec2

import (
	"strings"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
)

// tagsOf returns the tag map of the caller's resource id, or the NotFound
// error EC2 gives for that kind of ID. st.mu must be held.
func (st *state) tagsOf(c *protocol.Call, id string) (map[string]string, error) {
	owned := func(owner string) bool { return owner == c.Account() }
	switch {
	case strings.HasPrefix(id, "vpce-"):
		if ep := st.endpoints[id]; ep != nil && owned(ep.owner) && st.endpointState(ep, c.Env.Now()) != "deleted" {
			return ep.tags, nil
		}
		return nil, protocol.Errorf("InvalidVpcEndpointId.NotFound", "The Vpc Endpoint Id '%s' does not exist", id)
	case strings.HasPrefix(id, "vpc-"):
		if v := st.vpcs[id]; v != nil && owned(v.owner) {
			return v.tags, nil
		}
		return nil, protocol.Errorf("InvalidVpcID.NotFound", "The vpc ID '%s' does not exist", id)
	case strings.HasPrefix(id, "subnet-"):
		if s := st.subnets[id]; s != nil && owned(s.owner) {
			return s.tags, nil
		}
		return nil, protocol.Errorf("InvalidSubnetID.NotFound", "The subnet ID '%s' does not exist", id)
	case strings.HasPrefix(id, "sg-"):
		if g := st.groups[id]; g != nil && owned(g.owner) {
			return g.tags, nil
		}
		return nil, protocol.Errorf("InvalidGroup.NotFound", "The security group '%s' does not exist", id)
	}
	return nil, protocol.Errorf("InvalidID", "The ID '%s' is not valid", id)
}

// CreateTags adds or overwrites tags on every resource, after checking
// that all of them exist.
func CreateTags(c *protocol.Call) (any, error) {
	return changeTags(c, func(tags map[string]string, t map[string]string) {
		tags[t["Key"]] = t["Value"]
	})
}

// DeleteTags removes tags by key, or by key and value when a value is
// given, as EC2 does.
func DeleteTags(c *protocol.Call) (any, error) {
	return changeTags(c, func(tags map[string]string, t map[string]string) {
		if v, withValue := t["Value"]; withValue && tags[t["Key"]] != v {
			return
		}
		delete(tags, t["Key"])
	})
}

func changeTags(c *protocol.Call, apply func(tags map[string]string, t map[string]string)) (any, error) {
	ids := c.Query.List("ResourceId")
	if len(ids) == 0 {
		return nil, protocol.Errorf("MissingParameter", "The request must contain the parameter resourceIdSet")
	}
	changes := c.Query.Structs("Tag")
	for _, t := range changes {
		if strings.HasPrefix(strings.ToLower(t["Key"]), "aws:") {
			return nil, protocol.Errorf("InvalidParameterValue", "Tag keys starting with 'aws:' are reserved for internal use")
		}
	}
	st := stateOf(c.Env)
	st.mu.Lock()
	defer st.mu.Unlock()
	var all []map[string]string
	for _, id := range ids {
		tags, err := st.tagsOf(c, id)
		if err != nil {
			return nil, err
		}
		all = append(all, tags)
	}
	for _, tags := range all {
		for _, t := range changes {
			apply(tags, t)
		}
	}
	return struct {
		Return bool `xml:"return"`
	}{true}, nil
}
