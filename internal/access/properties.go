package access

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/redshift-data-access/redshift-data-access/internal/awsarn"
	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/internal/guardrail"
	"github.com/redshift-data-access/redshift-data-access/internal/policy"
)

// Policy modes.
const (
	ModeScoped  = "Scoped"
	ModeManaged = "Managed"
)

// DefaultPath is the IAM path of the policies and roles these resources
// create; the provider's own permissions are limited to it.
const DefaultPath = "/redshift-data-api/"

var (
	clusterIDRE = regexp.MustCompile(`^[a-z]([a-z0-9]|-[a-z0-9]){0,62}$`)
	workgroupRE = regexp.MustCompile(`^[a-z0-9-]{3,64}$`)
	databaseRE  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_$]{0,126}$`)
	// dbUserRE is GetClusterCredentials' rule for DbUser, the user the
	// policy names: 1 to 64 characters, a letter first.
	dbUserRE      = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_+.@-]{0,63}$`)
	iamNameRE     = regexp.MustCompile(`^[\w+=,.@-]+$`)
	iamPathRE     = regexp.MustCompile(`^/([\x21-\x7E]+/)?$`)
	externalIDRE  = regexp.MustCompile(`^[\w+=,.@:/-]+$`)
	allowedInName = regexp.MustCompile(`[\w+=,.@-]`)
)

// scopeProps are the Data API permission properties both resources share:
// PolicyMode and the properties of a Scoped policy (the README's
// Custom::RedshiftDataApiAccess section lists them).
type scopeProps struct {
	Mode               string
	Clusters           []string // identifiers or cluster ARNs
	Workgroups         []string // names or workgroup ARNs
	Databases          []string
	AuthMethods        []policy.AuthMethod
	SecretArns         []string
	DbUser             string
	StatementOwnerOnly bool
	AssumeRoleArns     []string
}

// scopedOnly are the properties that only make sense for a Scoped policy.
var scopedOnly = []string{"Clusters", "Databases", "AuthMethods", "SecretArns", "DbUser", "StatementOwnerOnly", "AssumeRoleArns"}

