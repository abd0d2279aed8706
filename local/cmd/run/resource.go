package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-lambda-go/cfn"

	"github.com/redshift-data-access/redshift-data-access/local/lifecycle"
)

// errOutcome marks a step whose outcome differs from what CloudFormation
// needs: a wrong status, a physical ID that changed or did not, or AWS
// state that does not match the response.
var errOutcome = errors.New("outcome differs from what CloudFormation needs")

// stateReader reads back, through the SDK, the AWS state behind a physical
// ID: lines for the report, and whether the resource exists.
type stateReader func(ctx context.Context, physicalID string) (lines []string, exists bool, err error)

// resource is one logical resource of the run's stack as CloudFormation
// tracks it: its physical ID and the properties it was last created or
// updated with.
type resource struct {
	rep    *report
	row    *summaryRow
	driver *lifecycle.Driver
	read   stateReader
	id     string
	props  map[string]any
	data   map[string]any
}

// plan is the properties of a full lifecycle: those of the Create, a change
// made in place, a change that needs a replacement, and properties that
// fail validation.
type plan struct {
	create, inPlace, replace, invalid map[string]any
	// afterCreate and afterDelete, if set, run after the Create and
	// after the final Delete, to show what the resource does.
	afterCreate, afterDelete func(ctx context.Context) error
}

// lifecycle runs the whole CloudFormation lifecycle: create, update in
// place, update with replacement and the cleanup Delete of the old physical
// ID, a failed update and its rollback, delete; and p's checks after the
// Create and the Delete.
func (x *resource) lifecycle(ctx context.Context, p plan) error {
	if err := x.create(ctx, p.create); err != nil {
		return err
	}
	if p.afterCreate != nil {
		if err := p.afterCreate(ctx); err != nil {
			return err
		}
	}
	if err := x.updateInPlace(ctx, p.inPlace); err != nil {
		return err
	}
	oldID, oldProps, err := x.replace(ctx, p.replace)
	if err != nil {
		return err
	}
	if err := x.cleanup(ctx, oldID, oldProps); err != nil {
		return err
	}
	if err := x.failAndRollback(ctx, p.invalid); err != nil {
		return err
	}
	if err := x.delete(ctx); err != nil {
		return err
	}
	if p.afterDelete != nil {
		return p.afterDelete(ctx)
	}
	return nil
}

// send delivers ev, writes request and response to the report and checks
// the status.
func (x *resource) send(ctx context.Context, name string, ev cfn.Event, want cfn.StatusType) (cfn.Response, error) {
	x.rep.step(x.row, name)
	x.rep.request(ev)
	resp, err := x.driver.Send(ctx, ev)
	if err != nil {
		return cfn.Response{}, x.fail(name, fmt.Errorf("sending %s: %w", name, err))
	}
	x.rep.response(resp)
	if err := checkResponse(ev, resp, x.driver.Responses()); err != nil {
		return resp, x.fail(name, err)
	}
	if resp.Status != want {
		return resp, x.fail(name, fmt.Errorf("%s answered %s, want %s: %w", name, resp.Status, want, errOutcome))
	}
	return resp, nil
}

// expect reads back id and checks that it exists, or not.
func (x *resource) expect(ctx context.Context, name, id string, exists bool) error {
	lines, got, err := x.read(ctx, id)
	if err != nil {
		return x.fail(name, fmt.Errorf("reading back %s: %w", id, err))
	}
	x.rep.state(id, lines)
	if got != exists {
		return x.fail(name, fmt.Errorf("%s exists = %t after %s, want %t: %w", id, got, name, exists, errOutcome))
	}
	return nil
}

// fail records the first failure of the resource and reports err.
func (x *resource) fail(name string, err error) error {
	if x.row.failure == "" {
		x.row.failure = name + ": " + err.Error()
	}
	x.rep.outcome(err)
	return err
}

func (x *resource) create(ctx context.Context, props map[string]any) error {
	const name = "create"
	resp, err := x.send(ctx, name, x.driver.NewEvent(cfn.RequestCreate, "", nil, props), cfn.StatusSuccess)
	if err != nil {
		return err
	}
	x.id, x.props, x.data = resp.PhysicalResourceID, props, resp.Data
	if err := x.expect(ctx, name, x.id, true); err != nil {
		return err
	}
	x.rep.outcome(nil)
	return nil
}

