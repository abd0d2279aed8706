// Package sts emulates AWS Security Token Service (awsQuery):
// GetCallerIdentity, and AssumeRole, which asks package iam whether the
// caller may assume the role (iam.AuthorizeAssumeRole) and registers the
// session credentials it issues with the emulator.
package sts
