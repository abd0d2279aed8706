package secret

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/internal/guardrail"
)

// Property names, as they appear in templates.
const (
	propClusterIdentifier = "ClusterIdentifier"
	propWorkgroupName     = "WorkgroupName"
	propUsername          = "Username"
	propPassword          = "Password"
	propPasswordLength    = "PasswordLength"
	propDatabase          = "Database"
	propHost              = "Host"
	propPort              = "Port"
	propName              = "Name"
	propDescription       = "Description"
	propKmsKeyID          = "KmsKeyId"
	propTags              = "Tags"
	propTagValue          = "TagValue"
	propRecoveryWindow    = "RecoveryWindowInDays"
	propRetainOnDelete    = "RetainOnDelete"
	propRestore           = "RestoreIfScheduledForDeletion"
)

// Defaults and bounds of the properties.
const (
	defaultPasswordLength = 32
	minPasswordLength     = 8
	maxPasswordLength     = 64
	defaultRecoveryDays   = 30
	minRecoveryDays       = 7
	maxRecoveryDays       = 30
	minPort               = 1150
	maxPort               = 65535
	// Secrets Manager's limits.
	maxDescription = 2048
	maxKmsKeyID    = 2048
	maxTags        = 50
	maxTagKey      = 128
	maxTagValue    = 256
	// reservedTags is the number of tags the resource sets itself:
	// RedshiftDataFullAccess and the stack and logical IDs.
	reservedTags = 3
	// serverlessTagValue is the RedshiftDataFullAccess tag value of a
	// workgroup secret when TagValue is absent, as in the seed's
	// create-secret example.
	serverlessTagValue = "serverless"
)

// Tag keys the resource sets on every secret.
const (
	// TagKey is the tag the AmazonRedshiftDataFullAccess policy requires on
	// a secret before it lets secretsmanager:GetSecretValue through.
	TagKey = "RedshiftDataFullAccess"
	// TagStackID and TagLogicalID record which resource created the
	// secret, so that a redelivered Create recognises its own secret.
	TagStackID   = customresource.TagStackID
	TagLogicalID = customresource.TagLogicalID
)

// Properties are the validated properties of a secret resource.
type Properties struct {
	// Exactly one of ClusterIdentifier and WorkgroupName is set.
	ClusterIdentifier string
	WorkgroupName     string
	Username          string
	// Password is the caller's password, or "" when it is generated.
	Password       string
	PasswordLength int
	Database       string
	Host           string
	Port           int // 0 when absent
	// Name is the caller's secret name, or "" for a generated one.
	Name        string
	Description string
	KmsKeyID    string
	Tags        map[string]string
	// TagValue is the value of the RedshiftDataFullAccess tag, defaulted.
	TagValue             string
	RecoveryWindowInDays int // 0 means delete without recovery
	RetainOnDelete       bool
	// RestoreIfScheduledForDeletion makes Create restore a secret of the
	// same name that is scheduled for deletion, instead of failing.
	RestoreIfScheduledForDeletion bool
}

// GeneratesPassword reports whether the password is generated rather than
// given.
func (p Properties) GeneratesPassword() bool { return p.Password == "" }

var (
	// A Secrets Manager secret name.
	namePattern = regexp.MustCompile(`^[A-Za-z0-9/_+=.@-]{1,512}$`)
	// A Redshift cluster identifier: a letter, then letters, digits and
	// single hyphens, at most 63 characters, not ending in a hyphen.
	clusterPattern = regexp.MustCompile(`^[a-zA-Z](?:-?[a-zA-Z0-9])*$`)
	// A Redshift Serverless workgroup name.
	workgroupPattern = regexp.MustCompile(`^[a-z0-9-]{3,64}$`)
)

// ParseProperties reads and validates props. The error joins a
// *customresource.PropertyError for every problem; it never contains the
// password.
func ParseProperties(props map[string]any) (Properties, error) {
	r := customresource.NewPropertyReader(props)
	p := Properties{
		ClusterIdentifier: r.String(propClusterIdentifier),
		WorkgroupName:     r.String(propWorkgroupName),
		Username:          r.RequiredString(propUsername, "the name of the database user, 1 to 128 characters"),
		Password:          r.String(propPassword),
		Database:          r.String(propDatabase),
		Host:              r.String(propHost),
		Port:              r.Int(propPort, 0, minPort, maxPort),
		Name:              r.String(propName),
		Description:       r.String(propDescription),
		KmsKeyID:          r.String(propKmsKeyID),
		Tags:              r.Tags(propTags),
		TagValue:          r.String(propTagValue),
		RetainOnDelete:    r.Bool(propRetainOnDelete, false),

		RestoreIfScheduledForDeletion: r.Bool(propRestore, false),
	}
	p.PasswordLength = r.Int(propPasswordLength, defaultPasswordLength, minPasswordLength, maxPasswordLength)
	p.RecoveryWindowInDays = recoveryWindow(r)
	p.validateTarget(r)
	var usernameErr error
	if len(p.Username) > 128 {
		r.Fail(propUsername, fmt.Sprintf("is %d characters long", len(p.Username)), "1 to 128 characters")
	} else if p.Username != "" {
		// NUL, newlines or emoji in the user name would end up in the
		// secret and in SQL the Data API runs as that user.
		usernameErr = guardrail.CheckUsername(p.Username)
	}
	if p.Password != "" {
		if problem := checkRedshiftPassword(p.Password); problem != "" {
			// The problem names the rule, never the password.
			r.Fail(propPassword, problem, passwordRules)
		}
		if r.Has(propPasswordLength) {
			r.Fail(propPasswordLength, "is given together with Password", "PasswordLength only when Password is absent and the password is generated")
		}
	}
	if p.Name != "" && !namePattern.MatchString(p.Name) {
		r.Fail(propName, fmt.Sprintf("%q is not a valid secret name", p.Name), "1 to 512 letters, digits and the characters /_+=.@-")
	}
	for _, f := range []struct {
		name, value string
		max         int
	}{{propDescription, p.Description, maxDescription}, {propKmsKeyID, p.KmsKeyID, maxKmsKeyID}, {propTagValue, p.TagValue, maxTagValue}} {
		if len(f.value) > f.max {
			r.Fail(f.name, fmt.Sprintf("is %d characters long", len(f.value)), fmt.Sprintf("at most %d characters", f.max))
		}
	}
	p.validateTags(r)
	if err := errors.Join(usernameErr, r.Err()); err != nil {
		return Properties{}, err
	}
	return p, nil
}

