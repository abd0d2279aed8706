package customresource

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/redshift-data-access/redshift-data-access/internal/retry"
)

// maxSendAttempts bounds the PUTs of one response.
const maxSendAttempts = 5

// sendAttemptTimeout bounds one PUT, so that a stalled connection leaves
// time for the next attempt before the deadline.
const sendAttemptTimeout = 10 * time.Second

// sendReserve is how long before the invocation's deadline the send gives
// up, so that HandleEvent logs the outcome and returns while Lambda still
// runs it. With DefaultDeadlineMargin the worst case is: the FAILED PUT
// starts 15 s before the deadline, a stalled first attempt ends 5 s before
// it, and the retries share the 4 s left before the reserve. A handler
// with a shorter margin reserves at most half of it, so that its send
// still has time.
const sendReserve = time.Second

// defaultBackoff waits about 0.2, 0.4, 0.8 and 1.6 s between the five
// attempts: well inside the deadline margin.
var defaultBackoff = retry.Backoff{First: 200 * time.Millisecond, Max: 2 * time.Second}

// statusError is a response PUT answered with a status other than 200.
type statusError struct {
	code int
}

func (e *statusError) Error() string {
	return fmt.Sprintf("the ResponseURL answered HTTP %d", e.code)
}

// isPermanent reports whether retrying the PUT, or the whole invocation,
// cannot help: S3 answered, and refused (an expired or altered signature is
// a 403).
func isPermanent(err error) bool {
	var se *statusError
	return errors.As(err, &se) && se.code < 500
}

// newDefaultHTTPClient returns the client for the PUT. It does not follow
// redirects: a validated ResponseURL must not lead the body elsewhere.
func newDefaultHTTPClient() *http.Client {
	return &http.Client{
		Timeout: sendAttemptTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// withoutURL strips the URL that net/http puts in its errors: the
// ResponseURL's query string is a signature that grants write access.
func withoutURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}
