package dataaccess

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/redshift-data-access/redshift-data-access/internal/guardrail"
)

// customGuardrails are the bounds of the fixture's custom provider.
var customGuardrails = GuardrailProps{
	TrustedAccounts:        []string{"222222222222"},
	TrustOrgID:             "o-abc123",
	RequireExternalID:      true,
	DisableManagedMode:     true,
	PrincipalTag:           "data-access=yes",
	PermissionsBoundaryArn: "arn:aws:iam::111111111111:policy/DataApiBoundary",
}

// environmentOf returns each function's environment variables in tpl.
func environmentOf(tpl cfnTemplate) map[Function]map[string]string {
	out := map[Function]map[string]string{}
	for id, r := range tpl.ofType("AWS::Lambda::Function") {
		for _, spec := range functionSpecs() {
			if !strings.Contains(id, spec.id+"Function") {
				continue
			}
			env := map[string]string{}
			e, _ := r.Properties["Environment"].(map[string]any)
			vars, _ := e["Variables"].(map[string]any)
			for k, v := range vars {
				env[k] = flatten(v)
			}
			out[spec.function] = env
		}
	}
	return out
}

// TestGuardrailEnvironment checks that every function gets the owner's
// bounds under the names guardrail.FromEnv reads, and its provider's role
// ARNs, so that no grant can target the provider itself.
func TestGuardrailEnvironment(t *testing.T) {
	f := getFixture(t)
	want := map[string]string{
		guardrail.EnvTrustedAccounts:        "222222222222",
		guardrail.EnvTrustOrgID:             "o-abc123",
		guardrail.EnvRequireExternalID:      "true",
		guardrail.EnvDisableManagedMode:     "true",
		guardrail.EnvPrincipalTag:           "data-access=yes",
		guardrail.EnvPermissionsBoundaryArn: "arn:aws:iam::111111111111:policy/DataApiBoundary",
	}
	for stack, wantOwn := range map[string]map[string]string{"custom": want, "default": {}} {
		tpl := f.templates[f.custom]
		if stack == "default" {
			tpl = f.templates[f.constructs]
		}
		envs := environmentOf(tpl)
		if len(envs) != len(Functions()) {
			t.Fatalf("%s: found %d functions, want %d", stack, len(envs), len(Functions()))
		}
		for fn, env := range envs {
			roles := env[guardrail.EnvProviderRoleArns]
			for _, spec := range functionSpecs() {
				if !strings.Contains(roles, spec.id+"Role") {
					t.Errorf("%s %s: %s = %q does not name the %s role", stack, fn, guardrail.EnvProviderRoleArns, roles, spec.function)
				}
			}
			delete(env, guardrail.EnvProviderRoleArns)
			if d := cmp.Diff(wantOwn, env); d != "" {
				t.Errorf("%s %s environment (-want +got):\n%s", stack, fn, d)
			}
		}
	}
}

// TestGuardrailsInIAM reads from the synthesized templates the limits that
// hold even when a handler is bypassed: a required boundary is an
// iam:PermissionsBoundary condition on CreateRole, the boundary cannot be
// deleted, and service-linked roles are denied to the access function.
func TestGuardrailsInIAM(t *testing.T) {
	f := getFixture(t)
	for stack, tpl := range map[string]cfnTemplate{"custom": f.templates[f.custom], "default": f.templates[f.constructs]} {
		var createRole []statement
		var denied []statement
		actions := map[string]bool{}
		for _, s := range roleStatements(tpl)[FunctionAccess] {
			if s.Effect == "Deny" {
				denied = append(denied, s)
				continue
			}
			for _, a := range s.Actions {
				actions[a] = true
			}
			if slices.Contains(s.Actions, "iam:CreateRole") {
				createRole = append(createRole, s)
			}
			for _, r := range s.Resources {
				if strings.Contains(r, ":role/") && strings.Contains(s.Sid, "CrossAccount") && !strings.Contains(r, ":role/"+NamePrefix) {
					t.Errorf("%s: %s manages roles outside /%s: %s", stack, s.Sid, NamePrefix, r)
				}
			}
		}
		if actions["iam:PassRole"] {
			t.Errorf("%s: the access function may pass roles", stack)
		}
		if len(createRole) != 1 {
			t.Fatalf("%s: %d statements allow iam:CreateRole, want 1", stack, len(createRole))
		}
		boundary := createRole[0].Condition["StringEquals"]["iam:PermissionsBoundary"]
		if stack == "custom" {
			if boundary != customGuardrails.PermissionsBoundaryArn {
				t.Errorf("custom: CreateRole's iam:PermissionsBoundary = %q, want %q", boundary, customGuardrails.PermissionsBoundaryArn)
			}
			if actions["iam:DeleteRolePermissionsBoundary"] {
				t.Error("custom: the access function may delete the required boundary")
			}
		} else if boundary != "" {
			t.Errorf("default: CreateRole has a boundary condition %q without a required boundary", boundary)
		}
		if len(denied) != 1 || !slices.Contains(denied[0].Actions, "iam:AttachRolePolicy") ||
			!strings.Contains(strings.Join(denied[0].Resources, ","), ":role/aws-service-role/*") {
			t.Errorf("%s: no Deny of attaching to service-linked roles: %+v", stack, denied)
		}
	}
}

// TestSecretChangesOnlyOnOwnSecrets reads from the template that the
// secret function creates only secrets tagged with the stack ID and
// changes, deletes or restores only secrets that carry it, so that a
// hand-made secret under the name prefix stays out of reach.
func TestSecretChangesOnlyOnOwnSecrets(t *testing.T) {
	f := getFixture(t)
	changes := map[string]bool{
		"secretsmanager:DeleteSecret": true, "secretsmanager:PutSecretValue": true,
		"secretsmanager:RestoreSecret": true, "secretsmanager:UntagResource": true,
		"secretsmanager:UpdateSecret": true,
	}
	seen := map[string]bool{}
	for _, s := range roleStatements(f.templates[f.constructs])[FunctionSecret] {
		for _, a := range s.Actions {
			switch {
			case changes[a]:
				seen[a] = true
				if s.Condition["Null"]["secretsmanager:ResourceTag/"+StackIDTag] != "false" {
					t.Errorf("%s: %s is not limited to secrets tagged %s: %v", s.Sid, a, StackIDTag, s.Condition)
				}
			case a == "secretsmanager:CreateSecret":
				seen[a] = true
				if s.Condition["Null"]["aws:RequestTag/"+StackIDTag] != "false" {
					t.Errorf("%s: CreateSecret does not require the tag %s: %v", s.Sid, StackIDTag, s.Condition)
				}
			}
		}
	}
	if len(seen) != len(changes)+1 {
		t.Errorf("found %d of the %d secret-changing actions: %v", len(seen), len(changes)+1, seen)
	}
}
