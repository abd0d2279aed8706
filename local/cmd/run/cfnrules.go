package main

import (
	"errors"
	"fmt"
	"slices"

	"github.com/aws/aws-lambda-go/cfn"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/local/lifecycle"
)

// checkResponse applies CloudFormation's rules for a custom resource's
// response to ev: the IDs echoed, a physical ID of 1 to 1024 bytes, a
// Reason on FAILED, string attributes, and a PUT of at most 4096 bytes
// with an empty Content-Type. recorded are the PUTs the driver received.
func checkResponse(ev cfn.Event, resp cfn.Response, recorded []lifecycle.Recorded) error {
	var errs []error
	if resp.StackID != ev.StackID || resp.RequestID != ev.RequestID || resp.LogicalResourceID != ev.LogicalResourceID {
		errs = append(errs, errors.New("StackId, RequestId and LogicalResourceId are not echoed verbatim"))
	}
	if n := len(resp.PhysicalResourceID); n == 0 || n > customresource.MaxPhysicalIDBytes {
		errs = append(errs, fmt.Errorf("physical ID of %d bytes, CloudFormation needs 1 to %d", n, customresource.MaxPhysicalIDBytes))
	}
	if resp.Status == cfn.StatusFailed && resp.Reason == "" {
		errs = append(errs, errors.New("FAILED without a Reason"))
	}
	for k, v := range resp.Data {
		if _, ok := v.(string); !ok {
			errs = append(errs, fmt.Errorf("attribute %s is a %T, not a string", k, v))
		}
	}
	i := slices.IndexFunc(recorded, func(r lifecycle.Recorded) bool { return r.Response.RequestID == ev.RequestID })
	if i >= 0 {
		if n := len(recorded[i].Body); n > customresource.MaxResponseBytes {
			errs = append(errs, fmt.Errorf("response body of %d bytes, the limit is %d", n, customresource.MaxResponseBytes))
		}
		if ct := recorded[i].ContentType; ct != "" {
			errs = append(errs, fmt.Errorf("Content-Type %q, a pre-signed ResponseURL needs it empty", ct))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%w: %w", errOutcome, err)
	}
	return nil
}