// readScope reads the shared properties. workgroupsInManaged says whether
// Workgroups is meaningful in Managed mode (for TagWorkgroups).
func readScope(p *customresource.PropertyReader, workgroupsInManaged bool) scopeProps {
	s := scopeProps{
		Mode:               p.Enum("PolicyMode", ModeScoped, ModeScoped, ModeManaged),
		Clusters:           p.StringList("Clusters"),
		Workgroups:         p.StringList("Workgroups"),
		Databases:          p.StringList("Databases"),
		SecretArns:         p.StringList("SecretArns"),
		DbUser:             p.String("DbUser"),
		StatementOwnerOnly: p.Bool("StatementOwnerOnly", true),
		AssumeRoleArns:     p.StringList("AssumeRoleArns"),
	}
	for _, m := range p.StringList("AuthMethods") {
		method, ok := authMethod(m)
		if !ok {
			p.Fail("AuthMethods", fmt.Sprintf("%q is not an authentication method", m), joinMethods(policy.AuthMethods))
			continue
		}
		s.AuthMethods = append(s.AuthMethods, method)
	}
	if s.Mode == ModeManaged {
		for _, name := range scopedOnly {
			if p.Has(name) {
				p.Fail(name, "is only used with PolicyMode Scoped; the managed policy AmazonRedshiftDataFullAccess cannot be narrowed", "PolicyMode Scoped, or remove "+name)
			}
		}
		if !workgroupsInManaged && len(s.Workgroups) > 0 {
			p.Fail("Workgroups", "is only used with PolicyMode Scoped", "PolicyMode Scoped, or remove Workgroups")
		}
	}
	for _, c := range s.Clusters {
		if awsarn.IsARN(c) {
			if _, err := awsarn.ParseCluster(c); err != nil {
				p.Fail("Clusters", fmt.Sprintf("%q is not a cluster ARN", c), "cluster identifiers or arn:<partition>:redshift:<region>:<account>:cluster:<id>")
			}
		} else if len(c) > 63 || !clusterIDRE.MatchString(c) {
			p.Fail("Clusters", fmt.Sprintf("%q is not a cluster identifier", c), "1 to 63 lower-case letters, digits and single hyphens, starting with a letter; or a cluster ARN")
		}
	}
	for _, w := range s.Workgroups {
		if awsarn.IsARN(w) {
			if _, err := awsarn.ParseWorkgroup(w); err != nil {
				p.Fail("Workgroups", fmt.Sprintf("%q is not a workgroup ARN", w), "workgroup names or arn:<partition>:redshift-serverless:<region>:<account>:workgroup/<id>")
			}
		} else if !workgroupRE.MatchString(w) {
			p.Fail("Workgroups", fmt.Sprintf("%q is not a workgroup name", w), "3 to 64 lower-case letters, digits and hyphens; or a workgroup ARN")
		}
	}
	for _, db := range s.Databases {
		if !databaseRE.MatchString(db) {
			p.Fail("Databases", fmt.Sprintf("%q is not a database name", db), "names of letters, digits, _ and $, starting with a letter or _")
		}
	}
	if s.DbUser != "" && (!dbUserRE.MatchString(s.DbUser) || strings.EqualFold(s.DbUser, "public")) {
		p.Fail("DbUser", fmt.Sprintf("%q is not a database user name GetClusterCredentials accepts", s.DbUser), "1 to 64 letters, digits and _+.@-, starting with a letter, not PUBLIC")
	}
	for _, a := range s.SecretArns {
		if _, err := awsarn.ParseSecret(a); err != nil {
			p.Fail("SecretArns", fmt.Sprintf("%q is not a secret ARN", a), "arn:<partition>:secretsmanager:<region>:<account>:secret:<name>")
		}
	}
	for _, a := range s.AssumeRoleArns {
		if _, err := awsarn.ParseRole(a); err != nil {
			p.Fail("AssumeRoleArns", fmt.Sprintf("%q is not a role ARN", a), "arn:<partition>:iam::<account>:role/<path><name>")
		}
	}
	if s.Mode == ModeScoped {
		hasClusters, hasWorkgroups := len(s.Clusters) > 0, len(s.Workgroups) > 0
		if !hasClusters && !hasWorkgroups && len(s.AssumeRoleArns) == 0 {
			p.Fail("Clusters", "a Scoped policy needs at least one target", "one or more Clusters or Workgroups, or AssumeRoleArns only")
		}
		for _, m := range s.AuthMethods {
			switch {
			case (m == policy.AuthClusterTemporaryCredentials || m == policy.AuthClusterIAMIdentity) && !hasClusters:
				p.Fail("AuthMethods", fmt.Sprintf("%s needs Clusters", m), "methods that fit the targets")
			case m == policy.AuthServerlessTemporaryCredentials && !hasWorkgroups:
				p.Fail("AuthMethods", fmt.Sprintf("%s needs Workgroups", m), "methods that fit the targets")
			case m == policy.AuthSecretsManager && !hasClusters && !hasWorkgroups:
				p.Fail("AuthMethods", fmt.Sprintf("%s needs Clusters or Workgroups", m), "methods that fit the targets")
			}
		}
	}
	return s
}

func authMethod(s string) (policy.AuthMethod, bool) {
	for _, m := range policy.AuthMethods {
		if strings.EqualFold(string(m), s) {
			return m, true
		}
	}
	return "", false
}

func joinMethods(ms []policy.AuthMethod) string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = string(m)
	}
	return strings.Join(out, ", ")
}

