package awsemu_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
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

	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
)

// The differential test runs the same IAM, STS and Secrets Manager
// scenarios against this emulator and against kumo, an independent
// in-process AWS emulator. Each scenario writes a transcript: one line per
// call with its outcome (ok or the AWS error code) and the fields that
// matter, with account IDs, random suffixes and unique IDs normalised.
//
// The expected transcript, testdata/differential/<name>.txt, is AWS's
// documented behaviour; our emulator must produce it exactly. kumo must
// produce it too, unless the scenario records a known kumo divergence:
// then kumo must produce <name>.kumo.txt, its transcript when the
// divergence was recorded, so that a kumo upgrade that starts to follow
// AWS, or departs from it anew, fails the test.
//
// Run with -update-differential to rewrite the expected transcripts from
// what the emulators do, then review the change against AWS's
// documentation before committing it.

var updateDifferential = flag.Bool("update-differential", false, "rewrite testdata/differential from the emulators' transcripts")

// kumoVersion is the kumo release whose divergences the scenarios record.
const kumoVersion = "v0.33.1"

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
	// kumo, when set, records why kumo departs from AWS in this
	// scenario, citing the AWS documentation it contradicts; kumo's own
	// transcript is then in testdata/differential/<name>.kumo.txt.
	kumo string
	// kumoUncompared, when set, says why kumo's side is not compared at
	// all: its divergence is random, so no transcript can record it.
	kumoUncompared string
}

func TestDifferential(t *testing.T) {
	ours := awsemu.Start()
	defer ours.Close()
	theirs := kumo.NewServer()
	defer theirs.Close()
	kumoCfg := aws.Config{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(theirs.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIAKUMOTESTKEY00000", "kumo-test-secret", ""),
	}
	backends := map[string]backend{
		"awsemu": newBackend(ours.Config(awsemu.AccountA)),
		"kumo":   newBackend(kumoCfg),
	}
	run := randomRun(t)

	for name, sc := range scenarios() {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			id := "diff-" + strings.ReplaceAll(name, " ", "-") + "-" + run
			got := map[string][]string{}
			for backendName, b := range backends {
				if backendName == "kumo" && sc.kumoUncompared != "" {
					continue
				}
				tr := &transcript{run: run}
				sc.run(ctx, b, id, tr)
				got[backendName] = tr.lines
			}

			base := filepath.Join("testdata", "differential", strings.ReplaceAll(name, " ", "_"))
			golden, kumoGolden := base+".txt", base+".kumo.txt"
			want := expectedTranscript(t, golden, got["awsemu"])
			if diff := cmp.Diff(want, got["awsemu"]); diff != "" {
				t.Errorf("our emulator departs from AWS's documented behaviour in %s (-want +got):\n%s", golden, diff)
			}

			if sc.kumoUncompared != "" {
				t.Logf("kumo not compared: %s", sc.kumoUncompared)
				return
			}
			if sc.kumo == "" {
				if _, err := os.Stat(kumoGolden); err == nil {
					t.Errorf("%s exists, but the scenario records no kumo divergence", kumoGolden)
				}
				if diff := cmp.Diff(want, got["kumo"]); diff != "" {
					t.Errorf("kumo %s departs from %s with no recorded divergence; decide from AWS's documentation which is right, "+
						"then fix our emulator or record the divergence (-want +got):\n%s", kumoVersion, golden, diff)
				}
				return
			}
			kumoWant := expectedTranscript(t, kumoGolden, got["kumo"])
			if cmp.Equal(kumoWant, want) {
				t.Errorf("%s is the same as %s: where kumo follows AWS, remove the recorded divergence and the file", kumoGolden, golden)
			}
			if diff := cmp.Diff(kumoWant, got["kumo"]); diff != "" {
				t.Errorf("kumo %s does not diverge as recorded in %s (%s) (-want +got):\n%s", kumoVersion, kumoGolden, sc.kumo, diff)
			}
		})
	}
}

// expectedTranscript reads the expected transcript from golden, after
// writing ours there when -update-differential is set.
func expectedTranscript(t *testing.T, golden string, ours []string) []string {
	t.Helper()
	if *updateDifferential {
		if err := os.WriteFile(golden, []byte(strings.Join(ours, "\n")+"\n"), 0o644); err != nil {
			t.Fatalf("writing %s: %v", golden, err)
		}
	}
	raw, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("reading %s: %v", golden, err)
	}
	return strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
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

