package iam

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"strings"
	"time"
)

// managedPolicyFiles holds the documents of the AWS managed policies the
// emulator knows, one file per policy named after it. Each is the
// policy's current default version, verbatim from the AWS Managed Policy
// Reference guide:
//
//   - AmazonRedshiftDataFullAccess.json: version v5, edited 2023-04-07.
//
//go:embed managedpolicies/*.json
var managedPolicyFiles embed.FS

// managedPolicyMeta is what AWS reports about each embedded policy
// besides its document.
var managedPolicyMeta = map[string]struct {
	version          string
	created, updated time.Time
	description      string
}{
	"AmazonRedshiftDataFullAccess": {
		version:     "v5",
		created:     time.Date(2020, 9, 9, 19, 23, 0, 0, time.UTC),
		updated:     time.Date(2023, 4, 7, 18, 18, 0, 0, time.UTC),
		description: "This policy provides full access to Amazon Redshift Data APIs. This policy also grants scoped access to other required services.",
	},
}

// ManagedPolicyDocument returns the JSON document of the AWS managed
// policy name (for example AmazonRedshiftDataFullAccess) exactly as AWS
// publishes it, and whether the emulator knows that policy.
func ManagedPolicyDocument(name string) (string, bool) {
	if _, ok := managedPolicyMeta[name]; !ok {
		return "", false
	}
	b, err := managedPolicyFiles.ReadFile("managedpolicies/" + name + ".json")
	if err != nil {
		return "", false
	}
	return string(b), true
}

// awsManagedPolicies returns the read-only AWS managed policies of
// partition, by ARN; every account shares them.
func awsManagedPolicies(partition string) map[string]*policy {
	out := map[string]*policy{}
	for name, meta := range managedPolicyMeta {
		doc, ok := ManagedPolicyDocument(name)
		if !ok {
			continue
		}
		// A stable ID derived from the name, the same in every emulator;
		// stateOf reserves it so that newID never issues it again.
		sum := sha256.Sum256([]byte(name))
		id := "ANPA" + strings.ToUpper(hex.EncodeToString(sum[:]))[:17]
		arn := "arn:" + partition + ":iam::aws:policy/" + name
		out[arn] = &policy{
			name: name, path: "/", id: id, arn: arn, description: meta.description,
			created: meta.created, updated: meta.updated, awsManaged: true,
			versions:       []*policyVersion{{id: meta.version, document: doc, created: meta.updated}},
			defaultVersion: meta.version,
		}
	}
	return out
}
