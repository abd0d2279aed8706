package protocol

import "strconv"

// MaxResults is the page size limit, and the default, of the JSON
// services' list operations that the emulator implements.
const MaxResults = 100

// Page applies the maxResults and nextToken of a JSON list request
// to items. The token is the decimal offset of the next item; AWS's
// tokens are opaque, so callers only pass back what they received.
func Page[T any](items []T, maxResults int, nextToken string) (page []T, next string, err error) {
	if maxResults == 0 {
		maxResults = MaxResults
	}
	if maxResults < 1 || maxResults > MaxResults {
		return nil, "", Errorf("ValidationException", "maxResults must be between 1 and %d.", MaxResults)
	}
	start := 0
	if nextToken != "" {
		start, err = strconv.Atoi(nextToken)
		if err != nil || start < 0 || start > len(items) {
			return nil, "", Errorf("ValidationException", "Invalid nextToken.")
		}
	}
	end := min(start+maxResults, len(items))
	if end < len(items) {
		next = strconv.Itoa(end)
	}
	return items[start:end], next, nil
}
