package awsemu

import (
	"errors"
	"testing"

	"github.com/aws/smithy-go"
)

// The tests of this package exercise what spans services (faults, ARN
// partitions, the CLI's request shapes, the comparison with another
// emulator); each service's own tests are in its package.

// errorCode returns the AWS error code of err, or "" for nil.
func errorCode(err error) string {
	if err == nil {
		return ""
	}
	var ae interface{ ErrorCode() string }
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return "not an API error: " + err.Error()
}

// iamErrCode is the AWS error code of err, or "" when err is nil.
func iamErrCode(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error %v is not an AWS API error", err)
	}
	return apiErr.ErrorCode()
}
