package ami

import (
	"testing"
	"time"
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
