package secretsmanager

import "github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"

// Every operation on one secret starts the same way: decode the input,
// check what AWS checks before it looks anything up, lock the store and
// find the secret by name or ARN. onSecret does that once.

// secretIDField is the SecretId that names the secret an operation acts on;
// the inputs of such operations embed it.
type secretIDField struct {
	SecretId string
}

func (in *secretIDField) secretID() string { return in.SecretId }

// secretRequest is the input of an operation on one secret.
type secretRequest interface {
	secretID() string
}

// validator is a secretRequest with checks that come before the
// lookup, so that an invalid request fails as invalid even when the
// secret does not exist, as in AWS.
type validator interface {
	validate() error
}

// finder finds the secret that a SecretId names: (*state).find, or
// (*state).findLive for operations that a secret scheduled for deletion
// refuses.
type finder func(st *state, c *protocol.Call, id string) (*secret, error)

// onSecret serves an operation on one secret: it decodes the request
// into in, validates it, finds the secret with find and runs op with the
// store locked.
func onSecret(c *protocol.Call, in secretRequest, find finder, op func(st *state, s *secret) (any, error)) (any, error) {
	if err := c.Decode(in); err != nil {
		return nil, err
	}
	if v, ok := in.(validator); ok {
		if err := v.validate(); err != nil {
			return nil, err
		}
	}
	st := store(c)
	defer st.mu.Unlock()
	s, err := find(st, c, in.secretID())
	if err != nil {
		return nil, err
	}
	return op(st, s)
}

// valueInput is the new value that CreateSecret, PutSecretValue and
// UpdateSecret take, with the token that names its version.
type valueInput struct {
	ClientRequestToken string
	SecretString       *string
	SecretBinary       []byte

	// token is ClientRequestToken, or a new one when the caller sent none;
	// check sets it.
	token string
}

// check validates the token and the value, which required says the
// operation needs, and sets token.
func (in *valueInput) check(required bool) error {
	token, err := token(in.ClientRequestToken)
	if err != nil {
		return err
	}
	in.token = token
	return checkValue(in.SecretString, in.SecretBinary, required)
}

// hasValue reports whether the request carries a value.
func (in *valueInput) hasValue() bool {
	return in.SecretString != nil || in.SecretBinary != nil
}
