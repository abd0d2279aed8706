// Command access is the Lambda function behind
// Custom::RedshiftDataApiAccess and Custom::RedshiftDataApiCrossAccountRole:
// Data API permissions for IAM identities, and the role another account
// assumes. It only wires the IAM, STS and Redshift Serverless clients to the
// resources; the logic is in internal/access.
package main

import (
	"context"
	"log"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/redshiftserverless"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/redshift-data-access/redshift-data-access/internal/access"
	"github.com/redshift-data-access/redshift-data-access/internal/awsconfig"
	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/internal/eventdriven"
)

func main() {
	cfg, err := awsconfig.Load(context.Background(), awsconfig.Access)
	if err != nil {
		log.Fatalf("loading AWS configuration: %v", err)
	}
	clients := access.Clients{
		IAM:        iam.NewFromConfig(cfg),
		STS:        sts.NewFromConfig(cfg),
		Serverless: redshiftserverless.NewFromConfig(cfg),
		Region:     cfg.Region,
	}
	eventdriven.Start(cfg, map[string]customresource.Resource{
		access.AccessType:           access.NewAccess(clients),
		access.CrossAccountRoleType: access.NewCrossAccountRole(clients),
	})
}
