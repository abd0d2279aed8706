package secret

import (
	"encoding/json"
	"fmt"
	"reflect"
)

// credentials is the secret value in the shape the Redshift console and
// the Data API expect. Field order is the order of the JSON.
type credentials struct {
	Username            string `json:"username"`
	Password            string `json:"password"`
	Engine              string `json:"engine,omitempty"`
	DBClusterIdentifier string `json:"dbClusterIdentifier,omitempty"`
	Host                string `json:"host,omitempty"`
	Port                int    `json:"port,omitempty"`
	DBName              string `json:"dbname,omitempty"`
}

// credentialsFor returns the secret value for p with password: for a
// cluster username, password, engine, dbClusterIdentifier and the optional
// host, port and dbname; for a workgroup username, password and the
// optional dbname.
func credentialsFor(p Properties, password string) credentials {
	c := credentials{Username: p.Username, Password: password, DBName: p.Database}
	if p.ClusterIdentifier != "" {
		c.Engine = "redshift"
		c.DBClusterIdentifier = p.ClusterIdentifier
		c.Host = p.Host
		c.Port = p.Port
	}
	return c
}

func (c credentials) String() string {
	// Never print the password, whatever formats a credentials value.
	return fmt.Sprintf("credentials for user %s", c.Username)
}

// encode returns the secret string.
func (c credentials) encode() (string, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("encoding the secret value for user %s: %w", c.Username, err)
	}
	return string(b), nil
}

// storedValue is a secret string as read back, decoded as a JSON object.
type storedValue map[string]any

// decodeStored decodes a secret string. A value that is not a JSON object
// (someone changed the secret by hand) decodes as an empty one, so that
// the next write replaces it.
func decodeStored(s string) storedValue {
	var v storedValue
	if err := json.Unmarshal([]byte(s), &v); err != nil || v == nil {
		return storedValue{}
	}
	return v
}

// password returns the stored password, or "".
func (v storedValue) password() string {
	s, _ := v["password"].(string)
	return s
}

// equal reports whether the stored value has exactly the fields of c.
func (v storedValue) equal(c credentials) bool {
	s, err := c.encode()
	if err != nil {
		return false
	}
	return reflect.DeepEqual(v, decodeStored(s))
}
