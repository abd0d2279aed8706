package awsarn

import (
	"fmt"
	"regexp"
	"strings"
)

// IAMKind is the kind of IAM entity an ARN names.
type IAMKind string

// The IAM entity kinds this package parses.
const (
	KindRole   IAMKind = "role"
	KindUser   IAMKind = "user"
	KindGroup  IAMKind = "group"
	KindPolicy IAMKind = "policy"
)

// IAM is the ARN of an IAM role, user, group or managed policy:
// arn:<partition>:iam::<account>:<kind>/<path><name>.
type IAM struct {
	ARN
	Kind IAMKind
	// Path starts and ends with "/"; Name is the last segment.
	Path, Name string
}

// ParseIAM parses the ARN of an IAM entity of kind. Policy ARNs may be
// in the account "aws" (AWS managed policies); the others need a 12-digit
// account.
func ParseIAM(s string, kind IAMKind) (IAM, error) {
	a, err := Parse(s)
	if err != nil {
		return IAM{}, err
	}
	rest, ok := strings.CutPrefix(a.Resource, string(kind)+"/")
	switch {
	case a.Service != "iam" || a.Region != "" || !ok:
		return IAM{}, fmt.Errorf("%w: %q is not an IAM %s ARN", ErrMalformed, s, kind)
	case !IsAccountID(a.Account) && !(kind == KindPolicy && a.Account == "aws"):
		return IAM{}, fmt.Errorf("%w: %q has no account ID", ErrMalformed, s)
	}
	cut := strings.LastIndex(rest, "/") + 1
	if rest[cut:] == "" {
		return IAM{}, fmt.Errorf("%w: %q has no name", ErrMalformed, s)
	}
	return IAM{ARN: a, Kind: kind, Path: "/" + rest[:cut], Name: rest[cut:]}, nil
}

// ParseRole parses the ARN of an IAM role.
func ParseRole(s string) (IAM, error) { return ParseIAM(s, KindRole) }

// ParsePolicy parses the ARN of an IAM managed policy, customer or AWS
// managed.
func ParsePolicy(s string) (IAM, error) { return ParseIAM(s, KindPolicy) }

// IsCustomerPolicy reports whether s is the ARN of a customer managed
// policy: a policy ARN in a 12-digit account.
func IsCustomerPolicy(s string) bool {
	p, err := ParsePolicy(s)
	return err == nil && IsAccountID(p.Account)
}

// IsRole reports whether s is the ARN of an IAM role.
func IsRole(s string) bool {
	_, err := ParseRole(s)
	return err == nil
}

// IAMARN builds the ARN of an IAM entity; path is "" or starts and ends
// with "/".
func IAMARN(partition, account string, kind IAMKind, path, name string) string {
	if path == "" {
		path = "/"
	}
	return ARN{Partition: partition, Service: "iam", Account: account, Resource: string(kind) + path + name}.String()
}

// IsTrustablePrincipal reports whether s is an ARN IAM accepts as a
// trusted principal of a role: a role, a user or an account root.
func IsTrustablePrincipal(s string) bool {
	a, err := Parse(s)
	if err != nil || a.Service != "iam" || !IsAccountID(a.Account) {
		return false
	}
	return a.Resource == "root" || strings.HasPrefix(a.Resource, "role/") || strings.HasPrefix(a.Resource, "user/")
}

// AccountRoot is the ARN of account's root principal.
func AccountRoot(partition, account string) string {
	return ARN{Partition: partition, Service: "iam", Account: account, Resource: "root"}.String()
}

// Secret is the ARN of a Secrets Manager secret:
// arn:<partition>:secretsmanager:<region>:<account>:secret:<name>.
type Secret struct {
	ARN
	// Name is the resource after "secret:", with the six random characters
	// Secrets Manager appends when the ARN is complete.
	Name string
}

