package dataaccess

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/redshift-data-access/redshift-data-access/internal/dbuser"
)

// DatabaseUserResourceType is the CloudFormation type of a DatabaseUser.
const DatabaseUserResourceType = "Custom::RedshiftDataApiDatabaseUser"

// DatabaseUserTarget is a cluster or a serverless workgroup whose database
// users the provider's dbuser function may administer
// (ProviderProps.DatabaseUserTargets): the Data API calls of its role name
// exactly these. Set ClusterIdentifier, or WorkgroupName with
// WorkgroupArn.
type DatabaseUserTarget struct {
	// ClusterIdentifier is a provisioned cluster.
	ClusterIdentifier *string
	// AdminDbUser is the cluster's admin user, when the users are
	// administered through temporary credentials (the DatabaseUser's
	// AdminDbUser): the role may get credentials for this user only.
	AdminDbUser *string
	// WorkgroupName is a serverless workgroup, administered with an admin
	// secret (the DatabaseUser's AdminSecretArn).
	WorkgroupName *string
	// WorkgroupArn is the workgroup's ARN, which ends in an ID that Redshift
	// generates (for example CfnWorkgroup.AttrWorkgroupWorkgroupArn): the
	// Data API authorizes a workgroup's statements on it.
	WorkgroupArn *string
}

// DatabaseGrant is one GRANT of a DatabaseUser.
type DatabaseGrant struct {
	// Privileges are Redshift privileges such as SELECT, USAGE or TEMP.
	Privileges *[]*string
	// On is DATABASE name, SCHEMA name, ALL TABLES IN SCHEMA name, or
	// TABLE schema.table.
	On *string
}

// DatabaseUserProps configures a DatabaseUser. Exactly one of
// ClusterIdentifier and WorkgroupName is required; exactly one of
// AdminSecretArn and (cluster only) AdminDbUser.
type DatabaseUserProps struct {
	// Provider supplies the ServiceToken. Default: the stack's provider
	// (ProviderOf). A provider created in this app must list the cluster
	// or workgroup in ProviderProps.DatabaseUserTargets; synth checks it.
	Provider TokenSource

	ClusterIdentifier *string
	WorkgroupName     *string
	// Database the statements connect to and grants name by default.
	// Default: dev.
	Database *string
	// AdminSecretArn is a secret with the admin's username and password.
	// The provider may read only secrets named NamePrefix... (NewSecret's).
	AdminSecretArn *string
	// AdminDbUser is a cluster admin reached with temporary credentials.
	AdminDbUser *string
	// UserName is the database user. Default: redshift_data_api_user,
	// unless IamIdentityArn is given.
	UserName *string
	// IamIdentityArn is an IAM role or user whose database user
	// (IAMR:role, IAM:user) is created.
	IamIdentityArn *string
	// PasswordSecretArn is a secret whose password the user gets, sent to
	// Redshift only as its md5 hash. Default: PASSWORD DISABLE.
	PasswordSecretArn *string
	Grants            *[]*DatabaseGrant
	Groups            *[]*string
	Roles             *[]*string
	// RetainOnDelete keeps the user when the resource is deleted.
	RetainOnDelete *bool
}

// DatabaseUser is a database user inside a Redshift cluster or serverless
// workgroup, created (or adopted) through the Redshift Data API.
type DatabaseUser struct {
	constructs.Construct
	resource awscdk.CustomResource
}

