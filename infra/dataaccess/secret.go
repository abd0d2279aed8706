package dataaccess

import (
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/redshift-data-access/redshift-data-access/internal/secret"
)

// SecretResourceType is the CloudFormation type of a Secret.
const SecretResourceType = "Custom::RedshiftDataApiSecret"

// SecretProps configures a Secret. Exactly one of ClusterIdentifier and
// WorkgroupName is required, and Username.
type SecretProps struct {
	// Provider supplies the ServiceToken. Default: the stack's provider,
	// created on first use (ProviderOf).
	Provider TokenSource

	// ClusterIdentifier is the provisioned cluster the secret is for.
	ClusterIdentifier *string
	// WorkgroupName is the serverless workgroup the secret is for.
	WorkgroupName *string
	// Username is the database user.
	Username *string
	// Password is the database user's password. Default: generated under
	// Redshift's password rules and kept across updates. A given password
	// must be a Secrets Manager dynamic reference
	// (awscdk.SecretValue_SecretsManager) or a NoEcho parameter, never
	// plain text, which would be in the template; CloudFormation resolves
	// ssm-secure references for no custom resource. Synth checks this.
	Password awscdk.SecretValue
	// PasswordLength is the length of a generated password, 8 to 64.
	// Default: 32.
	PasswordLength *float64
	// Database, Host and Port are stored in the secret as dbname, host and
	// port.
	Database *string
	Host     *string
	Port     *float64
	// Name is the secret name; it must start with NamePrefix, the only
	// names the provider may manage. Default:
	// redshift-data-api/<stack>/<logical-id>-<hash>.
	Name        *string
	Description *string
	// KmsKeyId encrypts the secret; the key must be one of the provider's
	// SecretKmsKeyArns, or its key policy must let the provider's secret
	// function use it. A provider in the stack without SecretKmsKeyArns
	// gets a synth warning. Default: aws/secretsmanager.
	KmsKeyId *string
	Tags     *map[string]*string
	// TagValue is the value of the RedshiftDataFullAccess tag. Default: the
	// cluster identifier, or "serverless".
	TagValue *string
	// RecoveryWindowInDays is 0 (delete without recovery) or 7 to 30.
	// Default: 30.
	RecoveryWindowInDays *float64
	// RetainOnDelete keeps the secret when the resource is deleted.
	// Default: false.
	RetainOnDelete *bool
	// RestoreIfScheduledForDeletion makes Create restore a secret of the
	// same name that is scheduled for deletion, instead of failing.
	// Default: false.
	RestoreIfScheduledForDeletion *bool
}

// Secret is a Secrets Manager secret with credentials for a Redshift
// cluster or serverless workgroup, tagged RedshiftDataFullAccess so that the
// Data API policies let GetSecretValue through.
type Secret struct {
	constructs.Construct
	resource awscdk.CustomResource
}

// NewSecret declares a Custom::RedshiftDataApiSecret. A workgroup secret with
// a generated password, as in the guide's serverless procedure:
//
//	secret := dataaccess.NewSecret(stack, "AnalyticsSecret", &dataaccess.SecretProps{
//		WorkgroupName: jsii.String("analytics"),
//		Username:      jsii.String("myusername"),
//		Database:      jsii.String("dev"),
//	})
//	awscdk.NewCfnOutput(stack, jsii.String("SecretArn"), &awscdk.CfnOutputProps{Value: secret.Arn()})
func NewSecret(scope constructs.Construct, id string, props *SecretProps) *Secret {
	if props == nil {
		props = &SecretProps{}
	}
	s := &Secret{Construct: constructs.NewConstruct(scope, jsii.String(id))}
	p := props.properties()
	passwordErrs := checkPassword(s.Construct, props.Password)
	report(s.Construct, append(props.validate(p), passwordErrs...))
	warnUngrantedKey(s.Construct, props)
	// A rejected password stays out of the template that synth writes to
	// cdk.out before it fails.
	if len(passwordErrs) > 0 {
		delete(p, "Password")
	}
	s.resource = newCustomResource(s.Construct, SecretResourceType, props.Provider, FunctionSecret, p)
	return s
}

