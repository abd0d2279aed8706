package secretsmanager

import "github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"

// Every operation on one secret starts the same way: decode the input,
// check what AWS checks before it looks anything up, lock the store and
// find the secret by name or ARN. smOnSecret does that once.

// smSecretID is the SecretId that names the secret an operation acts on;
// the inputs of such operations embed it.
type smSecretID struct {
	SecretId string
}

func (in *smSecretID) secretID() string { return in.SecretId }

// smSecretRequest is the input of an operation on one secret.
type smSecretRequest interface {
	secretID() string
}

// smValidator is a smSecretRequest with checks that come before the
// lookup, so that an invalid request fails as invalid even when the
// secret does not exist, as in AWS.
type smValidator interface {
	validate() error
}

// smFinder finds the secret that a SecretId names: (*smState).find, or
// (*smState).findLive for operations that a secret scheduled for deletion
// refuses.
type smFinder func(st *smState, c *protocol.Call, id string) (*smSecret, error)

// smOnSecret serves an operation on one secret: it decodes the request
// into in, validates it, finds the secret with find and runs op with the
// store locked.
func smOnSecret(c *protocol.Call, in smSecretRequest, find smFinder, op func(st *smState, s *smSecret) (any, error)) (any, error) {
	if err := c.Decode(in); err != nil {
		return nil, err
	}
	if v, ok := in.(smValidator); ok {
		if err := v.validate(); err != nil {
			return nil, err
		}
	}
	st := smStore(c)
	defer st.mu.Unlock()
	s, err := find(st, c, in.secretID())
	if err != nil {
		return nil, err
	}
	return op(st, s)
}

// smValueInput is the new value that CreateSecret, PutSecretValue and
// UpdateSecret take, with the token that names its version.
type smValueInput struct {
	ClientRequestToken string
	SecretString       *string
	SecretBinary       []byte

	// token is ClientRequestToken, or a new one when the caller sent none;
	// check sets it.
	token string
}

// check validates the token and the value, which required says the
// operation needs, and sets token.
func (in *smValueInput) check(required bool) error {
	token, err := smToken(in.ClientRequestToken)
	if err != nil {
		return err
	}
	in.token = token
	return smCheckValue(in.SecretString, in.SecretBinary, required)
}

// hasValue reports whether the request carries a value.
func (in *smValueInput) hasValue() bool {
	return in.SecretString != nil || in.SecretBinary != nil
}
