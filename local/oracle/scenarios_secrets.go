package oracle

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
)

var secretArnPattern = regexp.MustCompile(`^(arn:aws:secretsmanager:[a-z0-9-]+:\d{12}:secret:)(.+)-[A-Za-z0-9]{6}$`)

// secretArn describes a secret ARN, which Secrets Manager documents as the
// secret's name followed by a hyphen and six random characters.
func secretArn(arn string) string {
	m := secretArnPattern.FindStringSubmatch(arn)
	if m == nil {
		return field("ARN", "malformed:"+arn)
	}
	return field("ARN", m[1]+m[2]+"-XXXXXX")
}

// versionLabel names a version ID by the token of ours that chose it, or
// "generated" for a random UUID.
func versionLabel(id string) string {
	switch id {
	case diffTokenA:
		return "tokenA"
	case diffTokenB:
		return "tokenB"
	case diffTokenC:
		return "tokenC"
	case "":
		return "none"
	}
	if uuidPattern.MatchString(id) {
		return "generated"
	}
	return "other"
}

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// valueLabel names a secret value by its fixture label, never by itself.
func valueLabel(v *string) string {
	if v == nil {
		return "none"
	}
	if label, ok := diffSecretValues[aws.ToString(v)]; ok {
		return label
	}
	return "unexpected"
}

// createSecret creates a secret with one tag and returns its ARN, or ""
// when the create fails.
func createSecret(ctx context.Context, b backend, tr *transcript, label, name, token, value string) string {
	in := &secretsmanager.CreateSecretInput{
		Name: aws.String(name), SecretString: aws.String(value),
		Description: aws.String("differential"), Tags: []smtypes.Tag{{Key: aws.String("a"), Value: aws.String("1")}},
	}
	// Without a token of ours the SDK sends a random one, as it does for
	// any idempotency token.
	if token != "" {
		in.ClientRequestToken = aws.String(token)
	}
	out, err := b.sm.CreateSecret(ctx, in)
	tr.record(label, err, func() []string {
		return []string{field("Name", aws.ToString(out.Name)), secretArn(aws.ToString(out.ARN)), field("VersionId", versionLabel(aws.ToString(out.VersionId)))}
	})
	if err != nil {
		return ""
	}
	return aws.ToString(out.ARN)
}

func updateSecret(ctx context.Context, b backend, tr *transcript, label string, in *secretsmanager.UpdateSecretInput) {
	out, err := b.sm.UpdateSecret(ctx, in)
	tr.record(label, err, func() []string { return []string{field("VersionId", versionLabel(aws.ToString(out.VersionId)))} })
}

func describeSecret(ctx context.Context, b backend, tr *transcript, label, name string) {
	out, err := b.sm.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(name)})
	tr.record(label, err, func() []string {
		var versions []string
		for id, stages := range out.VersionIdsToStages {
			versions = append(versions, versionLabel(id)+":"+strings.Join(stages, "+"))
		}
		slices.Sort(versions)
		return []string{
			field("Description", aws.ToString(out.Description)), field("Tags", smTags(out.Tags)), field("Versions", versions),
			field("DeletedDate", daysFromNow(out.DeletedDate)),
		}
	})
}

func getSecretValue(ctx context.Context, b backend, tr *transcript, label, name, stage string) {
	in := &secretsmanager.GetSecretValueInput{SecretId: aws.String(name)}
	if stage != "" {
		in.VersionStage = aws.String(stage)
	}
	out, err := b.sm.GetSecretValue(ctx, in)
	tr.record(label, err, func() []string {
		return []string{field("Value", valueLabel(out.SecretString)), field("VersionId", versionLabel(aws.ToString(out.VersionId))), field("VersionStages", out.VersionStages)}
	})
}

func putSecretValue(ctx context.Context, b backend, tr *transcript, label, name, token, value string) {
	out, err := b.sm.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String(name), ClientRequestToken: aws.String(token), SecretString: aws.String(value)})
	tr.record(label, err, func() []string {
		return []string{field("VersionId", versionLabel(aws.ToString(out.VersionId))), field("VersionStages", out.VersionStages)}
	})
}

func deleteSecret(ctx context.Context, b backend, tr *transcript, label string, in *secretsmanager.DeleteSecretInput) {
	out, err := b.sm.DeleteSecret(ctx, in)
	tr.record(label, err, func() []string { return []string{field("DeletionDate", daysFromNow(out.DeletionDate))} })
}