// properties renders the props as the resource's properties.
func (props *SecretProps) properties() properties {
	p := properties{}
	p.str("ClusterIdentifier", props.ClusterIdentifier)
	p.str("WorkgroupName", props.WorkgroupName)
	p.str("Username", props.Username)
	if props.Password != nil {
		// Always a token: the parser sees that a password is given,
		// never its text.
		p["Password"] = *props.Password.UnsafeUnwrap()
	}
	p.number("PasswordLength", props.PasswordLength)
	p.str("Database", props.Database)
	p.str("Host", props.Host)
	p.number("Port", props.Port)
	p.str("Name", props.Name)
	p.str("Description", props.Description)
	p.str("KmsKeyId", props.KmsKeyId)
	p.tags("Tags", props.Tags)
	p.str("TagValue", props.TagValue)
	p.number("RecoveryWindowInDays", props.RecoveryWindowInDays)
	p.boolean("RetainOnDelete", props.RetainOnDelete)
	p.boolean("RestoreIfScheduledForDeletion", props.RestoreIfScheduledForDeletion)
	return p
}

// validate returns every problem of the rendered properties p that synth
// can see: those the secret function's parser finds, and a Name outside
// the names the provider may manage (functions.go grants the secret
// function only names that start with NamePrefix).
func (props *SecretProps) validate(p properties) []error {
	errs := check("Secret", p, func(m map[string]any) error {
		_, err := secret.ParseProperties(m)
		return err
	}, sameName)
	if name, ok := known(props.Name); ok && !strings.HasPrefix(name, NamePrefix) {
		errs = append(errs, invalid("Secret", "Name", "is %q; allowed: a name that starts with %s, the only names the provider may manage", name, NamePrefix))
	}
	return errs
}

// checkPassword returns one *InvalidPropError unless the password reaches
// the template as something other than its text: a Secrets Manager dynamic
// reference, or an expression such as a NoEcho parameter's Ref that
// CloudFormation resolves. Plain text would be in the template, and
// CloudFormation does not resolve ssm-secure references in custom
// resources. It needs scope to resolve the value, which validate has not; the
// function cannot tell these forms apart, since it sees the resolved text.
func checkPassword(scope constructs.Construct, password awscdk.SecretValue) []error {
	if password == nil {
		return nil
	}
	text, ok := awscdk.Stack_Of(scope).Resolve(password.UnsafeUnwrap()).(string)
	if !ok || strings.HasPrefix(text, "{{resolve:secretsmanager:") {
		return nil
	}
	return []error{invalid("Secret", "Password", "is plain text or an ssm-secure reference; allowed: a Secrets Manager dynamic reference "+
		"(awscdk.SecretValue_SecretsManager) or a NoEcho parameter, so that the password stays out of the template")}
}

// warnUngrantedKey warns when the secret is to be encrypted with a customer
// managed key but its provider, created in this app, grants the secret
// function no KMS key: Secrets Manager would then be denied the key at
// deployment unless the key policy names the function's role. An imported
// provider's grants are not known at synth.
func warnUngrantedKey(scope constructs.Construct, props *SecretProps) {
	if !isSet(props.KmsKeyId) {
		return
	}
	provider, ok := props.Provider.(*Provider)
	if props.Provider == nil {
		provider, ok = ProviderOf(scope), true
	}
	if ok && !provider.secretKeys {
		awscdk.Annotations_Of(scope).AddWarningV2(jsii.String("dataaccess:SecretKmsKeyNotGranted"), jsii.String(
			"dataaccess.SecretProps.KmsKeyId: the provider grants its secret function no KMS key; "+
				"add the key's ARN to ProviderProps.SecretKmsKeyArns of a provider created with NewProvider and pass it as Provider"), nil)
	}
}

// Resource returns the underlying CloudFormation custom resource, for
// dependencies and removal policies.
func (s *Secret) Resource() awscdk.CustomResource { return s.resource }

// Arn returns the secret's ARN, which is also its physical ID.
func (s *Secret) Arn() *string { return s.resource.GetAttString(jsii.String("Arn")) }

// Name returns the secret's name.
func (s *Secret) Name() *string { return s.resource.GetAttString(jsii.String("Name")) }

// TagKey returns the key of the tag that the Data API policies look for,
// RedshiftDataFullAccess.
func (s *Secret) TagKey() *string { return s.resource.GetAttString(jsii.String("TagKey")) }
