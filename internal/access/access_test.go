package access

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/google/go-cmp/cmp"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
	"github.com/redshift-data-access/redshift-data-access/internal/policy"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
)

func TestScopedCreateAttachesPolicyToEveryPrincipal(t *testing.T) {
	e := newEnv(t, awsemu.AccountA)
	roleArn := e.createRole(t, "analyst", "/teams/data/")
	e.createUser(t, "etl")
	e.createGroup(t, "analysts")
	r := NewAccess(e.clients)

	props := map[string]any{
		"Roles":    []any{roleArn},
		"Users":    "etl",
		"Groups":   []any{"analysts"},
		"Clusters": []any{"analytics"},
	}
	res, err := r.Create(t.Context(), request(customresource.ActionCreate, "DataAccess", "", props, nil))
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	arn := res.PhysicalResourceID
	if !strings.HasPrefix(arn, "arn:aws:iam::111111111111:policy/redshift-data-api/data-stack-DataAccess-") {
		t.Errorf("physical ID %q is not a policy under /redshift-data-api/ named after the stack and logical ID", arn)
	}
	want := map[string]string{"PolicyArn": arn, "PolicyMode": "Scoped", "DbUsers": "IAMR:analyst,IAM:etl", "Principals": "role/analyst,user/etl,group/analysts"}
	if diff := cmp.Diff(want, res.Data); diff != "" {
		t.Errorf("Data (-want +got):\n%s", diff)
	}
	for _, p := range []principal{{Kind: kindRole, Name: "analyst"}, {Kind: kindUser, Name: "etl"}, {Kind: kindGroup, Name: "analysts"}} {
		if !slices.Contains(e.attachedTo(t, p.Kind, p.Name), arn) {
			t.Errorf("%s: scoped policy not attached", p)
		}
	}
	got, err := e.iam.GetPolicy(t.Context(), &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	if !ownedBy(got.Policy.Tags, request("", "DataAccess", "", nil, nil)) {
		t.Errorf("policy tags %v lack the stack-id and logical-id tags", got.Policy.Tags)
	}
	version, err := e.iam.GetPolicyVersion(t.Context(), &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: got.Policy.DefaultVersionId})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := policy.Parse(aws.ToString(version.PolicyVersion.Document))
	if err != nil {
		t.Fatal(err)
	}
	wantDoc, err := policy.Scoped(policy.Scope{Partition: "aws", Region: "us-east-1", Account: awsemu.AccountA, ClusterArns: []string{"arn:aws:redshift:us-east-1:111111111111:cluster:analytics"}, StatementOwnerOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if !policy.Equivalent(wantDoc, doc) {
		t.Errorf("stored document differs from the generated one:\n%s", aws.ToString(version.PolicyVersion.Document))
	}
}

func TestCreateFailsBeforeAnyChangeForMissingPrincipal(t *testing.T) {
	tests := map[string]map[string]any{
		"missing role by name":       {"Roles": []any{"analyst", "ghost"}, "Clusters": "analytics"},
		"missing user":               {"Roles": []any{"analyst"}, "Users": []any{"nobody"}, "Clusters": "analytics"},
		"role of another account":    {"Roles": []any{"arn:aws:iam::222222222222:role/analyst"}, "Clusters": "analytics"},
		"ARN with the wrong path":    {"Roles": []any{"arn:aws:iam::111111111111:role/other/analyst"}, "Clusters": "analytics"},
		"missing principal, managed": {"Roles": []any{"analyst", "ghost"}, "PolicyMode": "Managed"},
	}
	for name, props := range tests {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, awsemu.AccountA)
			e.createRole(t, "analyst", "/")
			e.calls.reset()
			_, err := NewAccess(e.clients).Create(t.Context(), request(customresource.ActionCreate, "DataAccess", "", props, nil))
			if !customresource.IsInvalidInput(err) {
				t.Errorf("Create error = %v, want invalid input", err)
			}
			if m := e.calls.mutating(); len(m) > 0 {
				t.Errorf("mutating calls before the failure: %v", m)
			}
		})
	}
}

