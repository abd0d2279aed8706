package secret

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

// Create creates the secret, or converges on the one a previous delivery
// of the same request created.
func (r *Resource) Create(ctx context.Context, req customresource.Request) (customresource.Result, error) {
	p, err := ParseProperties(req.Properties)
	if err != nil {
		return customresource.Result{}, err
	}
	name := p.Name
	if name == "" {
		name = generatedName(req)
	}
	arn, err := r.create(ctx, req, p, name, "")
	if err != nil {
		return customresource.Result{}, err
	}
	return result(arn, name), nil
}

// create creates the secret name for p and returns its ARN. The password
// is p's, else keep (a password carried over from the secret being
// replaced) when it follows Redshift's rules, else a generated one.
//
// The ClientRequestToken comes from the request, so a redelivery with the
// same value is accepted by Secrets Manager as a retry. A redelivery with a
// newly generated password is refused as ResourceExistsException; the
// secret is then this request's when its tags name this stack and logical
// ID and it has the version the token names.
func (r *Resource) create(ctx context.Context, req customresource.Request, p Properties, name, keep string) (string, error) {
	password := p.Password
	// A password someone changed by hand in the secret being replaced may
	// break Redshift's rules; then a new one is generated.
	if password == "" && checkRedshiftPassword(keep) == "" {
		password = keep
	}
	if password == "" {
		var err error
		if password, err = r.generatePassword(ctx, p.PasswordLength); err != nil {
			return "", err
		}
	}
	value, err := credentialsFor(p, password).encode()
	if err != nil {
		return "", err
	}
	token := versionID(req, "create", p.GeneratesPassword())
	out, err := r.sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{
		Name:               aws.String(name),
		ClientRequestToken: aws.String(token),
		Description:        optional(p.Description),
		KmsKeyId:           optional(p.KmsKeyID),
		SecretString:       aws.String(value),
		Tags:               sdkTags(desiredTags(req, p)),
	})
	var exists *smtypes.ResourceExistsException
	var invalid *smtypes.InvalidRequestException
	switch {
	case err == nil:
		return aws.ToString(out.ARN), nil
	case errors.As(err, &exists):
		return r.adopt(ctx, req, p, name, token)
	case errors.As(err, &invalid):
		return r.restoreScheduled(ctx, req, p, name, err)
	}
	return "", fmt.Errorf("creating secret %s: %w", name, err)
}

// adopt returns the ARN of the existing secret name when a previous
// delivery of req created it, and a *NameTakenError otherwise. A secret
// that a previous delivery restored (RestoreIfScheduledForDeletion) has
// this resource's tags but not necessarily the token's version.
func (r *Resource) adopt(ctx context.Context, req customresource.Request, p Properties, name, token string) (string, error) {
	d, err := describe(ctx, r.sm, name)
	if err != nil {
		return "", fmt.Errorf("checking the existing secret %s: %w", name, err)
	}
	tags := tagMap(d.Tags)
	if d.DeletedDate == nil && tags[TagStackID] == req.StackID && tags[TagLogicalID] == req.LogicalResourceID &&
		(hasVersion(d, token) || p.RestoreIfScheduledForDeletion) {
		return aws.ToString(d.ARN), nil
	}
	return "", &NameTakenError{Name: name}
}

// restoreScheduled handles CreateSecret's InvalidRequestException
// (createErr): when the name belongs to a secret scheduled for deletion, it
// restores and updates that secret if p asks for it, and otherwise returns
// a *ScheduledForDeletionError.
func (r *Resource) restoreScheduled(ctx context.Context, req customresource.Request, p Properties, name string, createErr error) (string, error) {
	d, err := describe(ctx, r.sm, name)
	if err != nil || d.DeletedDate == nil {
		return "", fmt.Errorf("creating secret %s: %w", name, createErr)
	}
	if !p.RestoreIfScheduledForDeletion {
		return "", &ScheduledForDeletionError{Name: name}
	}
	arn := aws.ToString(d.ARN)
	if _, err := r.sm.RestoreSecret(ctx, &secretsmanager.RestoreSecretInput{SecretId: aws.String(arn)}); err != nil {
		return "", fmt.Errorf("restoring secret %s: %w", arn, err)
	}
	if err := r.apply(ctx, req, p, arn, name, false, nil); err != nil {
		return "", r.undoRestore(ctx, arn, err)
	}
	return arn, nil
}

// undoRestore schedules the deletion of the secret arn again after this
// request restored it and then failed (cause) to bring it to the template.
// The longest recovery window keeps the secret recoverable for at least
// as long as it was before. It runs in customresource.CleanupContext.
func (r *Resource) undoRestore(ctx context.Context, arn string, cause error) error {
	ctx, cancel := customresource.CleanupContext(ctx)
	defer cancel()
	_, err := r.sm.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String(arn), RecoveryWindowInDays: aws.Int64(maxRecoveryDays)})
	if err != nil {
		return fmt.Errorf("%w; scheduling the deletion of the restored secret %s again also failed: %w", cause, arn, err)
	}
	return cause
}
