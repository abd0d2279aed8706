// Package readme keeps the examples of the repository's README.md and of the
// guides under docs/ honest.
//
// Its test reads every fenced yaml block of those files that declares one of
// the four custom resource types, resolves CloudFormation's intrinsic
// functions to placeholders, and gives each resource's properties to the
// handler that would receive them: the secret and endpoint parsers, and the
// access resources' Create against the local AWS emulator. It also checks
// that every Fn::GetAtt on those resources names an attribute the resource
// returns. The package holds no code besides its test.
package readme
