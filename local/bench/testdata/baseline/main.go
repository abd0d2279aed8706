// Command baseline is a Lambda function that serves no resource type: the
// custom resource runtime and aws-lambda-go alone, without the AWS SDK.
// Its cold start, size and memory are the floor under every function of
// the product; it answers a Delete of a failed Create's marker, the
// request the cold start benchmarks send.
package main

import "github.com/redshift-data-access/redshift-data-access/internal/customresource"

func main() {
	customresource.Start(map[string]customresource.Resource{})
}