// kumoDocumentsNotEncoded is the reason shared by the scenarios that read
// a policy document back from kumo.
const kumoDocumentsNotEncoded = "kumo returns policy documents as they were sent; IAM returns them URL-encoded (RFC 3986) " +
	"(https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRolePolicy.html, API_Role.html AssumeRolePolicyDocument)"

func scenarios() map[string]scenario {
	all := map[string]scenario{}
	for _, group := range []map[string]scenario{iamRoleScenarios(), iamPolicyScenarios(), stsScenarios(), secretScenarios()} {
		maps.Copy(all, group)
	}
	return all
}

// IAM roles.

func createRole(ctx context.Context, b backend, tr *transcript, label, name string, tags ...iamtypes.Tag) {
	out, err := b.iam.CreateRole(ctx, &iam.CreateRoleInput{
		RoleName: aws.String(name), Path: aws.String("/redshift-data-api/"),
		AssumeRolePolicyDocument: aws.String(diffTrust), Tags: tags,
	})
	tr.record(label, err, func() []string {
		r := out.Role
		return []string{field("RoleName", aws.ToString(r.RoleName)), field("Arn", aws.ToString(r.Arn)), field("Path", aws.ToString(r.Path)), uniqueID("RoleId", aws.ToString(r.RoleId))}
	})
}

func getRole(ctx context.Context, b backend, tr *transcript, label, name string) {
	out, err := b.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
	tr.record(label, err, func() []string {
		r := out.Role
		return []string{field("Description", aws.ToString(r.Description)), field("MaxSessionDuration", aws.ToInt32(r.MaxSessionDuration)), field("Tags", iamTags(r.Tags))}
	})
	if err == nil {
		tr.note(label+" trust document", document(aws.ToString(out.Role.AssumeRolePolicyDocument), diffTrust)...)
	}
}

func deleteRole(ctx context.Context, b backend, tr *transcript, label, name string) {
	_, err := b.iam.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(name)})
	tr.record(label, err, nil)
}

func iamRoleScenarios() map[string]scenario {
	return map[string]scenario{
		"iam role create get delete": {
			run: func(ctx context.Context, b backend, id string, tr *transcript) {
				createRole(ctx, b, tr, "create role", id)
				_, err := b.iam.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String(id), Description: aws.String("differential"), MaxSessionDuration: aws.Int32(7200)})
				tr.record("update role", err, nil)
				getRole(ctx, b, tr, "get role", id)
				deleteRole(ctx, b, tr, "delete role", id)
				getRole(ctx, b, tr, "get deleted role", id)
				deleteRole(ctx, b, tr, "delete deleted role", id)
			},
			kumo: kumoDocumentsNotEncoded,
		},
		"iam role duplicate name": {
			run: func(ctx context.Context, b backend, id string, tr *transcript) {
				createRole(ctx, b, tr, "create role", id)
				createRole(ctx, b, tr, "create same name", id)
				createRole(ctx, b, tr, "create name differing in case", strings.ToUpper(id))
			},
			kumo: "kumo keys roles by their exact name; IAM role names are not distinguished by case, so a second role " +
				"whose name differs only in case is EntityAlreadyExists (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html, RoleName)",
		},
		"iam role tags": {
			run: func(ctx context.Context, b backend, id string, tr *transcript) {
				createRole(ctx, b, tr, "create role with tag", id, iamtypes.Tag{Key: aws.String("a"), Value: aws.String("1")})
				_, err := b.iam.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String(id), Tags: []iamtypes.Tag{
					{Key: aws.String("a"), Value: aws.String("2")}, {Key: aws.String("b"), Value: aws.String("3")},
				}})
				tr.record("tag role", err, nil)
				getRole(ctx, b, tr, "get tagged role", id)
				_, err = b.iam.UntagRole(ctx, &iam.UntagRoleInput{RoleName: aws.String(id), TagKeys: []string{"a", "absent"}})
				tr.record("untag role", err, nil)
				getRole(ctx, b, tr, "get untagged role", id)
				_, err = b.iam.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String(id + "-missing"), Tags: []iamtypes.Tag{{Key: aws.String("a"), Value: aws.String("1")}}})
				tr.record("tag missing role", err, nil)
			},
			kumo: "kumo does not implement UntagRole (https://docs.aws.amazon.com/IAM/latest/APIReference/API_UntagRole.html); " +
				kumoDocumentsNotEncoded,
		},
		"iam role inline policy": {
			run: func(ctx context.Context, b backend, id string, tr *transcript) {
				createRole(ctx, b, tr, "create role", id)
				put := &iam.PutRolePolicyInput{RoleName: aws.String(id), PolicyName: aws.String("inline"), PolicyDocument: aws.String(diffIdentityPolicy)}
				_, err := b.iam.PutRolePolicy(ctx, put)
				tr.record("put inline policy", err, nil)
				_, err = b.iam.PutRolePolicy(ctx, put)
				tr.record("put same inline policy again", err, nil)
				get := &iam.GetRolePolicyInput{RoleName: aws.String(id), PolicyName: aws.String("inline")}
				out, err := b.iam.GetRolePolicy(ctx, get)
				tr.record("get inline policy", err, func() []string { return []string{field("PolicyName", aws.ToString(out.PolicyName))} })
				if err == nil {
					tr.note("get inline policy document", document(aws.ToString(out.PolicyDocument), diffIdentityPolicy)...)
				}
				list, err := b.iam.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String(id)})
				tr.record("list inline policies", err, func() []string { return []string{field("PolicyNames", list.PolicyNames)} })
				deleteRole(ctx, b, tr, "delete role with inline policy", id)
				del := &iam.DeleteRolePolicyInput{RoleName: aws.String(id), PolicyName: aws.String("inline")}
				_, err = b.iam.DeleteRolePolicy(ctx, del)
				tr.record("delete inline policy", err, nil)
				_, err = b.iam.GetRolePolicy(ctx, get)
				tr.record("get deleted inline policy", err, nil)
				_, err = b.iam.DeleteRolePolicy(ctx, del)
				tr.record("delete deleted inline policy", err, nil)
				deleteRole(ctx, b, tr, "delete role", id)
			},
			kumo: "kumo deletes a role that still has inline policies; IAM refuses with DeleteConflict until DeleteRolePolicy " +
				"removed them (https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteRole.html); " + kumoDocumentsNotEncoded,
		},
	}
}

