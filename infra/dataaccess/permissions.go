package dataaccess

import (
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// permission is one statement of a function's role policy. Every statement
// whose resources hold a wildcard says why in why; that text becomes the
// reason of the cdk-nag AwsSolutions-IAM5 suppression for exactly those
// resources, so a new wildcard without a reason fails the nag test.
type permission struct {
	sid        string
	actions    []string
	resources  []resource
	conditions map[string]map[string]any
	why        string
	// deny makes the statement an explicit Deny, which no other statement
	// of the role can widen.
	deny bool
}

// resource is one Resource element: an ARN pattern with the placeholders
// <partition>, <region> and <account> for the stack's pseudo parameters, or
// a token such as a log group ARN.
type resource struct {
	pattern string
	token   *string
}

// anyResource is "*", for actions that support no resource-level permissions.
var anyResource = resource{pattern: "*"}

func arnPattern(pattern string) resource   { return resource{pattern: pattern} }
func tokenResource(token *string) resource { return resource{token: token} }

// render returns the resource for the template, in the stack's partition,
// region and account.
func (r resource) render(stack awscdk.Stack) *string {
	if r.token != nil {
		return r.token
	}
	return jsii.String(strings.NewReplacer(
		"<partition>", *stack.Partition(),
		"<region>", *stack.Region(),
		"<account>", *stack.Account(),
	).Replace(r.pattern))
}

// nagFinding returns the resource as cdk-nag names it in an IAM5 finding.
func (r resource) nagFinding() string {
	return "Resource::" + strings.NewReplacer(
		"<partition>", "<AWS::Partition>",
		"<region>", "<AWS::Region>",
		"<account>", "<AWS::AccountId>",
	).Replace(r.pattern)
}

func (r resource) wildcard() bool { return r.token == nil && strings.Contains(r.pattern, "*") }

// policyDocument renders perms as an IAM policy document.
func policyDocument(stack awscdk.Stack, perms []permission) awsiam.PolicyDocument {
	statements := make([]awsiam.PolicyStatement, 0, len(perms))
	for _, p := range perms {
		resources := make([]*string, 0, len(p.resources))
		for _, r := range p.resources {
			resources = append(resources, r.render(stack))
		}
		effect := awsiam.Effect_ALLOW
		if p.deny {
			effect = awsiam.Effect_DENY
		}
		props := &awsiam.PolicyStatementProps{
			Sid:       jsii.String(p.sid),
			Effect:    effect,
			Actions:   jsii.Strings(p.actions...),
			Resources: &resources,
		}
		if len(p.conditions) > 0 {
			props.Conditions = renderConditions(stack, p.conditions)
		}
		statements = append(statements, awsiam.NewPolicyStatement(props))
	}
	return awsiam.NewPolicyDocument(&awsiam.PolicyDocumentProps{Statements: &statements})
}

// renderConditions replaces resource values in conditions by their ARNs.
func renderConditions(stack awscdk.Stack, conditions map[string]map[string]any) *map[string]any {
	out := map[string]any{}
	for operator, keys := range conditions {
		rendered := map[string]any{}
		for key, value := range keys {
			switch v := value.(type) {
			case resource:
				rendered[key] = v.render(stack)
			case []resource:
				arns := make([]*string, 0, len(v))
				for _, r := range v {
					arns = append(arns, r.render(stack))
				}
				rendered[key] = arns
			default:
				rendered[key] = v
			}
		}
		out[operator] = rendered
	}
	return &out
}

// nagSuppressions returns one AwsSolutions-IAM5 suppression per statement
// with wildcard resources, limited to those resources and carrying the
// statement's reason. It panics on a wildcard without a reason: that is a
// mistake in this file, not in the user's props.
func nagSuppressions(perms []permission) []*cdknag.NagPackSuppression {
	var out []*cdknag.NagPackSuppression
	for _, p := range perms {
		var findings []string
		for _, r := range p.resources {
			if r.wildcard() {
				findings = append(findings, r.nagFinding())
			}
		}
		if len(findings) == 0 || p.deny {
			continue
		}
		if p.why == "" {
			panic(fmt.Sprintf("dataaccess: statement %s has wildcard resources %v but no reason", p.sid, findings))
		}
		sort.Strings(findings)
		appliesTo := make([]any, 0, len(findings))
		for _, f := range findings {
			appliesTo = append(appliesTo, f)
		}
		out = append(out, &cdknag.NagPackSuppression{
			Id:        jsii.String("AwsSolutions-IAM5"),
			Reason:    jsii.String(p.sid + ": " + p.why),
			AppliesTo: &appliesTo,
		})
	}
	return out
}
