package customresource_test

import (
	"regexp"
	"testing"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

func TestGeneratedName(t *testing.T) {
	allowed := regexp.MustCompile(`[a-zA-Z0-9+=,.@_-]`)
	base := customresource.Request{
		RequestID:         "11111111-2222-3333-4444-555555555555",
		StackID:           "arn:aws:cloudformation:us-east-1:111111111111:stack/my-stack/guid",
		LogicalResourceID: "AnalystAccess",
	}
	long := base
	long.StackID = "arn:aws:cloudformation:us-east-1:111111111111:stack/a-very-long-stack-name-that-goes-on-and-on-and-on/guid"
	long.LogicalResourceID = "AVeryLongLogicalResourceIdentifierForTheRole"
	other := base
	other.RequestID = "99999999-2222-3333-4444-555555555555"

	tests := map[string]struct {
		req    customresource.Request
		maxLen int
	}{
		"short":         {req: base, maxLen: 64},
		"long":          {req: long, maxLen: 64},
		"tight":         {req: long, maxLen: 20},
		"hash only":     {req: base, maxLen: 10},
		"hash and room": {req: base, maxLen: 14},
		"other request": {req: other, maxLen: 64},
	}
	seen := map[string]string{}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := customresource.GeneratedName(tc.req, tc.maxLen, allowed)
			if len(got) > tc.maxLen {
				t.Errorf("GeneratedName = %q (%d), longer than %d", got, len(got), tc.maxLen)
			}
			if again := customresource.GeneratedName(tc.req, tc.maxLen, allowed); again != got {
				t.Errorf("GeneratedName is not deterministic: %q then %q", got, again)
			}
			if prev, dup := seen[got]; dup {
				t.Errorf("GeneratedName %q for %s repeats the one for %s", got, name, prev)
			}
			seen[got] = name
		})
	}
	if a, b := customresource.IdempotencyToken(base, "create"), customresource.IdempotencyToken(other, "create"); a == b || len(a) < 32 || len(a) > 64 {
		t.Errorf("IdempotencyToken: %q for one request and %q for another; want different tokens of 32 to 64 characters", a, b)
	}
}
