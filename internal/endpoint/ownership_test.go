package endpoint

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
	emustate "github.com/redshift-data-access/redshift-data-access/local/awsemu/snapshot"
)

// foreignEndpoints makes a hand-made endpoint and one of another stack's
// resource, and returns their IDs by case.
func foreignEndpoints(t *testing.T, f *fixture) map[string]string {
	t.Helper()
	setup := ec2.NewFromConfig(f.srv.Config(awsemu.AccountA))
	out := map[string]string{}
	for name, tags := range map[string][]types.Tag{
		"hand-made": nil,
		"other stack": {
			{Key: aws.String(TagStackID), Value: aws.String("arn:aws:cloudformation:us-east-1:111111111111:stack/other/1")},
			{Key: aws.String(TagLogicalID), Value: aws.String("DataApiEndpoint")},
		},
	} {
		in := &ec2.CreateVpcEndpointInput{
			VpcId: aws.String(f.vpc), ServiceName: aws.String("com.amazonaws.us-east-1.redshift-data"),
			VpcEndpointType: types.VpcEndpointTypeInterface, SubnetIds: []string{f.subnetA}, PrivateDnsEnabled: aws.Bool(false),
		}
		if tags != nil {
			in.TagSpecifications = []types.TagSpecification{{ResourceType: types.ResourceTypeVpcEndpoint, Tags: tags}}
		}
		ep, err := setup.CreateVpcEndpoint(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = aws.ToString(ep.VpcEndpoint.VpcEndpointId)
	}
	return out
}

func TestUpdateOfAnEndpointNotCreatedByThisResourceFails(t *testing.T) {
	f := newFixture(t)
	for name, id := range foreignEndpoints(t, f) {
		t.Run(name, func(t *testing.T) {
			cfg := f.srv.Config(awsemu.AccountA)
			before := emustate.Take(t, cfg, nil, nil)
			props := map[string]any{"VpcId": f.vpc, "SubnetIds": []any{f.subnetB}, "PolicyDocument": `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`}
			_, err := f.res.Update(context.Background(), request(customresource.ActionUpdate, "u1", id, props))
			var notOwned *customresource.NotOwnedError
			if !errors.As(err, &notOwned) {
				t.Fatalf("Update: %v, want a *customresource.NotOwnedError", err)
			}
			emustate.Unchanged(t, before, emustate.Take(t, cfg, nil, nil))
		})
	}
}

func TestDeleteOfAnEndpointNotCreatedByThisResourceChangesNothing(t *testing.T) {
	f := newFixture(t)
	for name, id := range foreignEndpoints(t, f) {
		t.Run(name, func(t *testing.T) {
			cfg := f.srv.Config(awsemu.AccountA)
			before := emustate.Take(t, cfg, nil, nil)
			if err := f.res.Delete(context.Background(), request(customresource.ActionDelete, "d1", id, nil)); err != nil {
				t.Fatalf("Delete: %v, want success", err)
			}
			emustate.Unchanged(t, before, emustate.Take(t, cfg, nil, nil))
		})
	}
}

// TestReplacedEndpointAndItsReplacementStayOwned: a VpcId change makes a
// new endpoint; both carry the resource's records, so both Deletes act.
func TestReplacedEndpointAndItsReplacementStayOwned(t *testing.T) {
	f := newFixture(t)
	first := f.create(t, map[string]any{"VpcId": f.vpc, "SubnetIds": []any{f.subnetA}})
	second, err := f.res.Update(context.Background(), request(customresource.ActionUpdate, "u1", first.PhysicalResourceID, map[string]any{"VpcId": f.otherVPC, "SubnetIds": []any{f.otherSub}}))
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if second.PhysicalResourceID == first.PhysicalResourceID {
		t.Fatal("a VpcId change did not replace the endpoint")
	}
	for _, id := range []string{first.PhysicalResourceID, second.PhysicalResourceID} {
		if err := f.res.Delete(context.Background(), request(customresource.ActionDelete, "d-"+id, id, nil)); err != nil {
			t.Fatalf("Delete %s: %v", id, err)
		}
		ep, err := f.res.find(context.Background(), id)
		var missing *NotFoundError
		if !errors.As(err, &missing) && stateOf(ep) != stateDeleted {
			t.Errorf("endpoint %s after its resource's Delete: %v, state %s, want deleted", id, err, stateOf(ep))
		}
	}
}
