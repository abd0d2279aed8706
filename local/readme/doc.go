// Package readme keeps the examples of the repository's README.md, of the
// guides under docs/ and the templates of examples/ honest.
//
// Its test reads every template of examples/ and every fenced yaml block of
// the Markdown files that declares one of
// the four custom resource types, resolves CloudFormation's intrinsic
// functions to placeholders, and gives each resource's properties to the
// handler that would receive them: the secret and endpoint parsers, and the
// access resources' Create against the local AWS emulator. It also checks
// that every Fn::GetAtt on those resources names an attribute the resource
// returns, and that each template of examples/ imports its ServiceToken
// from the provider stack's export. The package holds no code besides its
// test.
package readme
