package iampolicy

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestParseForms(t *testing.T) {
	tests := map[string]struct {
		doc  string
		want Document
	}{
		"statement as an object, elements as strings": {
			doc: `{"Version":"2012-10-17","Statement":{"Sid":"One","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`,
			want: Document{Version: Version2012, Statements: []Statement{{
				Sid: "One", Effect: "Allow", Action: []string{"s3:GetObject"}, Resource: []string{"arn:aws:s3:::b/*"},
			}}},
		},
		"statement list, elements as lists, Not forms": {
			doc: `{"Version":"2012-10-17","Id":"x","Statement":[{"Effect":"Deny","NotAction":["iam:*","sts:*"],"NotResource":["a","b"]}]}`,
			want: Document{Version: Version2012, Statements: []Statement{{
				Effect: "Deny", NotAction: []string{"iam:*", "sts:*"}, NotResource: []string{"a", "b"},
			}}},
		},
		"trust policy: principal map and star, conditions with non-string values": {
			doc: `{"Version":"2012-10-17","Statement":[
				{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root","Service":["ec2.amazonaws.com"]},"Action":"sts:AssumeRole",
				 "Condition":{"StringEquals":{"sts:ExternalId":"ext"},"Bool":{"aws:MultiFactorAuthPresent":true},"NumericLessThan":{"aws:MultiFactorAuthAge":[3600]}}},
				{"Effect":"Deny","NotPrincipal":"*","Action":"sts:AssumeRole"}]}`,
			want: Document{Version: Version2012, Statements: []Statement{
				{Effect: "Allow", Action: []string{"sts:AssumeRole"},
					Principal: Principals{"AWS": {"arn:aws:iam::123456789012:root"}, "Service": {"ec2.amazonaws.com"}},
					Conditions: []Condition{
						{Operator: "Bool", Key: "aws:MultiFactorAuthPresent", Values: []string{"true"}},
						{Operator: "NumericLessThan", Key: "aws:MultiFactorAuthAge", Values: []string{"3600"}},
						{Operator: "StringEquals", Key: "sts:ExternalId", Values: []string{"ext"}},
					}},
				{Effect: "Deny", Action: []string{"sts:AssumeRole"}, NotPrincipal: Principals{"AWS": {"*"}}},
			}},
		},
		"no version: the 2008 language": {
			doc:  `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`,
			want: Document{Statements: []Statement{{Effect: "Allow", Action: []string{"*"}, Resource: []string{"*"}}}},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := Parse(tc.doc)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.IgnoreUnexported(Condition{})); diff != "" {
				t.Errorf("Parse (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := map[string]struct {
		doc, path string
	}{
		"not JSON":               {`{"Version":`, ""},
		"two documents":          {`{} {}`, ""},
		"unknown top element":    {`{"Statement":[],"Extra":1}`, "Extra"},
		"bad version":            {`{"Version":"2020-01-01","Statement":[]}`, "Version"},
		"no statement":           {`{"Version":"2012-10-17"}`, "Statement"},
		"empty statement list":   {`{"Statement":[]}`, "Statement"},
		"statement not object":   {`{"Statement":["x"]}`, "Statement[0]"},
		"bad effect":             {`{"Statement":[{"Effect":"Permit","Action":"*","Resource":"*"}]}`, "Statement[0].Effect"},
		"missing effect":         {`{"Statement":[{"Action":"*","Resource":"*"}]}`, "Statement[0].Effect"},
		"no action":              {`{"Statement":[{"Effect":"Allow","Resource":"*"}]}`, "Statement[0]"},
		"action and NotAction":   {`{"Statement":[{"Effect":"Allow","Action":"*","NotAction":"*"}]}`, "Statement[0]"},
		"resource and NotRes":    {`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","NotResource":"*"}]}`, "Statement[0]"},
		"action not strings":     {`{"Statement":[{"Effect":"Allow","Action":[1],"Resource":"*"}]}`, "Statement[0].Action"},
		"unknown element":        {`{"Statement":[{"Effect":"Allow","Action":"*","Resources":"*"}]}`, "Statement[0].Resources"},
		"principal string":       {`{"Statement":[{"Effect":"Allow","Action":"*","Principal":"me"}]}`, "Statement[0].Principal"},
		"principal type":         {`{"Statement":[{"Effect":"Allow","Action":"*","Principal":{"User":"x"}}]}`, "Statement[0].Principal.User"},
		"unknown operator":       {`{"Statement":[{"Effect":"Allow","Action":"*","Condition":{"StringMatches":{"k":"v"}}}]}`, "Statement[0].Condition.StringMatches"},
		"unknown set operator":   {`{"Statement":[{"Effect":"Allow","Action":"*","Condition":{"ForEach:StringLike":{"k":"v"}}}]}`, "Statement[0].Condition.ForEach:StringLike"},
		"Null with IfExists":     {`{"Statement":[{"Effect":"Allow","Action":"*","Condition":{"NullIfExists":{"k":"true"}}}]}`, "Statement[0].Condition.NullIfExists"},
		"Null value not boolean": {`{"Statement":[{"Effect":"Allow","Action":"*","Condition":{"Null":{"k":"yes"}}}]}`, "Statement[0].Condition.Null.k"},
		"condition value object": {`{"Statement":[{"Effect":"Allow","Action":"*","Condition":{"StringLike":{"k":{"a":1}}}}]}`, "Statement[0].Condition.StringLike.k"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Parse(tc.doc)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse error = %v, want a *SyntaxError", err)
			}
			if se.Path != tc.path {
				t.Errorf("SyntaxError.Path = %q, want %q", se.Path, tc.path)
			}
		})
	}
}
