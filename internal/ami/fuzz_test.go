package ami

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The seed inputs of these fuzz tests live in testdata/fuzz/<FuzzName>/ and
// run as ordinary tests with `go test`; `go test -fuzz=FuzzName` explores
// further.

// errorQuotesInput fails unless err starts with the quoted input.
func errorQuotesInput(t *testing.T, err error, input string) {
	t.Helper()
	if !strings.HasPrefix(err.Error(), strconv.Quote(input)) {
		t.Fatalf("error %q does not start with the quoted input", err)
	}
}

func FuzzParseKMSKeyID(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParseKMSKeyID(s)
		if err != nil {
			errorQuotesInput(t, err, s)
			return
		}
		if got := k.String(); got != s {
			t.Fatalf("String() = %q, want the input %q", got, s)
		}
		again, err := ParseKMSKeyID(k.String())
		if err != nil || again != k {
			t.Fatalf("reparsing %q gave %+v, %v; want %+v", s, again, err, k)
		}
		switch k.Form {
		case KMSKeyFormKeyID, KMSKeyFormKeyARN:
			if k.KeyID == "" || k.AliasName != "" {
				t.Fatalf("key form with KeyID %q and AliasName %q", k.KeyID, k.AliasName)
			}
		case KMSKeyFormAlias, KMSKeyFormAliasARN:
			if !strings.HasPrefix(k.AliasName, "alias/") || k.KeyID != "" {
				t.Fatalf("alias form with KeyID %q and AliasName %q", k.KeyID, k.AliasName)
			}
		default:
			t.Fatalf("unexpected form %v", k.Form)
		}
		if k.IsARN() {
			if p, ok := PartitionForRegion(k.Region); ok && p != k.Partition {
				t.Fatalf("accepted Region %s in partition %s", k.Region, k.Partition)
			}
			if ValidateRegionName(k.Region) != nil || len(k.Account) != 12 {
				t.Fatalf("accepted Region %q, account %q", k.Region, k.Account)
			}
		} else if k.Partition != "" || k.Region != "" || k.Account != "" {
			t.Fatalf("non-ARN form with ARN fields: %+v", k)
		}
	})
}

func FuzzParseOutpostARN(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		o, err := ParseOutpostARN(s)
		if err != nil {
			errorQuotesInput(t, err, s)
			return
		}
		if got := o.String(); got != s {
			t.Fatalf("String() = %q, want the input %q", got, s)
		}
		if len(o.OutpostID) != len("op-")+17 || ValidateRegionName(o.Region) != nil {
			t.Fatalf("accepted %+v", o)
		}
	})
}

func FuzzParseLocalZoneName(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		z, err := ParseLocalZoneName(s)
		if err != nil {
			errorQuotesInput(t, err, s)
			return
		}
		if got := z.String(); got != s {
			t.Fatalf("String() = %q, want the input %q", got, s)
		}
		if err := ValidateRegionName(z.Region); err != nil {
			t.Fatalf("accepted a zone of a non-Region: %v", err)
		}
		if err := ValidateLocalZoneName(s, z.Region); err != nil {
			t.Fatalf("zone rejected in its own Region: %v", err)
		}
		// The zone's ID in the same Region carries the Region's code.
		id := RegionShortCode(z.Region) + "-" + z.Location + z.Group + "-az1"
		if err := ValidateLocalZoneID(id, z.Region); err != nil {
			t.Fatalf("derived ID %q rejected: %v", id, err)
		}
	})
}

func FuzzParseLocalZoneID(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		z, err := ParseLocalZoneID(s)
		if err != nil {
			errorQuotesInput(t, err, s)
			return
		}
		if got := z.String(); got != s {
			t.Fatalf("String() = %q, want the input %q", got, s)
		}
		if err := ValidateLocalZoneID(s, ""); err != nil {
			t.Fatalf("accepted by ParseLocalZoneID, rejected without a Region: %v", err)
		}
	})
}

// documentedRegionShape is what every Region name in the AWS General
// Reference ("Regions and endpoints") looks like: a geography, an optional
// sub-geography (gov, iso, isob, de, ...), a compass direction and a number.
var documentedRegionShape = regexp.MustCompile(`^[a-z]{2,4}(?:-[a-z]{2,4})?-(?:north|south|east|west|central|northeast|northwest|southeast|southwest)-[1-9][0-9]?$`)

// regionCodeRegexp is the shape every derived Region code has.
var regionCodeRegexp = regexp.MustCompile(`^[a-z]{3,10}[1-9][0-9]?$`)

func FuzzRegionName(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		err := ValidateRegionName(s)
		code := RegionShortCode(s)
		partition, known := PartitionForRegion(s)
		if err != nil {
			errorQuotesInput(t, err, s)
			if code != "" || known {
				t.Fatalf("invalid Region %q has code %q, partition %q", s, code, partition)
			}
			return
		}
		if !documentedRegionShape.MatchString(s) {
			t.Fatalf("ValidateRegionName accepted %q, which is not shaped like any documented Region", s)
		}
		if !regionCodeRegexp.MatchString(code) {
			t.Fatalf("RegionShortCode(%q) = %q", s, code)
		}
		if known && !knownPartitions[partition] {
			t.Fatalf("PartitionForRegion(%q) = unknown partition %q", s, partition)
		}
		if err := ValidateLocalZoneName(s+"-lax-1a", s); err != nil {
			t.Fatalf("a Local Zone of %q is rejected: %v", s, err)
		}
		if err := ValidateLocalZoneID(code+"-lax1-az1", s); err != nil {
			t.Fatalf("a Local Zone ID of %q is rejected: %v", s, err)
		}
	})
}

