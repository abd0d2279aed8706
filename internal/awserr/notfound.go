// Package awserr classifies the errors of the AWS calls the product makes,
// so that every resource reads them the same way.
//
// Not-found has one convention: a finder (a function that looks one AWS
// resource up) returns a *NotFoundError when the resource does not exist,
// never a nil result with a nil error; callers test for it with IsNotFound
// (or errors.As), which also recognises the services' own not-found
// exceptions for the calls that are not finders (a Delete of something
// already gone, for instance).
package awserr

import (
	"errors"
	"fmt"
	"strings"

	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	rsstypes "github.com/aws/aws-sdk-go-v2/service/redshiftserverless/types"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/smithy-go"
)

// NotFoundError says that an AWS resource does not exist.
type NotFoundError struct {
	// Kind says what was looked up ("IAM role", "secret", "VPC endpoint").
	Kind string
	// ID is the name, ARN or ID it was looked up by.
	ID string
	// Err is the service's error, if there was one: a finder that lists
	// and finds nothing has none.
	Err error
}

func (e *NotFoundError) Error() string {
	msg := fmt.Sprintf("%s %s does not exist", e.Kind, e.ID)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *NotFoundError) Unwrap() error { return e.Err }

// NotFound returns a *NotFoundError for kind and id when err says the
// resource does not exist (see IsNotFound), and err otherwise.
func NotFound(kind, id string, err error) error {
	if err == nil || !IsNotFound(err) {
		return err
	}
	var nf *NotFoundError
	if errors.As(err, &nf) {
		return err
	}
	return &NotFoundError{Kind: kind, ID: id, Err: err}
}

// IsNotFound reports whether err says an AWS resource does not exist: a
// *NotFoundError, IAM's NoSuchEntity, Secrets Manager's or Redshift
// Serverless's ResourceNotFound, or an EC2 error whose code ends in
// ".NotFound" (InvalidVpcEndpointId.NotFound, InvalidSubnetID.NotFound ...).
func IsNotFound(err error) bool {
	if err == nil {
		return false
	}
	var (
		nf    *NotFoundError
		iamNF *iamtypes.NoSuchEntityException
		smNF  *smtypes.ResourceNotFoundException
		rsNF  *rsstypes.ResourceNotFoundException
		api   smithy.APIError
	)
	switch {
	case errors.As(err, &nf), errors.As(err, &iamNF), errors.As(err, &smNF), errors.As(err, &rsNF):
		return true
	case errors.As(err, &api):
		return strings.HasSuffix(api.ErrorCode(), ".NotFound")
	}
	return false
}
