// Command secret is the Lambda function behind
// Custom::RedshiftDataApiSecret: a Secrets Manager secret with Redshift
// credentials for the Data API. It only wires the Secrets Manager client to
// the resource; the logic is in internal/secret.
package main

import (
	"context"
	"log"

	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/redshift-data-access/redshift-data-access/internal/awsconfig"
	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/internal/eventdriven"
	"github.com/redshift-data-access/redshift-data-access/internal/secret"
)

func main() {
	cfg, err := awsconfig.Load(context.Background(), awsconfig.Secret)
	if err != nil {
		log.Fatalf("loading AWS configuration: %v", err)
	}
	eventdriven.Start(cfg, map[string]customresource.Resource{
		secret.ResourceType: secret.New(secretsmanager.NewFromConfig(cfg), cfg.Region),
	})
}
