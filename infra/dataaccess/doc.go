// Package dataaccess offers CDK constructs that give applications, analysts
// and other accounts access to Amazon Redshift through the Redshift Data API,
// one construct per custom resource type of this project:
//
//   - [NewSecret]: a Secrets Manager secret with database credentials for a
//     provisioned cluster or a serverless workgroup, tagged
//     RedshiftDataFullAccess (Custom::RedshiftDataApiSecret).
//   - [NewAccess]: Data API permissions for IAM roles, users and groups,
//     either the AWS managed policy AmazonRedshiftDataFullAccess or a scoped
//     policy derived from it (Custom::RedshiftDataApiAccess).
//   - [NewCrossAccountRole]: in the account that owns the cluster, a role that
//     another account may assume to use the Data API
//     (Custom::RedshiftDataApiCrossAccountRole).
//   - [NewEndpoint]: an interface VPC endpoint for the Data API with private
//     DNS (Custom::RedshiftDataApiEndpoint).
//
// Each construct needs a ServiceToken, the ARN of the Lambda function that
// serves its resource type. By default the first construct in a stack creates
// the functions once for that stack ([ProviderOf]); this needs the built
// function binaries (make build). Alternatively, deploy the provider stack
// once per account and region and pass [ImportedProvider] so that the
// constructs import its exported ServiceTokens.
//
// Props are validated when the construct is created, by the function's own
// property parser (internal/access, internal/secret, internal/endpoint) on
// the very properties the template gives the resource, so that synth refuses
// what deployment would refuse; a few rules of the constructs' own come on
// top, such as the names and paths the provider may manage. Problems are
// reported as error annotations on the construct, one per property, which
// makes cdk synth fail and list them all with the construct's path. Values
// that are tokens (parameters, attributes of other resources) are resolved
// only at deployment and are left to the function.
package dataaccess
