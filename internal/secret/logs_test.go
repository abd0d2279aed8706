package secret

import (
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/cfn"

	"github.com/redshift-data-access/redshift-data-access/local/lifecycle"
)

// TestLifecycleNeverRevealsSecrets drives a full lifecycle through the
// CloudFormation runtime, with given and generated passwords and a failed
// update, and looks for every password and every ResponseURL signature in
// the logs and in the response bodies.
func TestLifecycleNeverRevealsSecrets(t *testing.T) {
	const (
		secondPassword  = "Second4Canary-pQ"
		invalidPassword = "Third5Canary-zz@" // refused: contains @
	)
	e := newEnv(t)
	h, logs := e.handler()
	d, err := lifecycle.NewDriver(ResourceType, h.HandleEvent)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()

	secrets := []string{canaryPassword, secondPassword, invalidPassword}
	var requestIDs []string
	send := func(ev cfn.Event, want cfn.StatusType) cfn.Response {
		t.Helper()
		u, err := url.Parse(ev.ResponseURL)
		if err != nil {
			t.Fatal(err)
		}
		secrets = append(secrets, u.Query().Get("X-Amz-Signature"), u.RawQuery)
		requestIDs = append(requestIDs, ev.RequestID)
		resp, err := d.Send(t.Context(), ev)
		if err != nil {
			t.Fatalf("%s: %v", ev.RequestType, err)
		}
		if resp.Status != want {
			t.Fatalf("%s: status %s (%s), want %s", ev.RequestType, resp.Status, resp.Reason, want)
		}
		return resp
	}

	given := with(clusterProps(), map[string]any{"Password": canaryPassword, "Name": "app/given"})
	id := send(d.NewEvent(cfn.RequestCreate, "", nil, given), cfn.StatusSuccess).PhysicalResourceID
	changed := with(given, map[string]any{"Password": secondPassword})
	send(d.NewEvent(cfn.RequestUpdate, id, given, changed), cfn.StatusSuccess)
	invalid := with(changed, map[string]any{"Password": invalidPassword})
	send(d.NewEvent(cfn.RequestUpdate, id, changed, invalid), cfn.StatusFailed)
	send(d.NewEvent(cfn.RequestUpdate, id, invalid, changed), cfn.StatusSuccess)
	replaced := with(changed, map[string]any{"Name": "app/given-v2"})
	newID := send(d.NewEvent(cfn.RequestUpdate, id, changed, replaced), cfn.StatusSuccess).PhysicalResourceID
	send(d.NewEvent(cfn.RequestDelete, id, nil, changed), cfn.StatusSuccess)
	send(d.NewEvent(cfn.RequestDelete, newID, nil, replaced), cfn.StatusSuccess)

	generated := send(d.NewEvent(cfn.RequestCreate, "", nil, workgroupProps()), cfn.StatusSuccess).PhysicalResourceID
	_, password := splitPassword(e.value(t, generated))
	secrets = append(secrets, password)
	send(d.NewEvent(cfn.RequestUpdate, generated, workgroupProps(), with(workgroupProps(), map[string]any{"Database": "x"})), cfn.StatusSuccess)
	send(d.NewEvent(cfn.RequestDelete, generated, nil, workgroupProps()), cfn.StatusSuccess)

	// The logs are there to be searched: every request was logged.
	for _, rid := range requestIDs {
		if !strings.Contains(logs.String(), rid) {
			t.Fatalf("request %s is not in the logs; the logger is not wired", rid)
		}
	}
	for i, s := range secrets {
		if s == "" {
			t.Fatalf("secret %d is empty", i)
		}
		if strings.Contains(logs.String(), s) {
			t.Errorf("the logs contain secret %d", i)
		}
		for _, rec := range d.Responses() {
			if strings.Contains(string(rec.Body), s) {
				t.Errorf("the response to request %s contains secret %d", rec.Response.RequestID, i)
			}
		}
	}
}
