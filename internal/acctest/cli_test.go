package acctest

import (
	"os/exec"
	"testing"
)

// TestSkipBelowTerraform checks that the version gate skips below the
// installed CLI's version and runs at or above it.
func TestSkipBelowTerraform(t *testing.T) {
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Skip("terraform is not on PATH")
	}
	tests := []struct {
		minimum string
		skipped bool
	}{
		{minimum: "0.12.0", skipped: false},
		{minimum: "999.0.0", skipped: true},
	}
	for _, tt := range tests {
		ran := false
		t.Run(tt.minimum, func(t *testing.T) {
			SkipBelowTerraform(t, tt.minimum, "this test")
			ran = true
		})
		if ran == tt.skipped {
			t.Errorf("SkipBelowTerraform(%s): ran = %v, want skipped = %v", tt.minimum, ran, tt.skipped)
		}
	}
}
