package provider

import (
	"strconv"
	"strings"
	"testing"

	"github.com/amicopy/terraform-provider-amicopy/internal/ami"
)

// FuzzParseImportID checks that any import ID either parses into a valid
// AMI ID (and Region) that round-trips, or fails with an error that quotes
// it. The seed inputs live in testdata/fuzz/FuzzParseImportID/ and run as
// ordinary tests with `go test`; `go test -fuzz=FuzzParseImportID` explores
// further.
func FuzzParseImportID(f *testing.F) {
	f.Fuzz(func(t *testing.T, id string) {
		imageID, region, err := parseImportID(id)
		if err != nil {
			if imageID != "" || region != "" {
				t.Fatalf("parseImportID(%q) failed with %v but returned %q, %q", id, err, imageID, region)
			}
			// The user sees the ID exactly as written, so they can find it.
			if !strings.HasPrefix(err.Error(), strconv.Quote(id)) {
				t.Fatalf("error %q does not start with the quoted input", err)
			}
			return
		}
		if err := ami.ValidateSourceImageID(imageID); err != nil {
			t.Fatalf("parseImportID(%q) accepted the AMI ID %q: %v", id, imageID, err)
		}
		if region != "" {
			if err := ami.ValidateRegionName(region); err != nil {
				t.Fatalf("parseImportID(%q) accepted the Region %q: %v", id, region, err)
			}
		}
		// Only surrounding white space is forgiven: what was accepted is
		// the canonical form, which parses to the same parts.
		canonical := imageID
		if region != "" {
			canonical += "@" + region
		}
		if trimmed := strings.TrimSpace(id); trimmed != canonical {
			t.Fatalf("parseImportID(%q) = %q, %q, which is written %q, not %q", id, imageID, region, canonical, trimmed)
		}
		againID, againRegion, err := parseImportID(canonical)
		if err != nil || againID != imageID || againRegion != region {
			t.Fatalf("reparsing %q gave %q, %q, %v; want %q, %q", canonical, againID, againRegion, err, imageID, region)
		}
	})
}
