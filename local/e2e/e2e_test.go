package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/cfn"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
	"github.com/redshift-data-access/redshift-data-access/local/lifecycle"
)

// Resource types, as the functions serve them. They are spelled out here
// rather than imported so that the test checks the built binaries against
// the types CloudFormation templates name.
const (
	secretType       = "Custom::RedshiftDataApiSecret"
	accessType       = "Custom::RedshiftDataApiAccess"
	crossAccountType = "Custom::RedshiftDataApiCrossAccountRole"
	endpointType     = "Custom::RedshiftDataApiEndpoint"
)

// canaryPassword is the Password of the secret contract's instances: the
// functions' logs must never show it.
const canaryPassword = "Canary-Passw0rd-e2e-7d41"

// served says which function serves a resource type, and in which account
// it runs.
var served = map[string]struct{ function, account string }{
	secretType:       {"secret", awsemu.AccountA},
	accessType:       {"access", awsemu.AccountA},
	crossAccountType: {"access", awsemu.AccountB},
	endpointType:     {"endpoint", awsemu.AccountA},
}

// TestContract runs the lifecycle contract against every built function
// under the runtime interface emulator.
func TestContract(t *testing.T) {
	requireBinaries(t)
	w := newWorld(t)
	tests := map[string]struct {
		contract func(w *world) lifecycle.Contract
	}{
		secretType: {func(w *world) lifecycle.Contract {
			create := map[string]any{"ClusterIdentifier": clusterID, "Username": "myusername", "Password": canaryPassword, "RecoveryWindowInDays": "0"}
			return lifecycle.Contract{
				Create:            create,
				UpdateInPlace:     with(create, map[string]any{"Database": "sales", "Description": "updated"}),
				UpdateReplace:     with(create, map[string]any{"Name": "e2e/cluster-v2"}),
				InvalidProperties: with(create, map[string]any{"PasswordLength": "7"}),
				Exists:            w.secretExists,
			}
		}},
		accessType: {func(w *world) lifecycle.Contract {
			create := map[string]any{"Roles": []any{roleAName}, "Clusters": []any{clusterID}}
			return lifecycle.Contract{
				Create:            create,
				UpdateInPlace:     with(create, map[string]any{"Databases": []any{"dev"}}),
				UpdateReplace:     with(create, map[string]any{"PolicyName": "e2e-data-api"}),
				InvalidProperties: with(create, map[string]any{"PolicyMode": "Sometimes"}),
				Exists:            w.policyExists,
			}
		}},
		crossAccountType: {func(w *world) lifecycle.Contract {
			create := map[string]any{"TrustedPrincipalArns": []any{w.roleA}, "PolicyMode": "Managed"}
			return lifecycle.Contract{
				Create:            create,
				UpdateInPlace:     with(create, map[string]any{"Description": "Data API access for account A"}),
				UpdateReplace:     with(create, map[string]any{"RoleName": "e2e-data-api"}),
				InvalidProperties: with(create, map[string]any{"TrustedPrincipalArns": []any{roleAName}}),
				Exists:            w.roleExists,
			}
		}},
		endpointType: {func(w *world) lifecycle.Contract {
			return lifecycle.Contract{
				Create:            map[string]any{"VpcId": w.vpc, "SubnetIds": []any{w.subnetA}},
				UpdateInPlace:     map[string]any{"VpcId": w.vpc, "SubnetIds": []any{w.subnetA, w.subnetB}, "SecurityGroupIds": []any{w.group}},
				UpdateReplace:     map[string]any{"VpcId": w.otherVPC, "SubnetIds": []any{w.otherSubnet}},
				InvalidProperties: map[string]any{"VpcId": w.vpc, "SubnetIds": []any{w.subnetA}, "PrivateDnsEnabled": "maybe"},
				Exists:            w.endpointExists,
			}
		}},
	}
	for resourceType, tc := range tests {
		t.Run(resourceType, func(t *testing.T) {
			s := served[resourceType]
			c := tc.contract(w)
			c.ResourceType = resourceType
			c.Invoke = startFunction(t, w.srv, s.function, s.account)
			lifecycle.RunContract(t, c)
		})
	}
}