// secretSuffix is what Secrets Manager appends to a secret's name in its
// complete ARN: a hyphen and six random letters or digits.
const secretSuffix = `-[A-Za-z0-9]{6}`

var (
	issuedSecretRE = regexp.MustCompile(`^([A-Za-z0-9/_+=.@-]+)` + secretSuffix + `$`)
	secretSuffixRE = regexp.MustCompile(secretSuffix + `$`)
)

// HasSecretSuffix reports whether s (a secret ARN or name) ends like a
// complete secret ARN: a hyphen and six letters or digits.
func HasSecretSuffix(s string) bool { return secretSuffixRE.MatchString(s) }

// ParseSecret parses the ARN of a secret, complete or partial (as an IAM
// policy may name it).
func ParseSecret(s string) (Secret, error) {
	a, name, err := parseResource(s, "secretsmanager", "secret:", "secret")
	return Secret{ARN: a, Name: name}, err
}

// ParseIssuedSecret parses the complete ARN of a secret as Secrets Manager
// issues it: a region, a 12-digit account and a name followed by a hyphen
// and six random characters. BaseName is the name without them.
func ParseIssuedSecret(s string) (sec Secret, baseName string, err error) {
	sec, err = ParseSecret(s)
	if err != nil {
		return Secret{}, "", err
	}
	m := issuedSecretRE.FindStringSubmatch(sec.Name)
	if m == nil || sec.Region == "" || sec.Region == "*" || !IsAccountID(sec.Account) {
		return Secret{}, "", fmt.Errorf("%w: %q is not the complete ARN of a secret", ErrMalformed, s)
	}
	return sec, m[1], nil
}

// Cluster is the ARN of a provisioned Redshift cluster:
// arn:<partition>:redshift:<region>:<account>:cluster:<id>.
type Cluster struct {
	ARN
	ID string
}

// ParseCluster parses the ARN of a Redshift cluster.
func ParseCluster(s string) (Cluster, error) {
	a, id, err := parseResource(s, "redshift", "cluster:", "cluster")
	return Cluster{ARN: a, ID: id}, err
}

// ClusterARN builds the ARN of a Redshift cluster, or of another redshift
// resource of the cluster (kind "dbname", "dbuser", ...).
func ClusterARN(partition, region, account, kind, rest string) string {
	return ARN{Partition: partition, Service: "redshift", Region: region, Account: account, Resource: kind + ":" + rest}.String()
}

// Workgroup is the ARN of a Redshift Serverless workgroup:
// arn:<partition>:redshift-serverless:<region>:<account>:workgroup/<id>.
type Workgroup struct {
	ARN
	ID string
}

// ParseWorkgroup parses the ARN of a Redshift Serverless workgroup.
func ParseWorkgroup(s string) (Workgroup, error) {
	a, id, err := parseResource(s, "redshift-serverless", "workgroup/", "workgroup")
	return Workgroup{ARN: a, ID: id}, err
}

// StackName returns the stack name from a CloudFormation stack ID, the ARN
// arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<guid>, or
// the ID itself when it is not such an ARN.
func StackName(stackID string) string {
	a, err := Parse(stackID)
	if err != nil || a.Service != "cloudformation" {
		return stackID
	}
	rest, ok := strings.CutPrefix(a.Resource, "stack/")
	name, _, _ := strings.Cut(rest, "/")
	if !ok || name == "" {
		return stackID
	}
	return name
}

// parseResource parses an ARN of service whose resource is prefix
// followed by a non-empty ID, which it returns; what names the kind in the
// error.
func parseResource(s, service, prefix, what string) (ARN, string, error) {
	a, err := Parse(s)
	if err != nil {
		return ARN{}, "", err
	}
	id, ok := strings.CutPrefix(a.Resource, prefix)
	if a.Service != service || !ok || id == "" {
		return ARN{}, "", fmt.Errorf("%w: %q is not a %s ARN", ErrMalformed, s, what)
	}
	return a, id, nil
}
