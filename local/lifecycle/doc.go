// Package lifecycle drives a custom resource through the requests
// CloudFormation sends it, without CloudFormation: it builds
// CloudFormation-shaped events, serves their ResponseURLs on a loopback
// server, records every response, and runs the contract that every
// resource of this product must pass (RunContract). For a resource that
// grants access, the contract's Access hook shows the grant at work:
// access.go has what such hooks use (AssumeRole, SelectOne, which runs
// SELECT 1 through the Data API, and IsAccessDenied).
//
// The handler under test must accept loopback ResponseURLs
// (customresource.WithAllowLocalResponseURL, or the
// CUSTOM_RESOURCE_ALLOW_LOCAL_RESPONSE_URL environment variable for built
// functions).
package lifecycle
