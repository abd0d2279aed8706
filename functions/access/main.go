// Command access is the Lambda function behind
// Custom::RedshiftDataApiAccess and Custom::RedshiftDataApiCrossAccountRole:
// Data API permissions for IAM identities, and the role another account
// assumes. It only reads the provider owner's guardrails and builds the
// clients once, at cold start; the logic is in internal/access.
package main

import (
	"context"
	"log"
	"os"

	"github.com/redshift-data-access/redshift-data-access/internal/access"
	"github.com/redshift-data-access/redshift-data-access/internal/awsconfig"
	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/internal/eventdriven"
	"github.com/redshift-data-access/redshift-data-access/internal/guardrail"
)

func main() {
	cfg, err := awsconfig.Load(context.Background(), awsconfig.Access)
	if err != nil {
		log.Fatalf("loading AWS configuration: %v", err)
	}
	// A malformed setting stops the function rather than let it run with
	// bounds its owner did not mean.
	g, err := guardrail.FromEnv(os.Getenv)
	if err != nil {
		log.Fatalf("reading the guardrails: %v", err)
	}
	clients := access.NewClients(cfg, g)
	eventdriven.Start(cfg, map[string]customresource.Resource{
		access.AccessType:           access.NewAccess(clients),
		access.CrossAccountRoleType: access.NewCrossAccountRole(clients),
	})
}
