package awsemu

import (
	"slices"
	"time"
)

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
