package customresource_test

import (
	"errors"
	"testing"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

func TestOwnedBy(t *testing.T) {
	req := customresource.Request{StackID: "arn:aws:cloudformation:us-east-1:123456789012:stack/s/1", LogicalResourceID: "Grant"}
	own := customresource.OwnerTags(req)
	tests := []struct {
		name string
		tags map[string]string
		req  customresource.Request
		want bool
	}{
		{"own tags", own, req, true},
		{"own tags among others", map[string]string{customresource.TagStackID: req.StackID, customresource.TagLogicalID: "Grant", "team": "x"}, req, true},
		{"no tags", nil, req, false},
		{"other stack", map[string]string{customresource.TagStackID: "arn:aws:cloudformation:us-east-1:123456789012:stack/t/2", customresource.TagLogicalID: "Grant"}, req, false},
		{"other logical ID", map[string]string{customresource.TagStackID: req.StackID, customresource.TagLogicalID: "Other"}, req, false},
		{"stack tag only", map[string]string{customresource.TagStackID: req.StackID}, req, false},
		{"empty request ids match empty tags", map[string]string{customresource.TagStackID: "", customresource.TagLogicalID: ""}, customresource.Request{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := customresource.OwnedBy(tt.tags, tt.req); got != tt.want {
				t.Errorf("OwnedBy = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestNotOwnedErrorIsTyped(t *testing.T) {
	req := customresource.Request{PhysicalResourceID: "vpce-1", StackID: "s", LogicalResourceID: "L"}
	var err error = customresource.NotOwned("VPC endpoint", req)
	var no *customresource.NotOwnedError
	if !errors.As(err, &no) || no.ID != "vpce-1" || no.Kind != "VPC endpoint" {
		t.Fatalf("NotOwned = %#v", err)
	}
}
