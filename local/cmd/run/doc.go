// Command run is the project's main job (`make run`): it drives every
// custom resource of the product through the requests CloudFormation sends,
// with no AWS account.
//
// It starts the local AWS emulator (package local/awsemu) on loopback,
// creates the AWS prerequisites there through the SDK (a Redshift cluster,
// a serverless namespace and workgroup, IAM roles, users and a group in
// account A, VPCs with DNS support and hostnames, subnets in three
// Availability Zones, security groups: package local/prerequisites), runs each
// host-built bootstrap under the Lambda Runtime Interface Emulator with
// only the standard SDK environment, and sends the functions
// CloudFormation-shaped events through the lifecycle driver (package
// local/lifecycle): create, update in place, update with replacement and
// the delete of the old physical ID, a failed update and its rollback,
// delete. Each access scenario also runs SELECT 1 through the Data API as
// the granted principal after the Create and after the Delete
// (sqlcheck.go), with the emulator authorizing every call by the
// principal's IAM policies.
//
// The emulator is the standalone server that the functions reach: a real
// HTTP server on 127.0.0.1 serving awsemu.New, the handler that
// local/cmd/awsemu serves; the functions, separate processes under the
// runtime interface emulator, know it only by AWS_ENDPOINT_URL. The run
// serves it from its own process rather than spawning local/cmd/awsemu,
// because it also reads the state back for the report and sets the VPC
// endpoints' pending and deleting delays, which need the emulator in
// hand, and because it then has nothing more to build, no port to wait
// for and no process to clean up. To use the same emulator with the AWS
// CLI, run local/cmd/awsemu.
//
// Usage:
//
//	run -functions build/host -rie build/tools/aws-lambda-rie [-v]
//
// The report shows, for every step, the request (properties with secret
// values redacted), the response (Data sent with NoEcho as keys only) and
// the AWS state read back through the SDK, and ends with a summary table.
// Secret values and ResponseURLs are never printed. The exit status is 1
// when any step's outcome differs from what CloudFormation needs, 2 when
// the run could not start or was interrupted. When the -rie binary is
// missing, run builds it with lambdarie.Build.
package main
