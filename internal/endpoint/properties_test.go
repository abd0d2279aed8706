package endpoint

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

func TestParseProperties(t *testing.T) {
	tests := map[string]struct {
		props map[string]any
		// region is us-east-1 unless set.
		region string
		want   Properties
	}{
		"defaults": {
			props: map[string]any{"VpcId": "vpc-0a1b2c3d", "SubnetIds": []any{"subnet-0a1b2c3d"}},
			want: Properties{VpcID: "vpc-0a1b2c3d", SubnetIDs: []string{"subnet-0a1b2c3d"}, PrivateDNSEnabled: true,
				ServiceName: "com.amazonaws.us-east-1.redshift-data"},
		},
		"CloudFormation strings": {
			props: map[string]any{
				"VpcId": "vpc-0a1b2c3d", "SubnetIds": "subnet-0a1b2c3d,subnet-1a1b2c3d", "SecurityGroupIds": []any{"sg-0a1b2c3d"},
				"PrivateDnsEnabled": "false", "IpAddressType": "DualStack", "PolicyDocument": `{"Statement": []}`,
				"ServiceName": "com.amazonaws.us-east-1.redshift", "Tags": []any{map[string]any{"Key": "team", "Value": "data"}},
			},
			want: Properties{VpcID: "vpc-0a1b2c3d", SubnetIDs: []string{"subnet-0a1b2c3d", "subnet-1a1b2c3d"},
				SecurityGroupIDs: []string{"sg-0a1b2c3d"}, IPAddressType: "dualstack", PolicyDocument: `{"Statement":[]}`,
				ServiceName: "com.amazonaws.us-east-1.redshift", Tags: map[string]string{"team": "data"}},
		},
		"China region": {
			props:  map[string]any{"VpcId": "vpc-0a1b2c3d", "SubnetIds": []any{"subnet-0a1b2c3d"}},
			region: "cn-north-1",
			want: Properties{VpcID: "vpc-0a1b2c3d", SubnetIDs: []string{"subnet-0a1b2c3d"}, PrivateDNSEnabled: true,
				ServiceName: "cn.com.amazonaws.cn-north-1.redshift-data"},
		},
		"China service name given": {
			props: map[string]any{"VpcId": "vpc-0a1b2c3d", "SubnetIds": []any{"subnet-0a1b2c3d"}, "ServiceName": "cn.com.amazonaws.cn-northwest-1.redshift"},
			want: Properties{VpcID: "vpc-0a1b2c3d", SubnetIDs: []string{"subnet-0a1b2c3d"}, PrivateDNSEnabled: true,
				ServiceName: "cn.com.amazonaws.cn-northwest-1.redshift"},
		},
		"JSON-typed values": {
			props: map[string]any{"VpcId": "vpc-0a1b2c3d", "SubnetIds": []any{"subnet-0a1b2c3d"}, "PrivateDnsEnabled": false,
				"PolicyDocument": map[string]any{"Statement": []any{}}},
			want: Properties{VpcID: "vpc-0a1b2c3d", SubnetIDs: []string{"subnet-0a1b2c3d"}, PolicyDocument: `{"Statement":[]}`,
				ServiceName: "com.amazonaws.us-east-1.redshift-data"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			region := tc.region
			if region == "" {
				region = "us-east-1"
			}
			got, err := ParseProperties(tc.props, region)
			if err != nil {
				t.Fatalf("ParseProperties: %v", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("properties (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParsePropertiesRejects(t *testing.T) {
	valid := func(edit func(map[string]any)) map[string]any {
		p := map[string]any{"VpcId": "vpc-0a1b2c3d", "SubnetIds": []any{"subnet-0a1b2c3d"}}
		edit(p)
		return p
	}
	tests := map[string]struct {
		props    map[string]any
		property string
	}{
		"no VpcId":             {valid(func(p map[string]any) { delete(p, "VpcId") }), "VpcId"},
		"malformed VpcId":      {valid(func(p map[string]any) { p["VpcId"] = "my-vpc" }), "VpcId"},
		"no SubnetIds":         {valid(func(p map[string]any) { delete(p, "SubnetIds") }), "SubnetIds"},
		"empty SubnetIds":      {valid(func(p map[string]any) { p["SubnetIds"] = []any{} }), "SubnetIds"},
		"malformed subnet":     {valid(func(p map[string]any) { p["SubnetIds"] = []any{"subnet-xyz"} }), "SubnetIds"},
		"malformed group":      {valid(func(p map[string]any) { p["SecurityGroupIds"] = []any{"default"} }), "SecurityGroupIds"},
		"private DNS not bool": {valid(func(p map[string]any) { p["PrivateDnsEnabled"] = "yes" }), "PrivateDnsEnabled"},
		"policy not JSON":      {valid(func(p map[string]any) { p["PolicyDocument"] = "{" }), "PolicyDocument"},
		"policy not an object": {valid(func(p map[string]any) { p["PolicyDocument"] = `["Allow"]` }), "PolicyDocument"},
		"policy too long": {valid(func(p map[string]any) {
			p["PolicyDocument"] = map[string]any{"Statement": []any{map[string]any{"Effect": "Allow", "Principal": "*", "Action": "*",
				"Resource": strings.Repeat("arn:aws:redshift:us-east-1:111111111111:dbname:c/db,", 400)}}}
		}), "PolicyDocument"},
		"unknown IP type":  {valid(func(p map[string]any) { p["IpAddressType"] = "ipv5" }), "IpAddressType"},
		"bad service name": {valid(func(p map[string]any) { p["ServiceName"] = "redshift-data" }), "ServiceName"},
		"reserved tag":     {valid(func(p map[string]any) { p["Tags"] = map[string]any{TagStackID: "x"} }), "Tags"},
		"too many tags": {valid(func(p map[string]any) {
			tags := map[string]any{}
			for i := range 49 {
				tags[fmt.Sprintf("k%d", i)] = "v"
			}
			p["Tags"] = tags
		}), "Tags"},
		"tag key too long":   {valid(func(p map[string]any) { p["Tags"] = map[string]any{strings.Repeat("k", 128): "v"} }), "Tags"},
		"tag value too long": {valid(func(p map[string]any) { p["Tags"] = map[string]any{"team": strings.Repeat("v", 256)} }), "Tags"},
		"unknown property":   {valid(func(p map[string]any) { p["Subnets"] = "subnet-0a1b2c3d" }), "Subnets"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := ParseProperties(tc.props, "us-east-1")
			var pe *customresource.PropertyError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want a PropertyError", err)
			}
			if pe.Property != tc.property {
				t.Errorf("PropertyError names %q, want %q", pe.Property, tc.property)
			}
		})
	}
}
