package access

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/cfn"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
	"github.com/redshift-data-access/redshift-data-access/local/lifecycle"
)

func handler(resourceType string, r customresource.Resource) *customresource.Handler {
	return customresource.NewHandler(map[string]customresource.Resource{resourceType: r},
		customresource.WithAllowLocalResponseURL(true),
		customresource.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
}

func TestAccessContractScoped(t *testing.T) {
	e := newEnv(t, awsemu.AccountA)
	e.createRole(t, "analyst", "/")
	lifecycle.RunContract(t, scopedContract(e))
}

// TestAccessContractManaged runs the contract for Managed grants on roles,
// whose grant records are tags on the role, and on groups, whose records
// are tags on the group's ledger policy.
func TestAccessContractManaged(t *testing.T) {
	for name, tc := range managedCases {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, awsemu.AccountA)
			lifecycle.RunContract(t, managedContract(t, e, tc))
		})
	}
}

func checkAccessResponse(t *testing.T, phase string, resp cfn.Response) {
	t.Helper()
	if resp.Status == cfn.StatusSuccess && resp.Data != nil && resp.Data["PolicyArn"] == nil {
		t.Errorf("%s: no PolicyArn attribute in %v", phase, resp.Data)
	}
}

func TestCrossAccountRoleContract(t *testing.T) {
	srv := awsemu.Start()
	defer srv.Close()
	envFor(srv, awsemu.AccountA).createRole(t, "someRoleA", "/")
	b := envFor(srv, awsemu.AccountB)
	lifecycle.RunContract(t, crossAccountContract(b))
}

// TestInjectedIAMFailures checks what each IAM failure becomes: a FAILED
// response whose reason names the operation, or, for throttling, a retry
// by the SDK and SUCCESS.
func TestInjectedIAMFailures(t *testing.T) {
	props := map[string]any{"Roles": []any{"analyst"}, "Clusters": "analytics"}
	tests := map[string]struct {
		fault      awsemu.Fault
		action     string // create, update or delete
		wantStatus cfn.StatusType
		wantReason string
		isKind     func(error) bool
	}{
		"malformed policy document": {
			fault:      awsemu.Fault{Service: "iam", Operation: "CreatePolicy", Code: "MalformedPolicyDocument", Message: "Syntax errors in policy.", Status: http.StatusBadRequest, Times: 1},
			action:     "create",
			wantStatus: cfn.StatusFailed, wantReason: "MalformedPolicyDocument",
			isKind: func(err error) bool { var e *iamtypes.MalformedPolicyDocumentException; return errors.As(err, &e) },
		},
		"version limit exceeded": {
			fault:      awsemu.Fault{Service: "iam", Operation: "CreatePolicyVersion", Code: "LimitExceeded", Message: "A managed policy can have up to 5 versions.", Status: http.StatusConflict, Times: 1},
			action:     "update",
			wantStatus: cfn.StatusFailed, wantReason: "LimitExceeded",
			isKind: func(err error) bool { var e *iamtypes.LimitExceededException; return errors.As(err, &e) },
		},
		"delete conflict": {
			fault:      awsemu.Fault{Service: "iam", Operation: "DeletePolicy", Code: "DeleteConflict", Message: "Cannot delete a policy attached to entities.", Status: http.StatusConflict, Times: 1},
			action:     "delete",
			wantStatus: cfn.StatusFailed, wantReason: "DeleteConflict",
			isKind: func(err error) bool { var e *iamtypes.DeleteConflictException; return errors.As(err, &e) },
		},
		"throttling is retried by the SDK": {
			fault:      awsemu.Throttle("iam", "AttachRolePolicy", 2),
			action:     "create",
			wantStatus: cfn.StatusSuccess,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, awsemu.AccountA)
			e.createRole(t, "analyst", "/")
			r := NewAccess(e.clients)
			d, err := lifecycle.NewDriver(AccessType, handler(AccessType, r).HandleEvent)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()

			var id string
			if tc.action != "create" {
				resp, err := d.Create(t.Context(), props)
				if err != nil || resp.Status != cfn.StatusSuccess {
					t.Fatalf("create: %v %s %s", err, resp.Status, resp.Reason)
				}
				id = resp.PhysicalResourceID
			}
			e.srv.InjectFault(tc.fault)
			var resp cfn.Response
			switch tc.action {
			case "create":
				resp, err = d.Create(t.Context(), props)
			case "update":
				resp, err = d.Update(t.Context(), id, props, map[string]any{"Roles": []any{"analyst"}, "Clusters": "analytics", "Databases": "dev"})
			case "delete":
				resp, err = d.Delete(t.Context(), id, props)
			}
			if err != nil {
				t.Fatal(err)
			}
			if resp.Status != tc.wantStatus {
				t.Fatalf("status %s (reason %q), want %s", resp.Status, resp.Reason, tc.wantStatus)
			}
			// The reason carries IAM's error code, so a person sees what
			// AWS answered.
			if !strings.Contains(resp.Reason, tc.wantReason) {
				t.Errorf("reason %q does not carry the error code %s", resp.Reason, tc.wantReason)
			}
			if tc.isKind != nil {
				// The same request straight to the resource, to see the
				// error kind the reason came from.
				e.srv.InjectFault(tc.fault)
				req := request(customresource.Action(strings.ToUpper(tc.action[:1])+tc.action[1:]), "Direct", id, props, props)
				if tc.action == "update" {
					req.Properties = map[string]any{"Roles": []any{"analyst"}, "Clusters": "analytics", "Databases": "other"}
					// The resource that made the policy: an Update of
					// another's is refused before IAM is called.
					req.LogicalResourceID = d.LogicalResourceID
					req.StackID = d.StackID
				}
				var derr error
				switch tc.action {
				case "create":
					_, derr = r.Create(t.Context(), req)
				case "update":
					_, derr = r.Update(t.Context(), req)
				case "delete":
					req.LogicalResourceID = d.LogicalResourceID
					req.StackID = d.StackID
					derr = r.Delete(t.Context(), req)
				}
				if !tc.isKind(derr) {
					t.Errorf("error %v is not of the injected kind", derr)
				}
			}
			if tc.wantStatus == cfn.StatusSuccess && e.srv.FaultHits(tc.fault.Service, tc.fault.Operation) != tc.fault.Times {
				t.Errorf("the fault was hit %d times, want %d", e.srv.FaultHits(tc.fault.Service, tc.fault.Operation), tc.fault.Times)
			}
		})
	}
}