// validateTarget checks that exactly one of ClusterIdentifier and
// WorkgroupName is given, and defaults TagValue from it.
func (p *Properties) validateTarget(r *customresource.PropertyReader) {
	const allowed = "exactly one of ClusterIdentifier (a provisioned cluster) and WorkgroupName (a serverless workgroup)"
	switch {
	case p.ClusterIdentifier != "" && p.WorkgroupName != "":
		r.Fail(propClusterIdentifier+", "+propWorkgroupName, "both are given", allowed)
	case p.ClusterIdentifier == "" && p.WorkgroupName == "":
		r.Fail(propClusterIdentifier+", "+propWorkgroupName, "neither is given", allowed)
	case p.ClusterIdentifier != "":
		if len(p.ClusterIdentifier) > 63 || !clusterPattern.MatchString(p.ClusterIdentifier) {
			r.Fail(propClusterIdentifier, fmt.Sprintf("%q is not a valid cluster identifier", p.ClusterIdentifier), "1 to 63 letters, digits and single hyphens, starting with a letter and not ending with a hyphen")
		}
		if p.TagValue == "" {
			p.TagValue = p.ClusterIdentifier
		}
	default:
		if !workgroupPattern.MatchString(p.WorkgroupName) {
			r.Fail(propWorkgroupName, fmt.Sprintf("%q is not a valid workgroup name", p.WorkgroupName), "3 to 64 lowercase letters, digits and hyphens")
		}
		for _, name := range []string{propHost, propPort} {
			if r.Has(name) {
				r.Fail(name, "is given with WorkgroupName", "Host and Port only with ClusterIdentifier; a workgroup secret holds username, password and dbname")
			}
		}
		if p.TagValue == "" {
			p.TagValue = serverlessTagValue
		}
	}
}

// validateTags checks Tags against Secrets Manager's limits, leaving room
// for the three tags the resource sets, and refuses the keys it reserves.
func (p *Properties) validateTags(r *customresource.PropertyReader) {
	if n := len(p.Tags); n > maxTags-reservedTags {
		r.Fail(propTags, fmt.Sprintf("has %d tags", n), fmt.Sprintf("at most %d tags: a secret holds %d, and the resource sets %d", maxTags-reservedTags, maxTags, reservedTags))
	}
	for _, k := range sortedKeys(p.Tags) {
		switch {
		case k == TagKey || strings.HasPrefix(k, "redshift-data-access:") || strings.HasPrefix(strings.ToLower(k), "aws:"):
			r.Fail(propTags, fmt.Sprintf("tag key %q is reserved", k), "keys other than RedshiftDataFullAccess (set its value with TagValue) and the prefixes redshift-data-access: and aws:")
		case len(k) > maxTagKey || len(p.Tags[k]) > maxTagValue:
			r.Fail(propTags, fmt.Sprintf("tag %q has a key of %d or a value of %d characters", k, len(k), len(p.Tags[k])), fmt.Sprintf("keys of 1 to %d and values of at most %d characters", maxTagKey, maxTagValue))
		}
	}
}

// recoveryWindow reads RecoveryWindowInDays: 0, or 7 to 30. It is read as
// a string (which also accepts JSON numbers) because the allowed values
// are not one range.
func recoveryWindow(r *customresource.PropertyReader) int {
	const allowed = "0 (delete without recovery) or a whole number from 7 to 30"
	s := strings.TrimSpace(r.String(propRecoveryWindow))
	if s == "" {
		return defaultRecoveryDays
	}
	n, err := strconv.Atoi(s)
	switch {
	case err != nil:
		r.Fail(propRecoveryWindow, fmt.Sprintf("%q is not a whole number", s), allowed)
	case n == 0 || (n >= minRecoveryDays && n <= maxRecoveryDays):
		return n
	default:
		r.Fail(propRecoveryWindow, fmt.Sprintf("%d is out of range", n), allowed)
	}
	return defaultRecoveryDays
}
