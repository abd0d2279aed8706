package guardrail

import "strings"

// RawList returns a list property's items as the request gave them (a
// comma-separated string, or a JSON list), keeping empty items, which the
// property readers drop. CheckPrincipalList needs them to refuse an empty
// item instead of ignoring it. Items that are not strings come back empty.
func RawList(v any) []string {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		return strings.Split(x, ",")
	case []string:
		return x
	case []any:
		out := make([]string, len(x))
		for i, item := range x {
			out[i], _ = item.(string)
		}
		return out
	default:
		return []string{""}
	}
}
