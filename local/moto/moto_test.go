package moto_test

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/redshift-data-access/redshift-data-access/local/moto"
)

// TestAccountsAndReset checks what the contract suites rely on: each
// Config speaks as its own account, and Reset forgets what a test made.
func TestAccountsAndReset(t *testing.T) {
	srv := moto.Use(t)
	for _, account := range []string{moto.AccountA, moto.AccountB} {
		out, err := sts.NewFromConfig(srv.Config(account)).GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
		if err != nil {
			t.Fatalf("GetCallerIdentity as %s: %v", account, err)
		}
		if got := aws.ToString(out.Account); got != account {
			t.Errorf("GetCallerIdentity: account %s, want %s", got, account)
		}
	}
	a := iam.NewFromConfig(srv.Config(moto.AccountA))
	b := iam.NewFromConfig(srv.Config(moto.AccountB))
	if _, err := a.CreateGroup(t.Context(), &iam.CreateGroupInput{GroupName: aws.String("g")}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.GetGroup(t.Context(), &iam.GetGroupInput{GroupName: aws.String("g")}); !isNoSuchEntity(err) {
		t.Errorf("account B sees account A's group: %v", err)
	}
	if err := srv.Reset(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := a.GetGroup(t.Context(), &iam.GetGroupInput{GroupName: aws.String("g")}); !isNoSuchEntity(err) {
		t.Errorf("the group survived Reset: %v", err)
	}
}

func isNoSuchEntity(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == "NoSuchEntity"
}
