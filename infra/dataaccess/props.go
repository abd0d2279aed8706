package dataaccess

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// InvalidPropError reports one invalid prop of a construct. Constructs report
// these as error annotations, which make cdk synth fail.
type InvalidPropError struct {
	// Resource is the construct kind, for example "Secret".
	Resource string
	// Prop is the field of the props struct, for example "Username".
	Prop string
	// Problem says what is wrong and what is allowed.
	Problem string
}

func (e *InvalidPropError) Error() string {
	return fmt.Sprintf("dataaccess.%sProps.%s: %s", e.Resource, e.Prop, e.Problem)
}

// validator collects the problems of one props value.
type validator struct {
	resource string
	errs     []error
}

func (v *validator) fail(prop, format string, args ...any) {
	v.errs = append(v.errs, &InvalidPropError{Resource: v.resource, Prop: prop, Problem: fmt.Sprintf(format, args...)})
}

// report adds an error annotation to scope for every problem.
func report(scope constructs.Construct, errs []error) {
	for _, err := range errs {
		awscdk.Annotations_Of(scope).AddError(jsii.String(err.Error()))
	}
}

// unresolved reports whether v is a token that CloudFormation resolves
// only at deployment.
func unresolved(v any) bool { return *awscdk.Token_IsUnresolved(v) }

// isSet reports whether a string prop has a value.
func isSet(s *string) bool { return s != nil && *s != "" }

// known returns the value of a string prop and whether it can be checked at
// synth time: set, and not a token resolved only at deployment.
func known(s *string) (string, bool) {
	if !isSet(s) || unresolved(s) {
		return "", false
	}
	return *s, true
}

// knownNumber is known for numbers.
func knownNumber(n *float64) (float64, bool) {
	if n == nil || unresolved(n) {
		return 0, false
	}
	return *n, true
}

// listState describes a list prop at synth time.
type listState int

const (
	listEmpty   listState = iota // nil or no items
	listToken                    // a token list, such as a CommaDelimitedList parameter
	listPresent                  // items, some of which may be tokens
)

func stateOf(l *[]*string) listState {
	switch {
	case l == nil:
		return listEmpty
	case unresolved(l):
		return listToken
	case len(*l) == 0:
		return listEmpty
	default:
		return listPresent
	}
}

// knownItems returns the items of a list prop that are not tokens.
func knownItems(l *[]*string) []string {
	if stateOf(l) != listPresent {
		return nil
	}
	var out []string
	for _, item := range *l {
		if s, ok := known(item); ok {
			out = append(out, s)
		}
	}
	return out
}

// intRange checks an integer prop against an inclusive range.
func (v *validator) intRange(prop string, n *float64, minimum, maximum float64) {
	x, ok := knownNumber(n)
	if !ok {
		return
	}
	if x != float64(int64(x)) || x < minimum || x > maximum {
		v.fail(prop, "is %v; allowed: a whole number from %v to %v", x, minimum, maximum)
	}
}

// oneOf checks a string prop against its allowed values.
func (v *validator) oneOf(prop string, s *string, allowed ...string) {
	x, ok := known(s)
	if !ok {
		return
	}
	for _, a := range allowed {
		if x == a {
			return
		}
	}
	v.fail(prop, "is %q; allowed: %v", x, allowed)
}

// properties are the custom resource properties. Following the custom
// resource protocol, values are strings or lists of strings; unset props are
// left out so that the handler applies its defaults.
type properties map[string]any

func (p properties) str(name string, v *string) {
	if isSet(v) {
		p[name] = *v
	}
}

func (p properties) list(name string, v *[]*string) {
	if stateOf(v) != listEmpty {
		p[name] = v
	}
}

func (p properties) boolean(name string, v *bool) {
	if v != nil {
		p[name] = strconv.FormatBool(*v)
	}
}

func (p properties) number(name string, v *float64) {
	if v != nil {
		p[name] = awscdk.Tokenization_StringifyNumber(v)
	}
}

// tags writes tags as CloudFormation's list of Key and Value objects, sorted
// by key so that the template is stable.
func (p properties) tags(name string, v *map[string]*string) {
	if v == nil || len(*v) == 0 {
		return
	}
	keys := make([]string, 0, len(*v))
	for k := range *v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]map[string]*string, 0, len(keys))
	for _, k := range keys {
		out = append(out, map[string]*string{"Key": jsii.String(k), "Value": (*v)[k]})
	}
	p[name] = out
}

// newCustomResource creates the CloudFormation resource of a construct,
// served by function fn of source (the stack's provider when source is
// nil). Its ServiceTimeout is the function's
// (serviceTimeout), so that CloudFormation gives up on a lost answer after
// minutes rather than an hour; the runtime leaves ServiceTimeout out of the
// properties that the handlers see.
func newCustomResource(scope constructs.Construct, resourceType string, source TokenSource, fn Function, props properties) awscdk.CustomResource {
	m := map[string]any(props)
	return awscdk.NewCustomResource(scope, jsii.String("Resource"), &awscdk.CustomResourceProps{
		ServiceToken:   tokenFor(awscdk.Stack_Of(scope), source, fn),
		ServiceTimeout: serviceTimeoutOf(fn),
		ResourceType:   jsii.String(resourceType),
		Properties:     &m,
		RemovalPolicy:  awscdk.RemovalPolicy_DESTROY,
	})
}
