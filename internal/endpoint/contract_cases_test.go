package endpoint

import (
	"context"
	"errors"

	"github.com/redshift-data-access/redshift-data-access/local/lifecycle"
)

// contract is the lifecycle contract of the endpoint resource on f's VPCs,
// so that the same contract runs on every backend.
func (f *fixture) contract() lifecycle.Contract {
	return lifecycle.Contract{
		ResourceType:      ResourceType,
		Invoke:            newHandler(f).HandleEvent,
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
	}
}
