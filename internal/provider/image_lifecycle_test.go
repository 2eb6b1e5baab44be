package provider

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
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

// TestFailedCopyReason records EC2's StateReason only for a copy that
// failed, for the plan that replaces it.
func TestFailedCopyReason(t *testing.T) {
	tests := []struct {
		name  string
		image ec2types.Image
		want  string // "" removes the key
	}{
		{name: "available", image: ec2types.Image{State: ec2types.ImageStateAvailable}},
		{name: "pending", image: ec2types.Image{State: ec2types.ImageStatePending}},
		{name: "failed with a reason", image: ec2types.Image{State: ec2types.ImageStateFailed,
			StateReason: &ec2types.StateReason{Code: aws.String("Client.InternalError"), Message: aws.String("snapshot copy failed")}},
			want: `"Client.InternalError: snapshot copy failed"`},
		{name: "error without a reason", image: ec2types.Image{State: ec2types.ImageStateError}, want: `"(no code): (no message)"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := failedCopyReason(tt.image)
			if string(got) != tt.want {
				t.Errorf("failedCopyReason = %q, want %q", got, tt.want)
			}
			if tt.want != "" {
				if reason := stateReasonFrom(context.Background(), fakePrivate{privateStateReason: string(got)}); "\""+reason+"\"" != tt.want {
					t.Errorf("stateReasonFrom reads %q back, want %s", reason, tt.want)
				}
			}
		})
	}
}