// NewDatabaseUser declares a Custom::RedshiftDataApiDatabaseUser. The
// seed's temporary-credentials path, on a cluster:
//
//	provider := dataaccess.NewProvider(stack, "RedshiftDataApiProvider", &dataaccess.ProviderProps{
//		DatabaseUserTargets: []*dataaccess.DatabaseUserTarget{{ClusterIdentifier: jsii.String("examplecluster"), AdminDbUser: jsii.String("awsuser")}},
//	})
//	dataaccess.NewDatabaseUser(stack, "DataApiUser", &dataaccess.DatabaseUserProps{
//		Provider: provider, ClusterIdentifier: jsii.String("examplecluster"), AdminDbUser: jsii.String("awsuser"),
//	})
func NewDatabaseUser(scope constructs.Construct, id string, props *DatabaseUserProps) *DatabaseUser {
	if props == nil {
		props = &DatabaseUserProps{}
	}
	u := &DatabaseUser{Construct: constructs.NewConstruct(scope, jsii.String(id))}
	p := props.properties()
	report(u.Construct, append(props.validate(p), props.checkProvider(u.Construct)...))
	u.resource = newCustomResource(u.Construct, DatabaseUserResourceType, props.Provider, FunctionDBUser, p)
	return u
}

// properties renders the props as the resource's properties.
func (props *DatabaseUserProps) properties() properties {
	p := properties{}
	p.str("ClusterIdentifier", props.ClusterIdentifier)
	p.str("WorkgroupName", props.WorkgroupName)
	p.str("Database", props.Database)
	p.str("AdminSecretArn", props.AdminSecretArn)
	p.str("AdminDbUser", props.AdminDbUser)
	p.str("UserName", props.UserName)
	p.str("IamIdentityArn", props.IamIdentityArn)
	p.str("PasswordSecretArn", props.PasswordSecretArn)
	if props.Grants != nil && len(*props.Grants) > 0 {
		grants := make([]any, 0, len(*props.Grants))
		for _, g := range *props.Grants {
			if g == nil {
				continue
			}
			grant := properties{}
			grant.list("Privileges", g.Privileges)
			grant.str("On", g.On)
			grants = append(grants, map[string]any(grant))
		}
		p["Grants"] = grants
	}
	p.list("Groups", props.Groups)
	p.list("Roles", props.Roles)
	p.boolean("RetainOnDelete", props.RetainOnDelete)
	return p
}

// validate returns the problems that the dbuser function's own parser
// finds in the rendered properties.
func (props *DatabaseUserProps) validate(p properties) []error {
	return check("DatabaseUser", p, func(m map[string]any) error {
		_, err := dbuser.ParseProperties(m)
		return err
	}, sameName)
}

// checkProvider returns a problem when the provider is created in this app
// and its dbuser function may not administer the user's cluster or
// workgroup: the Data API would deny every statement at deployment. An
// imported provider's targets are not known at synth.
func (props *DatabaseUserProps) checkProvider(scope constructs.Construct) []error {
	provider, ok := props.Provider.(*Provider)
	if props.Provider == nil {
		provider, ok = ProviderOf(scope), true
	}
	if !ok {
		return nil
	}
	cluster, clusterKnown := known(props.ClusterIdentifier)
	workgroup, workgroupKnown := known(props.WorkgroupName)
	switch {
	case clusterKnown && !provider.dbuserTargets["cluster:"+cluster]:
		return []error{invalid("DatabaseUser", "ClusterIdentifier", "is %q, which the provider's dbuser function may not administer; allowed: a cluster listed in ProviderProps.DatabaseUserTargets of a provider created with NewProvider and passed as Provider", cluster)}
	case workgroupKnown && !provider.dbuserTargets["workgroup:"+workgroup]:
		return []error{invalid("DatabaseUser", "WorkgroupName", "is %q, which the provider's dbuser function may not administer; allowed: a workgroup listed in ProviderProps.DatabaseUserTargets of a provider created with NewProvider and passed as Provider", workgroup)}
	}
	return nil
}

// Resource returns the underlying CloudFormation custom resource.
func (u *DatabaseUser) Resource() awscdk.CustomResource { return u.resource }

// UserName returns the database user's name (IAMR:role for a role).
func (u *DatabaseUser) UserName() *string { return u.resource.GetAttString(jsii.String("UserName")) }

// DbUser returns the name to pass as DbUser to the Data API or
// GetClusterCredentials; the same as UserName.
func (u *DatabaseUser) DbUser() *string { return u.resource.GetAttString(jsii.String("DbUser")) }

