package secretsmanager

import (
	"bytes"
	"slices"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
)

type createSecretInput struct {
	valueInput
	Name        string
	Description string
	KmsKeyId    string
	Tags        []tag
}

type secretRef struct {
	ARN       string  `json:"ARN"`
	Name      string  `json:"Name"`
	VersionId *string `json:"VersionId,omitempty"`
}

func CreateSecret(c *protocol.Call) (any, error) {
	var in createSecretInput
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	if !namePattern.MatchString(in.Name) {
		return nil, protocol.Errorf("InvalidParameterException", "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!")
	}
	if err := in.check(false); err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	st := store(c)
	defer st.mu.Unlock()
	now := c.Env.Now()
	if s := st.byName(c, in.Name); s != nil {
		if s.scheduledForDeletion() {
			return nil, protocol.Errorf("InvalidRequestException", "You can't create this secret because a secret with this name is already scheduled for deletion.")
		}
		// The same ClientRequestToken with the same value is a retry of
		// the request that created the secret.
		if v := s.versions[in.token]; v != nil {
			if !v.sameValue(in.SecretString, in.SecretBinary) {
				return nil, protocol.Errorf("ResourceExistsException", "You can't modify an existing version, you can only create new versions.")
			}
			return secretRef{ARN: s.arn, Name: s.name, VersionId: &v.id}, nil
		}
		return nil, protocol.Errorf("ResourceExistsException", "The operation failed because the secret %s already exists.", in.Name)
	}
	s := &secret{
		arn: newARN(c, in.Name), name: in.Name, account: c.Account(), region: c.Region,
		description: in.Description, kmsKeyID: in.KmsKeyId,
		versions: map[string]*version{}, created: now, lastChanged: now,
	}
	s.setTags(in.Tags)
	st.secrets[s.arn] = s
	out := secretRef{ARN: s.arn, Name: s.name}
	if in.hasValue() {
		s.addVersion(&version{id: in.token, secretString: in.SecretString, secretBinary: in.SecretBinary, stages: []string{stageCurrent}, created: now}, now)
		out.VersionId = &in.token
	}
	return out, nil
}

func (v *version) sameValue(str *string, bin []byte) bool {
	if (v.secretString == nil) != (str == nil) {
		return false
	}
	if str != nil && *v.secretString != *str {
		return false
	}
	return bytes.Equal(v.secretBinary, bin)
}

// token returns the ClientRequestToken, or a new one when the caller sent
// none (the SDK always sends one).
func token(token string) (string, error) {
	if token == "" {
		return protocol.NewRequestID(), nil
	}
	if len(token) < 32 || len(token) > 64 {
		return "", protocol.Errorf("InvalidParameterException", "ClientRequestToken must be 32 to 64 characters long.")
	}
	return token, nil
}

func checkValue(str *string, bin []byte, required bool) error {
	switch {
	case str != nil && bin != nil:
		return protocol.Errorf("InvalidParameterException", "You can't specify both a binary secret value and a string secret value in the same secret.")
	case required && str == nil && bin == nil:
		return protocol.Errorf("InvalidParameterException", "You must provide either SecretString or SecretBinary.")
	}
	return nil
}

func checkTags(tags []tag) error {
	for _, t := range tags {
		if t.Key == "" || len(t.Key) > 128 || len(t.Value) > 256 {
			return protocol.Errorf("InvalidParameterException", "Invalid tag: keys must be 1 to 128 characters and values at most 256.")
		}
	}
	return nil
}

type describeSecretOutput struct {
	ARN                string              `json:"ARN"`
	Name               string              `json:"Name"`
	Description        string              `json:"Description,omitempty"`
	KmsKeyId           string              `json:"KmsKeyId,omitempty"`
	Tags               []tag               `json:"Tags,omitempty"`
	VersionIdsToStages map[string][]string `json:"VersionIdsToStages,omitempty"`
	CreatedDate        *protocol.Epoch     `json:"CreatedDate,omitempty"`
	LastChangedDate    *protocol.Epoch     `json:"LastChangedDate,omitempty"`
	DeletedDate        *protocol.Epoch     `json:"DeletedDate,omitempty"`
}

func (s *secret) describe() describeSecretOutput {
	return describeSecretOutput{
		ARN: s.arn, Name: s.name, Description: s.description, KmsKeyId: s.kmsKeyID,
		Tags: slices.Clone(s.tags), VersionIdsToStages: s.stagesMap(),
		CreatedDate: protocol.EpochOf(s.created), LastChangedDate: protocol.EpochOf(s.lastChanged),
		DeletedDate: protocol.EpochOf(s.deletedDate),
	}
}

func DescribeSecret(c *protocol.Call) (any, error) {
	var in secretIDField
	return onSecret(c, &in, (*state).find, func(_ *state, s *secret) (any, error) {
		return s.describe(), nil
	})
}
