// Package iam emulates AWS Identity and Access Management (awsQuery):
// roles and their inline policies, users, groups, customer and AWS managed
// policies with their versions and attachments, permissions boundaries and
// tags, access keys of users, with IAM's validation, limits and error
// codes. It also authorizes requests for the other services: Authorize
// decides an action on a resource by the caller's identity-based
// policies, and AuthorizeAssumeRole decides sts:AssumeRole for package
// sts (authorize.go, assume_role.go, with local/iampolicy).
//
// It keeps the data of each AWS account (type account), keyed by the
// caller's account, so that AccountA and AccountB have separate roles,
// users, groups and customer managed policies. AWS managed policies
// (arn:aws:iam::aws:policy/...) are shared and read-only; their attachment
// counts are per account, as in AWS.
package iam
