// Command dbuser is the Lambda function behind
// Custom::RedshiftDataApiDatabaseUser: a database user inside a Redshift
// cluster or serverless workgroup, created through the Redshift Data API.
// It only wires the Data API and Secrets Manager clients to the resource;
// the logic is in internal/dbuser.
package main

import (
	"context"
	"log"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/redshiftdata"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/internal/dbuser"
)

func main() {
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		log.Fatalf("loading AWS configuration: %v", err)
	}
	customresource.Start(map[string]customresource.Resource{
		dbuser.ResourceType: dbuser.New(redshiftdata.NewFromConfig(cfg), secretsmanager.NewFromConfig(cfg)),
	})
}
