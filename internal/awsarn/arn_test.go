package awsarn

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	tests := map[string]struct {
		in      string
		want    ARN
		wantErr bool
	}{
		"role with path": {in: "arn:aws:iam::111111111111:role/a/b/name", want: ARN{"aws", "iam", "", "111111111111", "role/a/b/name"}},
		"gov cluster":    {in: "arn:aws-us-gov:redshift:us-gov-west-1:111111111111:cluster:c", want: ARN{"aws-us-gov", "redshift", "us-gov-west-1", "111111111111", "cluster:c"}},
		"managed policy": {in: "arn:aws:iam::aws:policy/AmazonRedshiftDataFullAccess", want: ARN{"aws", "iam", "", "aws", "policy/AmazonRedshiftDataFullAccess"}},
		"too few parts":  {in: "arn:aws:iam::111111111111", wantErr: true},
		"bad account":    {in: "arn:aws:iam::1111:role/x", wantErr: true},
		"not an ARN":     {in: "someRoleA", wantErr: true},
		"empty resource": {in: "arn:aws:iam::111111111111:", wantErr: true},
		"iso partition":  {in: "arn:aws-iso:iam::111111111111:role/x", wantErr: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := Parse(tc.in)
			if tc.wantErr {
				if !errors.Is(err, ErrMalformed) {
					t.Errorf("error = %v, want ErrMalformed", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if got.String() != tc.in {
				t.Errorf("String() = %q, want %q", got.String(), tc.in)
			}
		})
	}
}

// TestOnePartitionSet checks that every parser accepts the same
// partitions: an ARN valid in aws is valid in aws-cn and aws-us-gov and
// malformed in any other partition.
func TestOnePartitionSet(t *testing.T) {
	parsers := map[string]struct {
		parse  func(string) error
		format string
	}{
		"Parse":             {func(s string) error { _, err := Parse(s); return err }, "arn:%s:iam::111111111111:role/r"},
		"ParseRole":         {func(s string) error { _, err := ParseRole(s); return err }, "arn:%s:iam::111111111111:role/r"},
		"ParsePolicy":       {func(s string) error { _, err := ParsePolicy(s); return err }, "arn:%s:iam::111111111111:policy/p"},
		"ParseSecret":       {func(s string) error { _, err := ParseSecret(s); return err }, "arn:%s:secretsmanager:us-east-1:111111111111:secret:s"},
		"ParseIssuedSecret": {func(s string) error { _, _, err := ParseIssuedSecret(s); return err }, "arn:%s:secretsmanager:us-east-1:111111111111:secret:s-AbCdEf"},
		"ParseCluster":      {func(s string) error { _, err := ParseCluster(s); return err }, "arn:%s:redshift:us-east-1:111111111111:cluster:c"},
		"ParseWorkgroup":    {func(s string) error { _, err := ParseWorkgroup(s); return err }, "arn:%s:redshift-serverless:us-east-1:111111111111:workgroup/w"},
	}
	for name, p := range parsers {
		for _, partition := range []string{"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-eusc", "azure"} {
			err := p.parse(fmt.Sprintf(p.format, partition))
			if Supported(partition) && err != nil {
				t.Errorf("%s in %s: %v, want success", name, partition, err)
			}
			if !Supported(partition) && !errors.Is(err, ErrMalformed) {
				t.Errorf("%s in %s: error = %v, want ErrMalformed", name, partition, err)
			}
		}
	}
	if diff := cmp.Diff([]string{"aws", "aws-cn", "aws-us-gov"}, Partitions()); diff != "" {
		t.Errorf("Partitions (-want +got):\n%s", diff)
	}
}

func TestPartitionOf(t *testing.T) {
	for region, want := range map[string]string{
		"us-east-1": "aws", "eu-west-1": "aws", "cn-north-1": "aws-cn", "cn-northwest-1": "aws-cn",
		"us-gov-west-1": "aws-us-gov", "us-iso-east-1": "aws-iso", "us-isob-east-1": "aws-iso-b",
		"eu-isoe-west-1": "aws-iso-e", "us-isof-south-1": "aws-iso-f", "": "aws",
	} {
		if got := PartitionOf(region); got != want {
			t.Errorf("PartitionOf(%q) = %q, want %q", region, got, want)
		}
	}
}

func TestParseIAM(t *testing.T) {
	tests := map[string]struct {
		in      string
		kind    IAMKind
		want    IAM
		wantErr bool
	}{
		"role with path":   {in: "arn:aws:iam::111111111111:role/a/b/name", kind: KindRole, want: IAM{Kind: KindRole, Path: "/a/b/", Name: "name"}},
		"role at the root": {in: "arn:aws:iam::111111111111:role/name", kind: KindRole, want: IAM{Kind: KindRole, Path: "/", Name: "name"}},
		"AWS managed":      {in: "arn:aws:iam::aws:policy/AmazonRedshiftDataFullAccess", kind: KindPolicy, want: IAM{Kind: KindPolicy, Path: "/", Name: "AmazonRedshiftDataFullAccess"}},
		"role in aws":      {in: "arn:aws:iam::aws:role/r", kind: KindRole, wantErr: true},
		"user as role":     {in: "arn:aws:iam::111111111111:user/u", kind: KindRole, wantErr: true},
		"no name":          {in: "arn:aws:iam::111111111111:role/a/", kind: KindRole, wantErr: true},
		"other service":    {in: "arn:aws:sts::111111111111:role/r", kind: KindRole, wantErr: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := ParseIAM(tc.in, tc.kind)
			if tc.wantErr {
				if !errors.Is(err, ErrMalformed) {
					t.Errorf("error = %v, want ErrMalformed", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got.ARN = ARN{}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if got := IAMARN("aws-cn", "111111111111", KindPolicy, "/a/", "p"); got != "arn:aws-cn:iam::111111111111:policy/a/p" {
		t.Errorf("IAMARN = %q", got)
	}
}

func TestParseIssuedSecret(t *testing.T) {
	sec, base, err := ParseIssuedSecret("arn:aws:secretsmanager:us-east-1:111111111111:secret:app/x-AbCdEf")
	if err != nil {
		t.Fatal(err)
	}
	if sec.Name != "app/x-AbCdEf" || base != "app/x" || sec.Region != "us-east-1" {
		t.Errorf("got %+v, %q", sec, base)
	}
	for _, bad := range []string{
		"arn:aws:secretsmanager:us-east-1:111111111111:secret:app/x",            // partial
		"arn:aws:secretsmanager::111111111111:secret:app/x-AbCdEf",              // no region
		"arn:aws:secretsmanager:us-east-1:*:secret:app/x-AbCdEf",                // no account
		"arn:aws:ssm:us-east-1:111111111111:parameter/app/x-AbCdEf",             // another service
		"arn:aws-iso:secretsmanager:us-iso-east-1:111111111111:secret:a-AbCdEf", // unsupported partition
	} {
		if _, _, err := ParseIssuedSecret(bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("ParseIssuedSecret(%q): error = %v, want ErrMalformed", bad, err)
		}
	}
}

func TestStackName(t *testing.T) {
	tests := map[string]struct {
		stackID, want string
	}{
		"stack ARN":      {stackID: "arn:aws:cloudformation:us-east-1:111111111111:stack/my-stack/0e6f1c10-0000-11ef-8000-0a1b2c3d4e5f", want: "my-stack"},
		"China ARN":      {stackID: "arn:aws-cn:cloudformation:cn-north-1:111111111111:stack/cn-stack/guid", want: "cn-stack"},
		"not an ARN":     {stackID: "local-stack", want: "local-stack"},
		"other resource": {stackID: "arn:aws:iam::111111111111:role/r", want: "arn:aws:iam::111111111111:role/r"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := StackName(tc.stackID); got != tc.want {
				t.Errorf("StackName(%q) = %q, want %q", tc.stackID, got, tc.want)
			}
		})
	}
}

func TestPredicates(t *testing.T) {
	tests := map[string]struct {
		pred func(string) bool
		yes  []string
		no   []string
	}{
		"IsTrustablePrincipal": {IsTrustablePrincipal,
			[]string{"arn:aws:iam::111111111111:root", "arn:aws:iam::111111111111:role/a/r", "arn:aws-cn:iam::111111111111:user/u"},
			[]string{"arn:aws:iam::111111111111:group/g", "arn:aws:iam::aws:root", "arn:aws-iso:iam::111111111111:root", "111111111111"}},
		"IsCustomerPolicy": {IsCustomerPolicy,
			[]string{"arn:aws:iam::111111111111:policy/p", "arn:aws-us-gov:iam::111111111111:policy/a/p"},
			[]string{"arn:aws:iam::aws:policy/AmazonRedshiftDataFullAccess", "arn:aws:iam::111111111111:role/p", "arn:aws-iso:iam::111111111111:policy/p"}},
		"IsRole": {IsRole,
			[]string{"arn:aws:iam::111111111111:role/r"},
			[]string{"arn:aws:iam::111111111111:role/", "arn:aws:iam::111111111111:user/r", "role/r"}},
		"HasSecretSuffix": {HasSecretSuffix,
			[]string{"arn:aws:secretsmanager:us-east-1:111111111111:secret:x-AbCdEf", "name-123456"},
			[]string{"arn:aws:secretsmanager:us-east-1:111111111111:secret:x", "x-AbCdE", "x_AbCdEf"}},
	}
	for name, tc := range tests {
		for _, s := range tc.yes {
			if !tc.pred(s) {
				t.Errorf("%s(%q) = false, want true", name, s)
			}
		}
		for _, s := range tc.no {
			if tc.pred(s) {
				t.Errorf("%s(%q) = true, want false", name, s)
			}
		}
	}
}