// IAM managed policies.

func createPolicy(ctx context.Context, b backend, tr *transcript, label, name, doc string) string {
	out, err := b.iam.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(name), Path: aws.String("/redshift-data-api/"), PolicyDocument: aws.String(doc)})
	tr.record(label, err, func() []string {
		p := out.Policy
		return []string{field("Arn", aws.ToString(p.Arn)), field("DefaultVersionId", aws.ToString(p.DefaultVersionId)), field("AttachmentCount", aws.ToInt32(p.AttachmentCount)), uniqueID("PolicyId", aws.ToString(p.PolicyId))}
	})
	if err != nil {
		return ""
	}
	return aws.ToString(out.Policy.Arn)
}

func getPolicy(ctx context.Context, b backend, tr *transcript, label, arn string) {
	out, err := b.iam.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
	tr.record(label, err, func() []string {
		return []string{field("DefaultVersionId", aws.ToString(out.Policy.DefaultVersionId)), field("AttachmentCount", aws.ToInt32(out.Policy.AttachmentCount))}
	})
}

func attachPolicy(ctx context.Context, b backend, tr *transcript, label, role, arn string) {
	_, err := b.iam.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(role), PolicyArn: aws.String(arn)})
	tr.record(label, err, nil)
}

func detachPolicy(ctx context.Context, b backend, tr *transcript, label, role, arn string) {
	_, err := b.iam.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String(role), PolicyArn: aws.String(arn)})
	tr.record(label, err, nil)
}

func deletePolicy(ctx context.Context, b backend, tr *transcript, label, arn string) {
	_, err := b.iam.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(arn)})
	tr.record(label, err, nil)
}

// missingPolicyArn is a well-formed ARN of a policy no scenario creates.
func missingPolicyArn(id string) string {
	return "arn:aws:iam::123456789012:policy/redshift-data-api/" + id + "-missing"
}

