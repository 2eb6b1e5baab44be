package ami

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
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

func FuzzSingleValueRules(f *testing.F) {
	imageName := regexp.MustCompile(ImageNamePattern)
	sourceImageID := regexp.MustCompile(SourceImageIDPattern)
	clientToken := regexp.MustCompile(ClientTokenPattern)
	f.Fuzz(func(t *testing.T, s string, minutes int64) {
		if err := ValidateImageName(s); err == nil {
			if n := utf8.RuneCountInString(s); n < MinImageNameLength || n > MaxImageNameLength || !imageName.MatchString(s) {
				t.Fatalf("accepted image name %q", s)
			}
		} else if n := utf8.RuneCountInString(s); n >= MinImageNameLength && n <= MaxImageNameLength && imageName.MatchString(s) {
			t.Fatalf("rejected image name %q: %v", s, err)
		}
		if err := ValidateSourceImageID(s); (err == nil) != sourceImageID.MatchString(s) {
			t.Fatalf("ValidateSourceImageID(%q) = %v, disagreeing with the pattern", s, err)
		}
		if err := ValidateClientToken(s); (err == nil) != (s != "" && len(s) <= MaxClientTokenLength && clientToken.MatchString(s)) {
			t.Fatalf("ValidateClientToken(%q) = %v", s, err)
		}
		if err := ValidateDescription(s); (err == nil) != (utf8.RuneCountInString(s) <= MaxDescriptionLength) {
			t.Fatalf("ValidateDescription(%q) = %v", s, err)
		}
		valid := minutes >= MinSnapshotCopyMinutes && minutes <= MaxSnapshotCopyMinutes && minutes%SnapshotCopyMinutesStep == 0
		if err := ValidateSnapshotCopyMinutes(minutes); (err == nil) != valid {
			t.Fatalf("ValidateSnapshotCopyMinutes(%d) = %v", minutes, err)
		}
	})
}

// knownAttributes are the attributes a RuleViolation may point at.
var knownAttributes = map[string]bool{
	AttributeName: true, AttributeDescription: true, AttributeSourceImageID: true,
	AttributeSourceRegion: true, AttributeRegion: true, AttributeEncrypted: true,
	AttributeKMSKeyID: true, AttributeDestinationOutpostARN: true,
	AttributeDestinationAvailabilityZone: true, AttributeDestinationAvailabilityZoneID: true,
	AttributeSnapshotCopyCompletionDurationMinutes: true, AttributeClientToken: true,
}

func FuzzCheckPlacement(f *testing.F) {
	f.Fuzz(func(t *testing.T, region, sourceRegion, kmsKeyID, outpostARN, zone, zoneID string, minutes int64, encrypted uint8, fromProvider bool) {
		in := PlacementInput{
			Region:                                region,
			RegionFromProvider:                    fromProvider,
			SourceRegion:                          sourceRegion,
			KMSKeyID:                              kmsKeyID,
			DestinationOutpostARN:                 outpostARN,
			DestinationAvailabilityZone:           zone,
			DestinationAvailabilityZoneID:         zoneID,
			SnapshotCopyCompletionDurationMinutes: minutes,
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
			if !knownAttributes[v.Attribute] || v.Summary == "" || !strings.HasSuffix(v.Detail, ".") {
				t.Fatalf("malformed violation %+v", v)
			}
		}
		// A value that is empty (null or unknown) never causes a violation
		// about itself.
		for _, v := range CheckPlacement(in) {
			if (v.Attribute == AttributeKMSKeyID && kmsKeyID == "") ||
				(v.Attribute == AttributeDestinationOutpostARN && outpostARN == "") ||
				(v.Attribute == AttributeSourceRegion && sourceRegion == "") {
				t.Fatalf("violation about an empty value: %+v", v)
			}
		}
		if enc, known := PlannedEncryption(in); known && in.Encrypted == nil && (!enc || outpostARN == "") {
			t.Fatalf("PlannedEncryption = %v, %v for %+v", enc, known, in)
		}
	})
}
