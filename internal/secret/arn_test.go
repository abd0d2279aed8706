package secret

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestIssuable(t *testing.T) {
	const (
		useast1   = "arn:aws:secretsmanager:us-east-1:111111111111:secret:app/x-AbCdEf"
		cnnorth1  = "arn:aws-cn:secretsmanager:cn-north-1:111111111111:secret:app/x-AbCdEf"
		govwest1  = "arn:aws-us-gov:secretsmanager:us-gov-west-1:111111111111:secret:app/x-AbCdEf"
		euwest1   = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:app/x-AbCdEf"
		wrongPart = "arn:aws-cn:secretsmanager:us-east-1:111111111111:secret:app/x-AbCdEf"
	)
	tests := map[string]struct {
		region string
		arn    string
		want   bool
	}{
		"same region":                   {region: "us-east-1", arn: useast1, want: true},
		"another region":                {region: "us-east-1", arn: euwest1},
		"China":                         {region: "cn-north-1", arn: cnnorth1, want: true},
		"GovCloud":                      {region: "us-gov-west-1", arn: govwest1, want: true},
		"commercial ARN from China":     {region: "cn-north-1", arn: useast1},
		"region in the wrong partition": {region: "us-east-1", arn: wrongPart},
		"no region configured":          {region: "", arn: useast1},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			a, ok := parseARN(tc.arn)
			if !ok {
				t.Fatalf("parseARN(%q) failed", tc.arn)
			}
			if diff := cmp.Diff(tc.want, New(nil, tc.region).issuable(a)); diff != "" {
				t.Errorf("issuable (-want +got):\n%s", diff)
			}
		})
	}
}