// TestSampleEvents sends every events/*-create*.json to the built function
// that serves it, with the RequestId, ResponseURL and StackId of the
// lifecycle driver, expects SUCCESS, then deletes what it made.
//
// The emulator does not let a caller choose EC2 IDs, so the samples' VPC,
// subnet and security group IDs are rewritten to the ones the test
// created; so is the role ARN with the path /analytics/ in
// access-create-scoped.json, because IAM role names are unique per account
// and crossaccountrole-create.json trusts someRoleA under the path /.
func TestSampleEvents(t *testing.T) {
	requireBinaries(t)
	w := newWorld(t)
	rewrite := strings.NewReplacer(
		"arn:aws:iam::111111111111:role/analytics/someRoleA", w.roleA,
		"vpc-0a1b2c3d4e5f60718", w.vpc,
		"subnet-0a1b2c3d4e5f60001", w.subnetA,
		"subnet-0a1b2c3d4e5f60002", w.subnetB,
		"sg-0a1b2c3d4e5f60718", w.group,
	)
	files, err := filepath.Glob(filepath.Join("..", "..", "events", "*-create*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("finding the sample create events: %v (%d found)", err, len(files))
	}
	invokers := map[string]lifecycle.Invoke{}
	for _, s := range served {
		if key := s.function + "/" + s.account; invokers[key] == nil {
			invokers[key] = startFunction(t, w.srv, s.function, s.account)
		}
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var sample cfn.Event
			if err := json.Unmarshal([]byte(rewrite.Replace(string(b))), &sample); err != nil {
				t.Fatalf("parsing %s: %v", file, err)
			}
			s, ok := served[sample.ResourceType]
			if !ok {
				t.Fatalf("no function serves %s", sample.ResourceType)
			}
			d, err := lifecycle.NewDriver(sample.ResourceType, invokers[s.function+"/"+s.account])
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			d.LogicalResourceID = sample.LogicalResourceID
			props := sample.ResourceProperties
			delete(props, "ServiceToken")

			created, err := d.Create(t.Context(), props)
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			if created.Status != cfn.StatusSuccess {
				t.Fatalf("create: %s, reason %q", created.Status, created.Reason)
			}
			if exists, err := w.exists(t.Context(), sample.ResourceType, created.PhysicalResourceID); err != nil || !exists {
				t.Errorf("after create, %s exists = %t (%v), want true", created.PhysicalResourceID, exists, err)
			}
			deleted, err := d.Delete(t.Context(), created.PhysicalResourceID, props)
			if err != nil {
				t.Fatalf("delete: %v", err)
			}
			if deleted.Status != cfn.StatusSuccess {
				t.Fatalf("delete: %s, reason %q", deleted.Status, deleted.Reason)
			}
			if exists, err := w.exists(t.Context(), sample.ResourceType, created.PhysicalResourceID); err != nil || exists {
				t.Errorf("after delete, %s exists = %t (%v), want false", created.PhysicalResourceID, exists, err)
			}
		})
	}
}

// exists reads back the resource of resourceType with physical ID id. A
// Managed grant's ID names a tag on the role someRoleA, which every sample
// grant includes.
func (w *world) exists(ctx context.Context, resourceType, id string) (bool, error) {
	switch resourceType {
	case secretType:
		return w.secretExists(ctx, id)
	case crossAccountType:
		return w.roleExists(ctx, id)
	case endpointType:
		return w.endpointExists(ctx, id)
	}
	if strings.HasPrefix(id, "arn:") {
		return w.policyExists(ctx, id)
	}
	out, err := iam.NewFromConfig(w.srv.Config(awsemu.AccountA)).ListRoleTags(ctx, &iam.ListRoleTagsInput{RoleName: aws.String(roleAName)})
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

// with returns a copy of base with changes applied.
func with(base, changes map[string]any) map[string]any {
	out := make(map[string]any, len(base)+len(changes))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range changes {
		out[k] = v
	}
	return out
}
