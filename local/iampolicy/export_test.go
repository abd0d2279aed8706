package iampolicy

import (
	"path/filepath"
	"sort"
	"strings"
)

// What emulator_test.go (package iampolicy_test, which may import the
// emulator that imports this package) needs of golden_test.go: the
// probes and the tables of the golden policies, to drive the same
// requests through the emulator's SDK clients.

// Probes are the requests of the golden tables in partition and region.
func Probes(partition, region string) map[string]Request { return probes(partition, region) }

// GoldenTableNames are the names of every golden table: a file name of
// internal/policy/testdata, or AmazonRedshiftDataFullAccess.
func GoldenTableNames() []string {
	var names []string
	for name := range policyTables {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// GoldenTable returns the partition and region of table name, and the
// expected effect of every probe (implicit deny unless the table says
// otherwise).
func GoldenTable(name string) (partition, region string, want map[string]Effect) {
	tab := policyTables[name]
	want = map[string]Effect{}
	for probe := range probes(tab.partition, tab.region) {
		want[probe] = ImplicitDeny
	}
	for probe, o := range tab.want {
		want[probe] = o.Effect
	}
	return tab.partition, tab.region, want
}

// GoldenDocumentPath is the file of table name's policy, relative to
// this package.
func GoldenDocumentPath(name string) string {
	if strings.HasSuffix(name, ".json") {
		return filepath.Join(goldenDir, name)
	}
	return managedPath
}

// WorkgroupID is the workgroup ID that the golden policies name.
const WorkgroupID = workgroupID