func (x *resource) updateInPlace(ctx context.Context, props map[string]any) error {
	const name = "update in place"
	resp, err := x.send(ctx, name, x.driver.NewEvent(cfn.RequestUpdate, x.id, x.props, props), cfn.StatusSuccess)
	if err != nil {
		return err
	}
	if resp.PhysicalResourceID != x.id {
		return x.fail(name, fmt.Errorf("physical ID changed from %s to %s: %w", x.id, resp.PhysicalResourceID, errOutcome))
	}
	x.props, x.data = props, resp.Data
	if err := x.expect(ctx, name, x.id, true); err != nil {
		return err
	}
	x.rep.outcome(nil)
	return nil
}

// replace sends an update that needs a replacement and returns the old
// physical ID and properties, for the cleanup Delete. Both resources exist
// until then.
func (x *resource) replace(ctx context.Context, props map[string]any) (string, map[string]any, error) {
	const name = "update with replacement"
	oldID, oldProps := x.id, x.props
	resp, err := x.send(ctx, name, x.driver.NewEvent(cfn.RequestUpdate, oldID, oldProps, props), cfn.StatusSuccess)
	if err != nil {
		return "", nil, err
	}
	if resp.PhysicalResourceID == oldID {
		return "", nil, x.fail(name, fmt.Errorf("physical ID stayed %s: %w", oldID, errOutcome))
	}
	x.id, x.props, x.data = resp.PhysicalResourceID, props, resp.Data
	if err := x.expect(ctx, name, x.id, true); err != nil {
		return "", nil, err
	}
	if err := x.expect(ctx, name, oldID, true); err != nil {
		return "", nil, err
	}
	x.rep.outcome(nil)
	return oldID, oldProps, nil
}

// cleanup sends the Delete of the replaced physical ID that CloudFormation
// sends in its cleanup phase.
func (x *resource) cleanup(ctx context.Context, oldID string, oldProps map[string]any) error {
	const name = "delete of the replaced physical ID (cleanup)"
	if _, err := x.send(ctx, name, x.driver.NewEvent(cfn.RequestDelete, oldID, nil, oldProps), cfn.StatusSuccess); err != nil {
		return err
	}
	if err := x.expect(ctx, name, oldID, false); err != nil {
		return err
	}
	if err := x.expect(ctx, name, x.id, true); err != nil {
		return err
	}
	x.rep.outcome(nil)
	return nil
}

// failAndRollback sends an update with invalid properties, which must fail
// and leave the physical ID, then the rollback update CloudFormation sends
// with the old and new properties swapped.
func (x *resource) failAndRollback(ctx context.Context, invalid map[string]any) error {
	name := "failed update"
	resp, err := x.send(ctx, name, x.driver.NewEvent(cfn.RequestUpdate, x.id, x.props, invalid), cfn.StatusFailed)
	if err != nil {
		return err
	}
	if resp.PhysicalResourceID != x.id {
		return x.fail(name, fmt.Errorf("physical ID %s, want the unchanged %s: %w", resp.PhysicalResourceID, x.id, errOutcome))
	}
	x.rep.outcome(nil)

	name = "rollback update"
	resp, err = x.send(ctx, name, x.driver.NewEvent(cfn.RequestUpdate, x.id, invalid, x.props), cfn.StatusSuccess)
	if err != nil {
		return err
	}
	if resp.PhysicalResourceID != x.id {
		return x.fail(name, fmt.Errorf("physical ID %s, want %s: %w", resp.PhysicalResourceID, x.id, errOutcome))
	}
	if err := x.expect(ctx, name, x.id, true); err != nil {
		return err
	}
	x.rep.outcome(nil)
	return nil
}

func (x *resource) delete(ctx context.Context) error {
	const name = "delete"
	if _, err := x.send(ctx, name, x.driver.NewEvent(cfn.RequestDelete, x.id, nil, x.props), cfn.StatusSuccess); err != nil {
		return err
	}
	if err := x.expect(ctx, name, x.id, false); err != nil {
		return err
	}
	x.rep.outcome(nil)
	return nil
}
