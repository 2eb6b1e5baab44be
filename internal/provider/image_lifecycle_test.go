package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// fakePrivate is private state as the framework hands it to a resource.
type fakePrivate map[string]string

// GetKey returns the value of key, or nil.
func (p fakePrivate) GetKey(_ context.Context, key string) ([]byte, diag.Diagnostics) {
	if v, ok := p[key]; ok {
		return []byte(v), nil
	}
	return nil, nil
}

// TestAdoptionMarkerAfterRead follows the adoption marker through the
// refreshes of each way of adopting a copy.
func TestAdoptionMarkerAfterRead(t *testing.T) {
	tests := []struct {
		name    string
		private privateGetter
		want    string // "" removes the marker
	}{
		{name: "made by Terraform", private: fakePrivate{}, want: ""},
		{name: "no private state", private: nil, want: ""},
		{name: "the read that follows ImportState or MoveState", private: fakePrivate{privateImported: "true"}, want: adoptingAfterRead},
		{name: "the refresh after the adopting plan was applied", private: fakePrivate{privateImported: adoptingAfterRead}, want: ""},
		{name: "other keys do not count", private: fakePrivate{privateCopiedTagKeys: `["a"]`}, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(adoptionMarkerAfterRead(context.Background(), tt.private)); got != tt.want {
				t.Errorf("adoptionMarkerAfterRead = %q, want %q", got, tt.want)
			}
		})
	}
}
