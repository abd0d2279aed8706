package awsemu

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// cliRequest is one HTTP request as AWS CLI v2 (botocore) sends it, which
// differs from aws-sdk-go-v2 in places: the form's Content-Type carries a
// charset, lists are encoded by botocore's serializer, JSON bodies have
// spaces after separators, and requests made with --no-sign-request carry
// no Authorization header at all.
type cliRequest struct {
	service string // signing name in the credential scope; empty for an unsigned request
	target  string // X-Amz-Target of JSON requests
	body    string
}

// send posts r to the emulator at url and returns the status and body.
func (r cliRequest) send(t *testing.T, url string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/", bytes.NewBufferString(r.body))
	if err != nil {
		t.Fatalf("building request: %v", err)
	}
	req.Header.Set("User-Agent", "aws-cli/2.9.19 Python/3.11.2 Linux source/x86_64.debian.12 prompt/off")
	req.Header.Set("X-Amz-Date", "20261128T094918Z")
	if r.target != "" {
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", r.target)
	} else {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	}
	if r.service != "" {
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+AccessKeyA+"/20261128/us-east-1/"+r.service+
			"/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=0123456789abcdef")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("sending request: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading response: %v", err)
	}
	return resp.StatusCode, body
}

// xmlValues returns the text of every element named name in an XML
// document, in document order.
func xmlValues(t *testing.T, doc []byte, name string) []string {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var out []string
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("decoding XML response %s: %v", doc, err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == name {
			var text string
			if err := dec.DecodeElement(&text, &se); err != nil {
				t.Fatalf("decoding <%s>: %v", name, err)
			}
			out = append(out, text)
		}
	}
}

// jsonValue returns the string member key of a JSON object.
func jsonValue(t *testing.T, doc []byte, key string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatalf("decoding JSON response %s: %v", doc, err)
	}
	s, _ := m[key].(string)
	return s
}

