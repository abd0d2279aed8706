package secret

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

// canaryPassword is a valid Redshift password that tests look for in
// errors, logs and responses.
const canaryPassword = "Canary7Pw-x9QzK2"

// failedProperties returns the Property of every PropertyError in err.
func failedProperties(err error) []string {
	var out []string
	var walk func(error)
	walk = func(err error) {
		var pe *customresource.PropertyError
		if errors.As(err, &pe) && pe == err {
			out = append(out, pe.Property)
			return
		}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
		}
	}
	walk(err)
	sort.Strings(out)
	return out
}

func TestParseProperties(t *testing.T) {
	tests := map[string]struct {
		props map[string]any
		want  Properties
	}{
		"cluster, strings": {
			props: map[string]any{"ClusterIdentifier": "c1", "Username": "u", "Database": "dev", "Host": "c1.example.com", "Port": "5439", "PasswordLength": "12", "RecoveryWindowInDays": "0", "RetainOnDelete": "true"},
			want:  Properties{ClusterIdentifier: "c1", Username: "u", Database: "dev", Host: "c1.example.com", Port: 5439, PasswordLength: 12, TagValue: "c1", RecoveryWindowInDays: 0, RetainOnDelete: true},
		},
		"cluster, JSON types": {
			props: map[string]any{"ClusterIdentifier": "c1", "Username": "u", "Port": float64(5439), "PasswordLength": float64(64), "RecoveryWindowInDays": float64(7), "RestoreIfScheduledForDeletion": true},
			want:  Properties{ClusterIdentifier: "c1", Username: "u", Port: 5439, PasswordLength: 64, TagValue: "c1", RecoveryWindowInDays: 7, RestoreIfScheduledForDeletion: true},
		},
		"most tags": {
			props: map[string]any{"WorkgroupName": "wg-1", "Username": "u", "Tags": manyTags(47)},
			want:  Properties{WorkgroupName: "wg-1", Username: "u", PasswordLength: 32, TagValue: "serverless", RecoveryWindowInDays: 30, Tags: stringTags(manyTags(47))},
		},
		"workgroup with defaults": {
			props: map[string]any{"WorkgroupName": "wg-1", "Username": "u"},
			want:  Properties{WorkgroupName: "wg-1", Username: "u", PasswordLength: 32, TagValue: "serverless", RecoveryWindowInDays: 30},
		},
		"given password and tags": {
			props: map[string]any{"WorkgroupName": "wg-1", "Username": "u", "Password": canaryPassword, "TagValue": "team", "Name": "my/secret", "Description": "d", "KmsKeyId": "alias/k", "Tags": []any{map[string]any{"Key": "env", "Value": "prod"}}},
			want:  Properties{WorkgroupName: "wg-1", Username: "u", Password: canaryPassword, PasswordLength: 32, TagValue: "team", Name: "my/secret", Description: "d", KmsKeyID: "alias/k", Tags: map[string]string{"env": "prod"}, RecoveryWindowInDays: 30},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := ParseProperties(tc.props)
			if err != nil {
				t.Fatalf("ParseProperties: %v", err)
			}
			// The password is compared apart, so that a failure does not
			// print it.
			if diff := cmp.Diff(tc.want, got, cmpopts.IgnoreFields(Properties{}, "Password")); diff != "" {
				t.Errorf("properties (-want +got):\n%s", diff)
			}
			if got.Password != tc.want.Password {
				t.Error("Password differs from the given one")
			}
		})
	}
}

