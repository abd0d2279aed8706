package secret

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/redshift-data-access/redshift-data-access/internal/awserr"
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
	in := &secretsmanager.CreateSecretInput{
		Name:               aws.String(name),
		ClientRequestToken: aws.String(token),
		Description:        optional(p.Description),
		KmsKeyId:           optional(p.KmsKeyID),
		SecretString:       aws.String(value),
		Tags:               sdkTags(desiredTags(req, p)),
	}
	out, err := r.sm.CreateSecret(ctx, in)
	var exists *smtypes.ResourceExistsException
	var invalid *smtypes.InvalidRequestException
	switch {
	case err == nil:
		return aws.ToString(out.ARN), nil
	case errors.As(err, &exists):
		return r.adopt(ctx, req, p, name, token)
	case errors.As(err, &invalid):
		return r.restoreScheduled(ctx, req, p, name, err)
	case ctx.Err() != nil:
		return "", r.undoInFlightCreate(ctx, req, in, fmt.Errorf("creating secret %s: %w", name, err))
	}
	return "", fmt.Errorf("creating secret %s: %w", name, err)
}

// undoInFlightCreate deletes the secret of a CreateSecret (in) that was
// still in flight when ctx ended: Secrets Manager may have made it anyway,
// and the failed request's answer names nothing a Delete would remove. The
// call is repeated first (the same name and token make it idempotent), so
// that the secret exists for certain, whether the first call landed or
// not; it is deleted only when it is this request's (its tags and the
// token's version). It runs in customresource.CleanupContext and returns
// cause, or cause joined with the failure to undo.
func (r *Resource) undoInFlightCreate(ctx context.Context, req customresource.Request, in *secretsmanager.CreateSecretInput, cause error) error {
	ctx, cancel := customresource.CleanupContext(ctx)
	defer cancel()
	name := aws.ToString(in.Name)
	_, _ = r.sm.CreateSecret(ctx, in) // its outcome is read back below
	d, err := describe(ctx, r.sm, name)
	if awserr.IsNotFound(err) {
		return cause
	}
	if err != nil {
		return fmt.Errorf("%w; checking whether it was created anyway also failed, check secret %s yourself: %w", cause, name, err)
	}
	if d.DeletedDate != nil || !customresource.OwnedBy(tagMap(d.Tags), req) || !hasVersion(d, aws.ToString(in.ClientRequestToken)) {
		return cause
	}
	if _, err := r.sm.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: d.ARN, ForceDeleteWithoutRecovery: aws.Bool(true)}); err != nil && !awserr.IsNotFound(err) {
		return fmt.Errorf("%w; deleting the secret %s it made anyway also failed, delete it yourself: %w", cause, aws.ToString(d.ARN), err)
	}
	return fmt.Errorf("%w; the secret it made anyway was deleted again", cause)
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
	if d.DeletedDate == nil && customresource.OwnedBy(tagMap(d.Tags), req) &&
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
	if !customresource.OwnedBy(tagMap(d.Tags), req) {
		// Restoring it would take over a secret someone else made.
		return "", &NameTakenError{Name: name}
	}
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

// defaultKmsKey is the key Secrets Manager uses when KmsKeyId is absent.
const defaultKmsKey = "alias/aws/secretsmanager"

// Update changes the secret in place, or creates a replacement when Name
// changes. An absent Name keeps the current name. A generated password
// survives the update unless PasswordLength changes or the template stops
// giving a Password; then the previous version's generated password of
// that length comes back (this is how a rollback restores it), or a new
// one is generated. A physical ID that is the ARN of a secret in another
// partition or region than the function's fails with a ForeignARNError
// and touches nothing.
func (r *Resource) Update(ctx context.Context, req customresource.Request) (customresource.Result, error) {
	p, err := ParseProperties(req.Properties)
	if err != nil {
		return customresource.Result{}, err
	}
	arn := req.PhysicalResourceID
	current, ok := parseARN(arn)
	if !ok {
		return customresource.Result{}, fmt.Errorf("updating secret %q: the physical ID is not a secret ARN", arn)
	}
	if !r.issuable(current) {
		return customresource.Result{}, &ForeignARNError{ARN: arn, Region: r.region}
	}
	if err := r.checkOwned(ctx, req); err != nil {
		return customresource.Result{}, err
	}
	currentName := current.name
	// The old properties were valid when they were applied, except when
	// this update rolls back a failed one: then nothing of them was
	// applied, and there is nothing to undo.
	old, oldErr := ParseProperties(req.OldProperties)
	// renew: the properties ask for another generated password than the
	// old ones had; generatedPassword decides which.
	renew := oldErr == nil && p.GeneratesPassword() &&
		(!old.GeneratesPassword() || old.PasswordLength != p.PasswordLength)

	if p.Name != "" && p.Name != currentName {
		keep := ""
		if p.GeneratesPassword() && !renew {
			v, err := currentValue(ctx, r.sm, arn)
			if err != nil && !awserr.IsNotFound(err) {
				return customresource.Result{}, fmt.Errorf("replacing secret %s: %w", arn, err)
			}
			keep = v.password()
		}
		newARN, err := r.create(ctx, req, p, p.Name, keep)
		if err != nil {
			return customresource.Result{}, err
		}
		return result(newARN, p.Name), nil
	}

	var removed []string
	if oldErr == nil {
		removed = removedKeys(old.Tags, p.Tags)
	}
	if err := r.apply(ctx, req, p, arn, currentName, renew, removed); err != nil {
		return customresource.Result{}, err
	}
	return result(arn, currentName), nil
}

