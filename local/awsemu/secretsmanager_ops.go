package awsemu

import (
	"bytes"
	"slices"
	"time"
)

type smCreateSecretInput struct {
	Name               string
	ClientRequestToken string
	Description        string
	KmsKeyId           string
	SecretString       *string
	SecretBinary       []byte
	Tags               []smTag
}

type smSecretRef struct {
	ARN       string  `json:"ARN"`
	Name      string  `json:"Name"`
	VersionId *string `json:"VersionId,omitempty"`
}

func smCreateSecret(c *Call) (any, error) {
	var in smCreateSecretInput
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	if !smNamePattern.MatchString(in.Name) {
		return nil, Errorf("InvalidParameterException", "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!")
	}
	token, err := smToken(in.ClientRequestToken)
	if err != nil {
		return nil, err
	}
	if err := smCheckValue(in.SecretString, in.SecretBinary, false); err != nil {
		return nil, err
	}
	if err := smCheckTags(in.Tags); err != nil {
		return nil, err
	}
	st := smStore(c)
	defer st.mu.Unlock()
	now := c.Emulator.Now()
	if s := st.byName(c, in.Name); s != nil {
		if s.scheduledForDeletion() {
			return nil, Errorf("InvalidRequestException", "You can't create this secret because a secret with this name is already scheduled for deletion.")
		}
		// The same ClientRequestToken with the same value is a retry of
		// the request that created the secret.
		if v := s.versions[token]; v != nil {
			if !v.sameValue(in.SecretString, in.SecretBinary) {
				return nil, Errorf("ResourceExistsException", "You can't modify an existing version, you can only create new versions.")
			}
			return smSecretRef{ARN: s.arn, Name: s.name, VersionId: &v.id}, nil
		}
		return nil, Errorf("ResourceExistsException", "The operation failed because the secret %s already exists.", in.Name)
	}
	s := &smSecret{
		arn: smNewARN(c, in.Name), name: in.Name, account: c.Account(), region: c.Region,
		description: in.Description, kmsKeyID: in.KmsKeyId,
		versions: map[string]*smVersion{}, created: now, lastChanged: now,
	}
	s.setTags(in.Tags)
	st.secrets[s.arn] = s
	out := smSecretRef{ARN: s.arn, Name: s.name}
	if in.SecretString != nil || in.SecretBinary != nil {
		s.addVersion(&smVersion{id: token, secretString: in.SecretString, secretBinary: in.SecretBinary, stages: []string{stageCurrent}, created: now}, now)
		out.VersionId = &token
	}
	return out, nil
}

func (v *smVersion) sameValue(str *string, bin []byte) bool {
	if (v.secretString == nil) != (str == nil) {
		return false
	}
	if str != nil && *v.secretString != *str {
		return false
	}
	return bytes.Equal(v.secretBinary, bin)
}

// smToken returns the ClientRequestToken, or a new one when the caller sent
// none (the SDK always sends one).
func smToken(token string) (string, error) {
	if token == "" {
		return newRequestID(), nil
	}
	if len(token) < 32 || len(token) > 64 {
		return "", Errorf("InvalidParameterException", "ClientRequestToken must be 32 to 64 characters long.")
	}
	return token, nil
}

func smCheckValue(str *string, bin []byte, required bool) error {
	switch {
	case str != nil && bin != nil:
		return Errorf("InvalidParameterException", "You can't specify both a binary secret value and a string secret value in the same secret.")
	case required && str == nil && bin == nil:
		return Errorf("InvalidParameterException", "You must provide either SecretString or SecretBinary.")
	}
	return nil
}

func smCheckTags(tags []smTag) error {
	for _, t := range tags {
		if t.Key == "" || len(t.Key) > 128 || len(t.Value) > 256 {
			return Errorf("InvalidParameterException", "Invalid tag: keys must be 1 to 128 characters and values at most 256.")
		}
	}
	return nil
}

type smSecretID struct {
	SecretId string
}

type smDescribeSecretOutput struct {
	ARN                string              `json:"ARN"`
	Name               string              `json:"Name"`
	Description        string              `json:"Description,omitempty"`
	KmsKeyId           string              `json:"KmsKeyId,omitempty"`
	Tags               []smTag             `json:"Tags,omitempty"`
	VersionIdsToStages map[string][]string `json:"VersionIdsToStages,omitempty"`
	CreatedDate        *smTime             `json:"CreatedDate,omitempty"`
	LastChangedDate    *smTime             `json:"LastChangedDate,omitempty"`
	DeletedDate        *smTime             `json:"DeletedDate,omitempty"`
}

func (s *smSecret) describe() smDescribeSecretOutput {
	return smDescribeSecretOutput{
		ARN: s.arn, Name: s.name, Description: s.description, KmsKeyId: s.kmsKeyID,
		Tags: slices.Clone(s.tags), VersionIdsToStages: s.stagesMap(),
		CreatedDate: smTimestamp(s.created), LastChangedDate: smTimestamp(s.lastChanged),
		DeletedDate: smTimestamp(s.deletedDate),
	}
}

