package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/aws/aws-lambda-go/cfn"
)

// redacted replaces secret values in the report.
const redacted = "<redacted>"

// report writes what the run does, for a person to read. It never writes a
// value of a secret property (it knows their names), nor any value it was
// told is secret, nor a ResponseURL, which it never prints.
type report struct {
	w io.Writer
	// secretNames are the properties whose values are secret, e.g.
	// Password.
	secretNames map[string]bool
	// secrets are values that must never appear, scrubbed from every line
	// as a second line of defence.
	secrets []string
	rows    []*summaryRow
	// lastState is the state last written for each physical ID, so that a
	// read that found nothing new takes one line instead of a policy
	// document again.
	lastState map[string][]string
}

// summaryRow is one line of the closing summary table: a logical resource
// or a check, the steps it went through and the first step whose outcome
// differed from what CloudFormation needs.
type summaryRow struct {
	name    string
	steps   int
	failure string
}

func newReport(w io.Writer, secretNames []string) *report {
	r := &report{w: w, secretNames: map[string]bool{}, lastState: map[string][]string{}}
	for _, n := range secretNames {
		r.secretNames[n] = true
	}
	return r
}

// addSecret makes the report scrub v wherever it would appear.
func (r *report) addSecret(v string) {
	if v != "" && !slices.Contains(r.secrets, v) {
		r.secrets = append(r.secrets, v)
	}
}

// row starts a summary row.
func (r *report) row(name string) *summaryRow {
	row := &summaryRow{name: name}
	r.rows = append(r.rows, row)
	return row
}

// printf writes one or more lines with every known secret scrubbed.
func (r *report) printf(format string, args ...any) {
	fmt.Fprint(r.w, r.scrub(fmt.Sprintf(format, args...)))
}

// scrub replaces every known secret value in s.
func (r *report) scrub(s string) string {
	for _, v := range r.secrets {
		s = strings.ReplaceAll(s, v, redacted)
	}
	return s
}

func (r *report) section(title string) {
	r.printf("\n=== %s\n", title)
}

// step counts a step of row and writes its heading. The heading names the
// row, because a section such as the cross-account one interleaves the
// steps of several resources.
func (r *report) step(row *summaryRow, name string) {
	row.steps++
	r.printf("\n--- %s, step %d: %s\n", row.name, row.steps, name)
}

// request writes an event's type, IDs and properties; secret properties are
// redacted and their values remembered for scrubbing. The ResponseURL is
// left out: it is a write credential.
func (r *report) request(ev cfn.Event) {
	physical := ev.PhysicalResourceID
	if physical == "" {
		physical = "(none yet)"
	}
	r.printf("  request:  %s %s %s\n", ev.RequestType, ev.ResourceType, ev.LogicalResourceID)
	r.printf("            physical ID %s\n", physical)
	if ev.RequestType == cfn.RequestUpdate {
		r.printf("            old properties %s\n", r.properties(ev.OldResourceProperties))
	}
	r.printf("            properties %s\n", r.properties(ev.ResourceProperties))
}

// properties renders props as JSON without the ServiceToken, which every
// event carries, and with secret values redacted.
func (r *report) properties(props map[string]any) string {
	out := make(map[string]any, len(props))
	for k, v := range props {
		if k == "ServiceToken" {
			continue
		}
		if r.secretNames[k] {
			if s, ok := v.(string); ok {
				r.addSecret(s)
			}
			v = redacted
		}
		out[k] = v
	}
	return compactJSON(out)
}

// response writes the status, physical ID, Data and Reason of a response.
// Data sent with NoEcho shows only its keys, as CloudFormation masks it.
func (r *report) response(resp cfn.Response) {
	r.printf("  response: %s, physical ID %s\n", resp.Status, resp.PhysicalResourceID)
	switch {
	case len(resp.Data) > 0 && resp.NoEcho:
		masked := make(map[string]any, len(resp.Data))
		for k := range resp.Data {
			masked[k] = redacted
		}
		r.printf("            data (NoEcho) %s\n", compactJSON(masked))
	case len(resp.Data) > 0:
		r.printf("            data %s\n", compactJSON(resp.Data))
	}
	if resp.Reason != "" {
		r.printf("            reason %s\n", resp.Reason)
	}
}

// state writes what was read back from AWS for physical ID id, or that
// it is unchanged since the last time it was written.
func (r *report) state(id string, lines []string) {
	r.printf("  state:    %s\n", id)
	if last, ok := r.lastState[id]; ok && slices.Equal(last, lines) {
		r.printf("            unchanged since the previous read\n")
		return
	}
	r.lastState[id] = lines
	for _, l := range lines {
		r.printf("            %s\n", l)
	}
}

func (r *report) outcome(err error) {
	if err != nil {
		r.printf("  outcome:  UNEXPECTED: %v\n", err)
		return
	}
	r.printf("  outcome:  as CloudFormation needs\n")
}

// summary writes the summary table and a closing line.
func (r *report) summary() {
	r.section("summary")
	tw := tabwriter.NewWriter(r.w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RESOURCE\tSTEPS\tRESULT")
	failed := 0
	for _, row := range r.rows {
		result := "ok"
		if row.failure != "" {
			result = "FAILED: " + row.failure
			failed++
		}
		fmt.Fprintln(tw, r.scrub(fmt.Sprintf("%s\t%d\t%s", row.name, row.steps, result)))
	}
	tw.Flush()
	if failed > 0 {
		r.printf("\nFAIL: %d of %d resources and checks had a step whose outcome differs from what CloudFormation needs\n", failed, len(r.rows))
		return
	}
	r.printf("\nPASS: %d resources and checks went through every step as CloudFormation needs\n", len(r.rows))
}

// compactJSON renders v as JSON with sorted map keys.
func compactJSON(v any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	// Policy conditions and placeholders read better unescaped.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprintf("(not JSON: %v)", err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// sortedPairs renders a map as k=v pairs in key order.
func sortedPairs(m map[string]string) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, k+"="+m[k])
	}
	return strings.Join(parts, ", ")
}
