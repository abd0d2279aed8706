// Package awsemu is an in-memory AWS for tests and for `make run`: it
// speaks the real wire protocols, so unmodified aws-sdk-go-v2 clients and
// the AWS CLI (with --endpoint-url) work against it.
//
// It emulates the operations the custom resources call, with AWS's
// semantics and error codes: IAM and STS (query/XML), EC2 (ec2 query),
// Redshift (query/XML), and Secrets Manager, Redshift Serverless and the
// Redshift Data API (JSON 1.1). Two accounts, AccountA and AccountB, keep
// separate state; the access keys AccessKeyA and AccessKeyB act as their
// administrators, and STS AssumeRole issues keys for role sessions.
//
// In a test:
//
//	srv := awsemu.Start()
//	defer srv.Close()
//	client := iam.NewFromConfig(srv.Config(awsemu.AccountA))
//
// Tests inject faults per service and operation (InjectFault, Throttle,
// ServerError, added latency), delay the visibility of new IAM principals
// (SetIAMPropagationDelay) and control time (WithClock). The command
// local/cmd/awsemu serves an emulator on loopback; docs/emulator.md shows
// the AWS CLI against it.
//
// # Layout
//
// This package is the server and what its clients use:
//
//   - services.go: the table of every service and operation served, the
//     only place that lists them. A request for anything else fails as
//     AWS fails an unknown action.
//   - emulator.go: the server core: New, options, routing a request to
//     its service and operation, authentication by access key.
//   - faults.go: injected faults and the /_emulator/ control API.
//   - control.go: the controls and read-backs that tests use beyond the
//     AWS APIs (IAM propagation delay, VPC endpoint behaviour, Data API
//     statement delay), each forwarding to its service's package.
//   - client.go: Config for SDK clients, and Start/Server for tests.
//
// The sub-packages are the protocol layer and one package per service:
//
//   - protocol: what every service shares: Call (one decoded request),
//     Identity, APIError, query parameters, JSON paging, the encoders of
//     the awsQuery, ec2Query and awsJson1_1 responses and errors, and Env,
//     the state of one emulator (region, clock, identities and each
//     service's own state, see protocol.State).
//   - iam, sts, secretsmanager, ec2: one service each.
//   - redshift, redshiftserverless, redshiftdata: the three Redshift APIs.
//     redshift/sqldb is the simulated database inside a cluster or
//     namespace (users, the SQL statements the Data API runs), which all
//     three use.
//   - internal/redshifttest: helpers that the tests of the three Redshift
//     packages share.
//
// Authorization: the Data API, secretsmanager:GetSecretValue, the Redshift
// credential operations and sts:AssumeRole are allowed only when the
// caller's identity-based policies (and, for AssumeRole, the role's trust
// policy) allow them, as local/iampolicy evaluates them. iam.Authorize
// (iam/authorize.go) is the one place that collects a caller's policies
// and builds the request; account roots are allowed everything. The
// Data API also authorizes, as the caller, the login it makes:
// GetSecretValue, GetClusterCredentials(WithIAM) or serverless
// GetCredentials. SetOrganization gives an account's principals an
// aws:PrincipalOrgID.
//
// Services reach each other only through small exported functions of the
// owning package: STS asks iam.AuthorizeAssumeRole; the Data API reads
// secrets with secretsmanager.ReadSecretString and finds databases with
// redshift.ClusterDB and redshiftserverless.WorkgroupDB.
//
// A new operation of an existing service is a function
// func(*protocol.Call) (any, error) in the service's package, exported
// under the operation's name, and one line in the service's entry in
// services.go. A new service is a new sub-package with its handlers and
// its state (kept with protocol.State under the service's name), and a new
// entry in services.go with its signing name, protocol, XML namespace or
// X-Amz-Target prefix, and API version.
package awsemu
