package policy

import (
	"errors"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestValueMarshalsStringOrList(t *testing.T) {
	tests := map[string]struct {
		in   Value
		want string
	}{
		"one item is a string": {in: Value{"s3:GetObject"}, want: `"s3:GetObject"`},
		"two items are a list": {in: Value{"a:B", "c:D"}, want: `["a:B","c:D"]`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			b, err := tc.in.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, string(b)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			var back Value
			if err := back.UnmarshalJSON(b); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.in, back); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseAcceptsURLEncodedDocuments(t *testing.T) {
	const plain = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/a"},"Action":"sts:AssumeRole"}]}`
	want := Document{Version: Version, Statement: []Statement{{
		Effect:    Allow,
		Principal: &Principal{IDs: map[string]Value{"AWS": {"arn:aws:iam::111111111111:role/a"}}},
		Action:    Value{"sts:AssumeRole"},
	}}}
	for name, in := range map[string]string{"plain": plain, "url-encoded": url.QueryEscape(plain)} {
		t.Run(name, func(t *testing.T) {
			got, err := Parse(in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestEquivalent(t *testing.T) {
	tests := map[string]struct {
		a, b string
		want bool
	}{
		"string and one-item list": {
			a:    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`,
			b:    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["*"]}]}`,
			want: true,
		},
		"statement, action and resource order": {
			a:    `{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":["a:X","a:Y"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::a"]},{"Effect":"Deny","Action":"b:Z","Resource":"*"}]}`,
			b:    `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"b:Z","Resource":"*"},{"Sid":"Other","Effect":"Allow","Action":["a:Y","a:x"],"Resource":["arn:aws:s3:::a","arn:aws:s3:::b"]}]}`,
			want: true,
		},
		"condition value order": {
			a:    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:X","Resource":"*","Condition":{"StringEquals":{"k":["1","2"]}}}]}`,
			b:    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:X","Resource":"*","Condition":{"StringEquals":{"k":["2","1"]}}}]}`,
			want: true,
		},
		"different resource": {
			a:    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:X","Resource":"arn:aws:s3:::a"}]}`,
			b:    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:X","Resource":"arn:aws:s3:::A"}]}`,
			want: false,
		},
		"different effect": {
			a:    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:X","Resource":"*"}]}`,
			b:    `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"a:X","Resource":"*"}]}`,
			want: false,
		},
		"condition removed": {
			a:    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:X","Resource":"*","Condition":{"StringEquals":{"k":"1"}}}]}`,
			b:    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:X","Resource":"*"}]}`,
			want: false,
		},
		"principal list order": {
			a:    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::1:root","arn:aws:iam::2:root"]},"Action":"sts:AssumeRole"}]}`,
			b:    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::2:root","arn:aws:iam::1:root"]},"Action":"sts:AssumeRole"}]}`,
			want: true,
		},
		"single statement object and one-item list": {
			a:    `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"a:X","Resource":"*"}}`,
			b:    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["a:X"],"Resource":"*"}]}`,
			want: true,
		},
		"single statement object differs": {
			a:    `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"a:X","Resource":"*"}}`,
			b:    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:Y","Resource":"*"}]}`,
			want: false,
		},
		"NotAction and Action": {
			a:    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"a:X","Resource":"*"}]}`,
			b:    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:X","Resource":"*"}]}`,
			want: false,
		},
		"NotResource and Resource": {
			a:    `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"a:X","NotResource":"arn:aws:s3:::a"}]}`,
			b:    `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"a:X","Resource":"arn:aws:s3:::a"}]}`,
			want: false,
		},
		"NotResource added": {
			a:    `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"a:X","Resource":"*"}]}`,
			b:    `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"a:X","Resource":"*","NotResource":"arn:aws:s3:::a"}]}`,
			want: false,
		},
		"NotResource order": {
			a:    `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"a:X","NotResource":["arn:aws:s3:::a","arn:aws:s3:::b"]}]}`,
			b:    `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"a:X","NotResource":["arn:aws:s3:::b","arn:aws:s3:::a"]}]}`,
			want: true,
		},
		"NotPrincipal and Principal": {
			a:    `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::1:root"},"Action":"sts:AssumeRole"}]}`,
			b:    `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::1:root"},"Action":"sts:AssumeRole"}]}`,
			want: false,
		},
		"NotPrincipal values differ": {
			a:    `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::1:root"},"Action":"sts:AssumeRole"}]}`,
			b:    `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::2:root"},"Action":"sts:AssumeRole"}]}`,
			want: false,
		},
		"principal added": {
			a:    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::1:root"},"Action":"sts:AssumeRole"}]}`,
			b:    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::2:root","arn:aws:iam::1:root"]},"Action":"sts:AssumeRole"}]}`,
			want: false,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			a, err := Parse(tc.a)
			if err != nil {
				t.Fatal(err)
			}
			b, err := Parse(tc.b)
			if err != nil {
				t.Fatal(err)
			}
			if got := Equivalent(a, b); got != tc.want {
				t.Errorf("Equivalent = %v, want %v", got, tc.want)
			}
		})
	}
}

