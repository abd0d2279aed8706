package iampolicy

import "testing"

func TestPatternMatch(t *testing.T) {
	vars := requestContext{"aws:username": {"alice"}, "aws:userid": {"AIDAEXAMPLE"}, "multi": {"a", "b"}}
	tests := map[string]struct {
		pattern, value string
		fold, vars     bool
		want           bool
	}{
		"star spans anything":           {"arn:aws:s3:::b/*", "arn:aws:s3:::b/x/y:z", false, false, true},
		"question is one character":     {"s3:Get?bject", "s3:GetObject", true, false, true},
		"question is not zero":          {"ab?", "ab", false, false, false},
		"stars backtrack":               {"*a*b*c", "xaxbxbxc", false, false, true},
		"stars backtrack, no match":     {"*a*b*c", "xaxbxbx", false, false, false},
		"case folds for actions":        {"Redshift-Data:execute*", "redshift-data:ExecuteStatement", true, false, true},
		"case counts for resources":     {"arn:aws:s3:::Bucket", "arn:aws:s3:::bucket", false, false, false},
		"variable replaced":             {"arn:aws:s3:::b/home/${aws:username}/*", "arn:aws:s3:::b/home/alice/x", false, true, true},
		"variable key folds":            {"home/${AWS:UserName}", "home/alice", false, true, true},
		"variable is literal text":      {"home/${aws:username}", "home/bob", false, true, false},
		"variable left alone without":   {"home/${aws:username}", "home/${aws:username}", false, false, true},
		"missing variable matches none": {"home/${aws:PrincipalTag/team}*", "home/anything", false, true, false},
		"multivalued is no variable":    {"${multi}", "a", false, true, false},
		"default value":                 {"home/${aws:PrincipalTag/team, 'shared'}/*", "home/shared/x", false, true, true},
		"default with quote":            {"${nokey, 'it''s'}", "it's", false, true, true},
		"escaped star is literal":       {"a${*}", "a*", false, true, true},
		"escaped star is not wildcard":  {"a${*}", "ab", false, true, false},
		"escaped question is literal":   {"a${?}", "ab", false, true, false},
		"escaped dollar":                {"${$}{x}", "${x}", false, true, true},
		"unclosed variable is literal":  {"${aws:username", "${aws:username", false, true, true},
		"unicode runes":                 {"ä?", "äö", false, false, true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			p, ok := compilePattern(tc.pattern, tc.vars, vars.variable)
			if got := ok && p.match(tc.value, tc.fold); got != tc.want {
				t.Errorf("%q matches %q = %v, want %v", tc.pattern, tc.value, got, tc.want)
			}
		})
	}
}

func TestMatchARN(t *testing.T) {
	tests := map[string]struct {
		pattern, value string
		want           bool
	}{
		"exact":                          {"arn:aws:iam::123456789012:role/r", "arn:aws:iam::123456789012:role/r", true},
		"wildcards per segment":          {"arn:aws:iam::*:role/*", "arn:aws:iam::123456789012:role/path/r", true},
		"star stays within its segment":  {"arn:aws:iam::1*:role/r", "arn:aws:iam::1:x:role/r", false},
		"resource keeps its colons":      {"arn:aws:redshift:*:*:dbuser:*/admin", "arn:aws:redshift:us-east-1:1:dbuser:c/admin", true},
		"service compared":               {"arn:aws:sns:*:*:*", "arn:aws:sqs:us-east-1:1:q", false},
		"value not an ARN":               {"*:*:*:*:*:*", "not-an-arn", false},
		"pattern with too few segments":  {"arn:aws:iam", "arn:aws:iam::1:root", false},
		"case counts":                    {"arn:aws:iam::*:role/R", "arn:aws:iam::1:role/r", false},
		"question mark within a segment": {"arn:aws:iam::12345678901?:root", "arn:aws:iam::123456789012:root", true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			p, _ := compilePattern(tc.pattern, false, nil)
			if got := p.matchARN(tc.value); got != tc.want {
				t.Errorf("ArnLike %q on %q = %v, want %v", tc.pattern, tc.value, got, tc.want)
			}
		})
	}
}
