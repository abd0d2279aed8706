package dataaccess

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
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
	// Err is the function's own *customresource.PropertyError when its
	// property parser found the problem, or nil for a rule of the
	// constructs.
	Err error
}

func (e *InvalidPropError) Error() string {
	return fmt.Sprintf("dataaccess.%sProps.%s: %s", e.Resource, e.Prop, e.Problem)
}

func (e *InvalidPropError) Unwrap() error { return e.Err }

// report adds an error annotation to scope for every problem; cdk synth
// prints each with the construct's path.
func report(scope constructs.Construct, errs []error) {
	for _, err := range errs {
		awscdk.Annotations_Of(scope).AddError(jsii.String(err.Error()))
	}
}

// invalid returns the problem of a rule that only the constructs have.
func invalid(resource, prop, format string, args ...any) error {
	return &InvalidPropError{Resource: resource, Prop: prop, Problem: fmt.Sprintf(format, args...)}
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

// properties are the custom resource properties, in the form the functions
// receive them: strings, lists of strings, lists of Key and Value objects,
// and JSON documents. Unset props are left out so that the handler applies
// its defaults. The same map is the resource's Properties in the template
// and the input of the function's property parser at synth.
type properties map[string]any

func (p properties) str(name string, v *string) {
	if isSet(v) {
		p[name] = *v
	}
}

// list writes a list prop. A token list, such as a CommaDelimitedList
// parameter, is one encoded item, which CDK renders back as the token.
func (p properties) list(name string, v *[]*string) {
	if v == nil || len(*v) == 0 {
		return
	}
	items := make([]any, 0, len(*v))
	for _, item := range *v {
		if item != nil {
			items = append(items, *item)
		}
	}
	p[name] = items
}

func (p properties) strings(name string, v []string) {
	if len(v) == 0 {
		return
	}
	items := make([]any, 0, len(v))
	for _, s := range v {
		items = append(items, s)
	}
	p[name] = items
}

func (p properties) boolean(name string, v *bool) {
	if v != nil {
		p[name] = strconv.FormatBool(*v)
	}
}

func (p properties) number(name string, v *float64) {
	if v != nil {
		p[name] = *awscdk.Tokenization_StringifyNumber(v)
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
	out := make([]any, 0, len(keys))
	for _, k := range keys {
		value := ""
		if val := (*v)[k]; val != nil {
			value = *val
		}
		out = append(out, map[string]any{"Key": k, "Value": value})
	}
	p[name] = out
}

// parser is a function's own property parser: every problem it finds is a
// *customresource.PropertyError, joined.
type parser func(props map[string]any) error

// check runs the function's parser on the properties that a construct of
// kind resource renders, and returns its problems as *InvalidPropError
// naming the construct's prop: field maps a property to the props field
// that renders it (sameName, permissionsField).
//
// Tokens, such as parameters or the attributes of other resources, are
// resolved only at deployment, so the parser cannot judge them: it sees a
// list without its token items, when some items are not tokens, and its
// problems with any other property that holds a token are left to the
// function at deployment. Everything else is judged exactly as the
// function will judge it.
func check(resource string, props properties, parse parser, field func(property string) string) []error {
	input, unchecked := withoutTokens(props)
	var out []error
	for _, err := range joinedErrors(parse(input)) {
		var pe *customresource.PropertyError
		if !errors.As(err, &pe) {
			out = append(out, &InvalidPropError{Resource: resource, Prop: "(properties)", Problem: err.Error(), Err: err})
			continue
		}
		if unchecked[pe.Property] {
			continue
		}
		names := strings.Split(pe.Property, ", ")
		for i, name := range names {
			names[i] = field(name)
		}
		problem := pe.Problem
		if pe.Allowed != "" {
			problem += "; allowed: " + pe.Allowed
		}
		out = append(out, &InvalidPropError{Resource: resource, Prop: strings.Join(names, ", "), Problem: problem, Err: pe})
	}
	return out
}

// joinedErrors returns the errors that errors.Join joined in err.
func joinedErrors(err error) []error {
	if err == nil {
		return nil
	}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range joined.Unwrap() {
			out = append(out, joinedErrors(e)...)
		}
		return out
	}
	return []error{err}
}

// withoutTokens returns the parser's input: props, with the token items
// of a list left out when the list has other items. unchecked names the
// properties that still hold a token.
func withoutTokens(props properties) (map[string]any, map[string]bool) {
	input := make(map[string]any, len(props))
	unchecked := map[string]bool{}
	for name, value := range props {
		input[name] = value
		if items, ok := value.([]any); ok && !unresolved(items) {
			var literal []any
			for _, item := range items {
				if !holdsToken(item) {
					literal = append(literal, item)
				}
			}
			if len(literal) > 0 {
				input[name] = literal
				continue
			}
		}
		if holdsToken(value) {
			unchecked[name] = true
		}
	}
	return input, unchecked
}

// holdsToken reports whether a property value is or holds a token.
func holdsToken(v any) bool {
	switch x := v.(type) {
	case string:
		return unresolved(jsii.String(x))
	case []any:
		// A token list, such as a CommaDelimitedList parameter, is one
		// item that only the list as a whole shows to be a token.
		if unresolved(x) {
			return true
		}
		for _, item := range x {
			if holdsToken(item) {
				return true
			}
		}
	case map[string]any:
		for k, item := range x {
			if holdsToken(k) || holdsToken(item) {
				return true
			}
		}
	}
	return false
}

// providerPath checks an IAM path prop against the provider's own
// permissions, which let it manage only policies and roles under
// /redshift-data-api/ (functions.go). The function's parser checks that the
// value is an IAM path.
func providerPath(resource, prop string, path *string) []error {
	if p, ok := known(path); ok && !strings.HasPrefix(p, "/"+NamePrefix) {
		return []error{invalid(resource, prop, "is %q; allowed: an IAM path that starts with /%s, the only path the provider may manage", p, NamePrefix)}
	}
	return nil
}

// sameName is the field of a property whose props field has its name.
func sameName(property string) string { return property }

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