func smDescribeSecret(c *Call) (any, error) {
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
	return s.describe(), nil
}

type smGetSecretValueInput struct {
	SecretId     string
	VersionId    string
	VersionStage string
}

type smGetSecretValueOutput struct {
	ARN           string   `json:"ARN"`
	Name          string   `json:"Name"`
	VersionId     string   `json:"VersionId"`
	SecretString  *string  `json:"SecretString,omitempty"`
	SecretBinary  []byte   `json:"SecretBinary,omitempty"`
	VersionStages []string `json:"VersionStages"`
	CreatedDate   *smTime  `json:"CreatedDate,omitempty"`
}

func smGetSecretValue(c *Call) (any, error) {
	var in smGetSecretValueInput
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	st := smStore(c)
	defer st.mu.Unlock()
	s, err := st.findLive(c, in.SecretId)
	if err != nil {
		return nil, err
	}
	var v *smVersion
	switch {
	case in.VersionId != "":
		v = s.versions[in.VersionId]
		if v == nil || (in.VersionStage != "" && !slices.Contains(v.stages, in.VersionStage)) {
			return nil, Errorf("ResourceNotFoundException", "Secrets Manager can't find the specified secret value for VersionId: %s", in.VersionId)
		}
	default:
		stage := in.VersionStage
		if stage == "" {
			stage = stageCurrent
		}
		v = s.versionByStage(stage)
		if v == nil {
			return nil, Errorf("ResourceNotFoundException", "Secrets Manager can't find the specified secret value for staging label: %s", stage)
		}
	}
	return smGetSecretValueOutput{
		ARN: s.arn, Name: s.name, VersionId: v.id, SecretString: v.secretString, SecretBinary: v.secretBinary,
		VersionStages: slices.Clone(v.stages), CreatedDate: smTimestamp(v.created),
	}, nil
}

type smPutSecretValueInput struct {
	SecretId           string
	ClientRequestToken string
	SecretString       *string
	SecretBinary       []byte
	VersionStages      []string
}

type smPutSecretValueOutput struct {
	ARN           string   `json:"ARN"`
	Name          string   `json:"Name"`
	VersionId     string   `json:"VersionId"`
	VersionStages []string `json:"VersionStages"`
}

func smPutSecretValue(c *Call) (any, error) {
	var in smPutSecretValueInput
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	token, err := smToken(in.ClientRequestToken)
	if err != nil {
		return nil, err
	}
	if err := smCheckValue(in.SecretString, in.SecretBinary, true); err != nil {
		return nil, err
	}
	stages := in.VersionStages
	if len(stages) == 0 {
		stages = []string{stageCurrent}
	}
	st := smStore(c)
	defer st.mu.Unlock()
	s, err := st.findLive(c, in.SecretId)
	if err != nil {
		return nil, err
	}
	v, err := s.putVersion(token, in.SecretString, in.SecretBinary, stages, c.Emulator.Now())
	if err != nil {
		return nil, err
	}
	return smPutSecretValueOutput{ARN: s.arn, Name: s.name, VersionId: v.id, VersionStages: slices.Clone(v.stages)}, nil
}

// putVersion adds a version under token, or returns the existing one when
// token names a version with the same value: versions are immutable, so a
// different value under a known token is an error.
func (s *smSecret) putVersion(token string, str *string, bin []byte, stages []string, now time.Time) (*smVersion, error) {
	if v := s.versions[token]; v != nil {
		if !v.sameValue(str, bin) {
			return nil, Errorf("ResourceExistsException", "You can't modify an existing version, you can only create new versions.")
		}
		return v, nil
	}
	v := &smVersion{id: token, secretString: str, secretBinary: bin, stages: slices.Clone(stages), created: now}
	s.addVersion(v, now)
	return v, nil
}

type smUpdateSecretInput struct {
	SecretId           string
	ClientRequestToken string
	Description        *string
	KmsKeyId           *string
	SecretString       *string
	SecretBinary       []byte
}

func smUpdateSecret(c *Call) (any, error) {
	var in smUpdateSecretInput
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	token, err := smToken(in.ClientRequestToken)
	if err != nil {
		return nil, err
	}
	if err := smCheckValue(in.SecretString, in.SecretBinary, false); err != nil {
		return nil, err
	}
	st := smStore(c)
	defer st.mu.Unlock()
	s, err := st.findLive(c, in.SecretId)
	if err != nil {
		return nil, err
	}
	now := c.Emulator.Now()
	out := smSecretRef{ARN: s.arn, Name: s.name}
	if in.SecretString != nil || in.SecretBinary != nil {
		v, err := s.putVersion(token, in.SecretString, in.SecretBinary, []string{stageCurrent}, now)
		if err != nil {
			return nil, err
		}
		out.VersionId = &v.id
	}
	if in.Description != nil {
		s.description = *in.Description
		s.lastChanged = now
	}
	if in.KmsKeyId != nil {
		s.kmsKeyID = *in.KmsKeyId
		s.lastChanged = now
	}
	return out, nil
}

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
