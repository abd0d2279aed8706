package customresource

import (
	"regexp"
)

// failedCreatePrefix starts every failed-Create marker. No AWS ARN or ID
// starts with it, so a marker is never mistaken for a real resource.
const failedCreatePrefix = "redshift-data-access-failed-create-"

var markerPattern = regexp.MustCompile(`^` + failedCreatePrefix + `[0-9a-f]{16}$`)

// FailedCreateMarker is the physical ID returned for a failed Create: a
// recognisable prefix and a hash of the request ID. CloudFormation sends a
// Delete for it while rolling back; the handler answers that Delete with
// SUCCESS without calling the resource, since nothing was created.
func FailedCreateMarker(requestID string) string {
	return failedCreatePrefix + ShortHash(requestID, 16)
}

// IsFailedCreateMarker reports whether id is a marker that
// FailedCreateMarker returns.
func IsFailedCreateMarker(id string) bool {
	return markerPattern.MatchString(id)
}
