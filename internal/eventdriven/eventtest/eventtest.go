// Package eventtest is the event path's contract, shared by the
// in-process suite (internal/eventdriven) and the suite against the built
// functions (local/e2e): the steps of a key's life and the check, after
// each, that the result events, the ledger item and the real resources
// agree. It holds no test doubles; each suite delivers the steps its own
// way.
package eventtest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/redshift-data-access/redshift-data-access/internal/eventdriven"
)

// Step is one request of a key's life and what it must leave.
type Step struct {
	Name, EventID string
	// Redeliver sends EventID again under another deduplication ID, as a
	// delivery after SQS's deduplication window would be.
	Redeliver bool
	Request   eventdriven.RequestType
	Props     map[string]any
	// FailUpdate: the step is the update that fails.
	FailUpdate bool
	// DetailType is the result event every answer of the step must be.
	DetailType string
	// Ledger is the step whose physical ID the ledger must name ("" for
	// none), LedgerProps the properties it must hold.
	Ledger      string
	LedgerProps map[string]any
	Outcome     eventdriven.Outcome
	// NoCalls: the ledger answers the step without calling the resource.
	NoCalls bool
}

// DedupID is the SQS deduplication ID of the step's message.
func (s Step) DedupID() string {
	if s.Redeliver {
		return s.EventID + "/redelivered"
	}
	return s.EventID
}

// Lifecycle is a key's life: create, duplicate delivery, update in place,
// update needing replacement (and the cleanup of the replaced resource),
// a failed update (rolled back or refused), delete, and delete again.
// create, inPlace and replace are the properties of the create, the
// update in place and the replacement; failed is a change of replace
// whose update fails.
func Lifecycle(create, inPlace, replace, failed map[string]any) []Step {
	return []Step{
		{Name: "create", EventID: "ev-1", Request: eventdriven.RequestApply, Props: create,
			DetailType: eventdriven.DetailTypeProvisioned, Ledger: "create", LedgerProps: create, Outcome: eventdriven.OutcomeProvisioned},
		{Name: "duplicate", EventID: "ev-1", Redeliver: true, Request: eventdriven.RequestApply, Props: create, NoCalls: true,
			DetailType: eventdriven.DetailTypeProvisioned, Ledger: "create", LedgerProps: create, Outcome: eventdriven.OutcomeProvisioned},
		{Name: "update in place", EventID: "ev-2", Request: eventdriven.RequestApply, Props: inPlace,
			DetailType: eventdriven.DetailTypeProvisioned, Ledger: "create", LedgerProps: inPlace, Outcome: eventdriven.OutcomeProvisioned},
		{Name: "replacement", EventID: "ev-3", Request: eventdriven.RequestApply, Props: replace,
			DetailType: eventdriven.DetailTypeProvisioned, Ledger: "replacement", LedgerProps: replace, Outcome: eventdriven.OutcomeProvisioned},
		{Name: "failed update", EventID: "ev-4", Request: eventdriven.RequestApply, Props: failed, FailUpdate: true,
			DetailType: eventdriven.DetailTypeFailed, Ledger: "replacement", LedgerProps: replace, Outcome: eventdriven.OutcomeFailed},
		{Name: "delete", EventID: "ev-5", Request: eventdriven.RequestDelete,
			DetailType: eventdriven.DetailTypeDeleted, Outcome: eventdriven.OutcomeDeleted},
		{Name: "delete again", EventID: "ev-6", Request: eventdriven.RequestDelete, NoCalls: true,
			DetailType: eventdriven.DetailTypeDeleted, Outcome: eventdriven.OutcomeDeleted},
	}
}

// RequestEvent is the EventBridge event of a request, as a rule delivers
// it to SQS.
func RequestEvent(source, account, region, resourceType, eventID string, rt eventdriven.RequestType, key string, props map[string]any) string {
	detail, _ := json.Marshal(eventdriven.Detail{RequestType: rt, ResourceType: resourceType, Key: key, Properties: props})
	b, _ := json.Marshal(eventdriven.Envelope{Version: "0", ID: eventID, DetailType: eventdriven.DetailTypeRequest, Source: source,
		Account: account, Region: region, Detail: detail})
	return string(b)
}

