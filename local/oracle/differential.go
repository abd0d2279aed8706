package oracle

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
	"github.com/sivchari/kumo"
)

// The differential scenarios run the same IAM, STS and Secrets Manager
// calls against the local emulator and against kumo, an independent
// in-process AWS emulator. Each scenario writes a transcript: one line per
// call with its outcome (ok or the AWS error code) and the fields that
// matter, with account IDs, random suffixes and unique IDs normalised.
//
// The expected transcript, testdata/differential/<name>.txt, is AWS's
// documented behaviour; the local emulator must produce it exactly (the
// differential test), and so must kumo, unless Divergences records where
// kumo departs from it in that scenario: then kumo must produce
// <name>.kumo.txt, its transcript when the divergence was recorded, so
// that a kumo upgrade that starts to follow AWS, or departs from it anew,
// fails the divergence's check.
//
// Run the package's tests with -update-differential to rewrite the
// transcripts from what the emulators do, then review the change against
// AWS's documentation before committing it.

// KumoVersion is the kumo release whose divergences the table records.
const KumoVersion = "v0.33.1"

// rewriteTranscripts reports whether the transcripts are to be rewritten
// from what the emulators do; the package's tests set it from their
// -update-differential flag.
var rewriteTranscripts = func() bool { return false }

// backend is one emulator behind real SDK clients.
type backend struct {
	iam *iam.Client
	sts *sts.Client
	sm  *secretsmanager.Client
}

func newBackend(cfg aws.Config) backend {
	// One attempt: neither emulator is asked to throttle here, and a retry
	// of a failed call would only slow the test down.
	cfg.RetryMaxAttempts = 1
	return backend{iam: iam.NewFromConfig(cfg), sts: sts.NewFromConfig(cfg), sm: secretsmanager.NewFromConfig(cfg)}
}

// startKumo starts a kumo server for t and returns a backend on it.
func startKumo(t *testing.T) backend {
	t.Helper()
	srv := kumo.NewServer()
	t.Cleanup(srv.Close)
	return newBackend(aws.Config{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIAKUMOTESTKEY00000", "kumo-test-secret", ""),
	})
}

// transcript is the normalised outcome of a scenario, one line per call.
type transcript struct {
	// run is the random part of this run's resource names: kumo keeps
	// its state in package variables, shared by every kumo server of
	// the test binary, so names must not repeat across runs.
	run   string
	lines []string
}

var accountID = regexp.MustCompile(`\b\d{12}\b`)

// record adds the outcome of the call labelled label. fields, called only
// when err is nil, returns the response fields that matter as key=value.
func (tr *transcript) record(label string, err error, fields func() []string) {
	line := label + ": " + outcome(err)
	if err == nil && fields != nil {
		line += " " + strings.Join(fields(), " ")
	}
	tr.add(line)
}

// note adds an observation derived from the call labelled label, such as
// how a returned document is encoded, as a line of its own so that a
// divergence in it can be recorded apart from the call's other fields.
func (tr *transcript) note(label string, fields ...string) {
	tr.add(label + ": " + strings.Join(fields, " "))
}

func (tr *transcript) add(line string) {
	line = strings.ReplaceAll(line, tr.run, "RUN")
	line = strings.ReplaceAll(line, strings.ToUpper(tr.run), "RUN")
	tr.lines = append(tr.lines, accountID.ReplaceAllString(line, "ACCOUNT"))
}

