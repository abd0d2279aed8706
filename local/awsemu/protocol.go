package awsemu

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
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

// QueryParams are the decoded form parameters of a query-protocol request.
type QueryParams url.Values

// Get returns the first value of key.
func (q QueryParams) Get(key string) string { return url.Values(q).Get(key) }

// Has reports whether key was sent.
func (q QueryParams) Has(key string) bool { _, ok := q[key]; return ok }

// Int returns key as an integer, or def when absent.
func (q QueryParams) Int(key string, def int) (int, error) {
	v := q.Get(key)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, Errorf("ValidationError", "invalid value for %s: %q", key, v)
	}
	return n, nil
}

// Bool returns key as a boolean, or def when absent.
func (q QueryParams) Bool(key string, def bool) bool {
	switch strings.ToLower(q.Get(key)) {
	case "true":
		return true
	case "false":
		return false
	}
	return def
}

// List returns the values of an awsQuery list (prefix.member.1,
// prefix.member.2, ...) or an ec2Query list (prefix.1, prefix.2, ...), in
// index order.
func (q QueryParams) List(prefix string) []string {
	type kv struct {
		i int
		v string
	}
	var items []kv
	for k, vs := range q {
		rest, ok := strings.CutPrefix(k, prefix+".")
		if !ok {
			continue
		}
		rest = strings.TrimPrefix(rest, "member.")
		i, err := strconv.Atoi(rest)
		if err != nil || len(vs) == 0 {
			continue
		}
		items = append(items, kv{i, vs[0]})
	}
	sort.Slice(items, func(a, b int) bool { return items[a].i < items[b].i })
	out := make([]string, len(items))
	for n, it := range items {
		out[n] = it.v
	}
	return out
}

// Structs returns the members of a list of structures (prefix.member.N.Field
// or prefix.N.Field), each as a map from field name to value, in index
// order.
func (q QueryParams) Structs(prefix string) []map[string]string {
	byIndex := map[int]map[string]string{}
	for k, vs := range q {
		rest, ok := strings.CutPrefix(k, prefix+".")
		if !ok || len(vs) == 0 {
			continue
		}
		rest = strings.TrimPrefix(rest, "member.")
		idx, field, ok := strings.Cut(rest, ".")
		if !ok {
			continue
		}
		i, err := strconv.Atoi(idx)
		if err != nil {
			continue
		}
		if byIndex[i] == nil {
			byIndex[i] = map[string]string{}
		}
		byIndex[i][field] = vs[0]
	}
	idx := make([]int, 0, len(byIndex))
	for i := range byIndex {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	out := make([]map[string]string, len(idx))
	for n, i := range idx {
		out[n] = byIndex[i]
	}
	return out
}

func parseQuery(body []byte, rawQuery string) (QueryParams, error) {
	v, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, err
	}
	if rawQuery != "" {
		extra, err := url.ParseQuery(rawQuery)
		if err != nil {
			return nil, err
		}
		for k, vs := range extra {
			v[k] = append(v[k], vs...)
		}
	}
	return QueryParams(v), nil
}