// checkOwned fails with a *customresource.NotOwnedError when the secret
// named by req's physical ID exists and was not created by req's resource.
// A secret that is gone passes: the Update's own steps report it.
func (r *Resource) checkOwned(ctx context.Context, req customresource.Request) error {
	d, err := describe(ctx, r.sm, req.PhysicalResourceID)
	if awserr.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("updating secret %s: %w", req.PhysicalResourceID, err)
	}
	if !customresource.OwnedBy(tagMap(d.Tags), req) {
		return customresource.NotOwned("secret", req)
	}
	return nil
}

// apply brings the secret arn to p: its description, KMS key, value and
// tags, calling a mutating API only for what differs. Tags in removed are
// untagged unless p still wants them.
//
// The key changes before the value is written, so that a new value is
// encrypted with the new key. A key change also writes the value again:
// UpdateSecret re-encrypts the current and previous versions with the new
// key but keeps them readable with the old one too, and only a new
// version is encrypted with the new key alone.
func (r *Resource) apply(ctx context.Context, req customresource.Request, p Properties, arn, name string, renew bool, removed []string) error {
	d, err := describe(ctx, r.sm, arn)
	if err != nil {
		return fmt.Errorf("updating secret %s: %w", arn, err)
	}
	if d.DeletedDate != nil {
		// Someone scheduled the deletion outside the stack.
		if !p.RestoreIfScheduledForDeletion {
			return &ScheduledForDeletionError{Name: name}
		}
		if _, err := r.sm.RestoreSecret(ctx, &secretsmanager.RestoreSecretInput{SecretId: aws.String(arn)}); err != nil {
			return fmt.Errorf("restoring secret %s: %w", arn, err)
		}
	}
	in := &secretsmanager.UpdateSecretInput{SecretId: aws.String(arn)}
	if aws.ToString(d.Description) != p.Description {
		in.Description = aws.String(p.Description)
	}
	keyChanged := kmsKey(aws.ToString(d.KmsKeyId)) != kmsKey(p.KmsKeyID)
	if keyChanged {
		in.KmsKeyId = aws.String(kmsKey(p.KmsKeyID))
	}
	if in.Description != nil || in.KmsKeyId != nil {
		if _, err := r.sm.UpdateSecret(ctx, in); err != nil {
			return fmt.Errorf("updating the description and KMS key of secret %s: %w", arn, err)
		}
	}
	if err := r.applyValue(ctx, req, p, d, renew, keyChanged); err != nil {
		return err
	}
	return r.applyTags(ctx, req, p, d, removed)
}

// applyValue writes a new version when the stored value differs from p's,
// or when rewrite is set. The version ID comes from the request, so that a
// redelivery sees its own version and does not generate a second password.
func (r *Resource) applyValue(ctx context.Context, req customresource.Request, p Properties, d *secretsmanager.DescribeSecretOutput, renew, rewrite bool) error {
	arn := aws.ToString(d.ARN)
	token := versionID(req, "value", p.GeneratesPassword())
	if hasVersion(d, token) {
		return nil
	}
	current, err := currentValue(ctx, r.sm, arn)
	if err != nil && !awserr.IsNotFound(err) {
		return err
	}
	password := p.Password
	if password == "" {
		if password, err = r.generatedPassword(ctx, p, d, current.password(), renew); err != nil {
			return err
		}
	}
	want := credentialsFor(p, password)
	if current.equal(want) && !rewrite {
		return nil
	}
	value, err := want.encode()
	if err != nil {
		return err
	}
	if _, err := r.sm.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{
		SecretId: aws.String(arn), ClientRequestToken: aws.String(token), SecretString: aws.String(value),
	}); err != nil {
		return fmt.Errorf("writing a new value to secret %s: %w", arn, err)
	}
	return nil
}

// applyTags sets the tags whose values differ and removes those in removed
// that p no longer wants. Tags that someone else set are left alone.
func (r *Resource) applyTags(ctx context.Context, req customresource.Request, p Properties, d *secretsmanager.DescribeSecretOutput, removed []string) error {
	arn := aws.ToString(d.ARN)
	want := desiredTags(req, p)
	have := tagMap(d.Tags)
	changed := map[string]string{}
	for k, v := range want {
		if cur, ok := have[k]; !ok || cur != v {
			changed[k] = v
		}
	}
	var drop []string
	for _, k := range removed {
		if _, wanted := want[k]; !wanted && k != TagKey {
			if _, present := have[k]; present {
				drop = append(drop, k)
			}
		}
	}
	if len(changed) > 0 {
		if _, err := r.sm.TagResource(ctx, &secretsmanager.TagResourceInput{SecretId: aws.String(arn), Tags: sdkTags(changed)}); err != nil {
			return fmt.Errorf("tagging secret %s with %v: %w", arn, sortedKeys(changed), err)
		}
	}
	if len(drop) > 0 {
		if _, err := r.sm.UntagResource(ctx, &secretsmanager.UntagResourceInput{SecretId: aws.String(arn), TagKeys: drop}); err != nil {
			return fmt.Errorf("removing tags %v from secret %s: %w", drop, arn, err)
		}
	}
	return nil
}

// kmsKey returns the key a KmsKeyId value means.
func kmsKey(id string) string {
	if id == "" {
		return defaultKmsKey
	}
	return id
}

// removedKeys returns the keys of old that are not in new, sorted.
func removedKeys(old, new map[string]string) []string {
	var out []string
	for k := range old {
		if _, ok := new[k]; !ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func sortedKeys(m map[string]string) []string {
	return slices.Sorted(maps.Keys(m))
}