func TestParsePropertiesRejects(t *testing.T) {
	tests := map[string]struct {
		props map[string]any
		// want are the properties the errors name.
		want []string
	}{
		"cluster and workgroup":   {props: map[string]any{"ClusterIdentifier": "c1", "WorkgroupName": "wg-1", "Username": "u"}, want: []string{"ClusterIdentifier, WorkgroupName"}},
		"neither":                 {props: map[string]any{"Username": "u"}, want: []string{"ClusterIdentifier, WorkgroupName"}},
		"no username":             {props: map[string]any{"ClusterIdentifier": "c1"}, want: []string{"Username"}},
		"long username":           {props: map[string]any{"ClusterIdentifier": "c1", "Username": strings.Repeat("u", 129)}, want: []string{"Username"}},
		"password length 7":       {props: map[string]any{"ClusterIdentifier": "c1", "Username": "u", "PasswordLength": "7"}, want: []string{"PasswordLength"}},
		"password length 65":      {props: map[string]any{"ClusterIdentifier": "c1", "Username": "u", "PasswordLength": float64(65)}, want: []string{"PasswordLength"}},
		"recovery window 3":       {props: map[string]any{"ClusterIdentifier": "c1", "Username": "u", "RecoveryWindowInDays": "3"}, want: []string{"RecoveryWindowInDays"}},
		"recovery window 31":      {props: map[string]any{"ClusterIdentifier": "c1", "Username": "u", "RecoveryWindowInDays": float64(31)}, want: []string{"RecoveryWindowInDays"}},
		"recovery window word":    {props: map[string]any{"ClusterIdentifier": "c1", "Username": "u", "RecoveryWindowInDays": "week"}, want: []string{"RecoveryWindowInDays"}},
		"misspelled property":     {props: map[string]any{"ClusterIdentifier": "c1", "Username": "u", "Databse": "dev"}, want: []string{"Databse"}},
		"password with @":         {props: map[string]any{"ClusterIdentifier": "c1", "Username": "u", "Password": "Abcdefg1@"}, want: []string{"Password"}},
		"password with space":     {props: map[string]any{"ClusterIdentifier": "c1", "Username": "u", "Password": "Abcd efg1"}, want: []string{"Password"}},
		"password too short":      {props: map[string]any{"ClusterIdentifier": "c1", "Username": "u", "Password": "Abcde1"}, want: []string{"Password"}},
		"password without digit":  {props: map[string]any{"ClusterIdentifier": "c1", "Username": "u", "Password": "Abcdefghij"}, want: []string{"Password"}},
		"password and its length": {props: map[string]any{"ClusterIdentifier": "c1", "Username": "u", "Password": canaryPassword, "PasswordLength": "20"}, want: []string{"PasswordLength"}},
		"port out of range":       {props: map[string]any{"ClusterIdentifier": "c1", "Username": "u", "Port": "80"}, want: []string{"Port"}},
		"host with workgroup":     {props: map[string]any{"WorkgroupName": "wg-1", "Username": "u", "Host": "h"}, want: []string{"Host"}},
		"bad cluster identifier":  {props: map[string]any{"ClusterIdentifier": "1cluster--x", "Username": "u"}, want: []string{"ClusterIdentifier"}},
		"bad workgroup name":      {props: map[string]any{"WorkgroupName": "WG", "Username": "u"}, want: []string{"WorkgroupName"}},
		"bad name":                {props: map[string]any{"ClusterIdentifier": "c1", "Username": "u", "Name": "no spaces"}, want: []string{"Name"}},
		"reserved tag":            {props: map[string]any{"ClusterIdentifier": "c1", "Username": "u", "Tags": map[string]any{"RedshiftDataFullAccess": "x"}}, want: []string{"Tags"}},
		"long description":        {props: map[string]any{"ClusterIdentifier": "c1", "Username": "u", "Description": strings.Repeat("d", 2049)}, want: []string{"Description"}},
		"long tag value":          {props: map[string]any{"ClusterIdentifier": "c1", "Username": "u", "Tags": map[string]any{"team": strings.Repeat("v", 257)}}, want: []string{"Tags"}},
		"long TagValue":           {props: map[string]any{"ClusterIdentifier": "c1", "Username": "u", "TagValue": strings.Repeat("v", 257)}, want: []string{"TagValue"}},
		"too many tags":           {props: map[string]any{"ClusterIdentifier": "c1", "Username": "u", "Tags": manyTags(48)}, want: []string{"Tags"}},
		"retain not a boolean":    {props: map[string]any{"ClusterIdentifier": "c1", "Username": "u", "RetainOnDelete": "yes"}, want: []string{"RetainOnDelete"}},
		"several problems":        {props: map[string]any{"Username": "u", "PasswordLength": "7", "Colour": "red"}, want: []string{"ClusterIdentifier, WorkgroupName", "Colour", "PasswordLength"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := ParseProperties(tc.props)
			if !customresource.IsInvalidInput(err) {
				t.Fatalf("err = %v, want invalid input", err)
			}
			if diff := cmp.Diff(tc.want, failedProperties(err)); diff != "" {
				t.Errorf("failed properties (-want +got):\n%s", diff)
			}
			var pe *customresource.PropertyError
			if errors.As(err, &pe) && pe.Allowed == "" {
				t.Errorf("error for %s does not say what is allowed", pe.Property)
			}
		})
	}
}

func TestParsePropertiesNeverEchoesPassword(t *testing.T) {
	// A password with @ is invalid; the error says so without the value.
	bad := map[string]any{"ClusterIdentifier": "c1", "Username": "u", "Password": canaryPassword + "@", "PasswordLength": "9"}
	_, err := ParseProperties(bad)
	if err == nil {
		t.Fatal("ParseProperties accepted a password with @")
	}
	if strings.Contains(err.Error(), canaryPassword) {
		t.Error("the error contains the password")
	}
}

func TestCheckRedshiftPassword(t *testing.T) {
	tests := map[string]struct {
		password string
		valid    bool
	}{
		"minimal":       {password: "Abcdefg1", valid: true},
		"64 characters": {password: "Ab1" + strings.Repeat("x", 61), valid: true},
		"65 characters": {password: "Ab1" + strings.Repeat("x", 62)},
		"punctuation":   {password: "Ab1!#$%&*()", valid: true},
		"single quote":  {password: "Ab1defgh'"},
		"double quote":  {password: `Ab1defgh"`},
		"backslash":     {password: `Ab1defgh\`},
		"slash":         {password: "Ab1defgh/"},
		"non-ASCII":     {password: "Ab1defghé"},
		"control":       {password: "Ab1defgh\t"},
		"no uppercase":  {password: "abcdefg1"},
		"no lowercase":  {password: "ABCDEFG1"},
		"no digit":      {password: "Abcdefgh"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			problem := checkRedshiftPassword(tc.password)
			if got := problem == ""; got != tc.valid {
				t.Errorf("valid = %v (%s), want %v", got, problem, tc.valid)
			}
		})
	}
}

// manyTags returns n distinct tags.
func manyTags(n int) map[string]any {
	tags := map[string]any{}
	for i := range n {
		tags[fmt.Sprintf("tag-%02d", i)] = "x"
	}
	return tags
}

func stringTags(tags map[string]any) map[string]string {
	out := map[string]string{}
	for k, v := range tags {
		out[k] = v.(string)
	}
	return out
}
