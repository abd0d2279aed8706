package awsemu

import (
	"time"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/ec2"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu/iam"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu/redshift"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu/redshift/sqldb"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu/redshiftdata"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu/redshiftserverless"
)

// This file holds the controls and read-backs that tests use beyond the
// AWS APIs. Each forwards to the package of the service it concerns.

// SetIAMPropagationDelay makes every role and user created from now on
// (and those created less than d ago) invalid as a principal until it is d
// old: a trust policy that names it fails with MalformedPolicyDocument
// "Invalid principal in policy", and sts:AssumeRole of a role younger than
// d is denied. Real IAM behaves so for a few seconds after a create. Zero,
// the default, turns the delay off.
func (e *Emulator) SetIAMPropagationDelay(d time.Duration) { iam.SetPropagationDelay(e.Env, d) }

// SetOrganization puts account in the emulated AWS Organizations
// organization orgID (for example o-a1b2c3d4e5): its principals'
// requests then carry aws:PrincipalOrgID, which trust and identity
// policies can test. "" takes the account out again.
func (e *Emulator) SetOrganization(account, orgID string) { iam.SetOrganization(e.Env, account, orgID) }

// IAMRole is a read-only view of an emulated IAM role.
type IAMRole = iam.Role

// LookupIAMRole returns the role with ARN arn, in whichever emulated
// account owns it, and whether it exists. The path in arn must match.
func (e *Emulator) LookupIAMRole(arn string) (IAMRole, bool) { return iam.LookupRole(e.Env, arn) }

// ManagedPolicyDocument returns the JSON document of the AWS managed
// policy name (for example AmazonRedshiftDataFullAccess) exactly as AWS
// publishes it, and whether the emulator knows that policy.
func ManagedPolicyDocument(name string) (string, bool) { return iam.ManagedPolicyDocument(name) }

// SetStatementDelay changes the delay of WithStatementDelay for statements
// submitted from now on.
func (e *Emulator) SetStatementDelay(d time.Duration) { redshiftdata.SetStatementDelay(e.Env, d) }

// Privileges returns what database user holds in the cluster of account
// (or, with cluster empty, in the namespace of workgroup): each privilege
// as "database|privilege ON object", then "member of group g" and
// "granted role r", sorted. It is nil when the cluster or workgroup does
// not exist or the user holds nothing.
func (e *Emulator) Privileges(account, cluster, workgroup, user string) []string {
	var db *sqldb.DB
	var ok bool
	if cluster != "" {
		db, ok = redshift.ClusterDB(e.Env, account, cluster)
	} else {
		db, ok = redshiftserverless.WorkgroupDB(e.Env, account, workgroup)
	}
	if !ok {
		return nil
	}
	return db.Privileges(user)
}

// DefaultDeletedVPCEndpointVisibility is how long a deleted VPC endpoint
// stays visible in state deleted unless SetDeletedVPCEndpointVisibility
// says otherwise.
const DefaultDeletedVPCEndpointVisibility = ec2.DefaultDeletedEndpointVisibility

// SetVPCEndpointDelays sets how long new or modified VPC endpoints stay
// pending and deleted ones stay deleting, on the emulator's clock. Both are
// zero by default: an endpoint is returned pending by CreateVpcEndpoint and
// described as available right after.
func (e *Emulator) SetVPCEndpointDelays(pending, deleting time.Duration) {
	ec2.SetEndpointDelays(e.Env, pending, deleting)
}

// SetDeletedVPCEndpointVisibility sets how long deleted VPC endpoints stay
// visible in state deleted (DefaultDeletedVPCEndpointVisibility unless
// set).
func (e *Emulator) SetDeletedVPCEndpointVisibility(d time.Duration) {
	ec2.SetDeletedEndpointVisibility(e.Env, d)
}

// FailNextVPCEndpoint makes the next VPC endpoint created end in state
// failed, after the pending delay, with message as its LastError. Calls
// queue up: each one fails one more endpoint.
func (e *Emulator) FailNextVPCEndpoint(message string) { ec2.FailNextEndpoint(e.Env, message) }

// HoldNextVPCEndpointPending keeps the next VPC endpoint created in state
// pending until ReleaseVPCEndpoints, like an endpoint stuck in AWS.
func (e *Emulator) HoldNextVPCEndpointPending() { ec2.HoldNextEndpointPending(e.Env) }

// ReleaseVPCEndpoints makes every held VPC endpoint available now.
func (e *Emulator) ReleaseVPCEndpoints() { ec2.ReleaseEndpoints(e.Env) }

// VPCEndpointCount is the number of VPC endpoints that exist and are not
// deleting or deleted, in every account; tests use it to assert that
// nothing was created or that nothing leaked.
func (e *Emulator) VPCEndpointCount() int { return ec2.EndpointCount(e.Env) }
