package eventdriven_test

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/internal/eventdriven"
)

// allowedInRoleName is the character set the access resources generate
// IAM names from (internal/access/properties.go).
var allowedInRoleName = regexp.MustCompile(`[\w+=,.@-]`)

func randomString(r *rand.Rand, first, rest string, n int) string {
	b := []byte{first[r.IntN(len(first))]}
	for range n - 1 {
		b = append(b, rest[r.IntN(len(rest))])
	}
	return string(b)
}

// TestNamesDistinctFromCloudFormation: a name generated for a key holds
// the synthetic stack part, which no name generated for a CloudFormation
// stack and logical ID can hold, whatever their lengths.
func TestNamesDistinctFromCloudFormation(t *testing.T) {
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	const alnum = letters + "0123456789"
	r := rand.New(rand.NewPCG(1, 2))
	for _, maxLen := range []int{64, 128} {
		for range 200 {
			key := randomString(r, alnum, alnum+"._/-", 1+r.IntN(eventdriven.MaxKeyLength))
			ours := customresource.GeneratedName(customresource.Request{
				StackID: eventdriven.StackID(), LogicalResourceID: eventdriven.LogicalResourceID(key), RequestID: "ev-1",
			}, maxLen, allowedInRoleName)
			if !strings.HasPrefix(ours, eventdriven.StackIDPrefix+"-") {
				t.Fatalf("name %q for key %q (max %d) does not start with the synthetic stack part", ours, key, maxLen)
			}
			stack := randomString(r, letters, alnum+"-", 1+r.IntN(128))
			logical := randomString(r, alnum, alnum, 1+r.IntN(255))
			theirs := customresource.GeneratedName(customresource.Request{
				StackID:           "arn:aws:cloudformation:us-east-1:111111111111:stack/" + stack + "/0b6a1c70-4f3e-11ef-9a5c-0a1b2c3d4e5f",
				LogicalResourceID: logical, RequestID: "ev-1",
			}, maxLen, allowedInRoleName)
			if strings.Contains(theirs, "_") {
				t.Fatalf("CloudFormation name %q holds '_': the synthetic stack part no longer tells the two apart", theirs)
			}
		}
	}
}
