package iam

import (
	"errors"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
)

// PutRolePermissionsBoundary sets or replaces a role's permissions
// boundary: a managed policy the account can use, its own or an AWS
// managed one. The policy then counts in its PermissionsBoundaryUsageCount,
// and DeletePolicy refuses it while any role or user uses it.
func PutRolePermissionsBoundary(c *protocol.Call) (any, error) {
	arn, err := c.Query.Required("PermissionsBoundary")
	if err != nil {
		return nil, err
	}
	return on(c, "RoleName", (*account).role, func(_ *state, a *account, r *role) (any, error) {
		if _, err := a.policy(arn); err != nil {
			var apiErr *protocol.APIError
			if errors.As(err, &apiErr) && apiErr.Code == "NoSuchEntity" {
				return nil, protocol.NotFoundf("NoSuchEntity", "Scope ARN: %s does not exist or is not attachable.", arn)
			}
			return nil, err
		}
		r.boundary = arn
		return nil, nil
	})
}

// DeleteRolePermissionsBoundary removes a role's permissions boundary.
// A missing role is NoSuchEntity. The API reference does not say what IAM
// answers for a role without a boundary; the emulator answers success,
// and the access resource only calls this for a role that has one.
func DeleteRolePermissionsBoundary(c *protocol.Call) (any, error) {
	return on(c, "RoleName", (*account).role, func(_ *state, _ *account, r *role) (any, error) {
		r.boundary = ""
		return nil, nil
	})
}
