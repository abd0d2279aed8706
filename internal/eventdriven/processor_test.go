package eventdriven_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/internal/eventdriven"
)

const blockingType = "Custom::RedshiftDataApiTestBlocking"

// blockingResource holds every call until release is closed (or the
// call's context ends), and reports each call on entered.
type blockingResource struct {
	entered chan customresource.Request
	release chan struct{}
	mu      sync.Mutex
	calls   int
}

func newBlocking() *blockingResource {
	return &blockingResource{entered: make(chan customresource.Request, 8), release: make(chan struct{})}
}

func (r *blockingResource) wait(ctx context.Context, req customresource.Request) error {
	r.mu.Lock()
	r.calls++
	r.mu.Unlock()
	r.entered <- req
	select {
	case <-r.release:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (r *blockingResource) Create(ctx context.Context, req customresource.Request) (customresource.Result, error) {
	if err := r.wait(ctx, req); err != nil {
		return customresource.Result{}, err
	}
	return customresource.Result{PhysicalResourceID: "blocking-" + req.RequestID}, nil
}

func (r *blockingResource) Update(ctx context.Context, req customresource.Request) (customresource.Result, error) {
	return customresource.Result{PhysicalResourceID: req.PhysicalResourceID}, r.wait(ctx, req)
}

func (r *blockingResource) Delete(ctx context.Context, req customresource.Request) error {
	return r.wait(ctx, req)
}

func blockingMessage(id string) eventdriven.Message {
	return eventdriven.Message{EventID: id, Detail: eventdriven.Detail{
		RequestType: eventdriven.RequestApply, ResourceType: blockingType, Key: "team-h/blocking", Properties: map[string]any{"Request": id}}}
}

type processed struct {
	res eventdriven.Result
	err error
}

// TestClaim: while one delivery applies a request, another request for
// the key is refused as busy; a second delivery of the same request
// resumes it, and of the two only one write of the outcome wins.
func TestClaim(t *testing.T) {
	blk := newBlocking()
	e := newEnvWith(t, map[string]customresource.Resource{blockingType: blk})
	ctx := context.Background()
	out := make(chan processed, 2)
	process := func(m eventdriven.Message) {
		go func() {
			r, err := e.proc.Process(ctx, m)
			out <- processed{r, err}
		}()
	}
	process(blockingMessage("ev-a"))
	<-blk.entered // ev-a holds the claim and is in Create.

	if _, err := e.proc.Process(ctx, blockingMessage("ev-b")); !errors.Is(err, eventdriven.ErrBusy) {
		t.Fatalf("another request during ev-a: %v, want ErrBusy", err)
	}
	process(blockingMessage("ev-a"))
	if req := <-blk.entered; req.Action != customresource.ActionCreate || req.RequestID != "ev-a" {
		t.Errorf("the redelivery called %s %s, want the same Create resumed", req.Action, req.RequestID)
	}
	close(blk.release)
	a, b := <-out, <-out
	if errors.Is(a.err, eventdriven.ErrConflict) {
		a, b = b, a
	}
	if a.err != nil || a.res.Outcome != eventdriven.OutcomeProvisioned || a.res.PhysicalResourceID != "blocking-ev-a" {
		t.Errorf("winner: %+v, %v; want Provisioned blocking-ev-a", a.res, a.err)
	}
	if !errors.Is(b.err, eventdriven.ErrConflict) {
		t.Errorf("loser: %+v, %v; want ErrConflict", b.res, b.err)
	}
	dup, err := e.proc.Process(ctx, blockingMessage("ev-a"))
	if err != nil || !dup.Duplicate || dup.PhysicalResourceID != "blocking-ev-a" {
		t.Errorf("after both: %+v, %v; want a duplicate answered from the ledger", dup, err)
	}
	next, err := e.proc.Process(ctx, blockingMessage("ev-b"))
	if err != nil || next.Outcome != eventdriven.OutcomeProvisioned || next.Duplicate {
		t.Errorf("ev-b after ev-a: %+v, %v; want it applied", next, err)
	}
	if req := <-blk.entered; req.Action != customresource.ActionUpdate || req.OldProperties["Request"] != "ev-a" {
		t.Errorf("ev-b called %s with old properties %v, want an Update from ev-a's", req.Action, req.OldProperties)
	}
}

// TestInterrupted: a resource call cut short by the invocation's end is
// not an answer: the claim stays, and the next delivery applies the
// request.
func TestInterrupted(t *testing.T) {
	blk := newBlocking()
	e := newEnvWith(t, map[string]customresource.Resource{blockingType: blk})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := e.proc.Process(ctx, blockingMessage("ev-a"))
		done <- err
	}()
	<-blk.entered
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted Process: %v, want context.Canceled", err)
	}
	if len(e.bus.all()) > 0 || attrS(e.item("team-h/blocking"), "Pending") == "" {
		t.Fatalf("the interrupted request was answered or released its claim")
	}
	close(blk.release)
	res, err := e.proc.Process(context.Background(), blockingMessage("ev-a"))
	if err != nil || res.Outcome != eventdriven.OutcomeProvisioned || res.PhysicalResourceID != "blocking-ev-a" {
		t.Errorf("redelivery: %+v, %v; want Provisioned", res, err)
	}
}

