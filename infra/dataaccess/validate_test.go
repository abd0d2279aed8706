package dataaccess

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/google/go-cmp/cmp"
)

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
		"recovery window 0 deletes without recovery": {props: SecretProps{WorkgroupName: s("w"), Username: s("u"), RecoveryWindowInDays: n(0)}},
		"cluster and workgroup":                      {props: SecretProps{ClusterIdentifier: s("c1"), WorkgroupName: s("w"), Username: s("u")}, want: []string{"WorkgroupName"}},
		"no target and no username":                  {props: SecretProps{}, want: []string{"ClusterIdentifier", "Username"}},
		"length with a given password": {
			props: SecretProps{WorkgroupName: s("w"), Username: s("u"), Password: awscdk.SecretValue_SecretsManager(s("admin"), nil), PasswordLength: n(16)},
			want:  []string{"PasswordLength"},
		},
		"length too short":        {props: SecretProps{WorkgroupName: s("w"), Username: s("u"), PasswordLength: n(7)}, want: []string{"PasswordLength"}},
		"length too long":         {props: SecretProps{WorkgroupName: s("w"), Username: s("u"), PasswordLength: n(65)}, want: []string{"PasswordLength"}},
		"fractional length":       {props: SecretProps{WorkgroupName: s("w"), Username: s("u"), PasswordLength: n(16.5)}, want: []string{"PasswordLength"}},
		"recovery window 6 days":  {props: SecretProps{WorkgroupName: s("w"), Username: s("u"), RecoveryWindowInDays: n(6)}, want: []string{"RecoveryWindowInDays"}},
		"port 0":                  {props: SecretProps{ClusterIdentifier: s("c"), Username: s("u"), Port: n(0)}, want: []string{"Port"}},
		"name outside the prefix": {props: SecretProps{WorkgroupName: s("w"), Username: s("u"), Name: s("MyRedshiftSecret")}, want: []string{"Name"}},
		"tokens are left to the handler": {props: SecretProps{
			WorkgroupName: ref("Workgroup"), Username: ref("User"), Name: ref("Name"),
		}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := invalidProps(t, tc.props.validate())
			if diff := cmp.Diff(tc.want, got); diff != "" {
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
			if diff := cmp.Diff(tc.want, got); diff != "" {
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
		"scoped on a workgroup": {props: AccessProps{Roles: s("app"), Permissions: Permissions{Workgroups: s("w")}}},
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
		"managed tagging workgroups": {props: AccessProps{Roles: s("app"), Permissions: Permissions{PolicyMode: PolicyModeManaged, Workgroups: s("w")}, TagWorkgroups: jsii.Bool(true)}},
		"only assume role":           {props: AccessProps{Roles: s("app"), AssumeRoleArns: s("arn:aws:iam::222222222222:role/someRoleB")}},
		"no principal":               {props: AccessProps{Permissions: Permissions{Workgroups: s("w")}}, want: []string{"Roles"}},
		"scoped without targets":     {props: AccessProps{Roles: s("app")}, want: []string{"Permissions.Clusters"}},
		"unknown policy mode":        {props: AccessProps{Roles: s("app"), Permissions: Permissions{PolicyMode: "Full", Workgroups: s("w")}}, want: []string{"Permissions.PolicyMode"}},
		"scoped props with managed": {
			props: AccessProps{
				Roles: s("app"), Groups: s("analysts"), AssumeRoleArns: s("arn:aws:iam::222222222222:role/someRoleB"),
				Permissions: Permissions{PolicyMode: PolicyModeManaged, Clusters: s("c"), DbUser: jsii.String("u")},
				PolicyPath:  jsii.String("/redshift-data-api/"),
			},
			want: []string{"Permissions.Clusters", "Permissions.DbUser", "AssumeRoleArns", "PolicyPath"},
		},
		"unknown auth method": {props: AccessProps{Roles: s("app"), Permissions: Permissions{Workgroups: s("w"), AuthMethods: []AuthMethod{"Password"}}}, want: []string{"Permissions.AuthMethods"}},
		"policy path outside the provider's": {
			props: AccessProps{Roles: s("app"), Permissions: Permissions{Workgroups: s("w")}, PolicyPath: jsii.String("/team/")},
			want:  []string{"PolicyPath"},
		},
		"policy path without a trailing slash": {
			props: AccessProps{Roles: s("app"), Permissions: Permissions{Workgroups: s("w")}, PolicyPath: jsii.String("/redshift-data-api/team")},
			want:  []string{"PolicyPath"},
		},
		"policy name with a space": {
			props: AccessProps{Roles: s("app"), Permissions: Permissions{Workgroups: s("w")}, PolicyName: jsii.String("my policy")},
			want:  []string{"PolicyName"},
		},
		"assume role that is not a role ARN": {props: AccessProps{Roles: s("app"), AssumeRoleArns: s("someRoleB")}, want: []string{"AssumeRoleArns"}},
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
			got := invalidProps(t, tc.props.validate())
			if diff := cmp.Diff(tc.want, got); diff != "" {
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
			TrustedPrincipalArns: s("111111111111"), ExternalId: jsii.String("x"),
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
		"workgroups with managed": {
			props: CrossAccountRoleProps{TrustedPrincipalArns: s("111111111111"), Permissions: Permissions{PolicyMode: PolicyModeManaged, Workgroups: s("w")}},
			want:  []string{"Permissions.Workgroups"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := invalidProps(t, tc.props.validate())
			if diff := cmp.Diff(tc.want, got); diff != "" {
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
		"unknown address type": {
			props: EndpointProps{VpcId: jsii.String("vpc-0a1b2c3d"), SubnetIds: s("subnet-0a1b2c3d"), IpAddressType: jsii.String("ipv5")},
			want:  []string{"IpAddressType"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := invalidProps(t, tc.props.validate())
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("invalid props (-want +got):\n%s", diff)
			}
		})
	}
}