func secretScenarios() map[string]scenario {
	return map[string]scenario{
		"secret lifecycle": {
			run: func(ctx context.Context, b backend, id string, tr *transcript) {
				arn := createSecret(ctx, b, tr, "create secret", id, "", "fixture-value-one")
				describeSecret(ctx, b, tr, "describe secret", id)
				describeSecret(ctx, b, tr, "describe secret by ARN", arn)
				getSecretValue(ctx, b, tr, "get value", id, "")
				putSecretValue(ctx, b, tr, "put value", id, diffTokenB, "fixture-value-two")
				getSecretValue(ctx, b, tr, "get current value", id, "AWSCURRENT")
				getSecretValue(ctx, b, tr, "get previous value", id, "AWSPREVIOUS")
				updateSecret(ctx, b, tr, "update description only", &secretsmanager.UpdateSecretInput{SecretId: aws.String(id), Description: aws.String("described")})
				updateSecret(ctx, b, tr, "update description and value", &secretsmanager.UpdateSecretInput{
					SecretId: aws.String(id), Description: aws.String("updated"), ClientRequestToken: aws.String(diffTokenC), SecretString: aws.String("fixture-value-three"),
				})
				describeSecret(ctx, b, tr, "describe updated secret", id)
				getSecretValue(ctx, b, tr, "get updated value", id, "")
			},
		},
		"secret tags": {
			run: func(ctx context.Context, b backend, id string, tr *transcript) {
				createSecret(ctx, b, tr, "create secret", id, "", "fixture-value-one")
				_, err := b.sm.TagResource(ctx, &secretsmanager.TagResourceInput{SecretId: aws.String(id), Tags: []smtypes.Tag{
					{Key: aws.String("a"), Value: aws.String("2")}, {Key: aws.String("b"), Value: aws.String("3")},
				}})
				tr.record("tag secret", err, nil)
				describeSecret(ctx, b, tr, "describe tagged secret", id)
				_, err = b.sm.UntagResource(ctx, &secretsmanager.UntagResourceInput{SecretId: aws.String(id), TagKeys: []string{"a"}})
				tr.record("untag secret", err, nil)
				describeSecret(ctx, b, tr, "describe untagged secret", id)
			},
		},
		"secret delete and restore": {
			run: func(ctx context.Context, b backend, id string, tr *transcript) {
				createSecret(ctx, b, tr, "create secret", id, "", "fixture-value-one")
				deleteSecret(ctx, b, tr, "delete with 7 day recovery window", &secretsmanager.DeleteSecretInput{SecretId: aws.String(id), RecoveryWindowInDays: aws.Int64(7)})
				describeSecret(ctx, b, tr, "describe deleted secret", id)
				getSecretValue(ctx, b, tr, "get value of deleted secret", id, "")
				putSecretValue(ctx, b, tr, "put value to deleted secret", id, diffTokenB, "fixture-value-two")
				updateSecret(ctx, b, tr, "update deleted secret", &secretsmanager.UpdateSecretInput{SecretId: aws.String(id), Description: aws.String("updated")})
				createSecret(ctx, b, tr, "create name scheduled for deletion", id, "", "fixture-value-two")
				_, err := b.sm.RestoreSecret(ctx, &secretsmanager.RestoreSecretInput{SecretId: aws.String(id)})
				tr.record("restore secret", err, nil)
				getSecretValue(ctx, b, tr, "get value of restored secret", id, "")
				deleteSecret(ctx, b, tr, "force delete", &secretsmanager.DeleteSecretInput{SecretId: aws.String(id), ForceDeleteWithoutRecovery: aws.Bool(true)})
				describeSecret(ctx, b, tr, "describe force-deleted secret", id)
				createSecret(ctx, b, tr, "create name again", id, "", "fixture-value-three")
			},
		},
		"secret delete parameters": {
			run: func(ctx context.Context, b backend, id string, tr *transcript) {
				createSecret(ctx, b, tr, "create secret", id, "", "fixture-value-one")
				deleteSecret(ctx, b, tr, "delete with 6 day recovery window", &secretsmanager.DeleteSecretInput{SecretId: aws.String(id), RecoveryWindowInDays: aws.Int64(6)})
				deleteSecret(ctx, b, tr, "delete with 31 day recovery window", &secretsmanager.DeleteSecretInput{SecretId: aws.String(id), RecoveryWindowInDays: aws.Int64(31)})
				deleteSecret(ctx, b, tr, "force delete with recovery window", &secretsmanager.DeleteSecretInput{SecretId: aws.String(id), RecoveryWindowInDays: aws.Int64(7), ForceDeleteWithoutRecovery: aws.Bool(true)})
				deleteSecret(ctx, b, tr, "delete with default recovery window", &secretsmanager.DeleteSecretInput{SecretId: aws.String(id)})
				deleteSecret(ctx, b, tr, "delete again", &secretsmanager.DeleteSecretInput{SecretId: aws.String(id)})
			},
		},
		"secret duplicate and missing": {run: func(ctx context.Context, b backend, id string, tr *transcript) {
			createSecret(ctx, b, tr, "create secret", id, "", "fixture-value-one")
			createSecret(ctx, b, tr, "create same name", id, "", "fixture-value-two")
			missing := id + "-missing"
			describeSecret(ctx, b, tr, "describe missing", missing)
			getSecretValue(ctx, b, tr, "get value of missing", missing, "")
			putSecretValue(ctx, b, tr, "put value to missing", missing, diffTokenA, "fixture-value-one")
			deleteSecret(ctx, b, tr, "delete missing", &secretsmanager.DeleteSecretInput{SecretId: aws.String(missing)})
		}},
		"secret client request token": {
			run: func(ctx context.Context, b backend, id string, tr *transcript) {
				createSecret(ctx, b, tr, "create secret", id, diffTokenA, "fixture-value-one")
				createSecret(ctx, b, tr, "retry create", id, diffTokenA, "fixture-value-one")
				createSecret(ctx, b, tr, "create with same token and another value", id, diffTokenA, "fixture-value-two")
				putSecretValue(ctx, b, tr, "put value", id, diffTokenB, "fixture-value-two")
				putSecretValue(ctx, b, tr, "retry put value", id, diffTokenB, "fixture-value-two")
				putSecretValue(ctx, b, tr, "put another value with same token", id, diffTokenB, "fixture-value-three")
				update := &secretsmanager.UpdateSecretInput{SecretId: aws.String(id), ClientRequestToken: aws.String(diffTokenC), SecretString: aws.String("fixture-value-three")}
				updateSecret(ctx, b, tr, "update value", update)
				updateSecret(ctx, b, tr, "retry update value", update)
				update.SecretString = aws.String("fixture-value-one")
				updateSecret(ctx, b, tr, "update another value with same token", update)
				describeSecret(ctx, b, tr, "describe secret", id)
				getSecretValue(ctx, b, tr, "get value", id, "")
			},
		},
		"secret random password": {run: func(ctx context.Context, b backend, id string, tr *transcript) {
			password := func(label string, in *secretsmanager.GetRandomPasswordInput) {
				out, err := b.sm.GetRandomPassword(ctx, in)
				tr.record(label, err, func() []string { return passwordProperties(aws.ToString(out.RandomPassword), in) })
			}
			password("default", &secretsmanager.GetRandomPasswordInput{})
			password("length 20 without punctuation and abc", &secretsmanager.GetRandomPasswordInput{PasswordLength: aws.Int64(20), ExcludePunctuation: aws.Bool(true), ExcludeCharacters: aws.String("abc")})
			password("digits only", &secretsmanager.GetRandomPasswordInput{PasswordLength: aws.Int64(12), ExcludeUppercase: aws.Bool(true), ExcludeLowercase: aws.Bool(true), ExcludePunctuation: aws.Bool(true)})
			password("length 4097", &secretsmanager.GetRandomPasswordInput{PasswordLength: aws.Int64(4097)})
		}},
		"secret random password with each type": {
			run: func(ctx context.Context, b backend, _ string, tr *transcript) {
				// Eight characters from four classes: without the guarantee,
				// a password misses a class in more than four runs of ten.
				for i := range 20 {
					in := &secretsmanager.GetRandomPasswordInput{PasswordLength: aws.Int64(8), RequireEachIncludedType: aws.Bool(true)}
					out, err := b.sm.GetRandomPassword(ctx, in)
					tr.record(fmt.Sprintf("length 8 with each type, try %d", i+1), err, func() []string { return passwordProperties(aws.ToString(out.RandomPassword), in) })
				}
			},
		},
	}
}

