package secretsmanager

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/iam"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
	"github.com/redshift-data-access/redshift-data-access/local/iampolicy"
)

type getSecretValueInput struct {
	secretIDField
	VersionId    string
	VersionStage string
}

type getSecretValueOutput struct {
	ARN           string          `json:"ARN"`
	Name          string          `json:"Name"`
	VersionId     string          `json:"VersionId"`
	SecretString  *string         `json:"SecretString,omitempty"`
	SecretBinary  []byte          `json:"SecretBinary,omitempty"`
	VersionStages []string        `json:"VersionStages"`
	CreatedDate   *protocol.Epoch `json:"CreatedDate,omitempty"`
}

// GetSecretValue returns a version of a secret to a caller whose
// identity-based policies allow secretsmanager:GetSecretValue on it, the
// secret's tags in the request context.
func GetSecretValue(c *protocol.Call) (any, error) {
	var in getSecretValueInput
	return onSecret(c, &in, (*state).findLive, func(_ *state, s *secret) (any, error) {
		if err := iam.Authorize(c, "secretsmanager:GetSecretValue", s.arn, iampolicy.ResourceTags("secretsmanager", s.tagMap())); err != nil {
			return nil, err
		}
		v, err := s.version(in.VersionId, in.VersionStage)
		if err != nil {
			return nil, err
		}
		return getSecretValueOutput{
			ARN: s.arn, Name: s.name, VersionId: v.id, SecretString: v.secretString, SecretBinary: v.secretBinary,
			VersionStages: slices.Clone(v.stages), CreatedDate: protocol.EpochOf(v.created),
		}, nil
	})
}

// version returns the version that GetSecretValue asks for: id when
// given (and then only if it carries stage, when that is given too), else
// the one with stage, AWSCURRENT by default.
func (s *secret) version(id, stage string) (*version, error) {
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

type putSecretValueInput struct {
	secretIDField
	valueInput
	VersionStages []string
}

func (in *putSecretValueInput) validate() error {
	if err := in.check(true); err != nil {
		return err
	}
	if len(in.VersionStages) == 0 {
		in.VersionStages = []string{stageCurrent}
	}
	return nil
}

type putSecretValueOutput struct {
	ARN           string   `json:"ARN"`
	Name          string   `json:"Name"`
	VersionId     string   `json:"VersionId"`
	VersionStages []string `json:"VersionStages"`
}

func PutSecretValue(c *protocol.Call) (any, error) {
	var in putSecretValueInput
	return onSecret(c, &in, (*state).findLive, func(_ *state, s *secret) (any, error) {
		v, err := s.putVersion(in.token, in.SecretString, in.SecretBinary, in.VersionStages, c.Env.Now())
		if err != nil {
			return nil, err
		}
		return putSecretValueOutput{ARN: s.arn, Name: s.name, VersionId: v.id, VersionStages: slices.Clone(v.stages)}, nil
	})
}

// putVersion adds a version under token, or returns the existing one when
// token names a version with the same value: versions are immutable, so a
// different value under a known token is an error.
func (s *secret) putVersion(token string, str *string, bin []byte, stages []string, now time.Time) (*version, error) {
	if v := s.versions[token]; v != nil {
		if !v.sameValue(str, bin) {
			return nil, protocol.Errorf("ResourceExistsException", "You can't modify an existing version, you can only create new versions.")
		}
		return v, nil
	}
	v := &version{id: token, secretString: str, secretBinary: bin, stages: slices.Clone(stages), created: now}
	s.addVersion(v, now)
	return v, nil
}

type updateSecretInput struct {
	secretIDField
	valueInput
	Description *string
	KmsKeyId    *string
}

func (in *updateSecretInput) validate() error { return in.check(false) }

func UpdateSecret(c *protocol.Call) (any, error) {
	var in updateSecretInput
	return onSecret(c, &in, (*state).findLive, func(_ *state, s *secret) (any, error) {
		now := c.Env.Now()
		out := secretRef{ARN: s.arn, Name: s.name}
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
	if str := out.(getSecretValueOutput).SecretString; str != nil {
		return *str, nil
	}
	return "", nil
}
