package secretsmanager_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/google/go-cmp/cmp"

	emusecrets "github.com/redshift-data-access/redshift-data-access/local/awsemu/secretsmanager"
)

// classesOf reports which character classes s contains.
func classesOf(s string) map[string]bool {
	got := map[string]bool{}
	for _, r := range s {
		switch {
		case strings.ContainsRune(emusecrets.PasswordLowercase, r):
			got["lower"] = true
		case strings.ContainsRune(emusecrets.PasswordUppercase, r):
			got["upper"] = true
		case strings.ContainsRune(emusecrets.PasswordDigits, r):
			got["digit"] = true
		case strings.ContainsRune(emusecrets.PasswordPunctuation, r):
			got["punctuation"] = true
		case r == ' ':
			got["space"] = true
		default:
			got["other"] = true
		}
	}
	return got
}

func TestSecretsManagerGetRandomPassword(t *testing.T) {
	all := map[string]bool{"lower": true, "upper": true, "digit": true, "punctuation": true}
	tests := map[string]struct {
		in          secretsmanager.GetRandomPasswordInput
		wantLength  int
		wantClasses map[string]bool
		// forbidden are characters that must not appear.
		forbidden string
		wantCode  string
	}{
		"defaults":            {wantLength: 32, wantClasses: all},
		"length 4096":         {in: secretsmanager.GetRandomPasswordInput{PasswordLength: aws.Int64(4096)}, wantLength: 4096, wantClasses: all},
		"length 4 each type":  {in: secretsmanager.GetRandomPasswordInput{PasswordLength: aws.Int64(4)}, wantLength: 4, wantClasses: all},
		"no numbers":          {in: secretsmanager.GetRandomPasswordInput{ExcludeNumbers: aws.Bool(true)}, wantLength: 32, wantClasses: map[string]bool{"lower": true, "upper": true, "punctuation": true}},
		"no punctuation":      {in: secretsmanager.GetRandomPasswordInput{ExcludePunctuation: aws.Bool(true)}, wantLength: 32, wantClasses: map[string]bool{"lower": true, "upper": true, "digit": true}},
		"no uppercase":        {in: secretsmanager.GetRandomPasswordInput{ExcludeUppercase: aws.Bool(true)}, wantLength: 32, wantClasses: map[string]bool{"lower": true, "digit": true, "punctuation": true}},
		"no lowercase":        {in: secretsmanager.GetRandomPasswordInput{ExcludeLowercase: aws.Bool(true)}, wantLength: 32, wantClasses: map[string]bool{"upper": true, "digit": true, "punctuation": true}},
		"space":               {in: secretsmanager.GetRandomPasswordInput{IncludeSpace: aws.Bool(true), PasswordLength: aws.Int64(5)}, wantLength: 5, wantClasses: map[string]bool{"lower": true, "upper": true, "digit": true, "punctuation": true, "space": true}},
		"digits only":         {in: secretsmanager.GetRandomPasswordInput{ExcludeLowercase: aws.Bool(true), ExcludeUppercase: aws.Bool(true), ExcludePunctuation: aws.Bool(true), PasswordLength: aws.Int64(64)}, wantLength: 64, wantClasses: map[string]bool{"digit": true}},
		"redshift exclusions": {in: secretsmanager.GetRandomPasswordInput{ExcludeCharacters: aws.String(`'"\/@ `), ExcludePunctuation: aws.Bool(true), PasswordLength: aws.Int64(8)}, wantLength: 8, wantClasses: map[string]bool{"lower": true, "upper": true, "digit": true}, forbidden: `'"\/@ `},
		"exclude characters":  {in: secretsmanager.GetRandomPasswordInput{ExcludeCharacters: aws.String("abcdefghijklmnopqrstuvwxyz0123456789"), PasswordLength: aws.Int64(256)}, wantLength: 256, wantClasses: map[string]bool{"upper": true, "punctuation": true}, forbidden: "abcxyz09"},
		"zero length":         {in: secretsmanager.GetRandomPasswordInput{PasswordLength: aws.Int64(0)}, wantCode: "InvalidParameterException"},
		"too long":            {in: secretsmanager.GetRandomPasswordInput{PasswordLength: aws.Int64(4097)}, wantCode: "InvalidParameterException"},
		"too short for types": {in: secretsmanager.GetRandomPasswordInput{PasswordLength: aws.Int64(3)}, wantCode: "InvalidParameterException"},
		"everything excluded": {in: secretsmanager.GetRandomPasswordInput{ExcludeLowercase: aws.Bool(true), ExcludeUppercase: aws.Bool(true), ExcludeNumbers: aws.Bool(true), ExcludePunctuation: aws.Bool(true)}, wantCode: "InvalidParameterException"},
	}
	sm, _ := newSecretsClient(t)
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			out, err := sm.GetRandomPassword(context.Background(), &tc.in)
			if got := errorCode(err); got != tc.wantCode {
				t.Fatalf("error code = %q, want %q", got, tc.wantCode)
			}
			if err != nil {
				return
			}
			p := aws.ToString(out.RandomPassword)
			if len(p) != tc.wantLength {
				t.Errorf("length = %d, want %d", len(p), tc.wantLength)
			}
			if diff := cmp.Diff(tc.wantClasses, classesOf(p)); diff != "" {
				t.Errorf("character classes (-want +got):\n%s", diff)
			}
			if i := strings.IndexAny(p, tc.forbidden); tc.forbidden != "" && i >= 0 {
				t.Errorf("password contains excluded character at %d", i)
			}
		})
	}
}

func TestSecretsManagerGetRandomPasswordWithoutRequiredTypes(t *testing.T) {
	sm, _ := newSecretsClient(t)
	// Without RequireEachIncludedType a one-character password is allowed
	// although four types are included.
	out, err := sm.GetRandomPassword(context.Background(), &secretsmanager.GetRandomPasswordInput{PasswordLength: aws.Int64(1), RequireEachIncludedType: aws.Bool(false)})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(aws.ToString(out.RandomPassword)); got != 1 {
		t.Errorf("length = %d, want 1", got)
	}
}
