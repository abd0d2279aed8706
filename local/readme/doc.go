// Package readme keeps the examples of the repository's README.md, of the
// guides under docs/ and the templates of examples/ honest.
//
// Its test reads every template of examples/ and every fenced yaml block of
// the Markdown files that declares one of
// the five custom resource types, resolves CloudFormation's intrinsic
// functions to placeholders, and gives each resource's properties to the
// handler that would receive them: the secret, endpoint and database user
// parsers, and the access resources' Create against the local AWS
// emulator. It also checks that every Fn::GetAtt on those resources names
// an attribute the resource returns (for the secret, endpoint and database
// user, those of a Create of its own against the emulator), that each
// template of examples/ imports its ServiceToken from the provider stack's
// export, and that every whole template the Markdown files show is a copy
// of a file of examples/. The package holds no code besides its test.
package readme
