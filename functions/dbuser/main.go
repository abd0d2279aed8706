// Command dbuser is the Lambda function behind
// Custom::RedshiftDataApiDatabaseUser: a database user inside a Redshift
// cluster or serverless workgroup, created through the Redshift Data API.
// It only wires the Data API and Secrets Manager clients to the resource;
// the logic is in internal/dbuser.
package main

import (
	"context"
	"log"

	"github.com/aws/aws-sdk-go-v2/service/redshiftdata"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/redshift-data-access/redshift-data-access/internal/awsconfig"
	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/internal/dbuser"
	"github.com/redshift-data-access/redshift-data-access/internal/eventdriven"
)

func main() {
	cfg, err := awsconfig.Load(context.Background(), awsconfig.DBUser)
	if err != nil {
		log.Fatalf("loading AWS configuration: %v", err)
	}
	eventdriven.Start(cfg, map[string]customresource.Resource{
		dbuser.ResourceType: dbuser.New(redshiftdata.NewFromConfig(cfg), secretsmanager.NewFromConfig(cfg)),
	})
}
