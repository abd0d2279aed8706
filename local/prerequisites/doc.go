// Package prerequisites builds, in the local AWS emulator (package local/awsemu),
// the AWS prerequisites that the product's resources refer to but do not
// create, as in the seed's procedures: in account A a Redshift cluster, a
// Redshift Serverless namespace with its workgroup, IAM roles, users and a
// group, and two VPCs with the DNS attributes that private DNS needs, with
// subnets and security groups for the endpoint and its replacement.
//
// It also gives the environment that a function needs to act in an account
// on the emulator, so that `make run` (local/cmd/run) and the end-to-end
// tests (local/e2e) start the functions the same way.
package prerequisites
