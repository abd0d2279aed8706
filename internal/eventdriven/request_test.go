package eventdriven

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func envelope(t *testing.T, change func(map[string]any)) []byte {
	t.Helper()
	ev := map[string]any{
		"version": "0", "id": "ev-1", "detail-type": DetailTypeRequest, "source": "com.example.portal",
		"account": "111111111111", "region": "us-east-1",
		"detail": map[string]any{
			"requestType": "Apply", "resourceType": "Custom::RedshiftDataApiSecret", "key": "team-a/analyst",
			"properties": map[string]any{"ClusterIdentifier": "c", "Username": "u"},
		},
	}
	if change != nil {
		change(ev)
	}
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func detail(ev map[string]any) map[string]any { return ev["detail"].(map[string]any) }

var testParser = Parser{Sources: []string{"com.example.portal"}, ResourceTypes: []string{"Custom::RedshiftDataApiSecret"}, Secret: []string{"MasterPassword"}}

func TestParseValid(t *testing.T) {
	msg, err := testParser.Parse(envelope(t, nil))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if msg.EventID != "ev-1" || msg.RequestType != RequestApply || msg.Key != "team-a/analyst" ||
		msg.ResourceType != "Custom::RedshiftDataApiSecret" || msg.Properties["ClusterIdentifier"] != "c" || msg.Source != "com.example.portal" {
		t.Errorf("Parse = %+v", msg)
	}
}

func TestParseRefuses(t *testing.T) {
	tests := map[string]struct {
		body      []byte
		field     string
		keepsKey  bool
		parsesKey string
	}{
		"not JSON":            {body: []byte("{not json"), field: "event"},
		"detail not object":   {body: envelope(t, func(ev map[string]any) { ev["detail"] = "text" }), field: "detail"},
		"no detail":           {body: envelope(t, func(ev map[string]any) { delete(ev, "detail") }), field: "detail"},
		"other detail-type":   {body: envelope(t, func(ev map[string]any) { ev["detail-type"] = "Something Else" }), field: "detail-type", parsesKey: "team-a/analyst"},
		"no event ID":         {body: envelope(t, func(ev map[string]any) { delete(ev, "id") }), field: "id"},
		"source not accepted": {body: envelope(t, func(ev map[string]any) { ev["source"] = "com.example.other" }), field: "source"},
		"request type":        {body: envelope(t, func(ev map[string]any) { detail(ev)["requestType"] = "Create" }), field: "detail.requestType"},
		"resource type not served": {body: envelope(t, func(ev map[string]any) { detail(ev)["resourceType"] = "Custom::RedshiftDataApiEndpoint" }),
			field: "detail.resourceType"},
		"resource type of another product": {body: envelope(t, func(ev map[string]any) { detail(ev)["resourceType"] = "AWS::S3::Bucket" }),
			field: "detail.resourceType"},
		"no key":          {body: envelope(t, func(ev map[string]any) { delete(detail(ev), "key") }), field: "detail.key"},
		"key with space":  {body: envelope(t, func(ev map[string]any) { detail(ev)["key"] = "team a" }), field: "detail.key"},
		"key starts /":    {body: envelope(t, func(ev map[string]any) { detail(ev)["key"] = "/team" }), field: "detail.key"},
		"key too long":    {body: envelope(t, func(ev map[string]any) { detail(ev)["key"] = strings.Repeat("k", MaxKeyLength+1) }), field: "detail.key"},
		"Password":        {body: envelope(t, func(ev map[string]any) { detail(ev)["properties"].(map[string]any)["Password"] = "hunter2hunter2" }), field: "detail.properties.Password"},
		"secret property": {body: envelope(t, func(ev map[string]any) { detail(ev)["properties"].(map[string]any)["MasterPassword"] = "x" }), field: "detail.properties.MasterPassword"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			msg, err := testParser.Parse(tc.body)
			var ie *InvalidRequestError
			if !errors.As(err, &ie) {
				t.Fatalf("Parse error %v, want an InvalidRequestError", err)
			}
			if ie.Field != tc.field {
				t.Errorf("Field = %q, want %q (%v)", ie.Field, tc.field, err)
			}
			if !IsPermanent(err) {
				t.Errorf("IsPermanent(%v) = false", err)
			}
			if tc.parsesKey != "" && msg.Key != tc.parsesKey {
				t.Errorf("partial message key %q, want %q so the Failed result can name it", msg.Key, tc.parsesKey)
			}
			if strings.Contains(err.Error(), "hunter2hunter2") {
				t.Error("the error holds the password")
			}
		})
	}
}

func TestValidateKeyAccepts(t *testing.T) {
	for _, k := range []string{"a", "team-a/analyst-access", "acct.123_role", strings.Repeat("k", MaxKeyLength)} {
		if err := ValidateKey(k); err != nil {
			t.Errorf("ValidateKey(%q): %v", k, err)
		}
	}
}
