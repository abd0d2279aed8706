package customresource_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

func TestValidateResponseURL(t *testing.T) {
	const path = "/arn%3Aaws%3Acloudformation%3Aus-east-1%3A111111111111%3Astack/s/0e6f%7CR%7C1111?X-Amz-Signature=abc"
	tests := map[string]struct {
		url        string
		allowLocal bool
		wantErr    bool
	}{
		"global endpoint":                 {url: "https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com" + path},
		"regional dash endpoint":          {url: "https://cloudformation-custom-resource-response-euwest1.s3-eu-west-1.amazonaws.com" + path},
		"regional dot endpoint":           {url: "https://cloudformation-custom-resource-response-apsoutheast3.s3.ap-southeast-3.amazonaws.com" + path},
		"dual-stack endpoint":             {url: "https://cloudformation-custom-resource-response-uswest2.s3.dualstack.us-west-2.amazonaws.com" + path},
		"GovCloud":                        {url: "https://cloudformation-custom-resource-response-usgovwest1.s3-us-gov-west-1.amazonaws.com" + path},
		"China":                           {url: "https://cloudformation-custom-resource-response-cnnorth1.s3.cn-north-1.amazonaws.com.cn" + path},
		"China legacy dash endpoint":      {url: "https://cloudformation-custom-resource-response-cnnorthwest1.s3-cn-northwest-1.amazonaws.com.cn" + path},
		"FIPS endpoint":                   {url: "https://cloudformation-custom-resource-response-usgovwest1.s3-fips.us-gov-west-1.amazonaws.com" + path},
		"FIPS dual-stack endpoint":        {url: "https://cloudformation-custom-resource-response-useast1.s3-fips.dualstack.us-east-1.amazonaws.com" + path},
		"external-1 endpoint":             {url: "https://cloudformation-custom-resource-response-useast1.s3-external-1.amazonaws.com" + path},
		"ISO partition":                   {url: "https://cloudformation-custom-resource-response-usisoeast1.s3.us-iso-east-1.c2s.ic.gov" + path},
		"ISO-B partition":                 {url: "https://cloudformation-custom-resource-response-usisobeast1.s3.us-isob-east-1.sc2s.sgov.gov" + path},
		"European Sovereign Cloud":        {url: "https://cloudformation-custom-resource-response-euscdeeast1.s3.eusc-de-east-1.amazonaws.eu" + path},
		"FIPS path style":                 {url: "https://s3-fips.us-gov-east-1.amazonaws.com/cloudformation-custom-resource-response-usgoveast1" + path},
		"path style":                      {url: "https://s3.us-east-1.amazonaws.com/cloudformation-custom-resource-response-useast1" + path},
		"explicit port 443":               {url: "https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com:443" + path},
		"upper-case host":                 {url: "https://CloudFormation-Custom-Resource-Response-USEast1.S3.amazonaws.com" + path},
		"http":                            {url: "http://cloudformation-custom-resource-response-useast1.s3.amazonaws.com" + path, wantErr: true},
		"foreign host":                    {url: "https://attacker.example.com" + path, wantErr: true},
		"foreign bucket on S3":            {url: "https://my-bucket.s3.amazonaws.com" + path, wantErr: true},
		"look-alike suffix":               {url: "https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com.example.com" + path, wantErr: true},
		"look-alike partition domain":     {url: "https://cloudformation-custom-resource-response-useast1.s3.us-east-1.amazonaws.co" + path, wantErr: true},
		"dotted bucket":                   {url: "https://cloudformation-custom-resource-response-useast1.evil.s3.amazonaws.com" + path, wantErr: true},
		"path style foreign bucket":       {url: "https://s3.amazonaws.com/my-bucket" + path, wantErr: true},
		"other port":                      {url: "https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com:8443" + path, wantErr: true},
		"user info":                       {url: "https://u:p@cloudformation-custom-resource-response-useast1.s3.amazonaws.com" + path, wantErr: true},
		"not a URL":                       {url: "://", wantErr: true},
		"empty":                           {url: "", wantErr: true},
		"loopback without the override":   {url: "http://127.0.0.1:8080" + path, wantErr: true},
		"loopback with the override":      {url: "http://127.0.0.1:8080" + path, allowLocal: true},
		"IPv6 loopback with the override": {url: "http://[::1]:8080" + path, allowLocal: true},
		"localhost with the override":     {url: "https://localhost:8443" + path, allowLocal: true},
		"LAN host with the override":      {url: "http://192.168.1.10:8080" + path, allowLocal: true, wantErr: true},
		"file scheme with the override":   {url: "file://localhost/etc/passwd", allowLocal: true, wantErr: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := customresource.ValidateResponseURL(tc.url, tc.allowLocal)
			if gotErr := err != nil; gotErr != tc.wantErr {
				t.Fatalf("ValidateResponseURL error = %v, want error: %t", err, tc.wantErr)
			}
			if err == nil {
				return
			}
			if !errors.Is(err, customresource.ErrResponseURL) {
				t.Errorf("error %v is not ErrResponseURL", err)
			}
			if strings.Contains(err.Error(), "X-Amz-Signature") || (tc.url != "" && strings.Contains(err.Error(), tc.url)) {
				t.Error("the error contains the URL")
			}
		})
	}
}
