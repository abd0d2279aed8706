package secretsmanager

import (
	"crypto/rand"
	"math/big"
	"strings"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
)

// The character classes of GetRandomPassword. Punctuation is the ASCII
// punctuation AWS documents for ExcludePunctuation.
const (
	PasswordLowercase   = "abcdefghijklmnopqrstuvwxyz"
	PasswordUppercase   = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	PasswordDigits      = "0123456789"
	PasswordPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
)

// Bounds of GetRandomPassword's PasswordLength.
const (
	pwMinLength     = 1
	pwMaxLength     = 4096
	pwDefaultLength = 32
)

type getRandomPasswordInput struct {
	PasswordLength          *int64
	ExcludeCharacters       string
	ExcludeNumbers          bool
	ExcludePunctuation      bool
	ExcludeUppercase        bool
	ExcludeLowercase        bool
	IncludeSpace            bool
	RequireEachIncludedType *bool
}

type getRandomPasswordOutput struct {
	RandomPassword string `json:"RandomPassword"`
}

func GetRandomPassword(c *protocol.Call) (any, error) {
	var in getRandomPasswordInput
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	length := int64(pwDefaultLength)
	if in.PasswordLength != nil {
		length = *in.PasswordLength
	}
	if length < pwMinLength || length > pwMaxLength {
		return nil, protocol.Errorf("InvalidParameterException", "PasswordLength must be between %d and %d.", pwMinLength, pwMaxLength)
	}
	requireEach := in.RequireEachIncludedType == nil || *in.RequireEachIncludedType
	p, err := randomPassword(int(length), in.passwordClasses(), requireEach)
	if err != nil {
		return nil, err
	}
	return getRandomPasswordOutput{RandomPassword: p}, nil
}

// passwordClasses returns the character classes the request includes, each
// without the excluded characters; a class left empty is dropped.
func (in getRandomPasswordInput) passwordClasses() []string {
	var classes []string
	add := func(exclude bool, chars string) {
		if exclude {
			return
		}
		kept := strings.Map(func(r rune) rune {
			if strings.ContainsRune(in.ExcludeCharacters, r) {
				return -1
			}
			return r
		}, chars)
		if kept != "" {
			classes = append(classes, kept)
		}
	}
	add(in.ExcludeLowercase, PasswordLowercase)
	add(in.ExcludeUppercase, PasswordUppercase)
	add(in.ExcludeNumbers, PasswordDigits)
	add(in.ExcludePunctuation, PasswordPunctuation)
	add(!in.IncludeSpace, " ")
	return classes
}

// randomPassword draws length characters from the union of classes with
// crypto/rand. With requireEach, the first character of each class is
// drawn from that class and the result is shuffled, so every class
// appears at least once.
func randomPassword(length int, classes []string, requireEach bool) (string, error) {
	all := strings.Join(classes, "")
	if all == "" {
		return "", protocol.Errorf("InvalidParameterException", "The parameters exclude every character; include at least one character class.")
	}
	if requireEach && length < len(classes) {
		return "", protocol.Errorf("InvalidParameterException", "PasswordLength %d is too short to include a character of each of the %d included types.", length, len(classes))
	}
	out := make([]byte, 0, length)
	if requireEach {
		for _, cl := range classes {
			out = append(out, cl[randIndex(len(cl))])
		}
	}
	for len(out) < length {
		out = append(out, all[randIndex(len(all))])
	}
	for i := len(out) - 1; i > 0; i-- {
		j := randIndex(i + 1)
		out[i], out[j] = out[j], out[i]
	}
	return string(out), nil
}

func randIndex(n int) int {
	// rand.Int fails only for n <= 0 or a failing reader, and
	// crypto/rand.Reader does not fail since Go 1.24.
	i, _ := rand.Int(rand.Reader, big.NewInt(int64(n)))
	return int(i.Int64())
}