// TestCLIRequestShapes replays requests as AWS CLI v2 sends them, so that
// the CLI's encodings stay covered without the CLI installed.
func TestCLIRequestShapes(t *testing.T) {
	const trust = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}`
	type xmlWant struct {
		element string
		values  []string
	}
	tests := map[string]struct {
		setup      []cliRequest
		req        cliRequest
		wantStatus int
		wantXML    *xmlWant
		wantJSON   map[string]string // member -> value
	}{
		"iam list-policies --scope AWS": {
			req:        cliRequest{service: "iam", body: "Action=ListPolicies&Version=2010-05-08&Scope=AWS"},
			wantStatus: http.StatusOK,
			wantXML:    &xmlWant{"Arn", []string{"arn:aws:iam::aws:policy/AmazonRedshiftDataFullAccess"}},
		},
		"iam list-policies leaves out Tags, as IAM does": {
			req:        cliRequest{service: "iam", body: "Action=ListPolicies&Version=2010-05-08&Scope=AWS"},
			wantStatus: http.StatusOK,
			wantXML:    &xmlWant{"Tags", nil},
		},
		"iam create-role --tags, then untag-role --tag-keys": {
			setup: []cliRequest{
				{service: "iam", body: "Action=CreateRole&Version=2010-05-08&RoleName=cli-role&AssumeRolePolicyDocument=" + url.QueryEscape(trust) +
					"&Tags.member.1.Key=a&Tags.member.1.Value=1&Tags.member.2.Key=b&Tags.member.2.Value=2"},
				{service: "iam", body: "Action=UntagRole&Version=2010-05-08&RoleName=cli-role&TagKeys.member.1=a"},
			},
			req:        cliRequest{service: "iam", body: "Action=ListRoleTags&Version=2010-05-08&RoleName=cli-role"},
			wantStatus: http.StatusOK,
			wantXML:    &xmlWant{"Key", []string{"b"}},
		},
		"iam get-role of a missing role": {
			req:        cliRequest{service: "iam", body: "Action=GetRole&Version=2010-05-08&RoleName=missing"},
			wantStatus: http.StatusNotFound,
			wantXML:    &xmlWant{"Code", []string{"NoSuchEntity"}},
		},
		"sts get-caller-identity": {
			req:        cliRequest{service: "sts", body: "Action=GetCallerIdentity&Version=2011-06-15"},
			wantStatus: http.StatusOK,
			wantXML:    &xmlWant{"Account", []string{AccountA}},
		},
		"sts get-caller-identity --no-sign-request": {
			req:        cliRequest{body: "Action=GetCallerIdentity&Version=2011-06-15"},
			wantStatus: http.StatusOK,
			wantXML:    &xmlWant{"Account", []string{AccountA}},
		},
		"ec2 describe-vpcs --filters Name=is-default,Values=true,false": {
			req: cliRequest{service: "ec2", body: "Action=DescribeVpcs&Version=2016-11-15&Filter.1.Name=is-default&Filter.1.Value.1=true&Filter.1.Value.2=false"},
			// ec2Query has no Result wrapper and lowerCamel members.
			wantStatus: http.StatusOK,
			wantXML:    &xmlWant{"vpcSet", []string{""}},
		},
		"redshift describe-clusters": {
			req:        cliRequest{service: "redshift", body: "Action=DescribeClusters&Version=2012-12-01"},
			wantStatus: http.StatusOK,
			wantXML:    &xmlWant{"Clusters", []string{""}},
		},
		"redshift describe-clusters of a missing cluster": {
			req:        cliRequest{service: "redshift", body: "Action=DescribeClusters&Version=2012-12-01&ClusterIdentifier=missing"},
			wantStatus: http.StatusNotFound,
			wantXML:    &xmlWant{"Code", []string{"ClusterNotFound"}},
		},
		"secretsmanager create-secret": {
			req:        cliRequest{service: "secretsmanager", target: "secretsmanager.CreateSecret", body: `{"Name": "cli-secret", "SecretString": "not-a-real-password", "ClientRequestToken": "6b3f1f7e-0c1d-4f7a-9a55-0f4b8c1c2d3e"}`},
			wantStatus: http.StatusOK,
			wantJSON:   map[string]string{"Name": "cli-secret"},
		},
		"redshift-serverless get-workgroup of a missing workgroup": {
			req:        cliRequest{service: "redshift-serverless", target: "RedshiftServerless.GetWorkgroup", body: `{"workgroupName": "missing"}`},
			wantStatus: http.StatusBadRequest,
			wantJSON:   map[string]string{"__type": "ResourceNotFoundException"},
		},
		"redshift-data execute-statement on a missing cluster": {
			req:        cliRequest{service: "redshift-data", target: "RedshiftData.ExecuteStatement", body: `{"ClusterIdentifier": "missing", "Database": "dev", "DbUser": "admin", "Sql": "select 1"}`},
			wantStatus: http.StatusBadRequest,
			wantJSON:   map[string]string{"__type": "ValidationException"},
		},
		"unknown query operation": {
			req:        cliRequest{service: "iam", body: "Action=ListSAMLProviders&Version=2010-05-08"},
			wantStatus: http.StatusBadRequest,
			wantXML:    &xmlWant{"Code", []string{"InvalidAction"}},
		},
		"unknown JSON operation": {
			req:        cliRequest{service: "redshift-data", target: "RedshiftData.ListDatabases", body: `{}`},
			wantStatus: http.StatusBadRequest,
			wantJSON:   map[string]string{"__type": "UnknownOperationException"},
		},
		"unknown service": {
			req:        cliRequest{service: "s3", body: "Action=ListBuckets&Version=2006-03-01"},
			wantStatus: http.StatusBadRequest,
			wantXML:    &xmlWant{"Code", []string{"UnknownService"}},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			srv := Start()
			t.Cleanup(srv.Close)
			for _, r := range tc.setup {
				if status, body := r.send(t, srv.URL); status != http.StatusOK {
					t.Fatalf("set-up %s: status %d: %s", r.body, status, body)
				}
			}
			status, body := tc.req.send(t, srv.URL)
			if status != tc.wantStatus {
				t.Errorf("status = %d, want %d; body %s", status, tc.wantStatus, body)
			}
			if tc.wantXML != nil {
				if diff := cmp.Diff(tc.wantXML.values, xmlValues(t, body, tc.wantXML.element)); diff != "" {
					t.Errorf("<%s> values (-want +got):\n%s", tc.wantXML.element, diff)
				}
			}
			for key, want := range tc.wantJSON {
				if got := jsonValue(t, body, key); got != want {
					t.Errorf("%s = %q, want %q", key, got, want)
				}
			}
		})
	}
}
