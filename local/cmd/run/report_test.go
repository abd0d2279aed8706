package main

import (
	"bytes"
	"testing"

	"github.com/aws/aws-lambda-go/cfn"
	"github.com/google/go-cmp/cmp"
)

func TestReportProperties(t *testing.T) {
	tests := map[string]struct {
		props       map[string]any
		want        string
		wantSecrets []string
	}{
		"secret property redacted": {
			props:       map[string]any{"Username": "u", "Password": "hunter2-Secret", "ServiceToken": "arn:aws:lambda:x"},
			want:        `{"Password":"<redacted>","Username":"u"}`,
			wantSecrets: []string{"hunter2-Secret"},
		},
		"nothing secret": {
			props: map[string]any{"Roles": []any{"a", "b"}},
			want:  `{"Roles":["a","b"]}`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r := newReport(&bytes.Buffer{}, []string{"Password"})
			if diff := cmp.Diff(tc.want, r.properties(tc.props)); diff != "" {
				t.Errorf("properties (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantSecrets, r.secrets); diff != "" {
				t.Errorf("secrets (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReportResponse(t *testing.T) {
	resp := cfn.Response{Status: cfn.StatusSuccess, PhysicalResourceID: "id", Data: map[string]any{"Arn": "arn:aws:x", "Token": "t0ken"}}
	tests := map[string]struct {
		noEcho bool
		want   string
	}{
		"data shown": {
			want: "  response: SUCCESS, physical ID id\n" +
				`            data {"Arn":"arn:aws:x","Token":"t0ken"}` + "\n",
		},
		"NoEcho data masked": {
			noEcho: true,
			want: "  response: SUCCESS, physical ID id\n" +
				`            data (NoEcho) {"Arn":"<redacted>","Token":"<redacted>"}` + "\n",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			resp := resp
			resp.NoEcho = tc.noEcho
			newReport(&out, nil).response(resp)
			if diff := cmp.Diff(tc.want, out.String()); diff != "" {
				t.Errorf("printed (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReportState(t *testing.T) {
	var out bytes.Buffer
	r := newReport(&out, nil)
	r.state("id", []string{"a", "b"})
	r.state("id", []string{"a", "b"})
	r.state("other", []string{"a", "b"})
	r.state("id", []string{"a", "c"})
	want := "  state:    id\n            a\n            b\n" +
		"  state:    id\n            unchanged since the previous read\n" +
		"  state:    other\n            a\n            b\n" +
		"  state:    id\n            a\n            c\n"
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("printed (-want +got):\n%s", diff)
	}
}

func TestReportScrubsSecrets(t *testing.T) {
	var out bytes.Buffer
	r := newReport(&out, nil)
	r.addSecret("s3cr3t-value")
	r.printf("reason: the value s3cr3t-value is wrong\n")
	if diff := cmp.Diff("reason: the value <redacted> is wrong\n", out.String()); diff != "" {
		t.Errorf("printed (-want +got):\n%s", diff)
	}
}
