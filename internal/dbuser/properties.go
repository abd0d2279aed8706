package dbuser

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/redshift-data-access/redshift-data-access/internal/awsarn"
	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

// Property names, as they appear in templates.
const (
	propClusterIdentifier = "ClusterIdentifier"
	propWorkgroupName     = "WorkgroupName"
	propDatabase          = "Database"
	propAdminSecretArn    = "AdminSecretArn"
	propAdminDbUser       = "AdminDbUser"
	propUserName          = "UserName"
	propIamIdentityArn    = "IamIdentityArn"
	propPasswordSecretArn = "PasswordSecretArn"
	propGrants            = "Grants"
	propGroups            = "Groups"
	propRoles             = "Roles"
	propRetainOnDelete    = "RetainOnDelete"
)

// Defaults of the properties.
const (
	defaultDatabase = "dev"
	// DefaultUserName is the user the AmazonRedshiftDataFullAccess policy
	// lets GetClusterCredentials log in as, and which nothing else
	// creates.
	DefaultUserName = "redshift_data_api_user"
)

var (
	// A Redshift cluster identifier: a letter, then letters, digits and
	// single hyphens, at most 63 characters, not ending in a hyphen.
	clusterPattern = regexp.MustCompile(`^[a-zA-Z](?:-?[a-zA-Z0-9])*$`)
	// A Redshift Serverless workgroup name.
	workgroupPattern = regexp.MustCompile(`^[a-z0-9-]{3,64}$`)
	// An IAM role or user name.
	iamNamePattern = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
)

// Target is the cluster or the workgroup the user lives in.
type Target struct {
	// Exactly one is set.
	ClusterIdentifier string
	WorkgroupName     string
}

func (t Target) kind() string {
	if t.ClusterIdentifier != "" {
		return "cluster"
	}
	return "workgroup"
}

func (t Target) name() string { return t.ClusterIdentifier + t.WorkgroupName }

// Properties are the validated properties of a database user resource.
type Properties struct {
	Target   Target
	Database ident
	// Exactly one of AdminSecretArn and AdminDbUser is set; AdminDbUser
	// only for a cluster.
	AdminSecretArn string
	AdminDbUser    string
	// User is the database user: UserName, or the name of the IAM
	// identity of IamIdentityArn.
	User ident
	// FromIAM is set when User comes from IamIdentityArn.
	FromIAM           bool
	PasswordSecretArn string
	Grants            []grant
	Groups            []ident
	Roles             []ident
	RetainOnDelete    bool
}

// ParseProperties reads and validates props. The error joins a
// *customresource.PropertyError for every problem.
func ParseProperties(props map[string]any) (Properties, error) {
	r := customresource.NewPropertyReader(props)
	p := Properties{
		Target:            Target{ClusterIdentifier: r.String(propClusterIdentifier), WorkgroupName: r.String(propWorkgroupName)},
		AdminSecretArn:    r.String(propAdminSecretArn),
		AdminDbUser:       r.String(propAdminDbUser),
		PasswordSecretArn: r.String(propPasswordSecretArn),
		RetainOnDelete:    r.Bool(propRetainOnDelete, false),
	}
	p.validateTarget(r)
	p.Database = identProperty(r, propDatabase, r.String(propDatabase), defaultDatabase)
	p.validateAdmin(r)
	p.validateUser(r)
	p.Grants = parseGrants(r)
	p.Groups = identList(r, propGroups)
	p.Roles = identList(r, propRoles)
	if err := r.Err(); err != nil {
		return Properties{}, err
	}
	return p, nil
}

