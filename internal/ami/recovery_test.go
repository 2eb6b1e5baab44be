package ami

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// TestUnresolvedCopyKept keeps an unanswered copy attempt for the grace
// period after it started, and never one whose start is unknown.
func TestUnresolvedCopyKept(t *testing.T) {
	started := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		started time.Time
		now     time.Time
		want    bool
	}{
		{name: "just after the attempt", started: started, now: started.Add(time.Second), want: true},
		{name: "EC2's clock ahead of ours", started: started, now: started.Add(-time.Minute), want: true},
		{name: "within the grace period", started: started, now: started.Add(UnresolvedCopyGrace - time.Second), want: true},
		{name: "once the grace period has passed", started: started, now: started.Add(UnresolvedCopyGrace)},
		{name: "start unknown", now: started},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			until, keep := UnresolvedCopyKept(tt.started, tt.now)
			if keep != tt.want {
				t.Errorf("UnresolvedCopyKept keeps = %v, want %v", keep, tt.want)
			}
			if keep && !until.Equal(tt.started.Add(UnresolvedCopyGrace)) {
				t.Errorf("kept until %s, want %s", until, tt.started.Add(UnresolvedCopyGrace))
			}
		})
	}
}

// TestFindUnresolvedCopy picks, among the AMIs of a name, the one copy of
// the source made since the unanswered CopyImage started, wherever EC2 lists
// it: copies may share a name, and an older AMI of that name (made outside
// Terraform, or kept by skip_destroy) must neither hide the copy nor be
// adopted. When two could be the copy, it does not guess.
func TestFindUnresolvedCopy(t *testing.T) {
	const name, source = "web", "ami-0source0000000000"
	started := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	image := func(id, source string, created time.Time, state types.ImageState) types.Image {
		return types.Image{ImageId: aws.String(id), Name: aws.String(name), SourceImageId: aws.String(source),
			CreationDate: aws.String(created.Format(time.RFC3339)), State: state}
	}
	older := image("ami-0older00000000000", source, started.Add(-time.Hour), types.ImageStateAvailable)
	made := image("ami-0made000000000000", source, started.Add(time.Minute), types.ImageStatePending)
	otherSource := image("ami-0other00000000000", "ami-0elsewhere0000000", started.Add(time.Minute), types.ImageStateAvailable)
	alsoMade := image("ami-0twin000000000000", source, started.Add(2*time.Minute), types.ImageStatePending)
	deregistered := image("ami-0gone000000000000", source, started.Add(time.Minute), types.ImageStateDeregistered)
	tests := []struct {
		name      string
		listed    []types.Image
		notBefore time.Time
		want      string // the image found; "" for an error
		wantErr   string // a phrase of the error
		several   bool
	}{
		{name: "the copy alone", listed: []types.Image{made}, notBefore: started, want: aws.ToString(made.ImageId)},
		{name: "an older AMI of the name listed first", listed: []types.Image{older, made}, notBefore: started, want: aws.ToString(made.ImageId)},
		{name: "a copy of another source listed first", listed: []types.Image{otherSource, made}, notBefore: started, want: aws.ToString(made.ImageId)},
		{name: "only an older AMI", listed: []types.Image{older}, notBefore: started, wantErr: "before this copy was started"},
		{name: "only a copy of another source", listed: []types.Image{otherSource}, notBefore: started, wantErr: "not of " + source},
		{name: "a deregistered copy", listed: []types.Image{deregistered}, notBefore: started, wantErr: "no image of this account has that name"},
		{name: "two copies since the start", listed: []types.Image{made, alsoMade}, notBefore: started, several: true,
			wantErr: `2 AMIs of this account named "web" are copies of ` + source + " made since 2030-01-01T12:00:00Z (ami-0made000000000000, ami-0twin000000000000)"},
		{name: "start unknown, an older AMI", listed: []types.Image{older}, want: aws.ToString(older.ImageId)},
		{name: "start unknown, two AMIs", listed: []types.Image{older, made}, several: true, wantErr: "made at any time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := &fakeEC2{describe: func(int, []string) ([]types.Image, error) { return tt.listed, nil }}
			found, err := newFastClient(api).FindUnresolvedCopy(t.Context(), name, source, tt.notBefore)
			if tt.want != "" {
				if err != nil || aws.ToString(found.ImageId) != tt.want {
					t.Fatalf("found %s, %v; want %s", aws.ToString(found.ImageId), err, tt.want)
				}
				return
			}
			var several *SeveralCopiesError
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || errors.As(err, &several) != tt.several || IsNotFound(err) == tt.several {
				t.Fatalf("found %s, %v; want an error saying %q (several copies: %v)", aws.ToString(found.ImageId), err, tt.wantErr, tt.several)
			}
		})
	}
}
