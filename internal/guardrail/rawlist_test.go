package guardrail

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRawListKeepsEmptyItems(t *testing.T) {
	cases := map[string]struct {
		in   any
		want []string
	}{
		"absent":       {in: nil},
		"comma string": {in: "a,,b", want: []string{"a", "", "b"}},
		"json list":    {in: []any{"a", ""}, want: []string{"a", ""}},
		"non-string":   {in: []any{"a", 3.0}, want: []string{"a", ""}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, RawList(tc.in)); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
	check(t, Config{}.CheckPrincipalList("Users", RawList("bob,")), "Users", PrincipalListItem)
}
