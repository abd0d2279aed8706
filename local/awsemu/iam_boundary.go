package awsemu

import "errors"

func init() {
	iamOperations["PutRolePermissionsBoundary"] = iamPutRolePermissionsBoundary
	iamOperations["DeleteRolePermissionsBoundary"] = iamDeleteRolePermissionsBoundary
}

// iamPutRolePermissionsBoundary sets or replaces a role's permissions
// boundary: a managed policy the account can use, its own or an AWS
// managed one. The policy then counts in its PermissionsBoundaryUsageCount,
// and DeletePolicy refuses it while any role or user uses it.
func iamPutRolePermissionsBoundary(c *Call) (any, error) {
	arn, err := iamRequired(c.Query, "PermissionsBoundary")
	if err != nil {
		return nil, err
	}
	return iamOn(c, "RoleName", (*iamAccount).role, func(_ *iamState, a *iamAccount, r *iamRole) (any, error) {
		if _, err := a.policy(arn); err != nil {
			var apiErr *APIError
			if errors.As(err, &apiErr) && apiErr.Code == "NoSuchEntity" {
				return nil, NotFoundf("NoSuchEntity", "Scope ARN: %s does not exist or is not attachable.", arn)
			}
			return nil, err
		}
		r.boundary = arn
		return nil, nil
	})
}

// iamDeleteRolePermissionsBoundary removes a role's permissions boundary.
// A missing role is NoSuchEntity. The API reference does not say what IAM
// answers for a role without a boundary; the emulator answers success,
// and the access resource only calls this for a role that has one.
func iamDeleteRolePermissionsBoundary(c *Call) (any, error) {
	return iamOn(c, "RoleName", (*iamAccount).role, func(_ *iamState, _ *iamAccount, r *iamRole) (any, error) {
		r.boundary = ""
		return nil, nil
	})
}