// passwordProperties describes a generated password by the properties
// GetRandomPassword documents, never by its characters.
func passwordProperties(p string, in *secretsmanager.GetRandomPasswordInput) []string {
	has := func(set string) bool { return strings.ContainsAny(p, set) }
	f := []string{field("Length", len(p)), field("HasExcluded", aws.ToString(in.ExcludeCharacters) != "" && has(aws.ToString(in.ExcludeCharacters)))}
	classes := []struct {
		name     string
		set      string
		excluded bool
	}{
		{"Upper", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", aws.ToBool(in.ExcludeUppercase)},
		{"Lower", "abcdefghijklmnopqrstuvwxyz", aws.ToBool(in.ExcludeLowercase)},
		{"Digit", "0123456789", aws.ToBool(in.ExcludeNumbers)},
		{"Punctuation", "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", aws.ToBool(in.ExcludePunctuation)},
	}
	for _, c := range classes {
		// A class is reported only when the request determines it: an
		// excluded class must be absent, a required one present.
		switch {
		case c.excluded:
			f = append(f, field("Has"+c.name, has(c.set)))
		case aws.ToBool(in.RequireEachIncludedType):
			f = append(f, field("Has"+c.name, has(c.set)))
		}
	}
	return append(f, field("HasSpace", has(" ")))
}
