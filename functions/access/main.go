// Command access is the Lambda function behind
// Custom::RedshiftDataApiAccess and Custom::RedshiftDataApiCrossAccountRole:
// Data API permissions for IAM identities, and the role another account
// assumes. It only reads the guardrails and wires the IAM, STS, Redshift,
// Redshift Serverless and Secrets Manager clients to the resources; the
// logic is in internal/access.
package main

import (
	"context"
	"log"
	"os"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	"github.com/aws/aws-sdk-go-v2/service/redshiftserverless"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/redshift-data-access/redshift-data-access/internal/access"
	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/internal/guardrail"
)

func main() {
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		log.Fatalf("loading AWS configuration: %v", err)
	}
	// The owner's guardrails are read once; a malformed setting stops the
	// function rather than let it run with bounds nobody meant.
	g, err := guardrail.FromEnv(os.Getenv)
	if err != nil {
		log.Fatalf("reading the guardrails: %v", err)
	}
	clients := access.Clients{
		IAM:        iam.NewFromConfig(cfg),
		STS:        sts.NewFromConfig(cfg),
		Serverless: redshiftserverless.NewFromConfig(cfg),
		Redshift:   redshift.NewFromConfig(cfg),
		Secrets:    secretsmanager.NewFromConfig(cfg),
		Region:     cfg.Region,
		Guardrails: g,
	}
	customresource.Start(map[string]customresource.Resource{
		access.AccessType:           access.NewAccess(clients),
		access.CrossAccountRoleType: access.NewCrossAccountRole(clients),
	})
}
