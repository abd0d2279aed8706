// Package guardrail holds the provider owner's bounds on what stack authors
// may ask the provider functions for, and the pure checks that the
// handlers run before they change anything.
//
// Whoever may invoke a provider function can make it write IAM, and the
// function holds more IAM rights than most stack authors. The owner sets
// the bounds at deploy time (construct props or CDK context of the provider
// stack, rendered into each function's environment); Config reads them once
// at cold start with FromEnv. Every check returns nil or a *Violation that
// names the property, the guardrail and what is allowed. Checks that need
// facts from AWS (a secret's tags, a cluster's master user, a principal's
// path and tags) take those facts as arguments, so that a handler fetches
// them first and calls the check before any mutating call.
//
// The environment variable names are exported constants (EnvAssumeRoleAccounts
// and the rest), so that the CDK constructs in infra/dataaccess render the
// same names this package reads. docs/guardrails.md describes each setting
// and the threat it guards against.
package guardrail
