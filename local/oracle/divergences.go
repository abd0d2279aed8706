package oracle

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/redshift-data-access/redshift-data-access/local/moto"
)

// The emulators a Divergence can name.
const (
	Moto = "moto"
	Kumo = "kumo"
)

// Divergence is a place where an independent emulator, moto or kumo,
// departs from the AWS API reference. The reference decides: where an
// emulator is right, the local emulator or the product is fixed instead,
// and nothing is recorded here.
type Divergence struct {
	// Emulator is Moto (at moto.Version) or Kumo (at KumoVersion).
	Emulator string
	// Service and Operations locate the divergence.
	Service    string
	Operations []string
	// Behaviour is what the emulator does.
	Behaviour string
	// AWS is what the reference says AWS does.
	AWS string
	// Reference is the AWS documentation that decides it.
	Reference string
	// Skips lists, by resource type, the contract scenarios this
	// divergence makes impossible against moto; ContractSkips gives the
	// divergence as their reason.
	Skips map[string][]string
	// Check fails t while the emulator no longer diverges as recorded,
	// so that an upgrade that follows AWS, or departs from it anew,
	// fails the divergence test: the entry (and the skips it causes) is
	// then removed or rewritten. It reads testdata of this package, so
	// it runs in this package's tests. It is nil only when Unchecked
	// says why no check can record the divergence.
	Check func(t *testing.T)
	// Unchecked, when set, says why the divergence has no Check.
	Unchecked string
	// scenario, for a kumo divergence, is the differential scenario
	// that shows it; kumo's transcript of it is recorded in
	// testdata/differential/<scenario>.kumo.txt.
	scenario string
}

// Version is the release of the divergence's emulator that it was
// recorded against.
func (d Divergence) Version() string {
	if d.Emulator == Moto {
		return moto.Version
	}
	return KumoVersion
}

// kumoDocumentsNotEncoded is the divergence shared by the scenarios that
// read a policy document back from kumo.
const (
	kumoDocumentsNotEncoded          = "returns policy documents as they were sent"
	kumoDocumentsNotEncodedAWS       = "IAM returns policy documents URL-encoded (RFC 3986)"
	kumoDocumentsNotEncodedReference = "https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRolePolicy.html, API_Role.html AssumeRolePolicyDocument"
)

