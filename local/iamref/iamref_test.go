package iamref_test

import (
	"errors"
	"os"
	"testing"

	"github.com/redshift-data-access/redshift-data-access/internal/policy"
	"github.com/redshift-data-access/redshift-data-access/local/iamref"
)

// reference loads the installed data, or skips t with how to install it;
// with CI=true it fails instead, so that CI cannot pass with the check off.
func reference(t *testing.T) *iamref.Reference {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := iamref.FindData(wd)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%v (CI=true: the IAM reference check must run in CI)", err)
		}
		t.Skipf("skipping the IAM reference check: %v", err)
	}
	ref, err := iamref.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

func doc(t *testing.T, text string) policy.Document {
	t.Helper()
	d, err := policy.Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestCheck checks that each kind of mistake is found, and that documents
// IAM accepts pass.
func TestCheck(t *testing.T) {
	ref := reference(t)
	tests := map[string]struct {
		doc  string
		want []error // kinds, in order
	}{
		"cluster and dbuser": {
			doc: `{"Version":"2012-10-17","Statement":[
				{"Effect":"Allow","Action":["redshift-data:ExecuteStatement","redshift-data:ListTables"],"Resource":"arn:aws:redshift:us-east-1:111111111111:cluster:analytics"},
				{"Effect":"Allow","Action":"redshift:GetClusterCredentials","Resource":["arn:aws:redshift:us-east-1:111111111111:dbuser:analytics/u","arn:aws:redshift:*:111111111111:dbname:analytics/*"],"Condition":{"StringEquals":{"redshift:DbUser":"u","aws:PrincipalTag/team":"data"}}}]}`,
		},
		"statement actions need Resource *": {
			doc:  `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"redshift-data:DescribeStatement","Resource":"arn:aws:redshift:us-east-1:111111111111:cluster:analytics"}]}`,
			want: []error{iamref.ErrResourceMismatch, iamref.ErrResourceMismatch},
		},
		"unknown action": {
			doc:  `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["redshift-data:RunStatement","nosuchservice:Get"],"Resource":"*"}]}`,
			want: []error{iamref.ErrUnknownAction, iamref.ErrUnknownAction},
		},
		"wildcard actions": {
			doc:  `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["redshift-data:List*","secretsmanager:Nothing*"],"Resource":"*"}]}`,
			want: []error{iamref.ErrUnknownAction},
		},
		"secret ARN for a cluster action": {
			doc:  `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"redshift-data:ExecuteStatement","Resource":"arn:aws:secretsmanager:us-east-1:111111111111:secret:x-AbCdEf"}]}`,
			want: []error{iamref.ErrResourceMismatch, iamref.ErrResourceMismatch},
		},
		"dbname resource for CreateClusterUser": {
			doc:  `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"redshift:CreateClusterUser","Resource":"arn:aws:redshift:us-east-1:111111111111:dbname:analytics/dev"}]}`,
			want: []error{iamref.ErrResourceMismatch, iamref.ErrResourceMismatch},
		},
		"condition key of another action": {
			doc:  `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"redshift-data:ExecuteStatement","Resource":"*","Condition":{"StringEquals":{"redshift-data:statement-owner-iam-userid":"${aws:userid}"}}}]}`,
			want: []error{iamref.ErrUnknownConditionKey},
		},
		"tag condition key through the resource type": {
			doc: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"arn:aws:secretsmanager:us-east-1:111111111111:secret:*","Condition":{"StringLike":{"secretsmanager:ResourceTag/RedshiftDataFullAccess":"*"}}}]}`,
		},
		"unknown global key": {
			doc:  `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"redshift-data:ListStatements","Resource":"*","Condition":{"StringEquals":{"aws:NoSuchKey":"x","aws:ResourceTag/team":"data"}}}]}`,
			want: []error{iamref.ErrUnknownConditionKey},
		},
		"one statement over roles and users": {
			doc: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GetRole","iam:GetUser"],"Resource":["arn:aws:iam::111111111111:role/*","arn:aws:iam::111111111111:user/*"]}]}`,
		},
		"an action none of the resources fit": {
			doc:  `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GetRole","iam:GetGroup"],"Resource":["arn:aws:iam::111111111111:role/*","arn:aws:iam::111111111111:user/*"]}]}`,
			want: []error{iamref.ErrResourceMismatch, iamref.ErrResourceMismatch},
		},
		"trust policy": {
			doc: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"x"}}}]}`,
		},
		"iam role in the wrong field": {
			doc:  `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam:us-east-1:111111111111:role/r"}]}`,
			want: []error{iamref.ErrResourceMismatch, iamref.ErrResourceMismatch},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			problems, err := ref.Check(doc(t, tc.doc))
			if err != nil {
				t.Fatal(err)
			}
			if len(problems) != len(tc.want) {
				t.Fatalf("problems %v, want %d: %v", problems, len(tc.want), tc.want)
			}
			for i, p := range problems {
				if !errors.Is(p, tc.want[i]) {
					t.Errorf("problem %d: %v, want kind %v", i, p, tc.want[i])
				}
			}
		})
	}
}

func TestFindDataWithoutNodeModules(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/go.mod", []byte("module x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := iamref.FindData(dir); !errors.Is(err, iamref.ErrNoData) {
		t.Errorf("FindData: %v, want ErrNoData", err)
	}
}
