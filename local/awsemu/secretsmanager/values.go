package secretsmanager

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
)

type smGetSecretValueInput struct {
	smSecretID
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

func GetSecretValue(c *protocol.Call) (any, error) {
	var in smGetSecretValueInput
	return smOnSecret(c, &in, (*smState).findLive, func(_ *smState, s *smSecret) (any, error) {
		v, err := s.version(in.VersionId, in.VersionStage)
		if err != nil {
			return nil, err
		}
		return smGetSecretValueOutput{
			ARN: s.arn, Name: s.name, VersionId: v.id, SecretString: v.secretString, SecretBinary: v.secretBinary,
			VersionStages: slices.Clone(v.stages), CreatedDate: smTimestamp(v.created),
		}, nil
	})
}

// version returns the version that GetSecretValue asks for: id when
// given (and then only if it carries stage, when that is given too), else
// the one with stage, AWSCURRENT by default.
func (s *smSecret) version(id, stage string) (*smVersion, error) {
	if id != "" {
		v := s.versions[id]
		if v == nil || (stage != "" && !slices.Contains(v.stages, stage)) {
			return nil, protocol.Errorf("ResourceNotFoundException", "Secrets Manager can't find the specified secret value for VersionId: %s", id)
		}
		return v, nil
	}
	if stage == "" {
		stage = stageCurrent
	}
	v := s.versionByStage(stage)
	if v == nil {
		return nil, protocol.Errorf("ResourceNotFoundException", "Secrets Manager can't find the specified secret value for staging label: %s", stage)
	}
	return v, nil
}

type smPutSecretValueInput struct {
	smSecretID
	smValueInput
	VersionStages []string
}

func (in *smPutSecretValueInput) validate() error {
	if err := in.check(true); err != nil {
		return err
	}
	if len(in.VersionStages) == 0 {
		in.VersionStages = []string{stageCurrent}
	}
	return nil
}

type smPutSecretValueOutput struct {
	ARN           string   `json:"ARN"`
	Name          string   `json:"Name"`
	VersionId     string   `json:"VersionId"`
	VersionStages []string `json:"VersionStages"`
}

func PutSecretValue(c *protocol.Call) (any, error) {
	var in smPutSecretValueInput
	return smOnSecret(c, &in, (*smState).findLive, func(_ *smState, s *smSecret) (any, error) {
		v, err := s.putVersion(in.token, in.SecretString, in.SecretBinary, in.VersionStages, c.Env.Now())
		if err != nil {
			return nil, err
		}
		return smPutSecretValueOutput{ARN: s.arn, Name: s.name, VersionId: v.id, VersionStages: slices.Clone(v.stages)}, nil
	})
}

// putVersion adds a version under token, or returns the existing one when
// token names a version with the same value: versions are immutable, so a
// different value under a known token is an error.
func (s *smSecret) putVersion(token string, str *string, bin []byte, stages []string, now time.Time) (*smVersion, error) {
	if v := s.versions[token]; v != nil {
		if !v.sameValue(str, bin) {
			return nil, protocol.Errorf("ResourceExistsException", "You can't modify an existing version, you can only create new versions.")
		}
		return v, nil
	}
	v := &smVersion{id: token, secretString: str, secretBinary: bin, stages: slices.Clone(stages), created: now}
	s.addVersion(v, now)
	return v, nil
}

type smUpdateSecretInput struct {
	smSecretID
	smValueInput
	Description *string
	KmsKeyId    *string
}

func (in *smUpdateSecretInput) validate() error { return in.check(false) }

func UpdateSecret(c *protocol.Call) (any, error) {
	var in smUpdateSecretInput
	return smOnSecret(c, &in, (*smState).findLive, func(_ *smState, s *smSecret) (any, error) {
		now := c.Env.Now()
		out := smSecretRef{ARN: s.arn, Name: s.name}
		if in.hasValue() {
			v, err := s.putVersion(in.token, in.SecretString, in.SecretBinary, []string{stageCurrent}, now)
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
	})
}

// ReadSecretString returns the SecretString of the current version of
// secretID as GetSecretValue returns it to c's caller, or the error
// GetSecretValue returns. Other services of the emulator (the Redshift
// Data API) read secrets through it, so that a secret the caller cannot
// get fails as it would in AWS.
func ReadSecretString(c *protocol.Call, secretID string) (string, error) {
	body, err := json.Marshal(map[string]string{"SecretId": secretID})
	if err != nil {
		return "", err
	}
	out, err := GetSecretValue(&protocol.Call{
		Service: "secretsmanager", Operation: "GetSecretValue", Region: c.Region, Caller: c.Caller,
		RequestID: protocol.NewRequestID(), Body: body, Env: c.Env,
	})
	if err != nil {
		return "", err
	}
	if str := out.(smGetSecretValueOutput).SecretString; str != nil {
		return *str, nil
	}
	return "", nil
}