func (p *Properties) validateTarget(r *customresource.PropertyReader) {
	const allowed = "exactly one of ClusterIdentifier (a provisioned cluster) and WorkgroupName (a serverless workgroup)"
	t := p.Target
	switch {
	case t.ClusterIdentifier != "" && t.WorkgroupName != "":
		r.Fail(propClusterIdentifier+", "+propWorkgroupName, "both are given", allowed)
	case t.ClusterIdentifier == "" && t.WorkgroupName == "":
		r.Fail(propClusterIdentifier+", "+propWorkgroupName, "neither is given", allowed)
	case t.ClusterIdentifier != "":
		if len(t.ClusterIdentifier) > 63 || !clusterPattern.MatchString(t.ClusterIdentifier) {
			r.Fail(propClusterIdentifier, fmt.Sprintf("%q is not a valid cluster identifier", t.ClusterIdentifier), "1 to 63 letters, digits and single hyphens, starting with a letter and not ending with a hyphen")
		}
	default:
		if !workgroupPattern.MatchString(t.WorkgroupName) {
			r.Fail(propWorkgroupName, fmt.Sprintf("%q is not a valid workgroup name", t.WorkgroupName), "3 to 64 lowercase letters, digits and hyphens")
		}
	}
}

// validateAdmin checks how the statements log in: AdminSecretArn, or for
// a cluster AdminDbUser (temporary credentials), exactly one.
func (p *Properties) validateAdmin(r *customresource.PropertyReader) {
	switch {
	case p.Target.WorkgroupName != "" && p.AdminDbUser != "":
		r.Fail(propAdminDbUser, "is given for a workgroup", "AdminDbUser only with ClusterIdentifier; a workgroup needs AdminSecretArn")
	case p.AdminSecretArn != "" && p.AdminDbUser != "":
		r.Fail(propAdminSecretArn+", "+propAdminDbUser, "both are given", "exactly one of AdminSecretArn and AdminDbUser")
	case p.AdminSecretArn == "" && p.AdminDbUser == "":
		allowed := "AdminSecretArn, a secret with an administrator's credentials"
		if p.Target.ClusterIdentifier != "" {
			allowed = "exactly one of AdminSecretArn (a secret with an administrator's credentials) and AdminDbUser (an administrator that logs in with temporary credentials)"
		}
		r.Fail(propAdminSecretArn, "is required", allowed)
	}
	if p.AdminSecretArn != "" {
		checkSecretArn(r, propAdminSecretArn, p.AdminSecretArn)
	}
	if p.AdminDbUser != "" {
		identProperty(r, propAdminDbUser, p.AdminDbUser, "")
	}
}

// validateUser sets User from UserName or IamIdentityArn, and checks
// PasswordSecretArn.
func (p *Properties) validateUser(r *customresource.PropertyReader) {
	name, arn := r.String(propUserName), r.String(propIamIdentityArn)
	switch {
	case name != "" && arn != "":
		r.Fail(propUserName+", "+propIamIdentityArn, "both are given", "at most one of UserName and IamIdentityArn")
	case arn != "":
		if user, problem := iamDbUser(arn); problem != "" {
			r.Fail(propIamIdentityArn, problem, "the ARN of an IAM role (database user IAMR:<role>) or an IAM user (database user IAM:<user>)")
		} else {
			p.User, p.FromIAM = identProperty(r, propIamIdentityArn, user, ""), true
		}
	default:
		if name == "" {
			name = DefaultUserName
		}
		p.User = identProperty(r, propUserName, name, "")
		if p.User != (ident{}) {
			// Redshift folds the letters of names to lower case unless the
			// cluster enables case-sensitive identifiers; a name with
			// capitals would not be the user that logs in, nor the user an
			// md5 password hash is computed for.
			if name != strings.ToLower(name) {
				r.Fail(propUserName, fmt.Sprintf("%q has upper-case letters", name), "a name in lower case: Redshift folds names to lower case")
			}
			if strings.EqualFold(name, "public") {
				r.Fail(propUserName, `"public" is reserved`, "any other name")
			}
		}
	}
	if p.PasswordSecretArn != "" {
		checkSecretArn(r, propPasswordSecretArn, p.PasswordSecretArn)
		if arn != "" {
			r.Fail(propPasswordSecretArn, "is given with IamIdentityArn", "PasswordSecretArn only for a UserName user; an IAM identity logs in with temporary credentials")
		}
	}
}

