package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/cfn"

	"github.com/redshift-data-access/redshift-data-access/local/lifecycle"
)

func TestCheckResponse(t *testing.T) {
	ev := cfn.Event{RequestID: "r1", StackID: "stack", LogicalResourceID: "L"}
	ok := cfn.Response{Status: cfn.StatusSuccess, RequestID: "r1", StackID: "stack", LogicalResourceID: "L", PhysicalResourceID: "id"}
	change := func(f func(r *cfn.Response)) cfn.Response {
		r := ok
		f(&r)
		return r
	}
	recorded := func(contentType string, size int) []lifecycle.Recorded {
		return []lifecycle.Recorded{{Response: ok, Body: make([]byte, size), ContentType: contentType}}
	}
	tests := map[string]struct {
		resp     cfn.Response
		recorded []lifecycle.Recorded
		wantErr  bool
	}{
		"as CloudFormation needs": {resp: ok, recorded: recorded("", 100)},
		"request ID not echoed":   {resp: change(func(r *cfn.Response) { r.RequestID = "other" }), wantErr: true},
		"empty physical ID":       {resp: change(func(r *cfn.Response) { r.PhysicalResourceID = "" }), wantErr: true},
		"physical ID over 1 KB":   {resp: change(func(r *cfn.Response) { r.PhysicalResourceID = strings.Repeat("x", 1025) }), wantErr: true},
		"FAILED without a reason": {resp: change(func(r *cfn.Response) { r.Status = cfn.StatusFailed }), wantErr: true},
		"attribute not a string":  {resp: change(func(r *cfn.Response) { r.Data = map[string]any{"Port": 5439} }), wantErr: true},
		"body over 4096 bytes":    {resp: ok, recorded: recorded("", 4097), wantErr: true},
		"Content-Type set":        {resp: ok, recorded: recorded("application/json", 100), wantErr: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := checkResponse(ev, tc.resp, tc.recorded)
			if got := errors.Is(err, errOutcome); got != tc.wantErr {
				t.Errorf("checkResponse() = %v, want an errOutcome: %t", err, tc.wantErr)
			}
		})
	}
}
