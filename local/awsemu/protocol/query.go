package protocol

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// QueryParams are the decoded form parameters of a query-protocol request.
type QueryParams url.Values

// Get returns the first value of key.
func (q QueryParams) Get(key string) string { return url.Values(q).Get(key) }

// Has reports whether key was sent.
func (q QueryParams) Has(key string) bool { _, ok := q[key]; return ok }

// Int returns key as an integer, or def when absent.
func (q QueryParams) Int(key string, def int) (int, error) {
	v := q.Get(key)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, Errorf("ValidationError", "invalid value for %s: %q", key, v)
	}
	return n, nil
}

// Bool returns key as a boolean, or def when absent.
func (q QueryParams) Bool(key string, def bool) bool {
	switch strings.ToLower(q.Get(key)) {
	case "true":
		return true
	case "false":
		return false
	}
	return def
}

// List returns the values of an awsQuery list (prefix.member.1,
// prefix.member.2, ...) or an ec2Query list (prefix.1, prefix.2, ...), in
// index order.
func (q QueryParams) List(prefix string) []string {
	type kv struct {
		i int
		v string
	}
	var items []kv
	for k, vs := range q {
		rest, ok := strings.CutPrefix(k, prefix+".")
		if !ok {
			continue
		}
		rest = strings.TrimPrefix(rest, "member.")
		i, err := strconv.Atoi(rest)
		if err != nil || len(vs) == 0 {
			continue
		}
		items = append(items, kv{i, vs[0]})
	}
	sort.Slice(items, func(a, b int) bool { return items[a].i < items[b].i })
	out := make([]string, len(items))
	for n, it := range items {
		out[n] = it.v
	}
	return out
}

// Structs returns the members of a list of structures (prefix.member.N.Field
// or prefix.N.Field), each as a map from field name to value, in index
// order.
func (q QueryParams) Structs(prefix string) []map[string]string {
	byIndex := map[int]map[string]string{}
	for k, vs := range q {
		rest, ok := strings.CutPrefix(k, prefix+".")
		if !ok || len(vs) == 0 {
			continue
		}
		rest = strings.TrimPrefix(rest, "member.")
		idx, field, ok := strings.Cut(rest, ".")
		if !ok {
			continue
		}
		i, err := strconv.Atoi(idx)
		if err != nil {
			continue
		}
		if byIndex[i] == nil {
			byIndex[i] = map[string]string{}
		}
		byIndex[i][field] = vs[0]
	}
	idx := make([]int, 0, len(byIndex))
	for i := range byIndex {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	out := make([]map[string]string, len(idx))
	for n, i := range idx {
		out[n] = byIndex[i]
	}
	return out
}

// ParseQuery decodes the form parameters of a query-protocol request from
// its body and its URL query string.
func ParseQuery(body []byte, rawQuery string) (QueryParams, error) {
	v, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, err
	}
	if rawQuery != "" {
		extra, err := url.ParseQuery(rawQuery)
		if err != nil {
			return nil, err
		}
		for k, vs := range extra {
			v[k] = append(v[k], vs...)
		}
	}
	return QueryParams(v), nil
}

// Required returns a parameter that the API marks as required, or the
// ValidationError that query services return when it is missing.
func (q QueryParams) Required(field string) (string, error) {
	v := q.Get(field)
	if v == "" {
		return "", Errorf("ValidationError", "1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", strings.ToLower(field[:1])+field[1:])
	}
	return v, nil
}
