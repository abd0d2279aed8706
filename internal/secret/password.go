package secret

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/redshift-data-access/redshift-data-access/internal/awserr"
	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

// redshiftExcluded are the printable ASCII characters a Redshift password
// must not contain, space included.
const redshiftExcluded = `'"\/@ `

// passwordRules is the Allowed text of a Password error.
const passwordRules = "8 to 64 printable ASCII characters with at least one uppercase letter, one lowercase letter and one digit, and none of ' \" \\ / @ or space"

// checkRedshiftPassword returns what is wrong with password under
// Redshift's rules, or "". The text never contains the password.
func checkRedshiftPassword(password string) string {
	if n := len(password); n < minPasswordLength || n > maxPasswordLength {
		return fmt.Sprintf("is %d characters long", n)
	}
	var upper, lower, digit bool
	for _, r := range password {
		switch {
		case r > unicode.MaxASCII || !unicode.IsPrint(r) || strings.ContainsRune(redshiftExcluded, r):
			return "contains a character Redshift does not allow"
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsLower(r):
			lower = true
		case unicode.IsDigit(r):
			digit = true
		}
	}
	if !upper || !lower || !digit {
		return "needs at least one uppercase letter, one lowercase letter and one digit"
	}
	return ""
}

// generatedVersionPrefix starts the ID of every version whose password the
// resource generated (or kept from a generated one), so that an update can
// tell a generated password from a given one without comparing passwords.
const generatedVersionPrefix = "generated-"

// The staging labels of the current version and of the one before it.
const (
	stageCurrent  = "AWSCURRENT"
	stagePrevious = "AWSPREVIOUS"
)

// versionID returns the ClientRequestToken, and so the version ID, of the
// value that req writes for purpose. It comes from the request, so that a
// redelivery recognises its own version; it is 64 characters, the most
// Secrets Manager accepts.
func versionID(req customresource.Request, purpose string, generated bool) string {
	token := customresource.IdempotencyToken(req, purpose)
	if generated {
		return generatedVersionPrefix + token[len(generatedVersionPrefix):]
	}
	return token
}

// generatePassword returns a password under Redshift's rules.
func (r *Resource) generatePassword(ctx context.Context, length int) (string, error) {
	out, err := r.sm.GetRandomPassword(ctx, &secretsmanager.GetRandomPasswordInput{
		PasswordLength:          aws.Int64(int64(length)),
		ExcludeCharacters:       aws.String(redshiftExcluded),
		IncludeSpace:            aws.Bool(false),
		RequireEachIncludedType: aws.Bool(true),
	})
	if err != nil {
		return "", fmt.Errorf("generating a password of %d characters: %w", length, err)
	}
	password := aws.ToString(out.RandomPassword)
	if problem := checkRedshiftPassword(password); problem != "" {
		return "", fmt.Errorf("generating a password of %d characters: the generated password %s", length, problem)
	}
	return password, nil
}

// generatedPassword returns the password of a secret whose template gives
// none. It is current when current follows Redshift's rules and either
// renew is not set or the current version holds a password the resource
// generated with p's length: the latter is what the properties cannot
// tell, when an update that was to replace the generated password failed
// before writing and is now rolled back. Otherwise it is the AWSPREVIOUS
// version's password when the resource generated that one with p's
// length, and a new one otherwise. Taking the previous one back is what
// makes a rollback converge: when an update from a generated password to
// a given one (or to another length) is rolled back, the secret holds the
// generated password again, not a new one that the database does not
// know.
func (r *Resource) generatedPassword(ctx context.Context, p Properties, d *secretsmanager.DescribeSecretOutput, current string, renew bool) (string, error) {
	currentGenerated := strings.HasPrefix(versionWithStage(d, stageCurrent), generatedVersionPrefix) && len(current) == p.PasswordLength
	if checkRedshiftPassword(current) == "" && (!renew || currentGenerated) {
		return current, nil
	}
	previous, err := r.previousGenerated(ctx, d)
	if err != nil {
		return "", err
	}
	if len(previous) == p.PasswordLength && checkRedshiftPassword(previous) == "" {
		return previous, nil
	}
	return r.generatePassword(ctx, p.PasswordLength)
}

// versionWithStage returns the ID of the secret's version with the staging
// label stage, or "".
func versionWithStage(d *secretsmanager.DescribeSecretOutput, stage string) string {
	for id, stages := range d.VersionIdsToStages {
		if slices.Contains(stages, stage) {
			return id
		}
	}
	return ""
}

// previousGenerated returns the password of the secret's AWSPREVIOUS
// version when its version ID says the resource generated it, and ""
// when there is no such version.
func (r *Resource) previousGenerated(ctx context.Context, d *secretsmanager.DescribeSecretOutput) (string, error) {
	id := versionWithStage(d, stagePrevious)
	if !strings.HasPrefix(id, generatedVersionPrefix) {
		return "", nil
	}
	out, err := r.sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: d.ARN, VersionId: aws.String(id)})
	if awserr.IsNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("reading the previous version %s of secret %s: %w", id, aws.ToString(d.ARN), err)
	}
	return decodeStored(aws.ToString(out.SecretString)).password(), nil
}