// Decode unmarshals the JSON body of a JSON-protocol request into v. An
// empty body decodes as {}.
func (c *Call) Decode(v any) error {
	if len(bytes.TrimSpace(c.Body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(c.Body, v); err != nil {
		return Errorf("SerializationException", "cannot decode request body: %v", err)
	}
	return nil
}

// jsonMaxResults is the page size limit, and the default, of the JSON
// services' list operations that the emulator implements.
const jsonMaxResults = 100

// jsonPage applies the maxResults and nextToken of a JSON list request
// to items. The token is the decimal offset of the next item; AWS's
// tokens are opaque, so callers only pass back what they received.
func jsonPage[T any](items []T, maxResults int, nextToken string) (page []T, next string, err error) {
	if maxResults == 0 {
		maxResults = jsonMaxResults
	}
	if maxResults < 1 || maxResults > jsonMaxResults {
		return nil, "", Errorf("ValidationException", "maxResults must be between 1 and %d.", jsonMaxResults)
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

func writeResult(w http.ResponseWriter, proto Protocol, ns string, c *Call, out any) {
	switch proto {
	case ProtocolJSON11:
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Header().Set("X-Amzn-Requestid", c.RequestID)
		if out == nil {
			out = struct{}{}
		}
		b, err := json.Marshal(out)
		if err != nil {
			writeError(w, proto, ns, c, &APIError{Status: 500, Code: "InternalFailure", Message: err.Error(), Receiver: true})
			return
		}
		_, _ = w.Write(b)
	case ProtocolQuery, ProtocolEC2Query:
		var buf bytes.Buffer
		buf.WriteString(xml.Header)
		fmt.Fprintf(&buf, `<%sResponse xmlns="%s">`, c.Operation, ns)
		if proto == ProtocolEC2Query {
			fmt.Fprintf(&buf, "<requestId>%s</requestId>", c.RequestID)
		}
		if out != nil {
			// ec2Query has no Result wrapper: the members are children of
			// the Response element.
			members, err := marshalMembers(out)
			if err != nil {
				writeError(w, proto, ns, c, &APIError{Status: 500, Code: "InternalFailure", Message: err.Error(), Receiver: true})
				return
			}
			if proto == ProtocolQuery {
				fmt.Fprintf(&buf, "<%sResult>%s</%sResult>", c.Operation, members, c.Operation)
			} else {
				buf.WriteString(members)
			}
		}
		if proto == ProtocolQuery {
			fmt.Fprintf(&buf, "<ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata>", c.RequestID)
		}
		fmt.Fprintf(&buf, "</%sResponse>", c.Operation)
		w.Header().Set("Content-Type", "text/xml")
		w.Header().Set("X-Amzn-Requestid", c.RequestID)
		_, _ = w.Write(buf.Bytes())
	}
}

// marshalMembers encodes the fields of struct v as a sequence of elements,
// without an enclosing element. Result structs must not have an XMLName
// field: the framework names the enclosing element.
func marshalMembers(v any) (string, error) {
	var buf bytes.Buffer
	enc := xml.NewEncoder(&buf)
	if err := enc.EncodeElement(v, xml.StartElement{Name: xml.Name{Local: "x"}}); err != nil {
		return "", err
	}
	if err := enc.Flush(); err != nil {
		return "", err
	}
	s := buf.String()
	if !strings.HasPrefix(s, "<x>") || !strings.HasSuffix(s, "</x>") {
		return "", fmt.Errorf("result %T must be a struct without XMLName", v)
	}
	return s[len("<x>") : len(s)-len("</x>")], nil
}

func writeError(w http.ResponseWriter, proto Protocol, ns string, c *Call, err error) {
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		apiErr = &APIError{Status: 500, Code: "InternalFailure", Message: err.Error(), Receiver: true}
	}
	status := apiErr.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	w.Header().Set("X-Amzn-Requestid", c.RequestID)
	switch proto {
	case ProtocolJSON11:
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Header().Set("X-Amzn-Errortype", apiErr.Code)
		w.WriteHeader(status)
		b, _ := json.Marshal(map[string]string{"__type": apiErr.Code, "message": apiErr.Message, "Message": apiErr.Message})
		_, _ = w.Write(b)
	case ProtocolEC2Query:
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		var buf bytes.Buffer
		buf.WriteString(xml.Header)
		buf.WriteString("<Response><Errors><Error><Code>")
		_ = xml.EscapeText(&buf, []byte(apiErr.Code))
		buf.WriteString("</Code><Message>")
		_ = xml.EscapeText(&buf, []byte(apiErr.Message))
		fmt.Fprintf(&buf, "</Message></Error></Errors><RequestID>%s</RequestID></Response>", c.RequestID)
		_, _ = w.Write(buf.Bytes())
	default:
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		typ := "Sender"
		if apiErr.Receiver {
			typ = "Receiver"
		}
		var buf bytes.Buffer
		buf.WriteString(xml.Header)
		fmt.Fprintf(&buf, `<ErrorResponse xmlns="%s"><Error><Type>%s</Type><Code>`, ns, typ)
		_ = xml.EscapeText(&buf, []byte(apiErr.Code))
		buf.WriteString("</Code><Message>")
		_ = xml.EscapeText(&buf, []byte(apiErr.Message))
		fmt.Fprintf(&buf, "</Message></Error><RequestId>%s</RequestId></ErrorResponse>", c.RequestID)
		_, _ = w.Write(buf.Bytes())
	}
}
