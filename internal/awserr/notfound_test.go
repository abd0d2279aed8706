package awserr

import (
	"errors"
	"fmt"
	"testing"

	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	rsstypes "github.com/aws/aws-sdk-go-v2/service/redshiftserverless/types"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/smithy-go"
)

func TestIsNotFound(t *testing.T) {
	tests := map[string]struct {
		err  error
		want bool
	}{
		"nil":                   {err: nil},
		"NotFoundError":         {err: &NotFoundError{Kind: "IAM role", ID: "r"}, want: true},
		"wrapped NotFoundError": {err: fmt.Errorf("x: %w", &NotFoundError{Kind: "secret", ID: "s"}), want: true},
		"IAM NoSuchEntity":      {err: fmt.Errorf("x: %w", &iamtypes.NoSuchEntityException{}), want: true},
		"Secrets Manager":       {err: &smtypes.ResourceNotFoundException{}, want: true},
		"Redshift Serverless":   {err: &rsstypes.ResourceNotFoundException{}, want: true},
		"EC2 code":              {err: &smithy.GenericAPIError{Code: "InvalidVpcEndpointId.NotFound"}, want: true},
		"EC2 other code":        {err: &smithy.GenericAPIError{Code: "InvalidParameterValue"}},
		"IAM conflict":          {err: &iamtypes.DeleteConflictException{}},
		"plain error":           {err: errors.New("NoSuchEntity")},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := IsNotFound(tc.err); got != tc.want {
				t.Errorf("IsNotFound(%v) = %t, want %t", tc.err, got, tc.want)
			}
		})
	}
}

func TestNotFound(t *testing.T) {
	cause := &iamtypes.NoSuchEntityException{}
	err := NotFound("IAM role", "r", cause)
	var nf *NotFoundError
	if !errors.As(err, &nf) || nf.Kind != "IAM role" || nf.ID != "r" || !errors.Is(err, cause) {
		t.Errorf("NotFound = %#v, want a *NotFoundError for IAM role r wrapping the cause", err)
	}
	other := errors.New("throttled")
	if got := NotFound("IAM role", "r", other); got != other {
		t.Errorf("NotFound(other) = %v, want the error unchanged", got)
	}
	if NotFound("IAM role", "r", nil) != nil {
		t.Error("NotFound(nil) is not nil")
	}
}
