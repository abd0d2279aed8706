package dataaccess

import (
	"errors"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/redshift-data-access/redshift-data-access/internal/access"
	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

// sortProps compares lists of props in any order: the order of the
// problems is the parser's.
var sortProps = cmpopts.SortSlices(func(a, b string) bool { return a < b })

// ref returns a token, as a CloudFormation parameter would give.
func ref(name string) *string { return awscdk.Fn_Ref(jsii.String(name)) }

// refList returns a list token, as a CommaDelimitedList parameter would give.
func refList(name string) *[]*string { return awscdk.Token_AsList(ref(name), nil) }

func TestSecretPropsValidate(t *testing.T) {
	s, n := jsii.String, jsii.Number[float64]
	tests := map[string]struct {
		props SecretProps
		want  []string
	}{
		"workgroup with a generated password": {props: SecretProps{WorkgroupName: s("analytics"), Username: s("u")}},
		"cluster with every option": {props: SecretProps{
			ClusterIdentifier: s("c1"), Username: s("u"), PasswordLength: n(64), Port: n(5439),
			Name: s("redshift-data-api/team/c1"), RecoveryWindowInDays: n(7), RetainOnDelete: jsii.Bool(true),
		}},
		"recovery window 0 deletes without recovery": {props: SecretProps{WorkgroupName: s("wg1"), Username: s("u"), RecoveryWindowInDays: n(0)}},
		"cluster and workgroup":                      {props: SecretProps{ClusterIdentifier: s("c1"), WorkgroupName: s("wg1"), Username: s("u")}, want: []string{"ClusterIdentifier, WorkgroupName"}},
		"no target and no username":                  {props: SecretProps{}, want: []string{"ClusterIdentifier, WorkgroupName", "Username"}},
		"length with a given password": {
			props: SecretProps{WorkgroupName: s("wg1"), Username: s("u"), Password: awscdk.SecretValue_SecretsManager(s("admin"), nil), PasswordLength: n(16)},
			want:  []string{"PasswordLength"},
		},
		"length too short":        {props: SecretProps{WorkgroupName: s("wg1"), Username: s("u"), PasswordLength: n(7)}, want: []string{"PasswordLength"}},
		"length too long":         {props: SecretProps{WorkgroupName: s("wg1"), Username: s("u"), PasswordLength: n(65)}, want: []string{"PasswordLength"}},
		"fractional length":       {props: SecretProps{WorkgroupName: s("wg1"), Username: s("u"), PasswordLength: n(16.5)}, want: []string{"PasswordLength"}},
		"recovery window 6 days":  {props: SecretProps{WorkgroupName: s("wg1"), Username: s("u"), RecoveryWindowInDays: n(6)}, want: []string{"RecoveryWindowInDays"}},
		"port 0":                  {props: SecretProps{ClusterIdentifier: s("c"), Username: s("u"), Port: n(0)}, want: []string{"Port"}},
		"name outside the prefix": {props: SecretProps{WorkgroupName: s("wg1"), Username: s("u"), Name: s("MyRedshiftSecret")}, want: []string{"Name"}},
		// Rules that synth once restated more loosely than the function.
		"one-letter workgroup name": {props: SecretProps{WorkgroupName: s("w"), Username: s("u")}, want: []string{"WorkgroupName"}},
		"port below Redshift's":     {props: SecretProps{ClusterIdentifier: s("c"), Username: s("u"), Port: n(1000)}, want: []string{"Port"}},
		"host with a workgroup":     {props: SecretProps{WorkgroupName: s("wg1"), Username: s("u"), Host: s("wg1.example.com")}, want: []string{"Host"}},
		"reserved tag key": {
			props: SecretProps{WorkgroupName: s("wg1"), Username: s("u"), Tags: &map[string]*string{"RedshiftDataFullAccess": s("x")}},
			want:  []string{"Tags"},
		},
		"tokens are left to the handler": {props: SecretProps{
			WorkgroupName: ref("Workgroup"), Username: ref("User"), Name: ref("Name"),
		}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := invalidProps(t, tc.props.validate(tc.props.properties()))
			if diff := cmp.Diff(tc.want, got, sortProps); diff != "" {
				t.Errorf("invalid props (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheckPassword(t *testing.T) {
	stack := awscdk.NewStack(newTestApp(), jsii.String("Passwords"), nil)
	param := awscdk.NewCfnParameter(stack, jsii.String("AdminPassword"), &awscdk.CfnParameterProps{NoEcho: jsii.Bool(true)})
	tests := map[string]struct {
		password awscdk.SecretValue
		want     []string
	}{
		"generated":                 {},
		"Secrets Manager reference": {password: awscdk.SecretValue_SecretsManager(jsii.String("admin-password"), nil)},
		"NoEcho parameter":          {password: awscdk.SecretValue_CfnParameter(param)},
		"plain text":                {password: awscdk.SecretValue_UnsafePlainText(jsii.String("Example-Passw0rd")), want: []string{"Password"}},
		"ssm-secure reference":      {password: awscdk.SecretValue_SsmSecure(jsii.String("/admin/password"), nil), want: []string{"Password"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := invalidProps(t, checkPassword(stack, tc.password))
			if diff := cmp.Diff(tc.want, got, sortProps); diff != "" {
				t.Errorf("invalid props (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAccessPropsValidate(t *testing.T) {
	s := jsii.Strings
	tests := map[string]struct {
		props AccessProps
		want  []string
	}{
		"scoped on a workgroup": {props: AccessProps{Roles: s("app"), Permissions: Permissions{Workgroups: s("wg1")}}},
		"scoped with every option": {props: AccessProps{
			Users: s("analyst"), Groups: s("analysts"),
			Permissions: Permissions{
				PolicyMode: PolicyModeScoped, Clusters: s("c1"), Databases: s("dev"),
				AuthMethods: []AuthMethod{AuthSecretsManager, AuthClusterTemporaryCredentials, AuthClusterIamIdentity},
				DbUser:      jsii.String("reporting"), StatementOwnerOnly: jsii.Bool(false),
			},
			PolicyName: jsii.String("analysts-data-api"), PolicyPath: jsii.String("/redshift-data-api/team/"),
		}},
		"managed":                    {props: AccessProps{Users: s("analyst"), Permissions: Permissions{PolicyMode: PolicyModeManaged}}},
		"managed for a group":        {props: AccessProps{Groups: s("analysts"), Permissions: Permissions{PolicyMode: PolicyModeManaged}}},
		"managed tagging workgroups": {props: AccessProps{Roles: s("app"), Permissions: Permissions{PolicyMode: PolicyModeManaged, Workgroups: s("wg1")}, TagWorkgroups: jsii.Bool(true)}},
		"only assume role":           {props: AccessProps{Roles: s("app"), AssumeRoleArns: s("arn:aws:iam::222222222222:role/someRoleB")}},
		"no principal":               {props: AccessProps{Permissions: Permissions{Workgroups: s("wg1")}}, want: []string{"Roles"}},
		"scoped without targets":     {props: AccessProps{Roles: s("app")}, want: []string{"Permissions.Clusters"}},
		"unknown policy mode":        {props: AccessProps{Roles: s("app"), Permissions: Permissions{PolicyMode: "Full", Workgroups: s("wg1")}}, want: []string{"Permissions.PolicyMode"}},
		"scoped props with managed": {
			props: AccessProps{
				Roles: s("app"), Groups: s("analysts"), AssumeRoleArns: s("arn:aws:iam::222222222222:role/someRoleB"),
				Permissions: Permissions{PolicyMode: PolicyModeManaged, Clusters: s("c"), DbUser: jsii.String("u")},
				PolicyPath:  jsii.String("/redshift-data-api/"),
			},
			want: []string{"Permissions.Clusters", "Permissions.DbUser", "AssumeRoleArns", "PolicyPath"},
		},
		"unknown auth method": {props: AccessProps{Roles: s("app"), Permissions: Permissions{Workgroups: s("wg1"), AuthMethods: []AuthMethod{"Password"}}}, want: []string{"Permissions.AuthMethods"}},
		"policy path outside the provider's": {
			props: AccessProps{Roles: s("app"), Permissions: Permissions{Workgroups: s("wg1")}, PolicyPath: jsii.String("/team/")},
			want:  []string{"PolicyPath"},
		},
		"policy path without a trailing slash": {
			props: AccessProps{Roles: s("app"), Permissions: Permissions{Workgroups: s("wg1")}, PolicyPath: jsii.String("/redshift-data-api/team")},
			want:  []string{"PolicyPath"},
		},
		"policy name with a space": {
			props: AccessProps{Roles: s("app"), Permissions: Permissions{Workgroups: s("wg1")}, PolicyName: jsii.String("my policy")},
			want:  []string{"PolicyName"},
		},
		"assume role that is not a role ARN": {props: AccessProps{Roles: s("app"), AssumeRoleArns: s("someRoleB")}, want: []string{"AssumeRoleArns"}},
		// Rules that synth once restated more loosely than the function,
		// or not at all.
		"managed workgroups without TagWorkgroups": {
			props: AccessProps{Roles: s("app"), Permissions: Permissions{PolicyMode: PolicyModeManaged, Workgroups: s("wg1")}},
			want:  []string{"Permissions.Workgroups"},
		},
		"serverless credentials without workgroups": {
			props: AccessProps{Roles: s("app"), Permissions: Permissions{Clusters: s("c1"), AuthMethods: []AuthMethod{AuthServerlessTemporaryCredentials}}},
			want:  []string{"Permissions.AuthMethods"},
		},
		"one-letter workgroup name": {props: AccessProps{Roles: s("app"), Permissions: Permissions{Workgroups: s("w")}}, want: []string{"Permissions.Workgroups"}},
		"role ARN of another kind": {
			props: AccessProps{Roles: s("arn:aws:iam::111111111111:user/analyst"), Permissions: Permissions{Workgroups: s("wg1")}},
			want:  []string{"Roles"},
		},
		"a bad ARN next to a token": {
			props: AccessProps{Roles: s("app"), AssumeRoleArns: &[]*string{ref("Arn"), jsii.String("someRoleB")}},
			want:  []string{"AssumeRoleArns"},
		},
		"tag workgroups without workgroups": {
			props: AccessProps{Roles: s("app"), Permissions: Permissions{Clusters: s("c")}, TagWorkgroups: jsii.Bool(true)},
			want:  []string{"TagWorkgroups"},
		},
		"token lists are left to the handler": {props: AccessProps{
			Roles: refList("Roles"), Permissions: Permissions{Workgroups: refList("Workgroups")}, PolicyPath: ref("Path"), AssumeRoleArns: &[]*string{ref("Arn")},
		}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := invalidProps(t, tc.props.validate(tc.props.properties()))
			if diff := cmp.Diff(tc.want, got, sortProps); diff != "" {
				t.Errorf("invalid props (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCrossAccountRolePropsValidate(t *testing.T) {
	s := jsii.Strings
	managed := Permissions{PolicyMode: PolicyModeManaged}
	tests := map[string]struct {
		props CrossAccountRoleProps
		want  []string
	}{
		"the guide's trust": {props: CrossAccountRoleProps{TrustedPrincipalArns: s("arn:aws:iam::111111111111:role/someRoleA"), Permissions: managed}},
		"account ID, external ID and every option": {props: CrossAccountRoleProps{
			TrustedPrincipalArns: s("111111111111"), ExternalId: jsii.String("partner-42"),
			RoleName: jsii.String("partner"), RolePath: jsii.String("/redshift-data-api/partners/"),
			MaxSessionDuration: awscdk.Duration_Hours(jsii.Number(12)), Permissions: Permissions{Clusters: s("c1")},
		}},
		"no trusted principal":   {props: CrossAccountRoleProps{Permissions: managed}, want: []string{"TrustedPrincipalArns"}},
		"trusted principal name": {props: CrossAccountRoleProps{TrustedPrincipalArns: s("someRoleA"), Permissions: managed}, want: []string{"TrustedPrincipalArns"}},
		"role path outside the provider's": {
			props: CrossAccountRoleProps{TrustedPrincipalArns: s("111111111111"), RolePath: jsii.String("/"), Permissions: managed},
			want:  []string{"RolePath"},
		},
		"role name too long": {
			props: CrossAccountRoleProps{TrustedPrincipalArns: s("111111111111"), RoleName: jsii.String(string(make([]byte, 65))), Permissions: managed},
			want:  []string{"RoleName"},
		},
		"session of 13 hours": {
			props: CrossAccountRoleProps{TrustedPrincipalArns: s("111111111111"), MaxSessionDuration: awscdk.Duration_Hours(jsii.Number(13)), Permissions: managed},
			want:  []string{"MaxSessionDuration"},
		},
		"scoped without targets": {props: CrossAccountRoleProps{TrustedPrincipalArns: s("111111111111")}, want: []string{"Permissions.Clusters"}},
		"trust from a parameter": {props: CrossAccountRoleProps{TrustedPrincipalArns: refList("Trusted"), ExternalId: ref("ExternalId"), Permissions: managed}},
		// Rules that synth once restated more loosely than the function,
		// or not at all.
		"one-character external ID": {
			props: CrossAccountRoleProps{TrustedPrincipalArns: s("111111111111"), ExternalId: jsii.String("x"), Permissions: managed},
			want:  []string{"ExternalId"},
		},
		"boundary that is not a policy ARN": {
			props: CrossAccountRoleProps{TrustedPrincipalArns: s("111111111111"), PermissionsBoundaryArn: jsii.String("arn:aws:iam::111111111111:role/r"), Permissions: managed},
			want:  []string{"PermissionsBoundaryArn"},
		},
		"reserved tag key": {
			props: CrossAccountRoleProps{TrustedPrincipalArns: s("111111111111"), Tags: &map[string]*string{"aws:team": jsii.String("data")}, Permissions: managed},
			want:  []string{"Tags"},
		},
		"workgroups with managed": {
			props: CrossAccountRoleProps{TrustedPrincipalArns: s("111111111111"), Permissions: Permissions{PolicyMode: PolicyModeManaged, Workgroups: s("wg1")}},
			want:  []string{"Permissions.Workgroups"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := invalidProps(t, tc.props.validate(tc.props.properties()))
			if diff := cmp.Diff(tc.want, got, sortProps); diff != "" {
				t.Errorf("invalid props (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEndpointPropsValidate(t *testing.T) {
	s := jsii.Strings
	tests := map[string]struct {
		props EndpointProps
		want  []string
	}{
		"two subnets": {props: EndpointProps{VpcId: jsii.String("vpc-0a1b2c3d"), SubnetIds: s("subnet-0a1b2c3d", "subnet-0e1f2a3b")}},
		"every option": {props: EndpointProps{
			VpcId: jsii.String("vpc-0a1b2c3d"), SubnetIds: s("subnet-0a1b2c3d"), SecurityGroupIds: s("sg-0a1b2c3d"),
			PrivateDnsEnabled: jsii.Bool(false), IpAddressType: jsii.String("dualstack"),
		}},
		"parameters":        {props: EndpointProps{VpcId: ref("VpcId"), SubnetIds: refList("SubnetIds")}},
		"nothing":           {props: EndpointProps{}, want: []string{"VpcId", "SubnetIds"}},
		"not a VPC ID":      {props: EndpointProps{VpcId: jsii.String("my-vpc"), SubnetIds: s("subnet-0a1b2c3d")}, want: []string{"VpcId"}},
		"VPC ID too short":  {props: EndpointProps{VpcId: jsii.String("vpc-1"), SubnetIds: s("subnet-0a1b2c3d")}, want: []string{"VpcId"}},
		"empty subnet list": {props: EndpointProps{VpcId: jsii.String("vpc-0a1b2c3d"), SubnetIds: &[]*string{}}, want: []string{"SubnetIds"}},
		"subnet twice":      {props: EndpointProps{VpcId: jsii.String("vpc-0a1b2c3d"), SubnetIds: s("subnet-0a1b2c3d", "subnet-0a1b2c3d")}, want: []string{"SubnetIds"}},
		"not a subnet ID":   {props: EndpointProps{VpcId: jsii.String("vpc-0a1b2c3d"), SubnetIds: s("private-a")}, want: []string{"SubnetIds"}},
		"not a group ID": {
			props: EndpointProps{VpcId: jsii.String("vpc-0a1b2c3d"), SubnetIds: s("subnet-0a1b2c3d"), SecurityGroupIds: s("default")},
			want:  []string{"SecurityGroupIds"},
		},
		"a bad subnet next to a token": {
			props: EndpointProps{VpcId: jsii.String("vpc-0a1b2c3d"), SubnetIds: &[]*string{ref("Subnet"), jsii.String("private-a")}},
			want:  []string{"SubnetIds"},
		},
		"not a service name": {
			props: EndpointProps{VpcId: jsii.String("vpc-0a1b2c3d"), SubnetIds: s("subnet-0a1b2c3d"), ServiceName: jsii.String("redshift-data")},
			want:  []string{"ServiceName"},
		},
		"unknown address type": {
			props: EndpointProps{VpcId: jsii.String("vpc-0a1b2c3d"), SubnetIds: s("subnet-0a1b2c3d"), IpAddressType: jsii.String("ipv5")},
			want:  []string{"IpAddressType"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := invalidProps(t, tc.props.validate(tc.props.properties()))
			if diff := cmp.Diff(tc.want, got, sortProps); diff != "" {
				t.Errorf("invalid props (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSynthAgreesWithTheFunction judges ARNs of every partition at synth
// and with the access function's parser, on properties written by hand:
// synth once accepted any partition that starts with aws, aws-iso among
// them, whatever the function accepted.
func TestSynthAgreesWithTheFunction(t *testing.T) {
	partitions := []string{"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-f", "aws-eusc", "awsx"}
	accepted, refused := 0, 0
	for _, partition := range partitions {
		t.Run(partition, func(t *testing.T) {
			role := "arn:" + partition + ":iam::222222222222:role/someRoleB"
			tests := map[string]struct {
				synth    []error
				function error
				prop     string
			}{
				"AssumeRoleArns": {
					synth: func() []error {
						props := &AccessProps{Roles: jsii.Strings("app"), AssumeRoleArns: jsii.Strings(role)}
						return props.validate(props.properties())
					}(),
					function: access.ValidateAccessProperties(map[string]any{"Roles": []any{"app"}, "AssumeRoleArns": []any{role}}),
					prop:     "AssumeRoleArns",
				},
				"TrustedPrincipalArns": {
					synth: func() []error {
						props := &CrossAccountRoleProps{TrustedPrincipalArns: jsii.Strings(role), Permissions: Permissions{PolicyMode: PolicyModeManaged}}
						return props.validate(props.properties())
					}(),
					function: access.ValidateCrossAccountRoleProperties(map[string]any{"TrustedPrincipalArns": []any{role}, "PolicyMode": "Managed"}),
					prop:     "TrustedPrincipalArns",
				},
			}
			for name, tc := range tests {
				if got, want := len(tc.synth) > 0, tc.function != nil; got != want {
					t.Errorf("%s %s: synth refuses it: %v, the function refuses it: %v", name, role, got, want)
				}
				if tc.function != nil {
					refused++
				} else {
					accepted++
				}
				for _, err := range tc.synth {
					var invalid *InvalidPropError
					var pe *customresource.PropertyError
					if !errors.As(err, &invalid) || invalid.Prop != tc.prop || !errors.As(err, &pe) {
						t.Errorf("%s: synth error %v is not the function's PropertyError about %s", name, err, tc.prop)
					}
				}
			}
		})
	}
	if accepted == 0 || refused == 0 {
		t.Errorf("the function accepted %d and refused %d of the ARNs; the test needs both", accepted, refused)
	}
}
