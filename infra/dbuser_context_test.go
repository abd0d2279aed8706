package main

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
)

// TestDatabaseUserTargetsFromContext checks that the context lists reach
// the dbuser function's role of the provider stack, and that an item of
// neither form fails synth naming it.
func TestDatabaseUserTargetsFromContext(t *testing.T) {
	const wgArn = "arn:aws:redshift-serverless:us-east-1:111111111111:workgroup/0b6a1c70-4f3e-11ef-9a5c-0a1b2c3d4e5f"
	s := addStacks(newTestApp(map[string]any{
		contextDatabaseUserClusters:   "examplecluster/awsuser",
		contextDatabaseUserWorkgroups: []any{"example-wg=" + wgArn, "no-arn"},
	}))
	tpl, err := decodeTemplate(s.provider.Stack)
	if err != nil {
		t.Fatal(err)
	}
	var policies []string
	for id, r := range tpl.Resources {
		if r.Type == "AWS::IAM::Role" && strings.Contains(id, "DatabaseUserRole") {
			policies = append(policies, text(r.Properties["Policies"]))
		}
	}
	if len(policies) != 1 {
		t.Fatalf("%d roles of the dbuser function, want 1", len(policies))
	}
	for _, want := range []string{":cluster:examplecluster", ":dbuser:examplecluster/awsuser", wgArn} {
		if !strings.Contains(policies[0], want) {
			t.Errorf("the dbuser role does not name %s: %s", want, policies[0])
		}
	}
	found := assertions.Annotations_FromStack(s.provider.Stack).FindError(jsii.String("*"),
		assertions.Match_StringLikeRegexp(jsii.String(`DatabaseUserTargets\[2\]`)))
	if got := len(*found); got != 1 {
		t.Errorf("%d errors for the workgroup without an ARN, want 1", got)
	}
}
