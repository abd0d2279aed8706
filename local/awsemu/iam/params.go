package iam

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
)

// This file reads IAM request parameters and writes IAM's encodings:
// ARNs, names, paths, timestamps, policy documents and list pages.

// parsedArn is a parsed IAM ARN such as arn:aws:iam::111111111111:role/path/name.
type parsedArn struct {
	partition string
	account   string
	kind      string // role, user, group, policy, root
	path      string
	name      string
}

var arnPattern = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}|aws):(role|user|group|policy)(/(?:[\x21-\x7e]*/)?)([\w+=,.@-]+)$`)

func parseIAMArn(arn string) (parsedArn, bool) {
	m := arnPattern.FindStringSubmatch(arn)
	if m == nil {
		return parsedArn{}, false
	}
	return parsedArn{partition: m[1], account: m[2], kind: m[3], path: m[4], name: m[5]}, true
}

var (
	namePattern = regexp.MustCompile(`^[\w+=,.@-]+$`)
	pathPattern = regexp.MustCompile(`^/([\x21-\x7e]*/)?$`)
)

// validateName checks an IAM name against AWS's pattern and length, with
// the constraint message IAM uses for ValidationError.
func validateName(field, name string, maxLen int) error {
	if name == "" || len(name) > maxLen || !namePattern.MatchString(name) {
		return protocol.Errorf("ValidationError", "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+ and have length between 1 and %d", name, field, maxLen)
	}
	return nil
}

// pathParam returns the Path parameter, "/" when absent.
func pathParam(q protocol.QueryParams, field string) (string, error) {
	p := q.Get(field)
	if !q.Has(field) {
		return "/", nil
	}
	if len(p) > 512 || !pathPattern.MatchString(p) {
		return "", protocol.Errorf("ValidationError", "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007F]+\\u002F)", p, strings.ToLower(field[:1])+field[1:])
	}
	return p, nil
}

// formatTime formats t as IAM does: ISO 8601 in UTC, whole seconds.
func formatTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// encodeDocument URL-encodes a policy document as IAM returns it in
// GetRole, GetPolicyVersion and GetRolePolicy: every byte outside RFC
// 3986's unreserved set is percent-encoded, so url.QueryUnescape restores
// the original.
func encodeDocument(doc string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(doc); i++ {
		ch := doc[i]
		switch {
		case 'a' <= ch && ch <= 'z', 'A' <= ch && ch <= 'Z', '0' <= ch && ch <= '9', ch == '-', ch == '_', ch == '.', ch == '~':
			b.WriteByte(ch)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[ch>>4])
			b.WriteByte(hex[ch&15])
		}
	}
	return b.String()
}

// listPage is the paging part of IAM list results.
type listPage struct {
	IsTruncated bool
	Marker      string `xml:",omitempty"`
}

// paginate applies MaxItems and Marker to items. The marker is the
// decimal offset of the next item; IAM's markers are opaque, so callers
// only pass back what they received.
func paginate[T any](q protocol.QueryParams, items []T) ([]T, listPage, error) {
	maxItems, err := q.Int("MaxItems", 100)
	if err != nil {
		return nil, listPage{}, err
	}
	if maxItems < 1 || maxItems > 1000 {
		return nil, listPage{}, protocol.Errorf("ValidationError", "1 validation error detected: Value '%d' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000", maxItems)
	}
	start := 0
	if q.Has("Marker") {
		start, err = q.Int("Marker", 0)
		if err != nil || start < 0 || start > len(items) {
			return nil, listPage{}, protocol.Errorf("InvalidInput", "Invalid Marker.")
		}
	}
	end := min(start+maxItems, len(items))
	page := listPage{}
	if end < len(items) {
		page = listPage{IsTruncated: true, Marker: strconv.Itoa(end)}
	}
	return items[start:end], page, nil
}

// accessDenied is the 403 error of IAM and STS authorization failures.
func accessDenied(format string, args ...any) *protocol.APIError {
	err := protocol.Errorf("AccessDenied", format, args...)
	err.Status = http.StatusForbidden
	return err
}

// newEntityParams reads and checks the name and path of a role, user or
// group to create; IAM allows names of up to maxName characters.
func newEntityParams(q protocol.QueryParams, kind entityKind, maxName int) (name, path string, err error) {
	name, err = q.Required(entityParam(kind))
	if err != nil {
		return "", "", err
	}
	if err := validateName(string(kind)+"Name", name, maxName); err != nil {
		return "", "", err
	}
	path, err = pathParam(q, "Path")
	if err != nil {
		return "", "", err
	}
	return name, path, nil
}
