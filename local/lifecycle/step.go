package lifecycle

import (
	"context"
	"testing"

	"github.com/aws/aws-lambda-go/cfn"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

// step runs one request of a contract sequence and checks its response.
type step struct {
	t   *testing.T
	c   Contract
	d   *Driver
	ctx context.Context
}

// sent is a request and the response it got.
type sent struct {
	event cfn.Event
	resp  cfn.Response
}

// send delivers ev; a delivery with no single response ends the subtest.
func (s *step) send(ev cfn.Event) sent {
	s.t.Helper()
	resp, err := s.d.Send(s.ctx, ev)
	if err != nil {
		s.t.Fatalf("%s: %v", ev.RequestType, err)
	}
	return sent{event: ev, resp: resp}
}

// expect checks a response against CloudFormation's rules and wants status.
func (s *step) expect(phase string, status cfn.StatusType, x sent) cfn.Response {
	s.t.Helper()
	r, ev := x.resp, x.event
	if r.Status != status {
		s.t.Fatalf("%s: status %s (reason %q), want %s", phase, r.Status, r.Reason, status)
	}
	if r.StackID != ev.StackID || r.RequestID != ev.RequestID || r.LogicalResourceID != ev.LogicalResourceID {
		s.t.Errorf("%s: StackId, RequestId and LogicalResourceId must be echoed verbatim: got %q %q %q", phase, r.StackID, r.RequestID, r.LogicalResourceID)
	}
	if r.PhysicalResourceID == "" || len(r.PhysicalResourceID) > customresource.MaxPhysicalIDBytes {
		s.t.Errorf("%s: physical ID of %d bytes, want 1 to %d", phase, len(r.PhysicalResourceID), customresource.MaxPhysicalIDBytes)
	}
	if ev.RequestType == cfn.RequestDelete && r.PhysicalResourceID != ev.PhysicalResourceID {
		s.t.Errorf("%s: physical ID %q, a Delete must answer with the ID it was sent (%q)", phase, r.PhysicalResourceID, ev.PhysicalResourceID)
	}
	if r.Status == cfn.StatusFailed && r.Reason == "" {
		s.t.Errorf("%s: FAILED without a Reason", phase)
	}
	for _, rec := range s.d.Responses() {
		if rec.Response.RequestID != ev.RequestID {
			continue
		}
		if len(rec.Body) > customresource.MaxResponseBytes {
			s.t.Errorf("%s: response body is %d bytes, the limit is %d", phase, len(rec.Body), customresource.MaxResponseBytes)
		}
		if rec.ContentType != "" {
			s.t.Errorf("%s: Content-Type %q, a pre-signed ResponseURL needs it empty", phase, rec.ContentType)
		}
	}
	if s.c.Check != nil {
		s.c.Check(s.t, phase, r)
	}
	return r
}

// create sends a Create that must succeed and returns its physical ID.
func (s *step) create(phase string, props map[string]any) string {
	s.t.Helper()
	return s.expect(phase, cfn.StatusSuccess, s.send(s.d.NewEvent(cfn.RequestCreate, "", nil, props))).PhysicalResourceID
}

// delete sends a Delete that must succeed.
func (s *step) delete(phase, id string, props map[string]any) {
	s.t.Helper()
	s.expect(phase, cfn.StatusSuccess, s.send(s.d.NewEvent(cfn.RequestDelete, id, nil, props)))
}

// wantExists checks c.Exists for id.
func (s *step) wantExists(id string, want bool) {
	s.t.Helper()
	got, err := s.c.Exists(s.ctx, id)
	if err != nil {
		s.t.Fatalf("reading back %s: %v", id, err)
	}
	if got != want {
		s.t.Errorf("resource %s exists = %t, want %t", id, got, want)
	}
}

// wantAccess checks c.Access for id.
func (s *step) wantAccess(phase, id string, want bool) {
	s.t.Helper()
	got, err := s.c.Access(s.ctx, id)
	if err != nil {
		s.t.Fatalf("%s: using the grant of %s: %v", phase, id, err)
	}
	if got != want {
		s.t.Errorf("%s: the principal of %s has access = %t, want %t", phase, id, got, want)
	}
}