func iamPolicyScenarios() map[string]scenario {
	return map[string]scenario{
		"iam policy versions limit": {
			run: func(ctx context.Context, b backend, id string, tr *transcript) {
				arn := createPolicy(ctx, b, tr, "create policy", id, diffIdentityPolicy)
				// A managed policy holds at most five versions
				// (IAM quotas); the sixth create is LimitExceeded.
				for i := 2; i <= 6; i++ {
					out, err := b.iam.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(diffIdentityPolicy), SetAsDefault: i == 5})
					tr.record(fmt.Sprintf("create version %d", i), err, func() []string {
						return []string{field("VersionId", aws.ToString(out.PolicyVersion.VersionId)), field("IsDefaultVersion", out.PolicyVersion.IsDefaultVersion)}
					})
				}
				getPolicy(ctx, b, tr, "get policy", arn)
				_, err := b.iam.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v5")})
				tr.record("delete default version", err, nil)
				_, err = b.iam.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v2")})
				tr.record("delete version v2", err, nil)
			},
			kumo: "kumo does not implement policy versions (CreatePolicyVersion, DeletePolicyVersion), which the IAM API reference " +
				"documents with LimitExceeded at five versions (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicyVersion.html)",
		},
		"iam policy attach detach": {run: func(ctx context.Context, b backend, id string, tr *transcript) {
			createRole(ctx, b, tr, "create role", id)
			arn := createPolicy(ctx, b, tr, "create policy", id, diffIdentityPolicy)
			attachPolicy(ctx, b, tr, "attach", id, arn)
			attachPolicy(ctx, b, tr, "attach again", id, arn)
			getPolicy(ctx, b, tr, "get attached policy", arn)
			list, err := b.iam.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(id)})
			tr.record("list attached", err, func() []string {
				var names []string
				for _, p := range list.AttachedPolicies {
					names = append(names, aws.ToString(p.PolicyName)+"@"+aws.ToString(p.PolicyArn))
				}
				return []string{field("AttachedPolicies", names)}
			})
			detachPolicy(ctx, b, tr, "detach", id, arn)
			getPolicy(ctx, b, tr, "get detached policy", arn)
			detachPolicy(ctx, b, tr, "detach again", id, arn)
			attachPolicy(ctx, b, tr, "attach to missing role", id+"-missing", arn)
			attachPolicy(ctx, b, tr, "attach missing policy", id, missingPolicyArn(id))
		}},
		"iam policy delete conflict": {run: func(ctx context.Context, b backend, id string, tr *transcript) {
			createRole(ctx, b, tr, "create role", id)
			arn := createPolicy(ctx, b, tr, "create policy", id, diffIdentityPolicy)
			createPolicy(ctx, b, tr, "create same policy name", id, diffIdentityPolicy)
			attachPolicy(ctx, b, tr, "attach", id, arn)
			deletePolicy(ctx, b, tr, "delete attached policy", arn)
			deleteRole(ctx, b, tr, "delete role with attached policy", id)
			detachPolicy(ctx, b, tr, "detach", id, arn)
			deletePolicy(ctx, b, tr, "delete policy", arn)
			getPolicy(ctx, b, tr, "get deleted policy", arn)
			deletePolicy(ctx, b, tr, "delete deleted policy", arn)
			deleteRole(ctx, b, tr, "delete role", id)
		}},
		"iam malformed policy document": {
			run: func(ctx context.Context, b backend, id string, tr *transcript) {
				createPolicy(ctx, b, tr, "create policy with invalid JSON", id, `{"Version":"2012-10-17","Statement":[`)
				_, err := b.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(id), AssumeRolePolicyDocument: aws.String("not a policy")})
				tr.record("create role with invalid trust", err, nil)
			},
			kumo: "kumo stores any policy document; IAM rejects a document that is not a policy with MalformedPolicyDocument " +
				"(https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html, API_CreateRole.html)",
		},
	}
}

// STS.

func stsScenarios() map[string]scenario {
	return map[string]scenario{
		"sts get caller identity": {run: func(ctx context.Context, b backend, id string, tr *transcript) {
			out, err := b.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			tr.record("get caller identity", err, func() []string {
				account := aws.ToString(out.Account)
				return []string{field("Arn", aws.ToString(out.Arn)), field("UserId", aws.ToString(out.UserId)), field("ArnInAccount", strings.Contains(aws.ToString(out.Arn), "::"+account+":"))}
			})
		}},
		"sts assume role": {
			run: func(ctx context.Context, b backend, id string, tr *transcript) {
				caller, err := b.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
				tr.record("get caller identity", err, nil)
				if err != nil {
					return
				}
				role, err := b.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(id), AssumeRolePolicyDocument: aws.String(trustFor(aws.ToString(caller.Account)))})
				tr.record("create role trusting the caller's account", err, nil)
				if err != nil {
					return
				}
				roleArn := aws.ToString(role.Role.Arn)
				out, err := b.sts.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleArn), RoleSessionName: aws.String("differential")})
				tr.record("assume role", err, func() []string {
					u, c := out.AssumedRoleUser, out.Credentials
					return []string{
						field("Arn", aws.ToString(u.Arn)),
						field("AssumedRoleId", assumedRoleID(aws.ToString(u.AssumedRoleId), aws.ToString(role.Role.RoleId))),
						field("AccessKeyIdPrefix", prefix(aws.ToString(c.AccessKeyId), 4)),
						field("Expiration", fmt.Sprintf("now+%dm", int(math.Round(time.Until(aws.ToTime(c.Expiration)).Minutes())))),
					}
				})
				_, err = b.sts.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleArn + "-missing"), RoleSessionName: aws.String("differential")})
				tr.record("assume missing role", err, nil)
				_, err = b.sts.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleArn), RoleSessionName: aws.String("differential"), DurationSeconds: aws.Int32(600)})
				tr.record("assume for less than 15 minutes", err, nil)
			},
			kumo: "kumo's AssumeRole looks neither at the role nor at DurationSeconds: it issues credentials for a role that does not exist, " +
				"where STS answers AccessDenied, and for less than the documented minimum of 900 seconds, where STS answers ValidationError; " +
				"its AssumedRoleId is not the role's unique ID followed by the session name " +
				"(https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html, API_AssumedRoleUser.html)",
		},
	}
}

