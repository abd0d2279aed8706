// Command endpoint is the Lambda function behind
// Custom::RedshiftDataApiEndpoint: an interface VPC endpoint for the
// Redshift Data API. It only wires the EC2 client to the resource; the
// logic is in internal/endpoint.
package main

import (
	"context"
	"log"

	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/redshift-data-access/redshift-data-access/internal/awsconfig"
	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/internal/endpoint"
	"github.com/redshift-data-access/redshift-data-access/internal/eventdriven"
)

func main() {
	cfg, err := awsconfig.Load(context.Background(), awsconfig.Endpoint)
	if err != nil {
		log.Fatalf("loading AWS configuration: %v", err)
	}
	eventdriven.Start(cfg, map[string]customresource.Resource{
		endpoint.ResourceType: endpoint.New(ec2.NewFromConfig(cfg), cfg.Region),
	})
}
