package customresource

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/cfn"
)

// CloudFormation's limits on a response.
const (
	// MaxResponseBytes is the largest response body CloudFormation accepts.
	MaxResponseBytes = 4096
	// MaxPhysicalIDBytes is the longest PhysicalResourceId (1 KB).
	MaxPhysicalIDBytes = 1024
)

// truncatedSuffix ends a Reason that was shortened to fit the body limit.
const truncatedSuffix = " ... (truncated)"

// response is a cfn.Response with its encoded body.
type response struct {
	cfn.Response
	body []byte
	// running is the outcome's: see outcome.
	running <-chan struct{}
}

// marshal encodes r. A cfn.Response holds only strings, a bool and string
// values, so encoding cannot fail.
func marshal(r cfn.Response) []byte {
	b, err := json.Marshal(r)
	if err != nil {
		panic(fmt.Sprintf("encoding a cfn.Response: %v", err))
	}
	return b
}

// shorten cuts at least excess bytes from reason, on a rune boundary, and
// marks the cut.
func shorten(reason string, excess int) string {
	keep := len(reason) - excess - len(truncatedSuffix)
	if keep <= 0 {
		// Only the echoed request fields are left; nothing else can give.
		return ""
	}
	for keep > 0 && !utf8.RuneStart(reason[keep]) {
		keep--
	}
	return reason[:keep] + truncatedSuffix
}

// reason renders err for a CloudFormation user: on one line, with invalid
// properties and timeouts said as such.
func reason(err error) string {
	msg := strings.ReplaceAll(err.Error(), "\n", "; ")
	switch {
	case IsInvalidInput(err):
		return "invalid properties: " + msg
	case errors.Is(err, context.DeadlineExceeded):
		return "the operation timed out: " + msg
	}
	return msg
}

// scrub replaces every secret value in s.
func scrub(s string, secrets []string) string {
	for _, v := range secrets {
		s = strings.ReplaceAll(s, v, "[REDACTED]")
	}
	return s
}
