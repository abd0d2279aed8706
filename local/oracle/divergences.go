package moto

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

// The kumo differential (local/awsemu's differential test) records kumo's
// departures as expected transcripts per scenario instead. It could join
// this table as entries whose probe runs a scenario against kumo and
// returns its transcript, with Observed the recorded <name>.kumo.txt and
// an Emulator field telling kumo and moto apart; the reference and the
// AWS behaviour would then sit in one place for both emulators.

// Divergence is a place where moto departs from the AWS API reference and
// a contract scenario depends on it. Each has a probe that shows whether
// moto still departs, so that a moto upgrade that follows AWS fails the
// divergence test: the entry and the skips it causes are then removed.
type Divergence struct {
	// Service and Operation locate the divergence.
	Service, Operation string
	// Reference is the AWS documentation page that decides it.
	Reference string
	// AWS is what the reference says.
	AWS string
	// Moto is what moto Version does instead.
	Moto string
	// Skips lists, by resource type, the contract scenarios this
	// divergence makes impossible against moto; ContractSkips gives the
	// divergence as their reason.
	Skips map[string][]string
	// probe reports how moto behaves now, as a short observation; it
	// must return Observed while the divergence stands.
	probe func(ctx context.Context, s *Server) (string, error)
	// Observed is what probe returned when the divergence was recorded.
	Observed string
}

// Divergences are moto's departures from AWS that the contract suites
// meet, by a short name.
var Divergences = map[string]Divergence{
	"ec2-create-vpc-endpoint-client-token": {
		Service:   "ec2",
		Operation: "CreateVpcEndpoint",
		Reference: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html " +
			"and https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-idempotency.html",
		AWS: "ClientToken is a unique, case-sensitive identifier that ensures the idempotency of the request: " +
			"a retry with the same token and parameters returns the endpoint the first request created",
		Moto: "stores ClientToken but creates a new endpoint on every request",
		Skips: map[string][]string{
			"Custom::RedshiftDataApiEndpoint": {"duplicate create", "update with replacement"},
		},
		probe:    probeVpcEndpointClientToken,
		Observed: "same token, 2 endpoints",
	},
}

// ContractSkips returns the contract scenarios of resourceType that the
// divergences make impossible against moto, with why, for
// lifecycle.Contract's Skip.
func ContractSkips(resourceType string) map[string]string {
	out := map[string]string{}
	for name, d := range Divergences {
		for _, scenario := range d.Skips[resourceType] {
			why := fmt.Sprintf("moto %s diverges from AWS (%s): %s %s %s, where AWS: %s (%s)", Version, name, d.Service, d.Operation, d.Moto, d.AWS, d.Reference)
			if prev, ok := out[scenario]; ok {
				why = prev + "; " + why
			}
			out[scenario] = why
		}
	}
	return out
}

// Probe runs the divergence's probe against s, a freshly reset server.
func (d Divergence) Probe(ctx context.Context, s *Server) (string, error) {
	return d.probe(ctx, s)
}

// probeVpcEndpointClientToken sends one CreateVpcEndpoint twice with the
// same ClientToken and counts the endpoints.
func probeVpcEndpointClientToken(ctx context.Context, s *Server) (string, error) {
	c := ec2.NewFromConfig(s.Config(AccountA))
	vpc, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.9.0.0/16")})
	if err != nil {
		return "", err
	}
	in := &ec2.CreateVpcEndpointInput{
		VpcId:       vpc.Vpc.VpcId,
		ServiceName: aws.String("com.amazonaws." + Region + ".redshift-data"),
		ClientToken: aws.String("divergence-probe"),
	}
	ids := map[string]bool{}
	for range 2 {
		out, err := c.CreateVpcEndpoint(ctx, in)
		if err != nil {
			return "", err
		}
		ids[aws.ToString(out.VpcEndpoint.VpcEndpointId)] = true
	}
	all, err := c.DescribeVpcEndpoints(ctx, &ec2.DescribeVpcEndpointsInput{})
	if err != nil {
		return "", err
	}
	n := 0
	for _, ep := range all.VpcEndpoints {
		if !strings.EqualFold(string(ep.State), "deleted") {
			n++
		}
	}
	if len(ids) == 1 && n == 1 {
		return "same token, 1 endpoint", nil
	}
	return fmt.Sprintf("same token, %d endpoints", n), nil
}