// assumedRoleID describes an AssumedRoleId, which STS documents as the
// role's unique ID and the session name joined by a colon.
func assumedRoleID(got, roleID string) string {
	if session, ok := strings.CutPrefix(got, roleID+":"); ok {
		return "RoleId:" + session
	}
	return "not-the-role-id"
}

// Secrets Manager.

var secretArnPattern = regexp.MustCompile(`^(arn:aws:secretsmanager:[a-z0-9-]+:\d{12}:secret:)(.+)-[A-Za-z0-9]{6}$`)

// secretArn describes a secret ARN, which Secrets Manager documents as the
// secret's name followed by a hyphen and six random characters.
func secretArn(arn string) string {
	m := secretArnPattern.FindStringSubmatch(arn)
	if m == nil {
		return field("ARN", "malformed:"+arn)
	}
	return field("ARN", m[1]+m[2]+"-XXXXXX")
}

// versionLabel names a version ID by the token of ours that chose it, or
// "generated" for a random UUID.
func versionLabel(id string) string {
	switch id {
	case diffTokenA:
		return "tokenA"
	case diffTokenB:
		return "tokenB"
	case diffTokenC:
		return "tokenC"
	case "":
		return "none"
	}
	if uuidPattern.MatchString(id) {
		return "generated"
	}
	return "other"
}

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// valueLabel names a secret value by its fixture label, never by itself.
func valueLabel(v *string) string {
	if v == nil {
		return "none"
	}
	if label, ok := diffSecretValues[aws.ToString(v)]; ok {
		return label
	}
	return "unexpected"
}

// createSecret creates a secret with one tag and returns its ARN, or ""
// when the create fails.
func createSecret(ctx context.Context, b backend, tr *transcript, label, name, token, value string) string {
	in := &secretsmanager.CreateSecretInput{
		Name: aws.String(name), SecretString: aws.String(value),
		Description: aws.String("differential"), Tags: []smtypes.Tag{{Key: aws.String("a"), Value: aws.String("1")}},
	}
	// Without a token of ours the SDK sends a random one, as it does for
	// any idempotency token.
	if token != "" {
		in.ClientRequestToken = aws.String(token)
	}
	out, err := b.sm.CreateSecret(ctx, in)
	tr.record(label, err, func() []string {
		return []string{field("Name", aws.ToString(out.Name)), secretArn(aws.ToString(out.ARN)), field("VersionId", versionLabel(aws.ToString(out.VersionId)))}
	})
	if err != nil {
		return ""
	}
	return aws.ToString(out.ARN)
}

func updateSecret(ctx context.Context, b backend, tr *transcript, label string, in *secretsmanager.UpdateSecretInput) {
	out, err := b.sm.UpdateSecret(ctx, in)
	tr.record(label, err, func() []string { return []string{field("VersionId", versionLabel(aws.ToString(out.VersionId)))} })
}

func describeSecret(ctx context.Context, b backend, tr *transcript, label, name string) {
	out, err := b.sm.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(name)})
	tr.record(label, err, func() []string {
		var versions []string
		for id, stages := range out.VersionIdsToStages {
			versions = append(versions, versionLabel(id)+":"+strings.Join(stages, "+"))
		}
		slices.Sort(versions)
		return []string{
			field("Description", aws.ToString(out.Description)), field("Tags", smTags(out.Tags)), field("Versions", versions),
			field("DeletedDate", daysFromNow(out.DeletedDate)),
		}
	})
}