// TestDeadlineMargin: a resource call that reaches the deadline margin
// is not an answer either, and the ledger, written in the time the margin
// leaves, keeps the claim for the next delivery.
func TestDeadlineMargin(t *testing.T) {
	blk := newBlocking()
	e := newEnvWith(t, nil)
	// A margin longer than the invocation: the resource's context has
	// ended before it is called, while the ledger's has not.
	proc := eventdriven.NewProcessor(e.ledger, map[string]customresource.Resource{blockingType: blk}, nil, eventdriven.WithDeadlineMargin(time.Hour))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	_, err := proc.Process(ctx, blockingMessage("ev-a"))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Process at the margin: %v, want the deadline error to retry with", err)
	}
	item := e.item("team-h/blocking")
	if attrS(item, "Pending") == "" || attrS(item, "Outcome") != "" {
		t.Fatalf("ledger after the margin: Pending %q, Outcome %q; want the claim kept and no outcome", attrS(item, "Pending"), attrS(item, "Outcome"))
	}
	close(blk.release)
	res, err := proc.Process(context.Background(), blockingMessage("ev-a"))
	if err != nil || res.Outcome != eventdriven.OutcomeProvisioned {
		t.Errorf("redelivery: %+v, %v; want Provisioned", res, err)
	}
}

// TestAbandonedClaim: a claim older than the lease (its delivery died
// and was dead-lettered) no longer blocks the key: the next request first
// carries out the abandoned one, then applies itself on top of it.
func TestAbandonedClaim(t *testing.T) {
	blk := newBlocking()
	e := newEnvWith(t, nil)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	proc := eventdriven.NewProcessor(e.ledger, map[string]customresource.Resource{blockingType: blk}, nil,
		eventdriven.WithClaimLease(time.Hour), eventdriven.WithClock(func() time.Time { return now }))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := proc.Process(ctx, blockingMessage("ev-a"))
		done <- err
	}()
	<-blk.entered
	cancel()
	if err := <-done; err == nil {
		t.Fatal("the interrupted request was answered")
	}
	close(blk.release)

	now = now.Add(59 * time.Minute)
	if _, err := proc.Process(context.Background(), blockingMessage("ev-b")); !errors.Is(err, eventdriven.ErrBusy) {
		t.Fatalf("inside the lease: %v, want ErrBusy", err)
	}
	if len(blk.entered) != 0 {
		t.Fatal("a busy request called the resource")
	}
	now = now.Add(2 * time.Minute)
	res, err := proc.Process(context.Background(), blockingMessage("ev-b"))
	if err != nil || res.Outcome != eventdriven.OutcomeProvisioned || res.PhysicalResourceID != "blocking-ev-a" {
		t.Fatalf("after the lease: %+v, %v; want ev-b applied to ev-a's resource", res, err)
	}
	var got []string
	for range 2 {
		req := <-blk.entered
		got = append(got, string(req.Action)+" "+req.RequestID)
	}
	if want := "Create ev-a,Update ev-b"; strings.Join(got, ",") != want {
		t.Errorf("resource calls %v, want %s: the abandoned Create finished, then ev-b's Update", got, want)
	}
	item := e.item("team-h/blocking")
	if attrS(item, "LastEventId") != "ev-b" || attrS(item, "Pending") != "" {
		t.Errorf("ledger LastEventId %q, Pending %q; want ev-b and no claim", attrS(item, "LastEventId"), attrS(item, "Pending"))
	}
	dup, err := proc.Process(context.Background(), blockingMessage("ev-a"))
	if err != nil || !dup.Duplicate {
		t.Errorf("a late delivery of ev-a: %+v, %v; want a duplicate", dup, err)
	}
}
