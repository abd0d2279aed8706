// Package protocol is what every emulated service shares: Call, one
// decoded request with its caller's Identity; APIError and the helpers
// that build it; QueryParams, the form parameters of the query protocols;
// Page, the paging of JSON list operations; WriteResult and WriteError,
// the encoders of awsQuery, ec2Query and awsJson1_1 responses; Service,
// an entry of the emulator's table of services; and Env, the state of one
// emulator (region, clock, identities, and each service's own state
// through State).
package protocol