// Divergences are the recorded departures of moto and kumo from AWS, by
// a short name.
var Divergences = map[string]Divergence{
	"moto ec2 create vpc endpoint client token": {
		Emulator:   Moto,
		Service:    "ec2",
		Operations: []string{"CreateVpcEndpoint"},
		Behaviour:  "stores ClientToken but creates a new endpoint on every request",
		AWS: "ClientToken is a unique, case-sensitive identifier that ensures the idempotency of the request: " +
			"a retry with the same token and parameters returns the endpoint the first request created",
		Reference: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html " +
			"and https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-idempotency.html",
		Skips: map[string][]string{
			"Custom::RedshiftDataApiEndpoint": {"duplicate create", "update with replacement"},
		},
		Check: motoProbe(probeVpcEndpointClientToken, "same token, 2 endpoints"),
	},

	"kumo iam role create get delete": {
		Emulator: Kumo, Service: "iam", Operations: []string{"GetRole"},
		Behaviour: kumoDocumentsNotEncoded, AWS: kumoDocumentsNotEncodedAWS, Reference: kumoDocumentsNotEncodedReference,
		scenario: "iam role create get delete",
	},
	"kumo iam role duplicate name": {
		Emulator: Kumo, Service: "iam", Operations: []string{"CreateRole"},
		Behaviour: "keys roles by their exact name, so it creates a second role whose name differs only in case",
		AWS:       "role names are not distinguished by case, so a second role whose name differs only in case is EntityAlreadyExists",
		Reference: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html, RoleName",
		scenario:  "iam role duplicate name",
	},
	"kumo iam role tags": {
		Emulator: Kumo, Service: "iam", Operations: []string{"UntagRole", "GetRole"},
		Behaviour: "does not implement UntagRole; " + kumoDocumentsNotEncoded,
		AWS:       "UntagRole removes the named tags from the role; " + kumoDocumentsNotEncodedAWS,
		Reference: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_UntagRole.html; " + kumoDocumentsNotEncodedReference,
		scenario:  "iam role tags",
	},
	"kumo iam role inline policy": {
		Emulator: Kumo, Service: "iam", Operations: []string{"DeleteRole", "GetRolePolicy"},
		Behaviour: "deletes a role that still has inline policies; " + kumoDocumentsNotEncoded,
		AWS:       "DeleteRole refuses with DeleteConflict until DeleteRolePolicy removed the role's inline policies; " + kumoDocumentsNotEncodedAWS,
		Reference: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteRole.html; " + kumoDocumentsNotEncodedReference,
		scenario:  "iam role inline policy",
	},
	"kumo iam policy versions limit": {
		Emulator: Kumo, Service: "iam", Operations: []string{"CreatePolicyVersion", "DeletePolicyVersion"},
		Behaviour: "does not implement policy versions",
		AWS:       "a managed policy holds at most five versions; the sixth CreatePolicyVersion is LimitExceeded",
		Reference: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicyVersion.html",
		scenario:  "iam policy versions limit",
	},
	"kumo iam malformed policy document": {
		Emulator: Kumo, Service: "iam", Operations: []string{"CreatePolicy", "CreateRole"},
		Behaviour: "stores any policy document",
		AWS:       "a document that is not a policy is rejected with MalformedPolicyDocument",
		Reference: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html, API_CreateRole.html",
		scenario:  "iam malformed policy document",
	},
	"kumo sts assume role": {
		Emulator: Kumo, Service: "sts", Operations: []string{"AssumeRole"},
		Behaviour: "looks neither at the role nor at DurationSeconds: it issues credentials for a role that does not exist " +
			"and for less than 900 seconds; its AssumedRoleId is not the role's unique ID followed by the session name",
		AWS: "AssumeRole of a role that does not exist is AccessDenied, DurationSeconds below the minimum of 900 is ValidationError, " +
			"and AssumedRoleId is the role's unique ID and the session name joined by a colon",
		Reference: "https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html, API_AssumedRoleUser.html",
		scenario:  "sts assume role",
	},
	"kumo secret lifecycle": {
		Emulator: Kumo, Service: "secretsmanager", Operations: []string{"PutSecretValue", "UpdateSecret", "DescribeSecret"},
		Behaviour: "moves AWSCURRENT to AWSPREVIOUS without taking AWSPREVIOUS from the version that had it, so two versions carry it",
		AWS: "a staging label is attached to one version at a time, and a version left without labels is deprecated and not listed " +
			"in VersionIdsToStages",
		Reference: "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html, API_DescribeSecret.html VersionIdsToStages",
		scenario:  "secret lifecycle",
	},
	"kumo secret tags": {
		Emulator: Kumo, Service: "secretsmanager", Operations: []string{"TagResource", "UntagResource"},
		Behaviour: "does not implement TagResource and UntagResource",
		AWS:       "TagResource adds or replaces tags of a secret, UntagResource removes them",
		Reference: "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_TagResource.html, API_UntagResource.html",
		scenario:  "secret tags",
	},
	"kumo secret delete and restore": {
		Emulator: Kumo, Service: "secretsmanager", Operations: []string{"RestoreSecret", "CreateSecret", "DeleteSecret"},
		Behaviour: "does not implement RestoreSecret; answers CreateSecret for a name scheduled for deletion with ResourceExistsException; " +
			"a forced deletion reports the earlier scheduled DeletionDate",
		AWS: "RestoreSecret cancels a scheduled deletion; CreateSecret for a name scheduled for deletion is InvalidRequestException " +
			"(\"the secret is scheduled for deletion\"); a forced deletion reports the time of the deletion",
		Reference: "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RestoreSecret.html, API_CreateSecret.html Errors, API_DeleteSecret.html",
		scenario:  "secret delete and restore",
	},
	"kumo secret delete parameters": {
		Emulator: Kumo, Service: "secretsmanager", Operations: []string{"DeleteSecret"},
		Behaviour: "accepts any RecoveryWindowInDays, and ForceDeleteWithoutRecovery together with it, and deletes a secret already scheduled for deletion",
		AWS: "RecoveryWindowInDays is 7 to 30 days, and the two parameters together are InvalidParameterException; deleting a secret " +
			"already scheduled for deletion is InvalidRequestException",
		Reference: "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html",
		scenario:  "secret delete parameters",
	},
	"kumo secret client request token": {
		Emulator: Kumo, Service: "secretsmanager", Operations: []string{"CreateSecret", "PutSecretValue", "UpdateSecret"},
		Behaviour: "ignores CreateSecret's ClientRequestToken, so the first version's ID is random and a retried create is " +
			"ResourceExistsException; PutSecretValue and UpdateSecret with a known token and another value overwrite that version, " +
			"and a retried UpdateSecret moves the staging labels again",
		AWS: "the token is the version ID; a retry with the same value is ignored and another value with the same token is " +
			"ResourceExistsException",
		Reference: "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html, API_PutSecretValue.html, " +
			"API_UpdateSecret.html, ClientRequestToken",
		scenario: "secret client request token",
	},
	"kumo secret random password with each type": {
		Emulator: Kumo, Service: "secretsmanager", Operations: []string{"GetRandomPassword"},
		Behaviour: "ensureAllTypes (kumo's internal/service/secretsmanager/handlers.go) puts a missing class's character over " +
			"position i of the password, which can remove the only character of another class, so RequireEachIncludedType " +
			"now and then yields a password that lacks a class",
		AWS:       "RequireEachIncludedType guarantees a character of every included class",
		Reference: "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetRandomPassword.html, RequireEachIncludedType",
		Unchecked: "the divergence is random, so no transcript can record it; the scenario is not compared against kumo",
		scenario:  "secret random password with each type",
	},
}

