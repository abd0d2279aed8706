package protocol

// Service is one emulated AWS service: how its requests are routed and
// encoded, and a handler for each operation. The table of every service
// the emulator serves is in local/awsemu/services.go.
type Service struct {
	// Name is the signing name, which the SDK puts in the credential
	// scope of the Authorization header.
	Name string
	// Protocol is how requests and responses are encoded.
	Protocol Protocol
	// Namespace is the XML namespace of query responses.
	Namespace string
	// Version is the API version that query-protocol requests send in
	// their Version parameter; it routes unsigned requests, such as those
	// of `aws --no-sign-request`.
	Version string
	// TargetPrefix is the part before the dot in the X-Amz-Target header
	// of JSON-protocol requests; it routes unsigned requests.
	TargetPrefix string
	// Operations maps operation names to handlers.
	Operations map[string]Handler
}

// Handler serves one operation. It returns the result shape (an
// XML-tagged struct for query protocols, a JSON-tagged value for JSON
// protocols) or an error, preferably *APIError.
type Handler func(c *Call) (any, error)

// Protocol is an AWS wire protocol.
type Protocol int

// The wire protocols the emulator speaks.
const (
	Query    Protocol = iota // awsQuery: IAM, STS, Redshift
	EC2Query                 // ec2Query: EC2
	JSON11                   // awsJson1_1: Secrets Manager, Redshift Serverless, Redshift Data
)
