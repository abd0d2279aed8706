package iampolicy_test

import (
	"fmt"
	"os"

	"github.com/redshift-data-access/redshift-data-access/local/iampolicy"
)

// A service handler decides a call against the caller's identity
// policies, with the resource's tags and the caller's identity.
func ExampleEvaluate() {
	b, err := os.ReadFile("../awsemu/iam/managedpolicies/AmazonRedshiftDataFullAccess.json")
	if err != nil {
		panic(err)
	}
	managed := iampolicy.MustParse(string(b))
	caller := iampolicy.Principal{
		ARN:     "arn:aws:sts::111111111111:assumed-role/analyst/session",
		RoleARN: "arn:aws:iam::111111111111:role/analyst",
		Account: "111111111111",
		UserID:  "AROAEXAMPLE:session",
	}
	secret := "arn:aws:secretsmanager:us-east-1:111111111111:secret:MyRedshiftSecret-mvLHxf"
	for _, tags := range []map[string]string{{"RedshiftDataFullAccess": "yes"}, nil} {
		d := iampolicy.Evaluate([]iampolicy.Document{managed}, iampolicy.Request{
			Action:    "secretsmanager:GetSecretValue",
			Resource:  secret,
			Principal: caller,
			Context:   iampolicy.ResourceTags("secretsmanager", tags),
		})
		fmt.Println(d.Allowed(), d)
	}
	// Output:
	// true allow by identity-based policy 0 statement 1 (SecretsManagerPermissions)
	// false implicit deny: no identity-based policy allows it
}

// sts:AssumeRole across accounts needs the trust policy and the
// caller's own policies.
func ExampleAssumeRole() {
	trust := iampolicy.MustParse(`{"Version":"2012-10-17","Statement":{"Effect":"Allow",
		"Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"sts:AssumeRole",
		"Condition":{"StringEquals":{"sts:ExternalId":"ext-1"}}}}`)
	identity := iampolicy.MustParse(`{"Version":"2012-10-17","Statement":{"Sid":"Assume","Effect":"Allow",
		"Action":"sts:AssumeRole","Resource":"arn:aws:iam::111111111111:role/reader"}}`)
	req := iampolicy.Request{
		Action:   "sts:AssumeRole",
		Resource: "arn:aws:iam::111111111111:role/reader",
		Principal: iampolicy.Principal{
			ARN:     "arn:aws:iam::222222222222:user/bob",
			Account: "222222222222",
		},
		Context: map[string][]string{"sts:ExternalId": {"ext-1"}},
	}
	fmt.Println(iampolicy.AssumeRole(trust, "111111111111", []iampolicy.Document{identity}, req))
	fmt.Println(iampolicy.AssumeRole(trust, "111111111111", nil, req))
	// Output:
	// allow by identity-based policy 0 statement 0 (Assume)
	// implicit deny: no identity-based policy allows it
}