// outcome is "ok" or the AWS error code of err.
func outcome(err error) string {
	if err == nil {
		return "ok"
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return fmt.Sprintf("non-API error %T", err)
}

// scenario is a sequence of calls against one backend. id is unique to the
// scenario and the run; resource names derive from it.
type scenario struct {
	run func(ctx context.Context, b backend, id string, tr *transcript)
}

// runScenario runs the scenario called name against b and returns its
// transcript. run is the random part of the run's resource names.
func runScenario(t *testing.T, name, run string, b backend) []string {
	t.Helper()
	sc, ok := scenarios()[name]
	if !ok {
		t.Fatalf("no differential scenario %q", name)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	tr := &transcript{run: run}
	sc.run(ctx, b, "diff-"+strings.ReplaceAll(name, " ", "-")+"-"+run, tr)
	return tr.lines
}

// transcriptPath is where the expected transcript of the scenario called
// name is, with suffix "" for AWS's and ".kumo" for kumo's recorded one,
// relative to this package's directory (where its tests run).
func transcriptPath(name, suffix string) string {
	return filepath.Join("testdata", "differential", strings.ReplaceAll(name, " ", "_")+suffix+".txt")
}

// expectedTranscript reads the expected transcript from path, after
// writing got there when the transcripts are being rewritten.
func expectedTranscript(t *testing.T, path string, got []string) []string {
	t.Helper()
	if rewriteTranscripts() {
		if err := os.WriteFile(path, []byte(strings.Join(got, "\n")+"\n"), 0o644); err != nil {
			t.Fatalf("writing %s: %v", path, err)
		}
	}
	return readTranscript(t, path)
}

func readTranscript(t *testing.T, path string) []string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	return strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
}

// kumoTranscript is the check of a kumo divergence recorded in the
// scenario called name: kumo must still produce the transcript recorded
// in testdata/differential/<name>.kumo.txt, which must differ from AWS's.
func kumoTranscript(name string) func(t *testing.T) {
	return func(t *testing.T) {
		got := runScenario(t, name, randomRun(t), startKumo(t))
		awsPath, recorded := transcriptPath(name, ""), transcriptPath(name, ".kumo")
		want := expectedTranscript(t, recorded, got)
		if cmp.Equal(want, readTranscript(t, awsPath)) {
			t.Errorf("%s is the same as %s: where kumo follows AWS, remove the recorded divergence and the file", recorded, awsPath)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("kumo %s does not diverge as recorded in %s (-want +got):\n%s", KumoVersion, recorded, diff)
		}
	}
}

func randomRun(t *testing.T) string {
	t.Helper()
	b := make([]byte, 3)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("reading random bytes: %v", err)
	}
	return hex.EncodeToString(b)
}

// Field formatting shared by the scenarios.

func field(key string, value any) string { return fmt.Sprintf("%s=%v", key, value) }

// uniqueID describes an IAM unique ID by its prefix and length, which AWS
// documents (AROA for roles, ANPA for policies, 21 characters).
func uniqueID(key, id string) string {
	if len(id) < 4 {
		return field(key, "malformed")
	}
	return field(key, fmt.Sprintf("%s(%d)", id[:4], len(id)))
}

// document describes a policy document as IAM returns it: URL-encoded
// (RFC 3986) per the API reference, and equal in meaning to want.
func document(got, want string) []string {
	decoded, err := url.QueryUnescape(got)
	if err != nil {
		decoded = got
	}
	return []string{field("URLEncoded", decoded != got), field("SameAsSent", sameJSON(decoded, want))}
}

func sameJSON(a, b string) bool {
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	return cmp.Equal(x, y)
}

func iamTags(tags []iamtypes.Tag) string {
	var kv []string
	for _, t := range tags {
		kv = append(kv, aws.ToString(t.Key)+":"+aws.ToString(t.Value))
	}
	slices.Sort(kv)
	return "[" + strings.Join(kv, ",") + "]"
}

func smTags(tags []smtypes.Tag) string {
	var kv []string
	for _, t := range tags {
		kv = append(kv, aws.ToString(t.Key)+":"+aws.ToString(t.Value))
	}
	slices.Sort(kv)
	return "[" + strings.Join(kv, ",") + "]"
}

// prefix is the first n bytes of s, or all of s when it is shorter.
func prefix(s string, n int) string { return s[:min(n, len(s))] }

// daysFromNow is t's distance from now in whole days.
func daysFromNow(t *time.Time) string {
	if t == nil {
		return "unset"
	}
	return fmt.Sprintf("now%+dd", int(math.Round(time.Until(*t).Hours()/24)))
}

// Policy documents and fixture values of the scenarios. The secret values
// are fixtures, but transcripts name them only by label.
const (
	diffIdentityPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"redshift-data:ExecuteStatement","Resource":"*"}]}`
	diffTokenA         = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
	diffTokenB         = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb"
	diffTokenC         = "cccccccc-cccc-4ccc-8ccc-cccccccccccc"
)

var diffSecretValues = map[string]string{"fixture-value-one": "v1", "fixture-value-two": "v2", "fixture-value-three": "v3"}

// trustFor is a trust policy that lets the given account assume the role.
func trustFor(account string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + account + `:root"},"Action":"sts:AssumeRole"}]}`
}

// diffTrust admits a fixed account; the role scenarios only store it.
var diffTrust = trustFor("333333333333")

func scenarios() map[string]scenario {
	all := map[string]scenario{}
	for _, group := range []map[string]scenario{iamRoleScenarios(), iamPolicyScenarios(), stsScenarios(), secretScenarios()} {
		maps.Copy(all, group)
	}
	return all
}
