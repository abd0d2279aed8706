package customresource

import (
	"errors"
	"net"
	"net/url"
	"regexp"
	"strings"
)

// ErrResponseURL is the kind of error ValidateResponseURL returns.
var ErrResponseURL = errors.New("invalid ResponseURL")

// responseBucket matches the names of CloudFormation's response buckets,
// for example cloudformation-custom-resource-response-useast1. AWS
// documents the region part without dashes; dashes are accepted anyway,
// because rejecting a real ResponseURL leaves the stack waiting for an
// answer that never comes.
const responseBucket = `cloudformation-custom-resource-response-[a-z0-9-]+`

// s3Endpoint matches the S3 endpoints a pre-signed URL uses: the global
// endpoint, the regional ones in both the dot and the legacy dash form,
// FIPS and dual-stack, in the DNS domains of every AWS partition: aws and
// aws-us-gov (amazonaws.com), aws-cn (amazonaws.com.cn), the isolated
// partitions and the European Sovereign Cloud.
const s3Endpoint = `s3(-fips)?(\.dualstack)?([.-][a-z0-9-]+)?\.` + partitionDomain

// partitionDomain matches the DNS suffixes of the AWS partitions.
const partitionDomain = `(amazonaws\.com|amazonaws\.com\.cn|c2s\.ic\.gov|sc2s\.sgov\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov|amazonaws\.eu)`

var (
	virtualHostStyle = regexp.MustCompile(`^` + responseBucket + `\.` + s3Endpoint + `$`)
	pathStyleHost    = regexp.MustCompile(`^` + s3Endpoint + `$`)
	pathStyleBucket  = regexp.MustCompile(`^/` + responseBucket + `/`)
)

// ValidateResponseURL checks that raw is a URL CloudFormation issues for
// responses: https, no user info, the default port, and an S3 host of the
// CloudFormation response buckets (virtual-host or path style). With
// allowLocal, http and https URLs on loopback hosts pass too. The error
// never contains the URL, which is a write credential.
func ValidateResponseURL(raw string, allowLocal bool) error {
	u, err := url.Parse(raw)
	if err != nil {
		return errors.Join(ErrResponseURL, errors.New("the ResponseURL does not parse as a URL"))
	}
	if u.User != nil {
		return errors.Join(ErrResponseURL, errors.New("the ResponseURL carries user information"))
	}
	host := strings.ToLower(u.Hostname())
	if allowLocal && isLoopback(host) && (u.Scheme == "http" || u.Scheme == "https") {
		return nil
	}
	if u.Scheme != "https" {
		return errors.Join(ErrResponseURL, errors.New("the ResponseURL is not https"))
	}
	if p := u.Port(); p != "" && p != "443" {
		return errors.Join(ErrResponseURL, errors.New("the ResponseURL has a non-default port"))
	}
	if virtualHostStyle.MatchString(host) {
		return nil
	}
	if pathStyleHost.MatchString(host) && pathStyleBucket.MatchString(u.EscapedPath()) {
		return nil
	}
	return errors.Join(ErrResponseURL, errors.New("the ResponseURL's host is not a CloudFormation response bucket on S3"))
}

// isLoopback reports whether host names this machine.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
