package protocol

import (
	"fmt"
	"net/http"
)

// APIError is an AWS error response. Code is the error code the SDK
// exposes through smithy.APIError.ErrorCode().
type APIError struct {
	Status  int    // HTTP status, 400 when zero
	Code    string // for example NoSuchEntity
	Message string
	// Receiver marks a server-side fault (<Type>Receiver</Type> in query
	// protocols); Status should then be 5xx.
	Receiver bool
}

func (e *APIError) Error() string { return e.Code + ": " + e.Message }

// Errorf builds a client-side APIError with HTTP status 400.
func Errorf(code, format string, args ...any) *APIError {
	return &APIError{Status: http.StatusBadRequest, Code: code, Message: fmt.Sprintf(format, args...)}
}

// NotFoundf builds an APIError with HTTP status 404, as IAM uses for
// NoSuchEntity.
func NotFoundf(code, format string, args ...any) *APIError {
	return &APIError{Status: http.StatusNotFound, Code: code, Message: fmt.Sprintf(format, args...)}
}

// Conflictf builds an APIError with HTTP status 409, as IAM uses for
// EntityAlreadyExists and DeleteConflict.
func Conflictf(code, format string, args ...any) *APIError {
	return &APIError{Status: http.StatusConflict, Code: code, Message: fmt.Sprintf(format, args...)}
}
