// Package iam emulates AWS Identity and Access Management (awsQuery):
// roles and their inline policies, users, groups, customer and AWS managed
// policies with their versions and attachments, permissions boundaries and
// tags, with IAM's validation, limits and error codes. It also decides
// sts:AssumeRole for package sts (AuthorizeAssumeRole).
//
// It keeps the data of each AWS account (type account), keyed by the
// caller's account, so that AccountA and AccountB have separate roles,
// users, groups and customer managed policies. AWS managed policies
// (arn:aws:iam::aws:policy/...) are shared and read-only; their attachment
// counts are per account, as in AWS.
package iam