func init() {
	// A kumo divergence with a recorded transcript is checked by
	// running its scenario against kumo again.
	for name, d := range Divergences {
		if d.Emulator == Kumo && d.Unchecked == "" {
			d.Check = kumoTranscript(d.scenario)
			Divergences[name] = d
		}
	}
}

// kumoDivergence returns the kumo divergence shown by the differential
// scenario called scenario, if one is recorded.
func kumoDivergence(scenario string) (Divergence, bool) {
	for _, d := range Divergences {
		if d.Emulator == Kumo && d.scenario == scenario {
			return d, true
		}
	}
	return Divergence{}, false
}

// ContractSkips returns the contract scenarios of resourceType that the
// divergences make impossible against moto, with why, for
// lifecycle.Contract's Skip.
func ContractSkips(resourceType string) map[string]string {
	out := map[string]string{}
	for name, d := range Divergences {
		for _, scenario := range d.Skips[resourceType] {
			why := fmt.Sprintf("%s %s diverges from AWS (%s): %s %s %s, where AWS: %s (%s)",
				d.Emulator, d.Version(), name, d.Service, strings.Join(d.Operations, ", "), d.Behaviour, d.AWS, d.Reference)
			if prev, ok := out[scenario]; ok {
				why = prev + "; " + why
			}
			out[scenario] = why
		}
	}
	return out
}

// motoProbe is the check of a moto divergence: probe, run against a
// freshly reset moto server, must still return observed, what it
// returned when the divergence was recorded.
func motoProbe(probe func(ctx context.Context, s *moto.Server) (string, error), observed string) func(t *testing.T) {
	return func(t *testing.T) {
		srv := moto.Use(t)
		got, err := probe(t.Context(), srv)
		if err != nil {
			t.Fatalf("probe: %v", err)
		}
		if got != observed {
			t.Errorf("moto %s now answers %q, recorded %q: it no longer diverges as recorded", moto.Version, got, observed)
		}
	}
}

// probeVpcEndpointClientToken sends one CreateVpcEndpoint twice with the
// same ClientToken and counts the endpoints.
func probeVpcEndpointClientToken(ctx context.Context, s *moto.Server) (string, error) {
	c := ec2.NewFromConfig(s.Config(moto.AccountA))
	vpc, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.9.0.0/16")})
	if err != nil {
		return "", err
	}
	in := &ec2.CreateVpcEndpointInput{
		VpcId:       vpc.Vpc.VpcId,
		ServiceName: aws.String("com.amazonaws." + moto.Region + ".redshift-data"),
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