func TestScopedUpdate(t *testing.T) {
	e := newEnv(t, awsemu.AccountA)
	e.createRole(t, "analyst", "/")
	e.createRole(t, "loader", "/")
	r := NewAccess(e.clients)
	v1 := map[string]any{"Roles": []any{"analyst"}, "Clusters": []any{"analytics"}}
	res, err := r.Create(t.Context(), request(customresource.ActionCreate, "DataAccess", "", v1, nil))
	if err != nil {
		t.Fatal(err)
	}
	arn := res.PhysicalResourceID

	t.Run("same properties make no mutating call", func(t *testing.T) {
		e.calls.reset()
		got, err := r.Update(t.Context(), request(customresource.ActionUpdate, "DataAccess", arn, v1, v1))
		if err != nil {
			t.Fatal(err)
		}
		if got.PhysicalResourceID != arn {
			t.Errorf("physical ID changed to %s", got.PhysicalResourceID)
		}
		if m := e.calls.mutating(); len(m) > 0 {
			t.Errorf("no-op update made mutating calls: %v", m)
		}
	})

	t.Run("principals by difference and a new default version", func(t *testing.T) {
		v2 := map[string]any{"Roles": []any{"loader"}, "Clusters": []any{"analytics"}, "Databases": []any{"dev"}}
		e.calls.reset()
		got, err := r.Update(t.Context(), request(customresource.ActionUpdate, "DataAccess", arn, v2, v1))
		if err != nil {
			t.Fatal(err)
		}
		if got.PhysicalResourceID != arn {
			t.Errorf("physical ID changed to %s", got.PhysicalResourceID)
		}
		if slices.Contains(e.attachedTo(t, kindRole, "analyst"), arn) {
			t.Error("removed principal analyst still has the policy")
		}
		if !slices.Contains(e.attachedTo(t, kindRole, "loader"), arn) {
			t.Error("added principal loader lacks the policy")
		}
		wantOps := []string{"CreatePolicyVersion", "AttachRolePolicy", "DetachRolePolicy"}
		if diff := cmp.Diff(wantOps, e.calls.mutating()); diff != "" {
			t.Errorf("mutating calls (-want +got):\n%s", diff)
		}
	})

	t.Run("at five versions the oldest non-default one is deleted", func(t *testing.T) {
		prev := map[string]any{"Roles": []any{"loader"}, "Clusters": []any{"analytics"}, "Databases": []any{"dev"}}
		for _, db := range []string{"db1", "db2", "db3", "db4", "db5"} {
			next := map[string]any{"Roles": []any{"loader"}, "Clusters": []any{"analytics"}, "Databases": []any{db}}
			if _, err := r.Update(t.Context(), request(customresource.ActionUpdate, "DataAccess", arn, next, prev)); err != nil {
				t.Fatalf("update to %s: %v", db, err)
			}
			prev = next
		}
		out, err := e.iam.ListPolicyVersions(t.Context(), &iam.ListPolicyVersionsInput{PolicyArn: aws.String(arn)})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, v := range out.Versions {
			ids = append(ids, aws.ToString(v.VersionId))
		}
		slices.Sort(ids)
		if diff := cmp.Diff([]string{"v3", "v4", "v5", "v6", "v7"}, ids); diff != "" {
			t.Errorf("versions (-want +got):\n%s", diff)
		}
	})
}

func TestScopedUpdateReplacesOnNameOrPathChange(t *testing.T) {
	tests := map[string]map[string]any{
		"PolicyName": {"Roles": []any{"analyst"}, "Clusters": "analytics", "PolicyName": "analyst-data-api"},
		"PolicyPath": {"Roles": []any{"analyst"}, "Clusters": "analytics", "PolicyPath": "/redshift-data-api/data/"},
		"PolicyMode": {"Roles": []any{"analyst"}, "PolicyMode": "Managed"},
	}
	for name, next := range tests {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, awsemu.AccountA)
			e.createRole(t, "analyst", "/")
			r := NewAccess(e.clients)
			v1 := map[string]any{"Roles": []any{"analyst"}, "Clusters": "analytics"}
			res, err := r.Create(t.Context(), request(customresource.ActionCreate, "DataAccess", "", v1, nil))
			if err != nil {
				t.Fatal(err)
			}
			got, err := r.Update(t.Context(), request(customresource.ActionUpdate, "DataAccess", res.PhysicalResourceID, next, v1))
			if err != nil {
				t.Fatal(err)
			}
			if got.PhysicalResourceID == res.PhysicalResourceID {
				t.Fatalf("physical ID stayed %s", got.PhysicalResourceID)
			}
			if ok, err := e.policyExists(t.Context(), res.PhysicalResourceID); err != nil || !ok {
				t.Errorf("old policy was deleted by the update (exists %v, %v); that is the cleanup Delete's job", ok, err)
			}
		})
	}
}

