package secret

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

// ResourceType is the CloudFormation type the resource serves.
const ResourceType = "Custom::RedshiftDataApiSecret"

// namePrefix starts every generated secret name; the provider's IAM policy
// limits the function's Secrets Manager permissions to it.
const namePrefix = "redshift-data-api/"

// Bounds of the stack and logical ID parts of a generated name: the
// longest stack name and logical ID CloudFormation allows. With the prefix,
// the slash and the hash the name stays below Secrets Manager's 512
// characters, also for a request that did not come from CloudFormation.
const (
	maxStackPart   = 128
	maxLogicalPart = 255
)

// nameHashLength is the length of the request hash that ends a generated
// name. It is not six: Secrets Manager appends a hyphen and six random
// characters to a secret's ARN, and a name ending the same way would make
// partial ARNs ambiguous.
const nameHashLength = 12

// nameChars are the characters a part of a generated name keeps; '/' is
// left out because it separates the parts.
var nameChars = regexp.MustCompile(`[^A-Za-z0-9_+=.@-]`)

// Resource is the Custom::RedshiftDataApiSecret resource.
type Resource struct {
	sm Client
}

var (
	_ customresource.Resource         = (*Resource)(nil)
	_ customresource.SecretProperties = (*Resource)(nil)
)

// New returns the resource, calling Secrets Manager through sm.
func New(sm Client) *Resource {
	return &Resource{sm: sm}
}

// SecretProperties names the properties whose values the runtime must
// never log or echo.
func (r *Resource) SecretProperties() []string { return []string{propPassword} }

// Create creates the secret, or converges on the one a previous delivery
// of the same request created.
func (r *Resource) Create(ctx context.Context, req customresource.Request) (customresource.Result, error) {
	p, err := ParseProperties(req.Properties)
	if err != nil {
		return customresource.Result{}, err
	}
	name := p.Name
	if name == "" {
		name = generatedName(req)
	}
	arn, err := r.create(ctx, req, p, name, "")
	if err != nil {
		return customresource.Result{}, err
	}
	return result(arn, name), nil
}

// generatedName is redshift-data-api/<stack>/<logical ID>-<hash>, where
// the hash comes from the Create request: a redelivery of the request
// gets the same name, a replacement (another request) a new one.
func generatedName(req customresource.Request) string {
	hash := customresource.ShortHash(req.StackID+"|"+req.LogicalResourceID+"|"+req.RequestID, nameHashLength)
	stack := namePart(customresource.StackName(req.StackID), maxStackPart)
	logical := namePart(req.LogicalResourceID, maxLogicalPart)
	return namePrefix + stack + "/" + logical + "-" + hash
}

// namePart returns s with every character a secret name part may not hold
// replaced by '-', cut to max characters.
func namePart(s string, max int) string {
	s = nameChars.ReplaceAllString(s, "-")
	if len(s) > max {
		s = s[:max]
	}
	return s
}

func result(arn, name string) customresource.Result {
	return customresource.Result{
		PhysicalResourceID: arn,
		Data:               map[string]string{"Arn": arn, "Name": name, "TagKey": TagKey},
	}
}

// create creates the secret name for p and returns its ARN. The password
// is p's, else keep (a password carried over from the secret being
// replaced), else a generated one.
//
// The ClientRequestToken comes from the request, so a redelivery with the
// same value is accepted by Secrets Manager as a retry. A redelivery with a
// newly generated password is refused as ResourceExistsException; the
// secret is then this request's when its tags name this stack and logical
// ID and it has the version the token names.
func (r *Resource) create(ctx context.Context, req customresource.Request, p Properties, name, keep string) (string, error) {
	password := p.Password
	if password == "" {
		password = keep
	}
	if password == "" {
		var err error
		if password, err = r.generatePassword(ctx, p.PasswordLength); err != nil {
			return "", err
		}
	}
	value, err := credentialsFor(p, password).encode()
	if err != nil {
		return "", err
	}
	token := versionID(req, "create", p.GeneratesPassword())
	out, err := r.sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{
		Name:               aws.String(name),
		ClientRequestToken: aws.String(token),
		Description:        optional(p.Description),
		KmsKeyId:           optional(p.KmsKeyID),
		SecretString:       aws.String(value),
		Tags:               sdkTags(desiredTags(req, p)),
	})
	var exists *smtypes.ResourceExistsException
	var invalid *smtypes.InvalidRequestException
	switch {
	case err == nil:
		return aws.ToString(out.ARN), nil
	case errors.As(err, &exists):
		return r.adopt(ctx, req, p, name, token)
	case errors.As(err, &invalid):
		return r.restoreScheduled(ctx, req, p, name, err)
	}
	return "", fmt.Errorf("creating secret %s: %w", name, err)
}