// The oracles of FuzzSingleValueRules are written from the EC2
// documentation with the numbers it gives, not from rules.go's patterns and
// constants, so that a wrong rule cannot vouch for itself.

// documentedImageName follows the EC2 API Reference, CopyImage, Name:
// "3-128 alphanumeric characters, parentheses (()), square brackets ([]),
// spaces ( ), periods (.), slashes (/), dashes (-), single quotes ('),
// at-signs (@), or underscores(_)".
func documentedImageName(s string) bool {
	if len(s) < 3 || len(s) > 128 {
		return false // every allowed character is one byte
	}
	for i := range len(s) {
		c := s[i]
		letter := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
		digit := '0' <= c && c <= '9'
		if !letter && !digit && strings.IndexByte("()[] ./-'@_", c) < 0 {
			return false
		}
	}
	return true
}

// documentedAMIID follows the EC2 User Guide, "Resource IDs": the prefix
// "ami-" and 8 or 17 lowercase hexadecimal characters.
func documentedAMIID(s string) bool {
	hex, ok := strings.CutPrefix(s, "ami-")
	if !ok || (len(hex) != 8 && len(hex) != 17) {
		return false
	}
	return strings.Trim(hex, "0123456789abcdef") == ""
}

// documentedClientToken follows the EC2 API Reference, "Ensuring
// idempotency": a case-sensitive string of up to 64 ASCII characters; the
// provider documents 1 to 64 printable ones (docs/resources/image.md).
func documentedClientToken(s string) bool {
	if len(s) < 1 || len(s) > 64 {
		return false
	}
	for i := range len(s) {
		if s[i] < ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// documentedSnapshotCopyMinutes follows the EC2 API Reference, CopyImage,
// SnapshotCopyCompletionDurationMinutes: "a minimum of 15 minutes and a
// maximum of 48 hours", "in 15-minute increments".
func documentedSnapshotCopyMinutes(m int64) bool {
	return m >= 15 && m <= 48*60 && m%15 == 0
}

func FuzzSingleValueRules(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string, minutes int64) {
		if err := ValidateImageName(s); (err == nil) != documentedImageName(s) {
			t.Fatalf("ValidateImageName(%q) = %v, disagreeing with the EC2 documentation", s, err)
		}
		if err := ValidateSourceImageID(s); (err == nil) != documentedAMIID(s) {
			t.Fatalf("ValidateSourceImageID(%q) = %v, disagreeing with the EC2 documentation", s, err)
		}
		if err := ValidateClientToken(s); (err == nil) != documentedClientToken(s) {
			t.Fatalf("ValidateClientToken(%q) = %v, disagreeing with the documentation", s, err)
		}
		// EC2 API Reference, CopyImage, Description: "up to 255 characters".
		if err := ValidateDescription(s); (err == nil) != (len([]rune(s)) <= 255) {
			t.Fatalf("ValidateDescription(%q) = %v", s, err)
		}
		if err := ValidateSnapshotCopyMinutes(minutes); (err == nil) != documentedSnapshotCopyMinutes(minutes) {
			t.Fatalf("ValidateSnapshotCopyMinutes(%d) = %v, disagreeing with the EC2 documentation", minutes, err)
		}
	})
}

// knownFields are the inputs a Violation may ask to correct.
var knownFields = map[Field]bool{
	FieldRegion: true, FieldSourceRegion: true, FieldKMSKeyID: true, FieldEncrypted: true,
	FieldDestinationOutpostARN: true, FieldDestinationAvailabilityZone: true, FieldDestinationAvailabilityZoneID: true,
}

// The minutes and fromProvider arguments are no longer inputs of the
// placement rules; they stay so that the stored seed corpus still parses.
func FuzzCheckPlacement(f *testing.F) {
	f.Fuzz(func(t *testing.T, region, sourceRegion, kmsKeyID, outpostARN, zone, zoneID string, _ int64, encrypted uint8, _ bool) {
		in := PlacementInput{
			Region:                        region,
			SourceRegion:                  sourceRegion,
			KMSKeyID:                      kmsKeyID,
			DestinationOutpostARN:         outpostARN,
			DestinationAvailabilityZone:   zone,
			DestinationAvailabilityZoneID: zoneID,
		}
		// encrypted picks one of: unset, unknown, false, true.
		switch encrypted % 4 {
		case 1:
			in.EncryptedUnknown = true
		case 2:
			in.Encrypted = new(bool)
		case 3:
			in.Encrypted = new(bool)
			*in.Encrypted = true
		}

		for _, v := range append(CheckConfig(in), CheckPlacement(in)...) {
			if !knownFields[v.Field] || v.Rule == 0 || v.Value == "" {
				t.Fatalf("malformed violation %+v", v)
			}
		}
		// A value that is empty (null or unknown) never causes a violation
		// about itself, and a Region mismatch names the Region it found.
		for _, v := range CheckPlacement(in) {
			if (v.Field == FieldKMSKeyID && kmsKeyID == "") ||
				(v.Field == FieldDestinationOutpostARN && outpostARN == "") ||
				(v.Field == FieldSourceRegion && sourceRegion == "") ||
				v.ValueRegion == "" {
				t.Fatalf("violation about an empty value: %+v", v)
			}
		}
		if enc, known := PlannedEncryption(in); known && in.Encrypted == nil && (!enc || outpostARN == "") {
			t.Fatalf("PlannedEncryption = %v, %v for %+v", enc, known, in)
		}
	})
}
