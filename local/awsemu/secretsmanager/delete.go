package secretsmanager

import (
	"slices"
	"time"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
)

type deleteSecretInput struct {
	secretIDField
	RecoveryWindowInDays       *int64
	ForceDeleteWithoutRecovery *bool

	// force and days are what validate makes of the two fields above.
	force bool
	days  int64
}

type deleteSecretOutput struct {
	ARN          string          `json:"ARN"`
	Name         string          `json:"Name"`
	DeletionDate *protocol.Epoch `json:"DeletionDate,omitempty"`
}

func (in *deleteSecretInput) validate() error {
	in.force = in.ForceDeleteWithoutRecovery != nil && *in.ForceDeleteWithoutRecovery
	in.days = defaultRecoveryDays
	if in.RecoveryWindowInDays == nil {
		return nil
	}
	if in.force {
		return protocol.Errorf("InvalidParameterException", "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.")
	}
	in.days = *in.RecoveryWindowInDays
	if in.days < minRecoveryDays || in.days > maxRecoveryDays {
		return protocol.Errorf("InvalidParameterException", "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).")
	}
	return nil
}

func DeleteSecret(c *protocol.Call) (any, error) {
	var in deleteSecretInput
	return onSecret(c, &in, (*state).find, func(st *state, s *secret) (any, error) {
		now := c.Env.Now()
		if in.force {
			// A forced deletion also ends a pending one: that is how AWS
			// lets a caller free a name that is scheduled for deletion.
			delete(st.secrets, s.arn)
			return deleteSecretOutput{ARN: s.arn, Name: s.name, DeletionDate: protocol.EpochOf(now)}, nil
		}
		if s.scheduledForDeletion() {
			return nil, protocol.Errorf("InvalidRequestException", "You can't perform this operation on the secret because it was already scheduled for deletion.")
		}
		s.deletedDate = now
		s.deletionDate = now.Add(time.Duration(in.days) * 24 * time.Hour)
		return deleteSecretOutput{ARN: s.arn, Name: s.name, DeletionDate: protocol.EpochOf(s.deletionDate)}, nil
	})
}

func RestoreSecret(c *protocol.Call) (any, error) {
	var in secretIDField
	return onSecret(c, &in, (*state).find, func(_ *state, s *secret) (any, error) {
		s.deletedDate, s.deletionDate = time.Time{}, time.Time{}
		return secretRef{ARN: s.arn, Name: s.name}, nil
	})
}

type tagResourceInput struct {
	secretIDField
	Tags []tag
}

func (in *tagResourceInput) validate() error { return checkTags(in.Tags) }

type untagResourceInput struct {
	secretIDField
	TagKeys []string
}

func TagResource(c *protocol.Call) (any, error) {
	var in tagResourceInput
	return onSecret(c, &in, (*state).findLive, func(_ *state, s *secret) (any, error) {
		s.setTags(in.Tags)
		return nil, nil
	})
}

func UntagResource(c *protocol.Call) (any, error) {
	var in untagResourceInput
	return onSecret(c, &in, (*state).findLive, func(_ *state, s *secret) (any, error) {
		s.tags = slices.DeleteFunc(s.tags, func(t tag) bool { return slices.Contains(in.TagKeys, t.Key) })
		return nil, nil
	})
}
