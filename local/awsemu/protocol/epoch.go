package protocol

import "time"

// Epoch is a timestamp as awsJson1_1 encodes it: seconds since the Unix
// epoch, with milliseconds.
type Epoch float64

// EpochOf is t as an Epoch, or nil for the zero time, so that an unset
// timestamp is left out of a JSON result.
func EpochOf(t time.Time) *Epoch {
	if t.IsZero() {
		return nil
	}
	v := Epoch(float64(t.UnixMilli()) / 1000)
	return &v
}
