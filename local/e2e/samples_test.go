package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/cfn"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/google/go-cmp/cmp"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
	"github.com/redshift-data-access/redshift-data-access/local/lifecycle"
	"github.com/redshift-data-access/redshift-data-access/local/prerequisites"
)

// TestSampleEvents sends every events/*-create*.json to the built function
// that serves it, with the RequestId, ResponseURL and StackId of the
// lifecycle driver, expects SUCCESS, then deletes what it made.
func TestSampleEvents(t *testing.T) {
	requireBinaries(t)
	w := newFixture(t)
	invokers := w.startFunctions(t)
	for _, file := range sampleFiles(t, "*-create*.json") {
		t.Run(filepath.Base(file), func(t *testing.T) {
			sample := w.readSample(t, file)
			x := w.newSample(t, invokers, sample)
			id := x.send(t, "create", cfn.RequestCreate, "", nil, sample.ResourceProperties)
			x.wantExists(t, "create", id, true)
			x.send(t, "delete", cfn.RequestDelete, id, nil, sample.ResourceProperties)
			x.wantExists(t, "delete", id, false)
		})
	}
}

// TestSampleUpdateEvents sends every events/*-update*.json to the built
// function that serves it, after creating the resource from the create
// sample whose properties are the update's OldResourceProperties; a
// replacement is followed by the Delete of the old physical ID, as in
// CloudFormation's cleanup. An update sample that no create sample leads
// to has drifted and fails the test.
func TestSampleUpdateEvents(t *testing.T) {
	requireBinaries(t)
	w := newFixture(t)
	invokers := w.startFunctions(t)
	var creates []cfn.Event
	for _, file := range sampleFiles(t, "*-create*.json") {
		creates = append(creates, w.readSample(t, file))
	}
	for _, file := range sampleFiles(t, "*-update*.json") {
		t.Run(filepath.Base(file), func(t *testing.T) {
			update := w.readSample(t, file)
			i := slices.IndexFunc(creates, func(c cfn.Event) bool {
				return c.ResourceType == update.ResourceType && c.LogicalResourceID == update.LogicalResourceID &&
					cmp.Equal(c.ResourceProperties, update.OldResourceProperties)
			})
			if i < 0 {
				t.Fatalf("no create sample of %s %s has the properties %v", update.ResourceType, update.LogicalResourceID, update.OldResourceProperties)
			}
			x := w.newSample(t, invokers, update)
			id := x.send(t, "create", cfn.RequestCreate, "", nil, update.OldResourceProperties)
			newID := x.send(t, "update", cfn.RequestUpdate, id, update.OldResourceProperties, update.ResourceProperties)
			x.wantExists(t, "update", newID, true)
			if newID != id {
				x.wantExists(t, "update with replacement", id, true)
				x.send(t, "delete of the replaced physical ID", cfn.RequestDelete, id, nil, update.OldResourceProperties)
				x.wantExists(t, "cleanup", id, false)
			}
			x.send(t, "delete", cfn.RequestDelete, newID, nil, update.ResourceProperties)
			x.wantExists(t, "delete", newID, false)
		})
	}
}

// sampleFiles returns the files of events/ that match pattern.
func sampleFiles(t *testing.T, pattern string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "events", pattern))
	if err != nil || len(files) == 0 {
		t.Fatalf("finding the sample events %s: %v (%d found)", pattern, err, len(files))
	}
	return files
}

