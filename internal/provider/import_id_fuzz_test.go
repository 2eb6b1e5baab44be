package provider

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The oracles below are written from AWS documentation, not from the
// provider's rules, so that a wrong rule cannot vouch for itself.
var (
	// importAMIID is an AMI ID as the EC2 API Reference (Image: imageId)
	// and the EC2 User Guide ("Resource IDs": 8 or, since 2018, 17
	// characters after the prefix) write it: "ami-" and lowercase hex.
	importAMIID = regexp.MustCompile(`^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$`)
	// importRegionShape is what every Region name in the AWS General
	// Reference ("Regions and endpoints") looks like: a geography, an
	// optional sub-geography (gov, iso, isob, de, ...), a compass
	// direction and a number. Any name the provider accepts has it.
	importRegionShape = regexp.MustCompile(`^[a-z]{2,4}(?:-[a-z]{2,4})?-(?:north|south|east|west|central|northeast|northwest|southeast|southwest)-[1-9][0-9]?$`)
)

// documentedRegions are Regions from the AWS General Reference, one or more
// per partition; the provider must accept each.
var documentedRegions = []string{
	"us-east-1", "us-west-2", "eu-central-1", "eu-south-2", "ap-southeast-5", "ap-northeast-3", "sa-east-1",
	"ca-west-1", "me-central-1", "af-south-1", "il-central-1", "mx-central-1",
	"cn-north-1", "cn-northwest-1", "us-gov-west-1", "us-gov-east-1", "us-iso-east-1", "us-isob-east-1",
}

// FuzzParseImportID checks parseImportID against the import ID's grammar,
// "AMI ID" or "AMI ID@Region" with surrounding white space forgiven: every
// ID it accepts follows the grammar, every ID made of a valid AMI ID and a
// documented Region is accepted, and every refusal quotes the input. The
// seed inputs live in testdata/fuzz/FuzzParseImportID/ and run as ordinary
// tests with `go test`; `go test -fuzz=FuzzParseImportID` explores further.
func FuzzParseImportID(f *testing.F) {
	f.Fuzz(func(t *testing.T, id string) {
		imageID, region, err := parseImportID(id)

		wantImageID, wantRegion, hasRegion := strings.Cut(strings.TrimSpace(id), "@")
		validAMI := importAMIID.MatchString(wantImageID)
		mustAccept := validAMI && (!hasRegion || slices.Contains(documentedRegions, wantRegion))
		mayAccept := validAMI && (!hasRegion || importRegionShape.MatchString(wantRegion))

		if err != nil {
			if mustAccept {
				t.Fatalf("parseImportID(%q) refused a valid AMI ID and documented Region: %v", id, err)
			}
			if imageID != "" || region != "" {
				t.Fatalf("parseImportID(%q) failed with %v but returned %q, %q", id, err, imageID, region)
			}
			// The user sees the ID exactly as written, so they can find it.
			if !strings.HasPrefix(err.Error(), strconv.Quote(id)) {
				t.Fatalf("error %q does not start with the quoted input", err)
			}
			return
		}
		if !mayAccept {
			t.Fatalf("parseImportID(%q) = %q, %q; want an error: not an AMI ID with an optional Region", id, imageID, region)
		}
		if imageID != wantImageID || region != wantRegion {
			t.Fatalf("parseImportID(%q) = %q, %q; want %q, %q", id, imageID, region, wantImageID, wantRegion)
		}
	})
}