func TestScopedDelete(t *testing.T) {
	e := newEnv(t, awsemu.AccountA)
	e.createRole(t, "analyst", "/")
	r := NewAccess(e.clients)
	v1 := map[string]any{"Roles": []any{"analyst"}, "Clusters": "analytics"}
	res, err := r.Create(t.Context(), request(customresource.ActionCreate, "DataAccess", "", v1, nil))
	if err != nil {
		t.Fatal(err)
	}
	arn := res.PhysicalResourceID
	v2 := map[string]any{"Roles": []any{"analyst"}, "Clusters": "analytics", "Databases": "dev"}
	if _, err := r.Update(t.Context(), request(customresource.ActionUpdate, "DataAccess", arn, v2, v1)); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if err := r.Delete(t.Context(), request(customresource.ActionDelete, "DataAccess", arn, v2, nil)); err != nil {
			t.Fatalf("delete %d: %v", i+1, err)
		}
	}
	if ok, err := e.policyExists(t.Context(), arn); err != nil || ok {
		t.Errorf("policy exists after Delete: %v, %v", ok, err)
	}
	if got := e.attachedTo(t, kindRole, "analyst"); len(got) > 0 {
		t.Errorf("analyst still has %v", got)
	}
}

func TestDeleteOfIDsNeverIssuedTouchesNothing(t *testing.T) {
	e := newEnv(t, awsemu.AccountA)
	e.createRole(t, "analyst", "/")
	// A customer policy of someone else, attached to the role.
	other, err := e.iam.CreatePolicy(t.Context(), &iam.CreatePolicyInput{PolicyName: aws.String("someone-elses"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	otherArn := aws.ToString(other.Policy.Arn)
	if _, err := e.iam.AttachRolePolicy(t.Context(), &iam.AttachRolePolicyInput{RoleName: aws.String("analyst"), PolicyArn: other.Policy.Arn}); err != nil {
		t.Fatal(err)
	}
	r := NewAccess(e.clients)
	props := map[string]any{"Roles": []any{"analyst"}, "Clusters": "analytics"}
	for _, id := range []string{
		customresource.FailedCreateMarker("req-x"),
		"2026/11/28/[$LATEST]0123456789abcdef",
		"redshift-data-access:grant:not-a-hash",
		otherArn,
		"arn:aws:iam::111111111111:policy/redshift-data-api/gone",
	} {
		t.Run(id, func(t *testing.T) {
			e.calls.reset()
			if err := r.Delete(t.Context(), request(customresource.ActionDelete, "DataAccess", id, props, nil)); err != nil {
				t.Errorf("Delete: %v", err)
			}
			if m := e.calls.mutating(); len(m) > 0 {
				t.Errorf("Delete of %s made mutating calls: %v", id, m)
			}
		})
	}
	if !slices.Contains(e.attachedTo(t, kindRole, "analyst"), otherArn) {
		t.Error("someone else's policy was detached")
	}
}

func TestDuplicateCreateConvergesOnOnePolicy(t *testing.T) {
	e := newEnv(t, awsemu.AccountA)
	e.createRole(t, "analyst", "/")
	r := NewAccess(e.clients)
	req := request(customresource.ActionCreate, "DataAccess", "", map[string]any{"Roles": []any{"analyst"}, "Clusters": "analytics"}, nil)
	first, err := r.Create(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	second, err := r.Create(t.Context(), req)
	if err != nil {
		t.Fatalf("redelivered Create: %v", err)
	}
	if first.PhysicalResourceID != second.PhysicalResourceID {
		t.Errorf("redelivery created %s, first %s", second.PhysicalResourceID, first.PhysicalResourceID)
	}

	// A policy of the same name that another resource made is not adopted.
	assumeOnly, err := policy.Scoped(policy.Scope{Partition: "aws", Region: "us-east-1", Account: awsemu.AccountA, AssumeRoleArns: []string{"arn:aws:iam::222222222222:role/b"}})
	if err != nil {
		t.Fatal(err)
	}
	other := req
	other.LogicalResourceID = "Other"
	_, _, err = r.createPolicy(t.Context(), other, location{Partition: "aws", Region: "us-east-1", Account: awsemu.AccountA}, strings.TrimPrefix(first.PhysicalResourceID, "arn:aws:iam::111111111111:policy/redshift-data-api/"), DefaultPath, assumeOnly)
	if !errors.Is(err, ErrNotOwned) {
		t.Errorf("createPolicy over another resource's policy: error %v, want ErrNotOwned", err)
	}
}

func TestScopedWorkgroupsResolveAndTag(t *testing.T) {
	e := newEnv(t, awsemu.AccountA)
	e.createRole(t, "analyst", "/")
	wgArn := e.createWorkgroup(t, "analytics-wg")
	r := NewAccess(e.clients)
	props := map[string]any{"Roles": []any{"analyst"}, "Workgroups": []any{"analytics-wg"}, "TagWorkgroups": "true"}
	res, err := r.Create(t.Context(), request(customresource.ActionCreate, "DataAccess", "", props, nil))
	if err != nil {
		t.Fatal(err)
	}
	version, err := e.iam.GetPolicyVersion(t.Context(), &iam.GetPolicyVersionInput{PolicyArn: aws.String(res.PhysicalResourceID), VersionId: aws.String("v1")})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := policy.Parse(aws.ToString(version.PolicyVersion.Document))
	if err != nil {
		t.Fatal(err)
	}
	var serverless []string
	for _, s := range doc.Statement {
		if s.Sid == "GetCredentialsForServerless" {
			serverless = s.Resource
		}
	}
	if diff := cmp.Diff([]string{wgArn}, serverless); diff != "" {
		t.Errorf("GetCredentials resources (-want +got):\n%s", diff)
	}
	if !e.workgroupTagged(t, wgArn) {
		t.Error("workgroup lacks the RedshiftDataFullAccess tag")
	}

	_, err = r.Create(t.Context(), request(customresource.ActionCreate, "Missing", "", map[string]any{"Roles": []any{"analyst"}, "Workgroups": "no-such-wg"}, nil))
	if !customresource.IsInvalidInput(err) {
		t.Errorf("missing workgroup: error %v, want invalid input", err)
	}
}

// A redelivered Create whose read of the existing entity fails returns
// that failure, not a claim that someone else owns the name.
func TestRedeliveredCreateReportsAFailedReadAsItIs(t *testing.T) {
	tests := map[string]struct {
		resourceType string
		props        map[string]any
		read         string
	}{
		"scoped policy":      {resourceType: AccessType, props: map[string]any{"Roles": "analyst", "Clusters": "analytics"}, read: "GetPolicy"},
		"cross-account role": {resourceType: CrossAccountRoleType, props: map[string]any{"TrustedPrincipalArns": "111111111111", "PolicyMode": "Managed"}, read: "GetRole"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, awsemu.AccountA)
			e.createRole(t, "analyst", "/")
			var r customresource.Resource = NewAccess(e.clients)
			if tc.resourceType == CrossAccountRoleType {
				r = NewCrossAccountRole(e.clients)
			}
			req := request(customresource.ActionCreate, "Redelivered", "", tc.props, nil)
			if _, err := r.Create(t.Context(), req); err != nil {
				t.Fatal(err)
			}
			e.srv.InjectFault(denied(tc.read))
			_, err := r.Create(t.Context(), req)
			if errorCodeOf(err) != "AccessDenied" || errors.Is(err, ErrNotOwned) {
				t.Errorf("redelivered Create error = %v, want the injected AccessDenied", err)
			}
		})
	}
}
