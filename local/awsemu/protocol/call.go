package protocol

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"strings"
)

// Identity is the principal behind a request.
type Identity struct {
	Account string
	// Arn is the caller's ARN as STS GetCallerIdentity reports it, for
	// example arn:aws:iam::111111111111:root or
	// arn:aws:sts::222222222222:assumed-role/Name/session.
	Arn string
	// UserID is GetCallerIdentity's UserId.
	UserID string
	// RoleArn is the IAM role ARN behind an assumed-role session.
	RoleArn string
}

// Call is one decoded API request, as a service handler sees it.
type Call struct {
	Service   string // signing name: iam, sts, secretsmanager, ec2, redshift, redshift-serverless, redshift-data
	Operation string // for example CreateRole
	Region    string
	Caller    Identity
	RequestID string
	// Query holds the form parameters of query-protocol requests
	// (IAM, STS, EC2, Redshift).
	Query QueryParams
	// Body is the JSON body of JSON-protocol requests.
	Body []byte
	// Env gives handlers access to the emulator's shared state, such as
	// the clock, the identity registry and each service's own state.
	Env *Env
}

// Account is the caller's account ID.
func (c *Call) Account() string { return c.Caller.Account }

// Partition is the ARN partition of the request's region.
func (c *Call) Partition() string { return PartitionOf(c.Region) }

// PartitionOf is the ARN partition of region: aws-cn for the China
// regions, aws-us-gov for GovCloud, aws otherwise.
func PartitionOf(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

// NewRequestID returns a random ID in the UUID format AWS uses for
// request IDs; services also use it for the IDs of what they create.
func NewRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// Decode unmarshals the JSON body of a JSON-protocol request into v. An
// empty body decodes as {}.
func (c *Call) Decode(v any) error {
	if len(bytes.TrimSpace(c.Body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(c.Body, v); err != nil {
		return Errorf("SerializationException", "cannot decode request body: %v", err)
	}
	return nil
}

// Account IDs of the two accounts the emulator serves. AccountA is the
// default account; AccountB owns resources in cross-account scenarios.
const (
	AccountA = "111111111111"
	AccountB = "222222222222"
)

// RootIdentity is the identity of the root user of account in partition,
// the administrator that the emulator's own access keys act as.
func RootIdentity(partition, account string) Identity {
	return Identity{Account: account, Arn: "arn:" + partition + ":iam::" + account + ":root", UserID: account}
}

// DNSSuffix is the domain of AWS's DNS names in region's partition.
func DNSSuffix(region string) string {
	if strings.HasPrefix(region, "cn-") {
		return "amazonaws.com.cn"
	}
	return "amazonaws.com"
}
