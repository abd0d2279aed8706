package awsemu

import (
	"slices"
	"time"
)

type smDeleteSecretInput struct {
	SecretId                   string
	RecoveryWindowInDays       *int64
	ForceDeleteWithoutRecovery *bool
}

type smDeleteSecretOutput struct {
	ARN          string  `json:"ARN"`
	Name         string  `json:"Name"`
	DeletionDate *smTime `json:"DeletionDate,omitempty"`
}

func smDeleteSecret(c *Call) (any, error) {
	var in smDeleteSecretInput
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	force := in.ForceDeleteWithoutRecovery != nil && *in.ForceDeleteWithoutRecovery
	days := int64(smDefaultRecoveryDays)
	if in.RecoveryWindowInDays != nil {
		if force {
			return nil, Errorf("InvalidParameterException", "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.")
		}
		days = *in.RecoveryWindowInDays
		if days < smMinRecoveryDays || days > smMaxRecoveryDays {
			return nil, Errorf("InvalidParameterException", "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).")
		}
	}
	st := smStore(c)
	defer st.mu.Unlock()
	s, err := st.find(c, in.SecretId)
	if err != nil {
		return nil, err
	}
	now := c.Emulator.Now()
	if force {
		// A forced deletion also ends a pending one: that is how AWS lets a
		// caller free a name that is scheduled for deletion.
		delete(st.secrets, s.arn)
		return smDeleteSecretOutput{ARN: s.arn, Name: s.name, DeletionDate: smTimestamp(now)}, nil
	}
	if s.scheduledForDeletion() {
		return nil, Errorf("InvalidRequestException", "You can't perform this operation on the secret because it was already scheduled for deletion.")
	}
	s.deletedDate = now
	s.deletionDate = now.Add(time.Duration(days) * 24 * time.Hour)
	return smDeleteSecretOutput{ARN: s.arn, Name: s.name, DeletionDate: smTimestamp(s.deletionDate)}, nil
}

func smRestoreSecret(c *Call) (any, error) {
	var in smSecretID
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	st := smStore(c)
	defer st.mu.Unlock()
	s, err := st.find(c, in.SecretId)
	if err != nil {
		return nil, err
	}
	s.deletedDate, s.deletionDate = time.Time{}, time.Time{}
	return smSecretRef{ARN: s.arn, Name: s.name}, nil
}

type smTagResourceInput struct {
	SecretId string
	Tags     []smTag
	TagKeys  []string
}

func smTagResource(c *Call) (any, error) {
	var in smTagResourceInput
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	if err := smCheckTags(in.Tags); err != nil {
		return nil, err
	}
	st := smStore(c)
	defer st.mu.Unlock()
	s, err := st.findLive(c, in.SecretId)
	if err != nil {
		return nil, err
	}
	s.setTags(in.Tags)
	return nil, nil
}

func smUntagResource(c *Call) (any, error) {
	var in smTagResourceInput
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	st := smStore(c)
	defer st.mu.Unlock()
	s, err := st.findLive(c, in.SecretId)
	if err != nil {
		return nil, err
	}
	s.tags = slices.DeleteFunc(s.tags, func(t smTag) bool { return slices.Contains(in.TagKeys, t.Key) })
	return nil, nil
}
