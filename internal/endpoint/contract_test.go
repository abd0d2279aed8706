package endpoint

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/local/lifecycle"
)

// TestContract runs the CloudFormation lifecycle every resource must pass,
// through the custom-resource runtime, against the emulator.
func TestContract(t *testing.T) {
	f := newFixture(t)
	handler := customresource.NewHandler(map[string]customresource.Resource{ResourceType: f.res},
		customresource.WithAllowLocalResponseURL(true),
		customresource.WithLogger(slog.New(slog.NewJSONHandler(io.Discard, nil))))
	lifecycle.RunContract(t, lifecycle.Contract{
		ResourceType:      ResourceType,
		Invoke:            handler.HandleEvent,
		Create:            map[string]any{"VpcId": f.vpc, "SubnetIds": []any{f.subnetA}},
		UpdateInPlace:     map[string]any{"VpcId": f.vpc, "SubnetIds": []any{f.subnetA, f.subnetB}, "Tags": map[string]any{"team": "data"}},
		UpdateReplace:     map[string]any{"VpcId": f.otherVPC, "SubnetIds": []any{f.otherSub}},
		InvalidProperties: map[string]any{"VpcId": f.vpc, "SubnetIds": []any{f.subnetA, f.subnetA2}},
		Exists: func(ctx context.Context, id string) (bool, error) {
			ep, err := f.res.find(ctx, id)
			var notFound *NotFoundError
			if errors.As(err, &notFound) {
				return false, nil
			}
			if err != nil {
				return false, err
			}
			state := stateOf(ep)
			return state != stateDeleting && state != stateDeleted, nil
		},
	})
}
