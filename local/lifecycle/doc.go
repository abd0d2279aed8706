// Package lifecycle drives a custom resource through the requests
// CloudFormation sends it, without CloudFormation: it builds
// CloudFormation-shaped events, serves their ResponseURLs on a loopback
// server, records every response, and runs the contract that every
// resource of this product must pass (RunContract).
//
// The handler under test must accept loopback ResponseURLs
// (customresource.WithAllowLocalResponseURL, or the
// CUSTOM_RESOURCE_ALLOW_LOCAL_RESPONSE_URL environment variable for built
// functions).
package lifecycle
