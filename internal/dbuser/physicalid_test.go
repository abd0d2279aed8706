package dbuser

import (
	"strings"
	"testing"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

func TestPhysicalIDRoundTrip(t *testing.T) {
	for _, id := range []userID{
		{ownership: created, target: Target{ClusterIdentifier: "analytics"}, database: "dev", user: "redshift_data_api_user"},
		{ownership: adopted, target: Target{WorkgroupName: "wg-1"}, database: `my "db":x`, user: "IAMR:Role"},
		{ownership: created, target: Target{ClusterIdentifier: "a"}, database: strings.Repeat("é", 63), user: strings.Repeat(`"`, 127)},
	} {
		s := id.physicalID()
		if len(s) > 1024 {
			t.Errorf("%q is longer than 1 KB", s)
		}
		got, ok := parsePhysicalID(s)
		if !ok || got != id {
			t.Errorf("parsePhysicalID(%q) = %+v, %v; want %+v", s, got, ok, id)
		}
	}
	for _, foreign := range []string{
		"", "2026/01/01/[$LATEST]0123456789abcdef", customresource.FailedCreateMarker("r"),
		"redshift-data-access:dbuser:owned:cluster:a:ZGV2:dQ", "redshift-data-access:dbuser:created:cluster:a:!!:dQ",
		"redshift-data-access:dbuser:created:table:a:ZGV2:dQ",
	} {
		if _, ok := parsePhysicalID(foreign); ok {
			t.Errorf("parsePhysicalID(%q) accepted a foreign ID", foreign)
		}
	}
}
