package secretsmanager

import (
	"slices"
	"time"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
)

type smDeleteSecretInput struct {
	smSecretID
	RecoveryWindowInDays       *int64
	ForceDeleteWithoutRecovery *bool

	// force and days are what validate makes of the two fields above.
	force bool
	days  int64
}

type smDeleteSecretOutput struct {
	ARN          string  `json:"ARN"`
	Name         string  `json:"Name"`
	DeletionDate *smTime `json:"DeletionDate,omitempty"`
}

func (in *smDeleteSecretInput) validate() error {
	in.force = in.ForceDeleteWithoutRecovery != nil && *in.ForceDeleteWithoutRecovery
	in.days = smDefaultRecoveryDays
	if in.RecoveryWindowInDays == nil {
		return nil
	}
	if in.force {
		return protocol.Errorf("InvalidParameterException", "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.")
	}
	in.days = *in.RecoveryWindowInDays
	if in.days < smMinRecoveryDays || in.days > smMaxRecoveryDays {
		return protocol.Errorf("InvalidParameterException", "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).")
	}
	return nil
}

func DeleteSecret(c *protocol.Call) (any, error) {
	var in smDeleteSecretInput
	return smOnSecret(c, &in, (*smState).find, func(st *smState, s *smSecret) (any, error) {
		now := c.Env.Now()
		if in.force {
			// A forced deletion also ends a pending one: that is how AWS
			// lets a caller free a name that is scheduled for deletion.
			delete(st.secrets, s.arn)
			return smDeleteSecretOutput{ARN: s.arn, Name: s.name, DeletionDate: smTimestamp(now)}, nil
		}
		if s.scheduledForDeletion() {
			return nil, protocol.Errorf("InvalidRequestException", "You can't perform this operation on the secret because it was already scheduled for deletion.")
		}
		s.deletedDate = now
		s.deletionDate = now.Add(time.Duration(in.days) * 24 * time.Hour)
		return smDeleteSecretOutput{ARN: s.arn, Name: s.name, DeletionDate: smTimestamp(s.deletionDate)}, nil
	})
}

func RestoreSecret(c *protocol.Call) (any, error) {
	var in smSecretID
	return smOnSecret(c, &in, (*smState).find, func(_ *smState, s *smSecret) (any, error) {
		s.deletedDate, s.deletionDate = time.Time{}, time.Time{}
		return smSecretRef{ARN: s.arn, Name: s.name}, nil
	})
}

type smTagResourceInput struct {
	smSecretID
	Tags []smTag
}

func (in *smTagResourceInput) validate() error { return smCheckTags(in.Tags) }

type smUntagResourceInput struct {
	smSecretID
	TagKeys []string
}

func TagResource(c *protocol.Call) (any, error) {
	var in smTagResourceInput
	return smOnSecret(c, &in, (*smState).findLive, func(_ *smState, s *smSecret) (any, error) {
		s.setTags(in.Tags)
		return nil, nil
	})
}

func UntagResource(c *protocol.Call) (any, error) {
	var in smUntagResourceInput
	return smOnSecret(c, &in, (*smState).findLive, func(_ *smState, s *smSecret) (any, error) {
		s.tags = slices.DeleteFunc(s.tags, func(t smTag) bool { return slices.Contains(in.TagKeys, t.Key) })
		return nil, nil
	})
}
