// Package iampolicy parses IAM policy documents and evaluates requests
// against them the way IAM does, for the local AWS emulator.
//
// Parse reads a document (identity-based, trust or other resource-based
// policy) with IAM's grammar: Statement as an object or a list, every
// element as a string or a list of strings, Condition as operator, key
// and values.
//
// Evaluate decides a request against identity-based policies: an
// explicit Deny wins, then an Allow, else the request is implicitly
// denied. EvaluateResource decides it against one resource-based
// policy, matching the statements' Principal or NotPrincipal as well,
// and AssumeRole combines a role's trust policy with the caller's
// identity-based policies as IAM does for sts:AssumeRole. Every
// Decision names the statement that decided it.
//
// Matching follows IAM: "*" and "?" wildcards, actions compared without
// regard to case and resources with it, ARN condition operators compared
// segment by segment, condition keys without regard to case, and a key
// missing from the request failing every condition operator except the
// negated ones, the IfExists forms, Null and ForAllValues. In documents
// of version 2012-10-17, policy variables such as ${aws:userid} are
// replaced in Resource and in the values of string, ARN and Bool
// conditions; ${*}, ${?} and ${$} stand for the literal characters.
package iampolicy