// policyScope turns the properties into the generator's input, with
// workgroups resolved to their ARNs.
func (s scopeProps) policyScope(loc location, workgroupArns []string) policy.Scope {
	clusters := make([]string, len(s.Clusters))
	for i, c := range s.Clusters {
		if awsarn.IsARN(c) {
			clusters[i] = c
			continue
		}
		clusters[i] = awsarn.ClusterARN(loc.Partition, loc.Region, loc.Account, "cluster", c)
	}
	return policy.Scope{
		Partition: loc.Partition, Region: loc.Region, Account: loc.Account,
		ClusterArns:        clusters,
		WorkgroupArns:      workgroupArns,
		Databases:          s.Databases,
		AuthMethods:        s.AuthMethods,
		SecretArns:         s.SecretArns,
		DbUser:             s.DbUser,
		StatementOwnerOnly: s.StatementOwnerOnly,
		AssumeRoleArns:     s.AssumeRoleArns,
	}
}

// document generates the scoped policy, with workgroups resolved to their
// ARNs, and checks it against IAM's grammar and sizeLimit, so that a
// document IAM would refuse is a PropertyError before anything is changed.
// orElse adds another way out to the error's allowed values.
func (s scopeProps) document(loc location, workgroupArns []string, sizeLimit int, orElse string) (policy.Document, error) {
	doc, err := policy.Scoped(s.policyScope(loc, workgroupArns))
	if err != nil {
		return policy.Document{}, fmt.Errorf("generating the scoped policy: %w", err)
	}
	if err := policy.Validate(doc, sizeLimit); err != nil {
		allowed := "fewer Clusters, Workgroups, Databases or SecretArns"
		if orElse != "" {
			allowed += ", " + orElse
		}
		return policy.Document{}, &customresource.PropertyError{Property: "Clusters", Problem: "the scoped policy is not valid: " + err.Error(), Allowed: allowed}
	}
	return doc, nil
}

// readPath reads an IAM path property with DefaultPath as default.
func readPath(p *customresource.PropertyReader, name string) string {
	path := p.String(name)
	if path == "" {
		return DefaultPath
	}
	if len(path) > 512 || !iamPathRE.MatchString(path) {
		p.Fail(name, fmt.Sprintf("%q is not an IAM path", path), "/ or /<segments>/ of printable ASCII, at most 512 characters")
	}
	return path
}

// readName reads an optional IAM name property of at most maxLen characters.
func readName(p *customresource.PropertyReader, name string, maxLen int) string {
	v := p.String(name)
	if v != "" && (len(v) > maxLen || !iamNameRE.MatchString(v)) {
		p.Fail(name, fmt.Sprintf("%q is not a valid IAM name", v), fmt.Sprintf("1 to %d letters, digits and +=,.@_-", maxLen))
	}
	return v
}

// ValidateAccessProperties reports what the access function would refuse
// in the properties of a Custom::RedshiftDataApiAccess before it changes
// anything: one *customresource.PropertyError per problem, joined, or nil.
// The CDK constructs call it at synth, so that synth and deployment apply
// the same rules.
//
// It also runs the guardrails that hold whatever the provider's owner
// configured and need no AWS lookup: no empty or wildcard principal items,
// no service-linked roles and no wildcard targets. A violation is returned alone, as the function does.
func ValidateAccessProperties(props map[string]any) error {
	if err := checkPrincipalLists(guardrail.Config{}, props); err != nil {
		return err
	}
	if err := synthGuardrails(props); err != nil {
		return err
	}
	_, err := readAccess(props)
	return err
}

// synthGuardrails are the configuration-independent guardrails of the
// targets. (The constructs check PolicyPath and RolePath against the
// provider's path themselves.)
func synthGuardrails(props map[string]any) error {
	return guardrail.Config{}.CheckTargets(guardrail.RawList(props["Clusters"]), guardrail.RawList(props["Workgroups"]))
}

// ValidateCrossAccountRoleProperties is ValidateAccessProperties for a
// Custom::RedshiftDataApiCrossAccountRole.
func ValidateCrossAccountRoleProperties(props map[string]any) error {
	if err := synthGuardrails(props); err != nil {
		return err
	}
	_, err := readRole(props)
	return err
}
