package protocol

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// WriteResult encodes out, the result of c, in proto; ns is the XML
// namespace of query-protocol responses.
func WriteResult(w http.ResponseWriter, proto Protocol, ns string, c *Call, out any) {
	switch proto {
	case JSON11:
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Header().Set("X-Amzn-Requestid", c.RequestID)
		if out == nil {
			out = struct{}{}
		}
		b, err := json.Marshal(out)
		if err != nil {
			WriteError(w, proto, ns, c, &APIError{Status: 500, Code: "InternalFailure", Message: err.Error(), Receiver: true})
			return
		}
		_, _ = w.Write(b)
	case Query, EC2Query:
		var buf bytes.Buffer
		buf.WriteString(xml.Header)
		fmt.Fprintf(&buf, `<%sResponse xmlns="%s">`, c.Operation, ns)
		if proto == EC2Query {
			fmt.Fprintf(&buf, "<requestId>%s</requestId>", c.RequestID)
		}
		if out != nil {
			// ec2Query has no Result wrapper: the members are children of
			// the Response element.
			members, err := marshalMembers(out)
			if err != nil {
				WriteError(w, proto, ns, c, &APIError{Status: 500, Code: "InternalFailure", Message: err.Error(), Receiver: true})
				return
			}
			if proto == Query {
				fmt.Fprintf(&buf, "<%sResult>%s</%sResult>", c.Operation, members, c.Operation)
			} else {
				buf.WriteString(members)
			}
		}
		if proto == Query {
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

// WriteError encodes err as the error response of c in proto. An error that
// is not an *APIError becomes an InternalFailure (HTTP 500).
func WriteError(w http.ResponseWriter, proto Protocol, ns string, c *Call, err error) {
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
	case JSON11:
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Header().Set("X-Amzn-Errortype", apiErr.Code)
		w.WriteHeader(status)
		b, _ := json.Marshal(map[string]string{"__type": apiErr.Code, "message": apiErr.Message, "Message": apiErr.Message})
		_, _ = w.Write(b)
	case EC2Query:
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
