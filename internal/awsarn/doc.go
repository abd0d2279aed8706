// Package awsarn is the one place that reads, checks and writes Amazon
// Resource Names and AWS partitions. Every resource, the custom resource
// runtime and the CDK constructs go through it; nothing else splits an ARN
// or a CloudFormation stack ID by hand.
//
// Parsing is the SDK's (github.com/aws/aws-sdk-go-v2/aws/arn); this package
// adds the checks of each part (Parse) and typed parsers for the ARNs the
// product reads: IAM roles, users, groups and managed policies
// (ParseIAM, ParseRole, ParsePolicy), Secrets Manager secrets
// (ParseSecret), Redshift clusters and Redshift Serverless workgroups
// (ParseCluster, ParseWorkgroup) and CloudFormation stack IDs (StackName).
//
// # Partitions
//
// The product supports exactly the partitions listed by Partitions: aws,
// aws-cn and aws-us-gov. These are the partitions whose Redshift Data API
// managed policy (AmazonRedshiftDataFullAccess) the scoped-policy generator
// reproduces and whose ARNs the tests cover. An ARN in any other partition
// (aws-iso, aws-iso-b, aws-iso-e, aws-iso-f, aws-eusc, ...) is malformed for
// every parser here, so a property holding one fails the same way at synth
// time and at deploy time. PartitionOf knows the region prefixes of the
// other partitions too, so that a region outside the supported set is named
// for what it is; Supported says whether the product runs there.
package awsarn