// Result is a result event as a suite read it back.
type Result struct {
	DetailType string
	Detail     eventdriven.ResultDetail
	Raw        string
}

// Exists reports whether the resource of a physical ID exists.
type Exists func(ctx context.Context, id string) (bool, error)

// Tracker checks the steps of one key's life in order, remembering the
// physical ID each step's result named.
type Tracker struct {
	ResourceType, Key string
	// FailedReason checks the reason of the failed update; by default it
	// must say the update was rolled back.
	FailedReason func(reason string) error
	ids          map[string]string
	made         map[string]bool
}

// NewTracker tracks key of resourceType.
func NewTracker(resourceType, key string) *Tracker {
	return &Tracker{ResourceType: resourceType, Key: key, ids: map[string]string{}, made: map[string]bool{}}
}

// RolledBack is the default FailedReason.
func RolledBack(reason string) error {
	if !strings.Contains(reason, "rolled back") {
		return fmt.Errorf("reason %q, want it to say the update was rolled back", reason)
	}
	return nil
}

// Check checks what step s left: results are the result events of the
// step, item the key's ledger item (its string attributes), and exists
// reads the real resources. Every physical ID a result ever named must
// exist exactly when the ledger names it. It returns the problems found;
// an error reading a resource back is one.
func (tr *Tracker) Check(ctx context.Context, s Step, results []Result, item map[string]string, exists Exists) []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(s.Name+": "+format, args...)) }
	if len(results) == 0 {
		return []error{fmt.Errorf("%s: no result event", s.Name)}
	}
	for _, r := range results {
		if r.Detail.PhysicalResourceID != "" {
			tr.made[r.Detail.PhysicalResourceID] = true
		}
		if r.DetailType != s.DetailType || r.Detail.RequestEventID != s.EventID || r.Detail.Key != tr.Key || r.Detail.ResourceType != tr.ResourceType {
			bad("result event %s %s, want %s for request %s of key %s", r.DetailType, r.Raw, s.DetailType, s.EventID, tr.Key)
		}
	}
	last := results[len(results)-1].Detail
	if s.DetailType == eventdriven.DetailTypeProvisioned {
		tr.ids[s.Name] = last.PhysicalResourceID
	}
	if s.DetailType == eventdriven.DetailTypeFailed {
		check := tr.FailedReason
		if check == nil {
			check = RolledBack
		}
		if err := check(last.Reason); err != nil {
			bad("%v", err)
		}
	}
	if s.Name == "replacement" && tr.ids["replacement"] == tr.ids["create"] {
		bad("physical ID %s unchanged, want a replacement", tr.ids["create"])
	}
	wantID := tr.ids[s.Ledger]
	wantStatus := eventdriven.StatusAbsent
	if wantID != "" {
		wantStatus = eventdriven.StatusProvisioned
	}
	if item["Status"] != string(wantStatus) || item["Outcome"] != string(s.Outcome) || item["Pending"] != "" || item["PhysicalResourceId"] != wantID {
		bad("ledger Status %q Outcome %q Pending %q PhysicalResourceId %q, want %q %q, unclaimed, %q (reason %q)",
			item["Status"], item["Outcome"], item["Pending"], item["PhysicalResourceId"], wantStatus, s.Outcome, wantID, item["Reason"])
	}
	var props map[string]any
	if p := item["Properties"]; p != "" {
		if err := json.Unmarshal([]byte(p), &props); err != nil {
			bad("ledger Properties: %v", err)
		}
	}
	if got, want := JSON(props), JSON(s.LedgerProps); got != want {
		bad("ledger Properties %s, want %s", got, want)
	}
	for _, r := range results {
		if wantID != "" && r.Detail.PhysicalResourceID != wantID {
			bad("result names %s, the ledger %s", r.Detail.PhysicalResourceID, wantID)
		}
	}
	for id := range tr.made {
		ok, err := exists(ctx, id)
		if err != nil {
			bad("reading %s back: %v", id, err)
			continue
		}
		if ok != (id == wantID) {
			bad("%s exists = %v; the ledger names %q", id, ok, wantID)
		}
	}
	return errs
}

// JSON is v as JSON, for comparing property maps.
func JSON(v map[string]any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
