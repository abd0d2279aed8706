// Package endpoint implements the Custom::RedshiftDataApiEndpoint resource:
// an interface VPC endpoint (AWS PrivateLink) for the Redshift Data API,
// com.amazonaws.<region>.redshift-data by default, with private DNS so that
// applications in the VPC reach the Data API at its standard hostname.
//
// Create checks the subnets (at most one per Availability Zone) and, for
// private DNS, the VPC's enableDnsSupport and enableDnsHostnames
// attributes before it creates anything; it creates the endpoint with a
// client token derived from the request, so a duplicate delivery converges
// on the same endpoint, and waits until it is available. An endpoint that
// does not become available in time is deleted again before Create fails,
// because CloudFormation only ever sends a Delete for the failed Create's
// marker, never for the endpoint.
//
// Update changes subnets, security groups, private DNS, the policy, the IP
// address type (with the type of its DNS records) and tags in place; a new
// VpcId or ServiceName creates a replacement. IpAddressType changes in
// place, not by replacement, on purpose: a new endpoint for the same
// service in the same VPC could not take the private DNS name the old one
// holds until CloudFormation's cleanup. Delete deletes the endpoint and
// waits until it is gone.
package endpoint