// adopt returns the ARN of the existing secret name when a previous
// delivery of req created it, and a *NameTakenError otherwise. A secret
// that a previous delivery restored (RestoreIfScheduledForDeletion) has
// this resource's tags but not necessarily the token's version.
func (r *Resource) adopt(ctx context.Context, req customresource.Request, p Properties, name, token string) (string, error) {
	d, err := describe(ctx, r.sm, name)
	if err != nil {
		return "", fmt.Errorf("checking the existing secret %s: %w", name, err)
	}
	tags := tagMap(d.Tags)
	if d.DeletedDate == nil && tags[TagStackID] == req.StackID && tags[TagLogicalID] == req.LogicalResourceID &&
		(hasVersion(d, token) || p.RestoreIfScheduledForDeletion) {
		return aws.ToString(d.ARN), nil
	}
	return "", &NameTakenError{Name: name}
}

// restoreScheduled handles CreateSecret's InvalidRequestException
// (createErr): when the name belongs to a secret scheduled for deletion, it
// restores and updates that secret if p asks for it, and otherwise returns
// a *ScheduledForDeletionError.
func (r *Resource) restoreScheduled(ctx context.Context, req customresource.Request, p Properties, name string, createErr error) (string, error) {
	d, err := describe(ctx, r.sm, name)
	if err != nil || d.DeletedDate == nil {
		return "", fmt.Errorf("creating secret %s: %w", name, createErr)
	}
	if !p.RestoreIfScheduledForDeletion {
		return "", &ScheduledForDeletionError{Name: name}
	}
	arn := aws.ToString(d.ARN)
	if _, err := r.sm.RestoreSecret(ctx, &secretsmanager.RestoreSecretInput{SecretId: aws.String(arn)}); err != nil {
		return "", fmt.Errorf("restoring secret %s: %w", arn, err)
	}
	if err := r.apply(ctx, req, p, arn, name, false, nil); err != nil {
		return "", r.undoRestore(ctx, arn, err)
	}
	return arn, nil
}

// cleanupTimeout bounds the undo of a half-done Create. A failed Create
// answers CloudFormation with a marker that no Delete ever cleans up, so
// the request itself must put back what it changed. The undo runs even
// when the request's context has ended (that may be why the Create
// failed), but not for longer than this.
const cleanupTimeout = 20 * time.Second

// undoRestore schedules the deletion of the secret arn again after this
// request restored it and then failed (cause) to bring it to the template.
// The longest recovery window keeps the secret recoverable for at least
// as long as it was before.
func (r *Resource) undoRestore(ctx context.Context, arn string, cause error) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	_, err := r.sm.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String(arn), RecoveryWindowInDays: aws.Int64(maxRecoveryDays)})
	if err != nil {
		return fmt.Errorf("%w; scheduling the deletion of the restored secret %s again also failed: %w", cause, arn, err)
	}
	return cause
}

// generatedVersionPrefix starts the ID of every version whose password the
// resource generated (or kept from a generated one), so that an update can
// tell a generated password from a given one without comparing passwords.
const generatedVersionPrefix = "generated-"

// stagePrevious is the staging label of the version before the current one.
const stagePrevious = "AWSPREVIOUS"

// versionID returns the ClientRequestToken, and so the version ID, of the
// value that req writes for purpose. It comes from the request, so that a
// redelivery recognises its own version; it is 64 characters, the most
// Secrets Manager accepts.
func versionID(req customresource.Request, purpose string, generated bool) string {
	token := customresource.IdempotencyToken(req, purpose)
	if generated {
		return generatedVersionPrefix + token[len(generatedVersionPrefix):]
	}
	return token
}

// generatePassword returns a password under Redshift's rules.
func (r *Resource) generatePassword(ctx context.Context, length int) (string, error) {
	out, err := r.sm.GetRandomPassword(ctx, &secretsmanager.GetRandomPasswordInput{
		PasswordLength:          aws.Int64(int64(length)),
		ExcludeCharacters:       aws.String(redshiftExcluded),
		IncludeSpace:            aws.Bool(false),
		RequireEachIncludedType: aws.Bool(true),
	})
	if err != nil {
		return "", fmt.Errorf("generating a password of %d characters: %w", length, err)
	}
	password := aws.ToString(out.RandomPassword)
	if problem := checkRedshiftPassword(password); problem != "" {
		return "", fmt.Errorf("generating a password of %d characters: the generated password %s", length, problem)
	}
	return password, nil
}

// desiredTags are the caller's tags, the RedshiftDataFullAccess tag and the
// tags that name the resource.
func desiredTags(req customresource.Request, p Properties) map[string]string {
	tags := make(map[string]string, len(p.Tags)+3)
	for k, v := range p.Tags {
		tags[k] = v
	}
	tags[TagKey] = p.TagValue
	tags[TagStackID] = req.StackID
	tags[TagLogicalID] = req.LogicalResourceID
	return tags
}

func sdkTags(tags map[string]string) []smtypes.Tag {
	out := make([]smtypes.Tag, 0, len(tags))
	for _, k := range sortedKeys(tags) {
		out = append(out, smtypes.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	return out
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}