// iamDbUser is the database user of an IAM role (IAMR:<name>) or user
// (IAM:<name>), as the Data API and GetClusterCredentialsWithIAM name it.
func iamDbUser(arn string) (string, string) {
	a, err := awsarn.Parse(arn)
	if err != nil || a.Service != "iam" || !awsarn.IsAccountID(a.Account) {
		return "", fmt.Sprintf("%q is not an IAM ARN", arn)
	}
	kind, rest, _ := strings.Cut(a.Resource, "/")
	name := rest[strings.LastIndex(rest, "/")+1:]
	if !iamNamePattern.MatchString(name) {
		return "", fmt.Sprintf("%q does not name a role or user", arn)
	}
	switch kind {
	case "role":
		return "IAMR:" + name, ""
	case "user":
		return "IAM:" + name, ""
	}
	return "", fmt.Sprintf("%q is an IAM %s, not a role or a user", arn, kind)
}

func checkSecretArn(r *customresource.PropertyReader, prop, arn string) {
	a, err := awsarn.Parse(arn)
	if err != nil || a.Service != "secretsmanager" || !strings.HasPrefix(a.Resource, "secret:") {
		r.Fail(prop, fmt.Sprintf("%q is not a Secrets Manager secret ARN", arn), "arn:<partition>:secretsmanager:<region>:<account>:secret:<name>")
	}
}

// identProperty validates value as a name given in prop, def when empty.
func identProperty(r *customresource.PropertyReader, prop, value, def string) ident {
	if value == "" {
		value = def
	}
	id, err := newIdent(value)
	if err != nil {
		r.Fail(prop, fmt.Sprintf("%q: %s", value, err.(*IdentifierError).Problem), identifierRules)
	}
	return id
}

func identList(r *customresource.PropertyReader, prop string) []ident {
	var out []ident
	for _, s := range r.StringList(prop) {
		if id := identProperty(r, prop, s, ""); id != (ident{}) {
			out = append(out, id)
		}
	}
	return out
}

// grantsAllowed describes Grants for error messages.
const grantsAllowed = `a list of {"Privileges": [...], "On": ...} objects, On ` + onForms

// parseGrants reads Grants, a list of {Privileges, On}, given as a list
// or as a JSON string of one. Duplicates collapse into one grant.
func parseGrants(r *customresource.PropertyReader) []grant {
	raw := r.JSON(propGrants)
	if raw == "" {
		return nil
	}
	var items []map[string]any
	if err := json.Unmarshal([]byte(raw), &items); err != nil {
		r.Fail(propGrants, "is not a list of objects", grantsAllowed)
		return nil
	}
	var out []grant
	for i, item := range items {
		item := customresource.NewPropertyReader(item)
		prefix := fmt.Sprintf("%s[%d].", propGrants, i)
		on, problem := parseOn(item.String("On"))
		if problem != "" {
			r.Fail(prefix+"On", problem, onForms)
			continue
		}
		privs := item.StringList("Privileges")
		if len(privs) == 0 {
			r.Fail(prefix+"Privileges", "is empty", "privileges on "+on.kind.String()+": "+strings.Join(privileges[on.kind], ", "))
		}
		for _, p := range privs {
			canon := normalizePrivilege(on.kind, p)
			if canon == "" {
				r.Fail(prefix+"Privileges", fmt.Sprintf("%q is not a privilege on %s", p, on.kind), strings.Join(privileges[on.kind], ", "))
				continue
			}
			g := grant{privilege: canon, on: on}
			if !slices.ContainsFunc(out, g.equal) {
				out = append(out, g)
			}
		}
		if err := item.Err(); err != nil {
			r.Fail(prefix[:len(prefix)-1], err.Error(), "the keys Privileges and On")
		}
	}
	return out
}

func (g grant) equal(o grant) bool { return g.privilege == o.privilege && g.on.key() == o.on.key() }