// dbuserTargetKeys returns the keys ("cluster:name", "workgroup:name")
// of the targets, and an error for each target that is not exactly a
// cluster or a workgroup with its ARN.
func dbuserTargetKeys(targets []*DatabaseUserTarget) (map[string]bool, []error) {
	keys := map[string]bool{}
	var errs []error
	for i, t := range targets {
		switch {
		case t == nil:
		case isSet(t.ClusterIdentifier) && !isSet(t.WorkgroupName) && !isSet(t.WorkgroupArn):
			keys["cluster:"+*t.ClusterIdentifier] = true
		case isSet(t.WorkgroupName) && isSet(t.WorkgroupArn) && !isSet(t.ClusterIdentifier) && !isSet(t.AdminDbUser):
			keys["workgroup:"+*t.WorkgroupName] = true
		default:
			errs = append(errs, &InvalidPropError{Resource: "Provider", Prop: fmt.Sprintf("DatabaseUserTargets[%d]", i),
				Problem: "is neither a cluster nor a workgroup; allowed: ClusterIdentifier (with AdminDbUser optionally), or WorkgroupName with WorkgroupArn"})
		}
	}
	return keys, errs
}

// statementOwner limits the statement actions, which take no resource, to
// the statements the role's own sessions ran.
var statementOwner = map[string]map[string]any{
	"StringEquals": {"redshift-data:statement-owner-iam-userid": "${aws:userid}"},
}

func dbuserPermissions(_ awscdk.Stack, props *ProviderProps) []permission {
	var targets, credentials []resource
	for _, t := range props.DatabaseUserTargets {
		switch {
		case t == nil:
		case isSet(t.ClusterIdentifier):
			targets = append(targets, arnPattern("arn:<partition>:redshift:<region>:<account>:cluster:"+*t.ClusterIdentifier))
			if isSet(t.AdminDbUser) {
				credentials = append(credentials,
					arnPattern("arn:<partition>:redshift:<region>:<account>:dbuser:"+*t.ClusterIdentifier+"/"+*t.AdminDbUser),
					arnPattern("arn:<partition>:redshift:<region>:<account>:dbname:"+*t.ClusterIdentifier+"/*"))
			}
		case isSet(t.WorkgroupArn):
			targets = append(targets, tokenResource(t.WorkgroupArn))
		}
	}
	perms := []permission{
		{
			sid:        "FollowOwnStatements",
			actions:    []string{"redshift-data:CancelStatement", "redshift-data:DescribeStatement", "redshift-data:GetStatementResult"},
			resources:  []resource{anyResource},
			conditions: statementOwner,
			why: "the Data API's statement actions support no resource-level permissions; " +
				"the redshift-data:statement-owner-iam-userid condition limits them to statements this function's role ran",
		},
		{
			sid:       "ReadDataApiSecrets",
			actions:   []string{"secretsmanager:GetSecretValue"},
			resources: []resource{arnPattern("arn:<partition>:secretsmanager:<region>:<account>:secret:" + NamePrefix + "*")},
			why: "the admin and password secrets are chosen per database user, and Secrets Manager appends a random suffix to every secret ARN; " +
				"the wildcard stays within the name prefix " + NamePrefix + " of the secrets that the secret function creates",
		},
	}
	if len(targets) > 0 {
		perms = append(perms, permission{
			sid:       "RunStatementsOnTargets",
			actions:   []string{"redshift-data:BatchExecuteStatement", "redshift-data:ExecuteStatement"},
			resources: targets,
		})
	}
	if len(credentials) > 0 {
		perms = append(perms, permission{
			sid:       "AdminTemporaryCredentials",
			actions:   []string{"redshift:GetClusterCredentials"},
			resources: credentials,
			why: "temporary credentials only for each cluster's admin user listed in DatabaseUserTargets; " +
				"the databases are those the database users name, so the dbname wildcard stays within the listed clusters",
		})
	}
	return perms
}