// readSample reads a sample event with its placeholder IDs rewritten to
// those of w, and without ServiceToken in its properties.
//
// The emulator does not let a caller choose EC2 IDs or the suffix of a
// secret's ARN, so the samples' VPC, subnet and security group IDs and
// the admin secret of dbuser-*-workgroup.json are rewritten to the ones
// the world created; so is the role ARN with the path /analytics/ in
// access-*-scoped.json, because IAM role names are unique per account
// and crossaccountrole-*.json trusts someRoleA under the path /.
func (w *fixture) readSample(t *testing.T, file string) cfn.Event {
	t.Helper()
	rewrite := strings.NewReplacer(
		"arn:aws:iam::111111111111:role/analytics/someRoleA", w.CallerRoleArn,
		"vpc-0a1b2c3d4e5f60718", w.VPC,
		"subnet-0a1b2c3d4e5f60001", w.SubnetA,
		"subnet-0a1b2c3d4e5f60002", w.SubnetB,
		"subnet-0a1b2c3d4e5f60003", w.SubnetC,
		"sg-0a1b2c3d4e5f60718", w.SecurityGroup,
		"vpc-0f1e2d3c4b5a69788", w.OtherVPC,
		"subnet-0f1e2d3c4b5a60001", w.OtherSubnet,
		"sg-0f1e2d3c4b5a69788", w.OtherSecurityGroup,
		sampleAdminSecretArn, w.dbuser.adminSecretArn,
	)
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var sample cfn.Event
	if err := json.Unmarshal([]byte(rewrite.Replace(string(b))), &sample); err != nil {
		t.Fatalf("parsing %s: %v", file, err)
	}
	delete(sample.ResourceProperties, "ServiceToken")
	delete(sample.OldResourceProperties, "ServiceToken")
	return sample
}

// startFunctions starts every function in the accounts that it serves
// in, once, and returns how to invoke each, keyed by function/account.
func (w *fixture) startFunctions(t *testing.T) map[string]lifecycle.Invoke {
	t.Helper()
	invokers := map[string]lifecycle.Invoke{}
	for _, s := range served {
		if key := s.function + "/" + s.account; invokers[key] == nil {
			invokers[key] = startFunction(t, w.srv, s.function, s.account)
		}
	}
	return invokers
}

// sampleResource is the logical resource of a sample event, driven
// through the function that serves its type.
type sampleResource struct {
	w            *fixture
	d            *lifecycle.Driver
	resourceType string
}

func (w *fixture) newSample(t *testing.T, invokers map[string]lifecycle.Invoke, sample cfn.Event) *sampleResource {
	t.Helper()
	s, ok := served[sample.ResourceType]
	if !ok {
		t.Fatalf("no function serves %s", sample.ResourceType)
	}
	d, err := lifecycle.NewDriver(sample.ResourceType, invokers[s.function+"/"+s.account])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	d.LogicalResourceID = sample.LogicalResourceID
	return &sampleResource{w: w, d: d, resourceType: sample.ResourceType}
}

// send sends a request, fails t unless it succeeded and returns the
// physical ID of the response.
func (x *sampleResource) send(t *testing.T, step string, requestType cfn.RequestType, physicalID string, oldProps, props map[string]any) string {
	t.Helper()
	resp, err := x.d.Send(t.Context(), x.d.NewEvent(requestType, physicalID, oldProps, props))
	if err != nil {
		t.Fatalf("%s: %v", step, err)
	}
	if resp.Status != cfn.StatusSuccess {
		t.Fatalf("%s: %s, reason %q", step, resp.Status, resp.Reason)
	}
	return resp.PhysicalResourceID
}

// wantExists checks after step that the resource id exists, or not.
func (x *sampleResource) wantExists(t *testing.T, step, id string, want bool) {
	t.Helper()
	if got, err := x.w.exists(t.Context(), x.resourceType, id); err != nil || got != want {
		t.Errorf("after %s, %s exists = %t (%v), want %t", step, id, got, err, want)
	}
}

// exists reads back the resource of resourceType with physical ID id. A
// Managed grant's ID names a tag on the role someRoleA, which every sample
// grant includes.
func (w *fixture) exists(ctx context.Context, resourceType, id string) (bool, error) {
	switch resourceType {
	case secretType:
		return w.secretExists(ctx, id)
	case crossAccountType:
		return w.roleExists(ctx, id)
	case endpointType:
		return w.endpointExists(ctx, id)
	case dbuserType:
		return w.dbuserExists(ctx, id)
	}
	if strings.HasPrefix(id, "arn:") {
		return w.policyExists(ctx, id)
	}
	out, err := iam.NewFromConfig(w.srv.Config(awsemu.AccountA)).ListRoleTags(ctx, &iam.ListRoleTagsInput{RoleName: aws.String(prerequisites.CallerRole)})
	if err != nil {
		return false, err
	}
	for _, tag := range out.Tags {
		if aws.ToString(tag.Key) == id {
			return true, nil
		}
	}
	return false, nil
}
