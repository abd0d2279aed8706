package secret

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/redshift-data-access/redshift-data-access/internal/awserr"
	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

// Delete schedules the secret for deletion with the recovery window of
// RecoveryWindowInDays, or deletes it at once when that is 0, unless
// RetainOnDelete is set. A physical ID that is not a secret ARN of the
// function's partition and region was never issued by this resource, a
// secret without this resource's stack and logical-ID tags was not created
// by it, and a secret that is gone or already scheduled for deletion needs
// nothing: all are success without a mutating call.
func (r *Resource) Delete(ctx context.Context, req customresource.Request) error {
	arn := req.PhysicalResourceID
	if a, ok := parseARN(arn); !ok || !r.issuable(a) {
		return nil
	}
	retain, window := deleteSettings(req.Properties)
	if retain {
		return nil
	}
	d, err := describe(ctx, r.sm, arn)
	if awserr.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("deleting secret %s: %w", arn, err)
	}
	if !customresource.OwnedBy(tagMap(d.Tags), req) {
		// Not created by this resource (by hand, or by another stack or
		// resource): not this resource's to delete.
		return nil
	}
	in := &secretsmanager.DeleteSecretInput{SecretId: aws.String(arn)}
	if window == 0 {
		in.ForceDeleteWithoutRecovery = aws.Bool(true)
	} else {
		in.RecoveryWindowInDays = aws.Int64(int64(window))
	}
	_, err = r.sm.DeleteSecret(ctx, in)
	if err == nil || awserr.IsNotFound(err) {
		return nil
	}
	var invalid *smtypes.InvalidRequestException
	if errors.As(err, &invalid) {
		// Secrets Manager refuses to schedule a deletion twice.
		d, derr := describe(ctx, r.sm, arn)
		if awserr.IsNotFound(derr) || (derr == nil && d.DeletedDate != nil) {
			return nil
		}
	}
	return fmt.Errorf("deleting secret %s: %w", arn, err)
}

// deleteSettings reads RetainOnDelete and RecoveryWindowInDays. Delete must
// not fail on properties that no longer validate; when they do not, each of
// the two that is itself invalid takes its default: not retained, deleted
// with the 30-day recoverable window.
func deleteSettings(props map[string]any) (retain bool, window int) {
	if p, err := ParseProperties(props); err == nil {
		return p.RetainOnDelete, p.RecoveryWindowInDays
	}
	r := customresource.NewPropertyReader(props)
	return r.Bool(propRetainOnDelete, false), recoveryWindow(r)
}
