package customresource

import (
	"crypto/sha256"
	"encoding/hex"
	"github.com/redshift-data-access/redshift-data-access/internal/awsarn"
	"regexp"
	"strings"
)

// ShortHash is the first n hex digits of the SHA-256 of s.
func ShortHash(s string, n int) string {
	sum := sha256.Sum256([]byte(s))
	h := hex.EncodeToString(sum[:])
	if n > len(h) {
		n = len(h)
	}
	return h[:n]
}

// RequestHash is the first n hex digits of a hash of the request's stack,
// logical ID and request ID: the same for a duplicate delivery of one
// request, different for another request (a replacement) or resource.
func RequestHash(req Request, n int) string {
	return ShortHash(req.StackID+"|"+req.LogicalResourceID+"|"+req.RequestID, n)
}

// GeneratedName returns a deterministic name for the resource a request
// creates: <stack>-<logical-id>-<hash>, where hash is derived from the
// request ID, so that a duplicate delivery of the same request converges on
// the same name and a replacement (a new request) gets a new one. Characters
// outside allowed are replaced by '-', and the stack and logical ID parts
// are shortened so that the whole fits in maxLen.
func GeneratedName(req Request, maxLen int, allowed *regexp.Regexp) string {
	hash := RequestHash(req, 12)
	clean := func(s string) string {
		var b strings.Builder
		for _, r := range s {
			if allowed.MatchString(string(r)) {
				b.WriteRune(r)
			} else {
				b.WriteRune('-')
			}
		}
		return b.String()
	}
	stack := clean(awsarn.StackName(req.StackID))
	logical := clean(req.LogicalResourceID)
	room := maxLen - len(hash) - 2
	if room < 2 {
		// No room for a readable part: the hash alone, cut to maxLen.
		return hash[:min(maxLen, len(hash))]
	}
	// Give the logical ID at least half of the room: it says what the
	// resource is, while the stack part repeats across a stack.
	if len(stack)+len(logical) > room {
		half := room / 2
		switch {
		case len(logical) <= half:
			stack = stack[:room-len(logical)]
		case len(stack) <= room-half:
			logical = logical[:room-len(stack)]
		default:
			stack, logical = stack[:room-half], logical[:half]
		}
	}
	return stack + "-" + logical + "-" + hash
}

// IdempotencyToken derives a token of 32 to 64 characters from the request
// ID and a purpose, for AWS client tokens (ClientToken,
// ClientRequestToken): a duplicate delivery of the same request sends the
// same token, a different request or purpose a different one.
func IdempotencyToken(req Request, purpose string) string {
	return ShortHash(req.StackID+"|"+req.LogicalResourceID+"|"+req.RequestID+"|"+purpose, 64)
}
