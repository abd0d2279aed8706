package dataaccess

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/google/go-cmp/cmp"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

func TestDatabaseUserPropsValidate(t *testing.T) {
	s := jsii.String
	secretArn := s("arn:aws:secretsmanager:eu-west-1:111111111111:secret:redshift-data-api/analytics/admin-AbCdEf")
	grant := func(on string, privileges ...string) *DatabaseGrant {
		return &DatabaseGrant{Privileges: jsii.Strings(privileges...), On: s(on)}
	}
	tests := map[string]struct {
		props DatabaseUserProps
		want  []string
	}{
		"cluster through temporary credentials": {props: DatabaseUserProps{ClusterIdentifier: s("examplecluster"), AdminDbUser: s("awsuser")}},
		"workgroup, IAM role, every option": {props: DatabaseUserProps{
			WorkgroupName: s("analytics"), AdminSecretArn: secretArn, IamIdentityArn: s("arn:aws:iam::111111111111:role/Analyst"),
			Database: s("dev"), Grants: &[]*DatabaseGrant{grant("SCHEMA sales", "USAGE"), grant("ALL TABLES IN SCHEMA sales", "SELECT")},
			Groups: jsii.Strings("readers"), Roles: jsii.Strings("analyst"), RetainOnDelete: jsii.Bool(true),
		}},
		"both targets":                   {props: DatabaseUserProps{ClusterIdentifier: s("c1"), WorkgroupName: s("analytics"), AdminSecretArn: secretArn}, want: []string{"ClusterIdentifier, WorkgroupName"}},
		"neither":                        {props: DatabaseUserProps{AdminSecretArn: secretArn}, want: []string{"ClusterIdentifier, WorkgroupName"}},
		"no admin":                       {props: DatabaseUserProps{ClusterIdentifier: s("c1")}, want: []string{"AdminSecretArn"}},
		"name and IAM":                   {props: DatabaseUserProps{ClusterIdentifier: s("c1"), AdminDbUser: s("awsuser"), UserName: s("app"), IamIdentityArn: s("arn:aws:iam::111111111111:role/Analyst")}, want: []string{"UserName, IamIdentityArn"}},
		"unknown privilege":              {props: DatabaseUserProps{ClusterIdentifier: s("c1"), AdminDbUser: s("awsuser"), Grants: &[]*DatabaseGrant{grant("DATABASE dev", "EXECUTE")}}, want: []string{"Grants[0].Privileges"}},
		"On of no form":                  {props: DatabaseUserProps{ClusterIdentifier: s("c1"), AdminDbUser: s("awsuser"), Grants: &[]*DatabaseGrant{grant("VIEW v", "SELECT")}}, want: []string{"Grants[0].On"}},
		"tokens are left to the handler": {props: DatabaseUserProps{ClusterIdentifier: ref("Cluster"), AdminDbUser: s("awsuser"), UserName: ref("User")}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			errs := tc.props.validate(tc.props.properties())
			for _, err := range errs {
				var pe *customresource.PropertyError
				if !errors.As(err, &pe) {
					t.Errorf("%v is not the function's PropertyError", err)
				}
			}
			if diff := cmp.Diff(tc.want, invalidProps(t, errs), sortProps); diff != "" {
				t.Errorf("invalid props (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDatabaseUserRole checks the dbuser function's role: the Data API's
// statements only on the provider's targets, temporary credentials only
// for the listed admin, the statement actions only on the role's own
// statements.
func TestDatabaseUserRole(t *testing.T) {
	f := getFixture(t)
	bySid := map[string]statement{}
	for _, s := range roleStatements(f.templates[f.constructs])[FunctionDBUser] {
		bySid[s.Sid] = s
	}
	holds := func(resources []string, suffix string) bool {
		for _, r := range resources {
			if strings.HasSuffix(r, suffix) {
				return true
			}
		}
		return false
	}
	run := bySid["RunStatementsOnTargets"]
	if len(run.Resources) != 2 || !holds(run.Resources, ":cluster:examplecluster") || !holds(run.Resources, workgroupArn) {
		t.Errorf("RunStatementsOnTargets on %v, want examplecluster's ARN and %s", run.Resources, workgroupArn)
	}
	creds := bySid["AdminTemporaryCredentials"]
	if len(creds.Resources) != 2 || !holds(creds.Resources, ":dbuser:examplecluster/awsuser") || !holds(creds.Resources, ":dbname:examplecluster/*") {
		t.Errorf("AdminTemporaryCredentials on %v, want awsuser of examplecluster and its databases", creds.Resources)
	}
	follow := bySid["FollowOwnStatements"]
	if got := follow.Condition["StringEquals"]["redshift-data:statement-owner-iam-userid"]; got != "${aws:userid}" {
		t.Errorf("FollowOwnStatements condition %v, want the statement owner to be the caller", follow.Condition)
	}
	custom := roleStatements(f.templates[f.custom])[FunctionDBUser]
	for _, s := range custom {
		if s.Sid == "RunStatementsOnTargets" || s.Sid == "AdminTemporaryCredentials" {
			t.Errorf("a provider without DatabaseUserTargets grants %s on %v", s.Sid, s.Resources)
		}
	}
}

// TestDatabaseUserNeedsAListedTarget checks that synth fails for a user
// on a cluster that the provider of the app may not administer.
func TestDatabaseUserNeedsAListedTarget(t *testing.T) {
	f := getFixture(t)
	annotations := assertions.Annotations_FromStack(f.custom)
	found := annotations.FindError(jsii.String("/Custom/UnlistedCluster"), assertions.Match_StringLikeRegexp(jsii.String(`DatabaseUserProps\.ClusterIdentifier: .*DatabaseUserTargets`)))
	if got := len(*found); got != 1 {
		t.Errorf("%d errors for a cluster the provider does not list, want 1", got)
	}
	listed := assertions.Annotations_FromStack(f.constructs)
	if got := len(*listed.FindError(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String(`DatabaseUserProps`)))); got != 0 {
		t.Errorf("the constructs stack, whose provider lists both targets, has %d DatabaseUserProps errors, want none", got)
	}
}
