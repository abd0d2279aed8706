package policy

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"
)

// Equivalent reports whether two documents mean the same to IAM: the order
// of statements, actions, resources and condition values does not matter,
// a string equals a list holding only that string, duplicates count once,
// action names compare case-insensitively (IAM treats them so), and Sids,
// which only label statements, are ignored. NotAction, NotResource and
// NotPrincipal compare like their positive forms but never equal them. It is the test that decides
// whether an update needs a new policy version.
func Equivalent(a, b Document) bool {
	return slices.Equal(canonical(a), canonical(b))
}

// canonical returns each statement of d in a normal form, encoded as JSON
// and sorted, so that equivalent documents give equal slices.
func canonical(d Document) []string {
	out := make([]string, 0, len(d.Statement)+1)
	out = append(out, "Version:"+d.Version)
	for _, s := range d.Statement {
		n := normalStatement{
			Effect:      s.Effect,
			Action:      normalValue(s.Action, true),
			NotAction:   normalValue(s.NotAction, true),
			Resource:    normalValue(s.Resource, false),
			NotResource: normalValue(s.NotResource, false),
		}
		if s.Principal != nil {
			n.Principal = normalPrincipal(*s.Principal)
		}
		if s.NotPrincipal != nil {
			n.NotPrincipal = normalPrincipal(*s.NotPrincipal)
		}
		if len(s.Condition) > 0 {
			n.Condition = map[string]map[string][]string{}
			for op, keys := range s.Condition {
				n.Condition[op] = map[string][]string{}
				for k, v := range keys {
					n.Condition[op][k] = normalValue(v, false)
				}
			}
		}
		// Maps are encoded with sorted keys, so the encoding is canonical.
		// A struct of strings, slices and maps of them cannot fail to encode.
		b, _ := json.Marshal(n)
		out = append(out, string(b))
	}
	sort.Strings(out[1:])
	return slices.Compact(out)
}

// normalStatement is a statement in normal form. Each Not element has its
// own field, so a statement that uses one never equals one that uses its
// positive form or none.
type normalStatement struct {
	Effect       string
	Principal    *normalPrincipalIDs            `json:",omitempty"`
	NotPrincipal *normalPrincipalIDs            `json:",omitempty"`
	Action       []string                       `json:",omitempty"`
	NotAction    []string                       `json:",omitempty"`
	Resource     []string                       `json:",omitempty"`
	NotResource  []string                       `json:",omitempty"`
	Condition    map[string]map[string][]string `json:",omitempty"`
}

type normalPrincipalIDs struct {
	All bool                `json:",omitempty"`
	IDs map[string][]string `json:",omitempty"`
}

func normalPrincipal(p Principal) *normalPrincipalIDs {
	n := &normalPrincipalIDs{All: p.All, IDs: map[string][]string{}}
	for k, v := range p.IDs {
		n.IDs[k] = normalValue(v, false)
	}
	return n
}

func normalValue(v Value, foldCase bool) []string {
	if len(v) == 0 {
		return nil
	}
	out := make([]string, len(v))
	for i, s := range v {
		if foldCase {
			s = strings.ToLower(s)
		}
		out[i] = s
	}
	sort.Strings(out)
	return slices.Compact(out)
}
