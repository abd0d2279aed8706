package secret

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/redshift-data-access/redshift-data-access/internal/awserr"
)

// Client is the part of the Secrets Manager API the resource uses.
type Client interface {
	CreateSecret(ctx context.Context, in *secretsmanager.CreateSecretInput, opts ...func(*secretsmanager.Options)) (*secretsmanager.CreateSecretOutput, error)
	DescribeSecret(ctx context.Context, in *secretsmanager.DescribeSecretInput, opts ...func(*secretsmanager.Options)) (*secretsmanager.DescribeSecretOutput, error)
	GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, opts ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
	PutSecretValue(ctx context.Context, in *secretsmanager.PutSecretValueInput, opts ...func(*secretsmanager.Options)) (*secretsmanager.PutSecretValueOutput, error)
	UpdateSecret(ctx context.Context, in *secretsmanager.UpdateSecretInput, opts ...func(*secretsmanager.Options)) (*secretsmanager.UpdateSecretOutput, error)
	DeleteSecret(ctx context.Context, in *secretsmanager.DeleteSecretInput, opts ...func(*secretsmanager.Options)) (*secretsmanager.DeleteSecretOutput, error)
	RestoreSecret(ctx context.Context, in *secretsmanager.RestoreSecretInput, opts ...func(*secretsmanager.Options)) (*secretsmanager.RestoreSecretOutput, error)
	TagResource(ctx context.Context, in *secretsmanager.TagResourceInput, opts ...func(*secretsmanager.Options)) (*secretsmanager.TagResourceOutput, error)
	UntagResource(ctx context.Context, in *secretsmanager.UntagResourceInput, opts ...func(*secretsmanager.Options)) (*secretsmanager.UntagResourceOutput, error)
	GetRandomPassword(ctx context.Context, in *secretsmanager.GetRandomPasswordInput, opts ...func(*secretsmanager.Options)) (*secretsmanager.GetRandomPasswordOutput, error)
}

var _ Client = (*secretsmanager.Client)(nil)

// ScheduledForDeletionError is returned by Create when a secret with the
// requested name is scheduled for deletion and the resource was not asked
// to restore it. Its message says how to free the name.
type ScheduledForDeletionError struct {
	Name string
}

func (e *ScheduledForDeletionError) Error() string {
	return fmt.Sprintf("secret %s is scheduled for deletion and blocks its name until the recovery window ends: "+
		"restore it (aws secretsmanager restore-secret --secret-id %s) or delete it now "+
		"(aws secretsmanager delete-secret --secret-id %s --force-delete-without-recovery), "+
		"or set RestoreIfScheduledForDeletion to true to take it over", e.Name, e.Name, e.Name)
}

// NameTakenError is returned by Create when a secret with the requested
// name exists and was not created by this request.
type NameTakenError struct {
	Name string
}

func (e *NameTakenError) Error() string {
	return fmt.Sprintf("a secret named %s already exists and was not created by this resource: choose another Name, or delete the existing secret", e.Name)
}

// describe returns the description of the secret id (a name or an ARN),
// or an *awserr.NotFoundError when there is no such secret.
func describe(ctx context.Context, sm Client, id string) (*secretsmanager.DescribeSecretOutput, error) {
	out, err := sm.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(id)})
	if awserr.IsNotFound(err) {
		return nil, &awserr.NotFoundError{Kind: "secret", ID: id, Err: err}
	}
	if err != nil {
		return nil, fmt.Errorf("describing secret %s: %w", id, err)
	}
	return out, nil
}

// currentValue returns the AWSCURRENT value of the secret id, decoded, or
// an *awserr.NotFoundError when the secret or its value does not
// exist.
func currentValue(ctx context.Context, sm Client, id string) (storedValue, error) {
	out, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(id)})
	if awserr.IsNotFound(err) {
		return nil, &awserr.NotFoundError{Kind: "value of secret", ID: id, Err: err}
	}
	if err != nil {
		return nil, fmt.Errorf("reading the value of secret %s: %w", id, err)
	}
	return decodeStored(aws.ToString(out.SecretString)), nil
}

// tagMap returns tags as a map.
func tagMap(tags []smtypes.Tag) map[string]string {
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return m
}

// hasVersion reports whether the secret has a version with the given ID.
func hasVersion(d *secretsmanager.DescribeSecretOutput, id string) bool {
	_, ok := d.VersionIdsToStages[id]
	return ok
}