func getSecretValue(ctx context.Context, b backend, tr *transcript, label, name, stage string) {
	in := &secretsmanager.GetSecretValueInput{SecretId: aws.String(name)}
	if stage != "" {
		in.VersionStage = aws.String(stage)
	}
	out, err := b.sm.GetSecretValue(ctx, in)
	tr.record(label, err, func() []string {
		return []string{field("Value", valueLabel(out.SecretString)), field("VersionId", versionLabel(aws.ToString(out.VersionId))), field("VersionStages", out.VersionStages)}
	})
}

func putSecretValue(ctx context.Context, b backend, tr *transcript, label, name, token, value string) {
	out, err := b.sm.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String(name), ClientRequestToken: aws.String(token), SecretString: aws.String(value)})
	tr.record(label, err, func() []string {
		return []string{field("VersionId", versionLabel(aws.ToString(out.VersionId))), field("VersionStages", out.VersionStages)}
	})
}

func deleteSecret(ctx context.Context, b backend, tr *transcript, label string, in *secretsmanager.DeleteSecretInput) {
	out, err := b.sm.DeleteSecret(ctx, in)
	tr.record(label, err, func() []string { return []string{field("DeletionDate", daysFromNow(out.DeletionDate))} })
}

func secretScenarios() map[string]scenario {
	return map[string]scenario{
		"secret lifecycle": {
			run: func(ctx context.Context, b backend, id string, tr *transcript) {
				arn := createSecret(ctx, b, tr, "create secret", id, "", "fixture-value-one")
				describeSecret(ctx, b, tr, "describe secret", id)
				describeSecret(ctx, b, tr, "describe secret by ARN", arn)
				getSecretValue(ctx, b, tr, "get value", id, "")
				putSecretValue(ctx, b, tr, "put value", id, diffTokenB, "fixture-value-two")
				getSecretValue(ctx, b, tr, "get current value", id, "AWSCURRENT")
				getSecretValue(ctx, b, tr, "get previous value", id, "AWSPREVIOUS")
				updateSecret(ctx, b, tr, "update description only", &secretsmanager.UpdateSecretInput{SecretId: aws.String(id), Description: aws.String("described")})
				updateSecret(ctx, b, tr, "update description and value", &secretsmanager.UpdateSecretInput{
					SecretId: aws.String(id), Description: aws.String("updated"), ClientRequestToken: aws.String(diffTokenC), SecretString: aws.String("fixture-value-three"),
				})
				describeSecret(ctx, b, tr, "describe updated secret", id)
				getSecretValue(ctx, b, tr, "get updated value", id, "")
			},
			kumo: "kumo moves AWSCURRENT to AWSPREVIOUS without taking AWSPREVIOUS from the version that had it, so two versions carry it; " +
				"a staging label is attached to one version at a time, and a version left without labels is deprecated and not listed " +
				"(https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html, API_DescribeSecret.html VersionIdsToStages)",
		},
		"secret tags": {
			run: func(ctx context.Context, b backend, id string, tr *transcript) {
				createSecret(ctx, b, tr, "create secret", id, "", "fixture-value-one")
				_, err := b.sm.TagResource(ctx, &secretsmanager.TagResourceInput{SecretId: aws.String(id), Tags: []smtypes.Tag{
					{Key: aws.String("a"), Value: aws.String("2")}, {Key: aws.String("b"), Value: aws.String("3")},
				}})
				tr.record("tag secret", err, nil)
				describeSecret(ctx, b, tr, "describe tagged secret", id)
				_, err = b.sm.UntagResource(ctx, &secretsmanager.UntagResourceInput{SecretId: aws.String(id), TagKeys: []string{"a"}})
				tr.record("untag secret", err, nil)
				describeSecret(ctx, b, tr, "describe untagged secret", id)
			},
			kumo: "kumo does not implement TagResource and UntagResource " +
				"(https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_TagResource.html, API_UntagResource.html)",
		},
		"secret delete and restore": {
			run: func(ctx context.Context, b backend, id string, tr *transcript) {
				createSecret(ctx, b, tr, "create secret", id, "", "fixture-value-one")
				deleteSecret(ctx, b, tr, "delete with 7 day recovery window", &secretsmanager.DeleteSecretInput{SecretId: aws.String(id), RecoveryWindowInDays: aws.Int64(7)})
				describeSecret(ctx, b, tr, "describe deleted secret", id)
				getSecretValue(ctx, b, tr, "get value of deleted secret", id, "")
				putSecretValue(ctx, b, tr, "put value to deleted secret", id, diffTokenB, "fixture-value-two")
				updateSecret(ctx, b, tr, "update deleted secret", &secretsmanager.UpdateSecretInput{SecretId: aws.String(id), Description: aws.String("updated")})
				createSecret(ctx, b, tr, "create name scheduled for deletion", id, "", "fixture-value-two")
				_, err := b.sm.RestoreSecret(ctx, &secretsmanager.RestoreSecretInput{SecretId: aws.String(id)})
				tr.record("restore secret", err, nil)
				getSecretValue(ctx, b, tr, "get value of restored secret", id, "")
				deleteSecret(ctx, b, tr, "force delete", &secretsmanager.DeleteSecretInput{SecretId: aws.String(id), ForceDeleteWithoutRecovery: aws.Bool(true)})
				describeSecret(ctx, b, tr, "describe force-deleted secret", id)
				createSecret(ctx, b, tr, "create name again", id, "", "fixture-value-three")
			},
			kumo: "kumo does not implement RestoreSecret (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RestoreSecret.html); " +
				"it answers CreateSecret for a name scheduled for deletion with ResourceExistsException where Secrets Manager answers " +
				"InvalidRequestException, \"the secret is scheduled for deletion\" (API_CreateSecret.html, Errors); and a forced deletion " +
				"reports the earlier scheduled DeletionDate instead of the time of the deletion (API_DeleteSecret.html)",
		},
		"secret delete parameters": {
			run: func(ctx context.Context, b backend, id string, tr *transcript) {
				createSecret(ctx, b, tr, "create secret", id, "", "fixture-value-one")
				deleteSecret(ctx, b, tr, "delete with 6 day recovery window", &secretsmanager.DeleteSecretInput{SecretId: aws.String(id), RecoveryWindowInDays: aws.Int64(6)})
				deleteSecret(ctx, b, tr, "delete with 31 day recovery window", &secretsmanager.DeleteSecretInput{SecretId: aws.String(id), RecoveryWindowInDays: aws.Int64(31)})
				deleteSecret(ctx, b, tr, "force delete with recovery window", &secretsmanager.DeleteSecretInput{SecretId: aws.String(id), RecoveryWindowInDays: aws.Int64(7), ForceDeleteWithoutRecovery: aws.Bool(true)})
				deleteSecret(ctx, b, tr, "delete with default recovery window", &secretsmanager.DeleteSecretInput{SecretId: aws.String(id)})
				deleteSecret(ctx, b, tr, "delete again", &secretsmanager.DeleteSecretInput{SecretId: aws.String(id)})
			},
			kumo: "kumo accepts any RecoveryWindowInDays and ForceDeleteWithoutRecovery together with it; Secrets Manager requires " +
				"7 to 30 days and rejects the two together with InvalidParameterException, and refuses to delete a secret already " +
				"scheduled for deletion with InvalidRequestException (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html)",
		},
		"secret duplicate and missing": {run: func(ctx context.Context, b backend, id string, tr *transcript) {
			createSecret(ctx, b, tr, "create secret", id, "", "fixture-value-one")
			createSecret(ctx, b, tr, "create same name", id, "", "fixture-value-two")
			missing := id + "-missing"
			describeSecret(ctx, b, tr, "describe missing", missing)
			getSecretValue(ctx, b, tr, "get value of missing", missing, "")
			putSecretValue(ctx, b, tr, "put value to missing", missing, diffTokenA, "fixture-value-one")
			deleteSecret(ctx, b, tr, "delete missing", &secretsmanager.DeleteSecretInput{SecretId: aws.String(missing)})
		}},
		"secret client request token": {
			run: func(ctx context.Context, b backend, id string, tr *transcript) {
				createSecret(ctx, b, tr, "create secret", id, diffTokenA, "fixture-value-one")
				createSecret(ctx, b, tr, "retry create", id, diffTokenA, "fixture-value-one")
				createSecret(ctx, b, tr, "create with same token and another value", id, diffTokenA, "fixture-value-two")
				putSecretValue(ctx, b, tr, "put value", id, diffTokenB, "fixture-value-two")
				putSecretValue(ctx, b, tr, "retry put value", id, diffTokenB, "fixture-value-two")
				putSecretValue(ctx, b, tr, "put another value with same token", id, diffTokenB, "fixture-value-three")
				update := &secretsmanager.UpdateSecretInput{SecretId: aws.String(id), ClientRequestToken: aws.String(diffTokenC), SecretString: aws.String("fixture-value-three")}
				updateSecret(ctx, b, tr, "update value", update)
				updateSecret(ctx, b, tr, "retry update value", update)
				update.SecretString = aws.String("fixture-value-one")
				updateSecret(ctx, b, tr, "update another value with same token", update)
				describeSecret(ctx, b, tr, "describe secret", id)
				getSecretValue(ctx, b, tr, "get value", id, "")
			},
			kumo: "kumo ignores CreateSecret's ClientRequestToken, so the first version's ID is random and a retried create is " +
				"ResourceExistsException; PutSecretValue and UpdateSecret with a known token and another value overwrite that version, " +
				"and a retried UpdateSecret moves the staging labels again. Secrets Manager uses the token as the version ID, ignores a " +
				"retry with the same value and refuses another value with ResourceExistsException (https://docs.aws.amazon.com/secretsmanager/" +
				"latest/apireference/API_CreateSecret.html, API_PutSecretValue.html, API_UpdateSecret.html, ClientRequestToken)",
		},
		"secret random password": {run: func(ctx context.Context, b backend, id string, tr *transcript) {
			password := func(label string, in *secretsmanager.GetRandomPasswordInput) {
				out, err := b.sm.GetRandomPassword(ctx, in)
				tr.record(label, err, func() []string { return passwordProperties(aws.ToString(out.RandomPassword), in) })
			}
			password("default", &secretsmanager.GetRandomPasswordInput{})
			password("length 20 without punctuation and abc", &secretsmanager.GetRandomPasswordInput{PasswordLength: aws.Int64(20), ExcludePunctuation: aws.Bool(true), ExcludeCharacters: aws.String("abc")})
			password("digits only", &secretsmanager.GetRandomPasswordInput{PasswordLength: aws.Int64(12), ExcludeUppercase: aws.Bool(true), ExcludeLowercase: aws.Bool(true), ExcludePunctuation: aws.Bool(true)})
			password("length 4097", &secretsmanager.GetRandomPasswordInput{PasswordLength: aws.Int64(4097)})
		}},
		"secret random password with each type": {
			run: func(ctx context.Context, b backend, _ string, tr *transcript) {
				// Eight characters from four classes: without the guarantee,
				// a password misses a class in more than four runs of ten.
				for i := range 20 {
					in := &secretsmanager.GetRandomPasswordInput{PasswordLength: aws.Int64(8), RequireEachIncludedType: aws.Bool(true)}
					out, err := b.sm.GetRandomPassword(ctx, in)
					tr.record(fmt.Sprintf("length 8 with each type, try %d", i+1), err, func() []string { return passwordProperties(aws.ToString(out.RandomPassword), in) })
				}
			},
			kumoUncompared: "kumo's ensureAllTypes (internal/service/secretsmanager/handlers.go) puts a missing class's character over " +
				"position i of the password, which can remove the only character of another class, so kumo now and then answers " +
				"RequireEachIncludedType with a password that lacks a class; AWS guarantees every included class " +
				"(https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetRandomPassword.html, RequireEachIncludedType)",
		},
	}
}