// IAM's grammar allows Statement to be one object instead of a list; such
// a document must read as the same statements, not fail or lose them.
func TestParseAcceptsASingleStatementObject(t *testing.T) {
	want := Document{Version: Version, Statement: []Statement{{
		Effect:      Deny,
		Action:      Value{"s3:GetObject"},
		NotResource: Value{"arn:aws:s3:::public/*"},
	}}}
	tests := map[string]string{
		"object":      `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:GetObject","NotResource":"arn:aws:s3:::public/*"}}`,
		"list of one": `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:GetObject","NotResource":"arn:aws:s3:::public/*"}]}`,
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			for _, text := range []string{in, url.QueryEscape(in)} {
				got, err := Parse(text)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
				if err := Validate(got, ManagedPolicySize); err != nil {
					t.Errorf("Validate: %v", err)
				}
			}
		})
	}
}

func TestParseRejectsMalformedStatement(t *testing.T) {
	tests := map[string]string{
		"statement is a string":       `{"Version":"2012-10-17","Statement":"Allow"}`,
		"object with a bad Action":    `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":7,"Resource":"*"}}`,
		"list holding a bad Resource": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:X","Resource":{}}]}`,
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := Parse(in); err == nil {
				t.Error("Parse succeeded, want an error")
			}
		})
	}
}

func TestValidateRejectsBadGrammar(t *testing.T) {
	tests := map[string]string{
		"old version":            `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"a:X","Resource":"*"}]}`,
		"no statement":           `{"Version":"2012-10-17","Statement":[]}`,
		"bad effect":             `{"Version":"2012-10-17","Statement":[{"Effect":"Permit","Action":"a:X","Resource":"*"}]}`,
		"action without service": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"GetObject","Resource":"*"}]}`,
		"malformed ARN":          `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:X","Resource":"arn:aws:s3"}]}`,
		"unknown partition":      `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:X","Resource":"arn:aws-mars:s3:::b"}]}`,
		"unknown operator":       `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:X","Resource":"*","Condition":{"StringSortOf":{"k":"v"}}}]}`,
		"no resource":            `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:X"}]}`,
		"resource and not":       `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:X","Resource":"*","NotResource":"arn:aws:s3:::b"}]}`,
		"malformed not resource": `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"a:X","NotResource":"arn:aws:s3"}]}`,
		"principal not ARN":      `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"someRoleA"},"Action":"sts:AssumeRole"}]}`,
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			d, err := Parse(in)
			if err != nil {
				t.Fatal(err)
			}
			if err := Validate(d, ManagedPolicySize); !errors.Is(err, ErrInvalidDocument) {
				t.Errorf("Validate error = %v, want ErrInvalidDocument", err)
			}
		})
	}
}

func TestValidateAcceptsKnownOperatorVariants(t *testing.T) {
	d, err := Parse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:X","Resource":"*","Condition":{"ForAnyValue:StringLikeIfExists":{"k":"v"},"Null":{"k2":"true"}}}]}`)
	if err != nil {
		t.Fatal(err)
	}
	if err := Validate(d, ManagedPolicySize); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func TestSizeIgnoresWhiteSpaceOutsideStrings(t *testing.T) {
	tests := map[string]struct {
		in   string
		want int
	}{
		"compact":             {in: `{"a":"b"}`, want: 9},
		"indented":            {in: "{\n  \"a\": \"b\"\n}", want: 9},
		"space inside string": {in: `{"a":"b c"}`, want: 11},
		"escaped quote":       {in: `{"a":"\" x"}`, want: 12},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := Size(tc.in); got != tc.want {
				t.Errorf("Size = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestTrustPolicy(t *testing.T) {
	tests := map[string]struct {
		trusted    []string
		externalID string
		want       string
	}{
		"seed trust policy": {
			trusted: []string{"arn:aws:iam::111111111111:role/someRoleA"},
			want:    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/someRoleA"},"Action":"sts:AssumeRole"}]}`,
		},
		"account ID and external ID": {
			trusted:    []string{"111111111111"},
			externalID: "ext-123",
			want:       `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"ext-123"}}}]}`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := TrustPolicy("aws", tc.trusted, tc.externalID).JSON()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
