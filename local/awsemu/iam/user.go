package iam

import (
	"slices"
	"strings"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
)

type userXML struct {
	Path                string
	UserName            string
	UserId              string
	Arn                 string
	CreateDate          string
	PermissionsBoundary *boundaryXML `xml:",omitempty"`
	Tags                tagList      `xml:"Tags,omitempty"`
}

func (u *user) view() userXML {
	x := userXML{Path: u.path, UserName: u.name, UserId: u.id, Arn: u.arn, CreateDate: formatTime(u.created), Tags: u.tags}
	if u.boundary != "" {
		x.PermissionsBoundary = &boundaryXML{PermissionsBoundaryType: "PermissionsBoundaryPolicy", PermissionsBoundaryArn: u.boundary}
	}
	return x
}

type userResult struct {
	User userXML
}

func CreateUser(c *protocol.Call) (any, error) {
	q := c.Query
	name, path, err := newEntityParams(q, kindUser, 64)
	if err != nil {
		return nil, err
	}
	tags, err := tagsParam(q)
	if err != nil {
		return nil, err
	}
	s, a, unlock := lockCall(c)
	defer unlock()
	boundary, err := a.boundaryParam(q)
	if err != nil {
		return nil, err
	}
	ent, err := s.newEntity(a, kindUser, name, path, tags, c.Env.Now())
	if err != nil {
		return nil, err
	}
	u := &user{entity: ent, boundary: boundary}
	a.users[strings.ToLower(name)] = u
	return userResult{User: u.view()}, nil
}

// GetUser returns the named user or, without a name, the calling
// account's root user; IAM refuses the latter for role sessions.
func GetUser(c *protocol.Call) (any, error) {
	name := c.Query.Get("UserName")
	if name == "" {
		if c.Caller.RoleArn != "" {
			return nil, protocol.Errorf("ValidationError", "Must specify userName when calling with non-User credentials")
		}
		return userResult{User: userXML{Path: "/", UserId: c.Account(), Arn: c.Caller.Arn, CreateDate: formatTime(c.Env.Now())}}, nil
	}
	return on(c, "UserName", (*account).user, func(_ *state, _ *account, u *user) (any, error) {
		return userResult{User: u.view()}, nil
	})
}

func DeleteUser(c *protocol.Call) (any, error) {
	return on(c, "UserName", (*account).user, func(_ *state, a *account, u *user) (any, error) {
		if len(u.attached) > 0 {
			return nil, protocol.Conflictf("DeleteConflict", "Cannot delete entity, must detach all policies first.")
		}
		key := strings.ToLower(u.name)
		for _, g := range a.groups {
			if slices.Contains(g.members, key) {
				return nil, protocol.Conflictf("DeleteConflict", "Cannot delete entity, must remove users from group first.")
			}
		}
		delete(a.users, key)
		return nil, nil
	})
}

type groupXML struct {
	Path       string
	GroupName  string
	GroupId    string
	Arn        string
	CreateDate string
}

func (g *group) view() groupXML {
	return groupXML{Path: g.path, GroupName: g.name, GroupId: g.id, Arn: g.arn, CreateDate: formatTime(g.created)}
}

type createGroupResult struct {
	Group groupXML
}

func CreateGroup(c *protocol.Call) (any, error) {
	name, path, err := newEntityParams(c.Query, kindGroup, 128)
	if err != nil {
		return nil, err
	}
	s, a, unlock := lockCall(c)
	defer unlock()
	ent, err := s.newEntity(a, kindGroup, name, path, nil, c.Env.Now())
	if err != nil {
		return nil, err
	}
	g := &group{entity: ent}
	a.groups[strings.ToLower(name)] = g
	return createGroupResult{Group: g.view()}, nil
}

type getGroupResult struct {
	Group groupXML
	Users []userXML `xml:"Users>member"`
	listPage
}

func GetGroup(c *protocol.Call) (any, error) {
	return on(c, "GroupName", (*account).group, func(_ *state, a *account, g *group) (any, error) {
		var users []userXML
		for _, m := range g.members {
			if u := a.users[m]; u != nil {
				v := u.view()
				v.Tags = nil
				users = append(users, v)
			}
		}
		items, page, err := paginate(c.Query, users)
		if err != nil {
			return nil, err
		}
		return getGroupResult{Group: g.view(), Users: items, listPage: page}, nil
	})
}

func DeleteGroup(c *protocol.Call) (any, error) {
	return on(c, "GroupName", (*account).group, func(_ *state, a *account, g *group) (any, error) {
		if len(g.attached) > 0 {
			return nil, protocol.Conflictf("DeleteConflict", "Cannot delete entity, must detach all policies first.")
		}
		if len(g.members) > 0 {
			return nil, protocol.Conflictf("DeleteConflict", "Cannot delete entity, must remove users from group first.")
		}
		delete(a.groups, strings.ToLower(g.name))
		return nil, nil
	})
}

// groupMembership resolves the GroupName and UserName of AddUserToGroup
// and RemoveUserFromGroup.
func groupMembership(c *protocol.Call, a *account) (*group, string, error) {
	groupName, err := c.Query.Required("GroupName")
	if err != nil {
		return nil, "", err
	}
	userName, err := c.Query.Required("UserName")
	if err != nil {
		return nil, "", err
	}
	g, err := a.group(groupName)
	if err != nil {
		return nil, "", err
	}
	if _, err := a.user(userName); err != nil {
		return nil, "", err
	}
	return g, strings.ToLower(userName), nil
}

func AddUserToGroup(c *protocol.Call) (any, error) {
	_, a, unlock := lockCall(c)
	defer unlock()
	g, user, err := groupMembership(c, a)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(g.members, user) {
		g.members = append(g.members, user)
	}
	return nil, nil
}

func RemoveUserFromGroup(c *protocol.Call) (any, error) {
	_, a, unlock := lockCall(c)
	defer unlock()
	g, user, err := groupMembership(c, a)
	if err != nil {
		return nil, err
	}
	i := slices.Index(g.members, user)
	if i < 0 {
		return nil, protocol.NotFoundf("NoSuchEntity", "User %s is not in group %s.", c.Query.Get("UserName"), g.name)
	}
	g.members = slices.Delete(g.members, i, i+1)
	return nil, nil
}