// passwordProperties describes a generated password by the properties
// GetRandomPassword documents, never by its characters.
func passwordProperties(p string, in *secretsmanager.GetRandomPasswordInput) []string {
	has := func(set string) bool { return strings.ContainsAny(p, set) }
	f := []string{field("Length", len(p)), field("HasExcluded", aws.ToString(in.ExcludeCharacters) != "" && has(aws.ToString(in.ExcludeCharacters)))}
	classes := []struct {
		name     string
		set      string
		excluded bool
	}{
		{"Upper", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", aws.ToBool(in.ExcludeUppercase)},
		{"Lower", "abcdefghijklmnopqrstuvwxyz", aws.ToBool(in.ExcludeLowercase)},
		{"Digit", "0123456789", aws.ToBool(in.ExcludeNumbers)},
		{"Punctuation", "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", aws.ToBool(in.ExcludePunctuation)},
	}
	for _, c := range classes {
		// A class is reported only when the request determines it: an
		// excluded class must be absent, a required one present.
		switch {
		case c.excluded:
			f = append(f, field("Has"+c.name, has(c.set)))
		case aws.ToBool(in.RequireEachIncludedType):
			f = append(f, field("Has"+c.name, has(c.set)))
		}
	}
	return append(f, field("HasSpace", has(" ")))
}
