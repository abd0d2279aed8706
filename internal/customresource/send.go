package customresource

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"time"
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
var defaultBackoff = backoff{first: 200 * time.Millisecond, max: 2 * time.Second}

// backoff is jittered exponential backoff.
type backoff struct {
	first, max time.Duration
}

// delay is the wait before retry n (1 for the first retry): a random
// duration between half and all of first*2^(n-1), capped at max. The jitter
// spreads the retries of functions that failed together.
func (b backoff) delay(n int) time.Duration {
	d := b.first
	for i := 1; i < n && d < b.max; i++ {
		d *= 2
	}
	d = min(d, b.max)
	if d <= 1 {
		return d
	}
	return d/2 + rand.N(d/2)
}

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

// send PUTs body to responseURL, retrying network errors and 5xx with
// jittered backoff up to maxSendAttempts, and never 4xx. The send as a
// whole ends sendReserve (or half the margin) before ctx's deadline. It
// returns the number of attempts made. Its errors never contain the URL.
func (h *Handler) send(ctx context.Context, responseURL string, body []byte) (int, error) {
	if deadline, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, deadline.Add(-min(sendReserve, h.margin/2)))
		defer cancel()
	}
	var err error
	for attempt := 1; attempt <= maxSendAttempts; attempt++ {
		if attempt > 1 {
			t := time.NewTimer(h.backoff.delay(attempt - 1))
			select {
			case <-ctx.Done():
				t.Stop()
				return attempt - 1, fmt.Errorf("sending the response: %w (after: %w)", ctx.Err(), err)
			case <-t.C:
			}
		}
		err = h.put(ctx, responseURL, body)
		if err == nil || isPermanent(err) {
			return attempt, err
		}
	}
	return maxSendAttempts, fmt.Errorf("sending the response: giving up after %d attempts: %w", maxSendAttempts, err)
}

// put makes one attempt, bounded by sendAttemptTimeout whatever the
// client. Like cfn.Response.Send it sets no Content-Type: the pre-signed
// URL was signed without one.
func (h *Handler) put(ctx context.Context, responseURL string, body []byte) error {
	ctx, cancel := context.WithTimeout(ctx, sendAttemptTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, responseURL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("building the response request: %w", withoutURL(err))
	}
	req.Header.Del("Content-Type")
	res, err := h.client.Do(req)
	if err != nil {
		return fmt.Errorf("putting the response: %w", withoutURL(err))
	}
	defer res.Body.Close()
	// Drain the body so the connection can be reused by a retry.
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	if res.StatusCode != http.StatusOK {
		return &statusError{code: res.StatusCode}
	}
	return nil
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
