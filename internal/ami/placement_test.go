package ami

import (
	"reflect"
	"strings"
	"testing"
)

// boolPtr returns a pointer to b.
func boolPtr(b bool) *bool { return &b }

const (
	testOutpostARN = "arn:aws:outposts:us-west-2:111122223333:outpost/op-0123456789abcdef0"
	testKeyARN     = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
)

// violationAttributes returns the attribute of each violation, in order.
func violationAttributes(vs []RuleViolation) []string {
	out := []string{}
	for _, v := range vs {
		out = append(out, v.Attribute)
	}
	return out
}

// checkViolations compares violations with the expected attributes and
// detail fragments, and checks every violation is complete.
func checkViolations(t *testing.T, got []RuleViolation, attributes, details []string) {
	t.Helper()
	if attributes == nil {
		attributes = []string{}
	}
	if !reflect.DeepEqual(violationAttributes(got), attributes) {
		t.Fatalf("violations on %v, want %v: %+v", violationAttributes(got), attributes, got)
	}
	for i, v := range got {
		if v.Summary == "" || v.Detail == "" {
			t.Fatalf("violation %d is missing a summary or detail: %+v", i, v)
		}
		if !strings.HasSuffix(v.Detail, ".") {
			t.Fatalf("violation %d detail does not end a sentence: %q", i, v.Detail)
		}
		if i < len(details) && !strings.Contains(v.Detail, details[i]) {
			t.Fatalf("violation %d detail %q does not contain %q", i, v.Detail, details[i])
		}
	}
}

func TestCheckConfig(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name       string
		in         PlacementInput
		attributes []string
		details    []string
	}{
		{name: "empty"},
		{name: "kms with encrypted true", in: PlacementInput{KMSKeyID: "alias/k", Encrypted: boolPtr(true)}},
		{name: "kms with encrypted unknown", in: PlacementInput{KMSKeyID: "alias/k", EncryptedUnknown: true}},
		{
			name:       "kms with encrypted unset",
			in:         PlacementInput{KMSKeyID: "alias/k"},
			attributes: []string{AttributeKMSKeyID},
			details:    []string{`kms_key_id is "alias/k" but encrypted is not set`},
		},
		{
			name:       "kms with encrypted false",
			in:         PlacementInput{KMSKeyID: "alias/k", Encrypted: boolPtr(false)},
			attributes: []string{AttributeKMSKeyID},
			details:    []string{"but encrypted = false. EC2 uses a KMS key only to encrypt the copy and requires encrypted = true"},
		},
		{
			name:       "kms with encrypted unset on an outpost is still an error",
			in:         PlacementInput{KMSKeyID: "alias/k", DestinationOutpostARN: testOutpostARN},
			attributes: []string{AttributeKMSKeyID},
		},
		{name: "outpost with encrypted unset", in: PlacementInput{DestinationOutpostARN: testOutpostARN}},
		{name: "outpost with encrypted true", in: PlacementInput{DestinationOutpostARN: testOutpostARN, Encrypted: boolPtr(true)}},
		{name: "outpost with encrypted unknown", in: PlacementInput{DestinationOutpostARN: testOutpostARN, EncryptedUnknown: true}},
		{
			name:       "outpost with encrypted false",
			in:         PlacementInput{DestinationOutpostARN: testOutpostARN, Encrypted: boolPtr(false)},
			attributes: []string{AttributeEncrypted},
			details:    []string{"Outposts do not support unencrypted snapshots"},
		},
		{name: "unencrypted local zone copy", in: PlacementInput{DestinationAvailabilityZone: "us-west-2-lax-1a", Encrypted: boolPtr(false)}},
		{
			name: "everything wrong at once",
			in: PlacementInput{
				KMSKeyID: "alias/k", Encrypted: boolPtr(false), DestinationOutpostARN: testOutpostARN,
			},
			attributes: []string{AttributeKMSKeyID, AttributeEncrypted},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			checkViolations(t, CheckConfig(tc.in), tc.attributes, tc.details)
		})
	}
}

func TestCheckPlacement(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name       string
		in         PlacementInput
		attributes []string
		details    []string
	}{
		{name: "empty"},
		{name: "key ARN in the destination region", in: PlacementInput{Region: "us-west-2", KMSKeyID: testKeyARN}},
		{name: "bare key ID anywhere", in: PlacementInput{Region: "eu-west-1", KMSKeyID: "1234abcd-12ab-34cd-56ef-1234567890ab"}},
		{name: "alias anywhere", in: PlacementInput{Region: "eu-west-1", KMSKeyID: "alias/k"}},
		{name: "key ARN with region unknown", in: PlacementInput{KMSKeyID: testKeyARN}},
		{name: "malformed key is left to its validator", in: PlacementInput{Region: "eu-west-1", KMSKeyID: "arn:aws:kms:nowhere"}},
		{
			name:       "key ARN in another region",
			in:         PlacementInput{Region: "eu-west-1", KMSKeyID: testKeyARN},
			attributes: []string{AttributeKMSKeyID},
			details: []string{`kms_key_id "` + testKeyARN + `" is a key in Region us-west-2, but the image is copied to Region eu-west-1 (region). ` +
				`EC2 needs the KMS key to exist in the destination Region: use a key (or a multi-Region replica key) in eu-west-1, or set region = "us-west-2".`},
		},
		{
			name:       "alias ARN in another region from the provider",
			in:         PlacementInput{Region: "eu-west-1", RegionFromProvider: true, KMSKeyID: "arn:aws:kms:us-east-1:111122223333:alias/k"},
			attributes: []string{AttributeKMSKeyID},
			details:    []string{`copied to Region eu-west-1 (the provider's region)`},
		},
		{name: "outpost in region, source in region", in: PlacementInput{Region: "us-west-2", SourceRegion: "us-west-2", DestinationOutpostARN: testOutpostARN}},
		{name: "outpost with regions unknown", in: PlacementInput{DestinationOutpostARN: testOutpostARN}},
		{
			name:       "outpost of another region",
			in:         PlacementInput{Region: "us-east-1", SourceRegion: "us-west-2", DestinationOutpostARN: testOutpostARN},
			attributes: []string{AttributeDestinationOutpostARN},
			details:    []string{`is an Outpost of Region us-west-2, but the image is copied to Region us-east-1 (region)`},
		},
		{
			name:       "source region is not the outpost's",
			in:         PlacementInput{Region: "us-west-2", SourceRegion: "us-east-1", DestinationOutpostARN: testOutpostARN},
			attributes: []string{AttributeSourceRegion},
			details:    []string{`source_region is "us-east-1", but the Outpost in destination_outpost_arn belongs to Region us-west-2`},
		},
		{
			name:       "source region known, destination unknown",
			in:         PlacementInput{SourceRegion: "eu-west-1", DestinationOutpostARN: testOutpostARN},
			attributes: []string{AttributeSourceRegion},
			details:    []string{"cannot copy from an Outpost, between Outposts or within one Outpost"},
		},
		{
			name:       "outpost wrong on both counts",
			in:         PlacementInput{Region: "us-east-1", SourceRegion: "us-east-1", DestinationOutpostARN: testOutpostARN},
			attributes: []string{AttributeDestinationOutpostARN, AttributeSourceRegion},
		},
		{name: "local zone of the region", in: PlacementInput{Region: "us-west-2", SourceRegion: "us-west-2", DestinationAvailabilityZone: "us-west-2-lax-1a"}},
		{
			name:       "local zone of another region",
			in:         PlacementInput{Region: "us-west-2", SourceRegion: "us-west-2", DestinationAvailabilityZone: "us-east-1-bos-1a"},
			attributes: []string{AttributeDestinationAvailabilityZone, AttributeSourceRegion},
			details:    []string{`or choose a Local Zone of us-west-2 (its name starts with "us-west-2-")`, `belongs to Region us-east-1`},
		},
		{
			name:       "local zone from a non-parent source region",
			in:         PlacementInput{Region: "us-west-2", SourceRegion: "eu-west-1", DestinationAvailabilityZone: "us-west-2-lax-1a"},
			attributes: []string{AttributeSourceRegion},
			details:    []string{`source_region is "eu-west-1", but the Local Zone in destination_availability_zone ("us-west-2-lax-1a") belongs to Region us-west-2`},
		},
		{name: "plain availability zone is left to its validator", in: PlacementInput{Region: "us-west-2", DestinationAvailabilityZone: "us-east-1a"}},
		{name: "local zone ID of the region", in: PlacementInput{Region: "us-west-2", SourceRegion: "us-west-2", DestinationAvailabilityZoneID: "usw2-lax1-az1"}},
		{
			name:       "local zone ID of another region",
			in:         PlacementInput{Region: "us-east-1", RegionFromProvider: true, DestinationAvailabilityZoneID: "usw2-lax1-az1"},
			attributes: []string{AttributeDestinationAvailabilityZoneID},
			details:    []string{`is a Local Zone of the Region with code usw2, but the image is copied to Region us-east-1 (the provider's region), whose zone IDs start with "use1-"`},
		},
		{
			name:       "local zone ID from a non-parent source region",
			in:         PlacementInput{Region: "us-west-2", SourceRegion: "us-east-1", DestinationAvailabilityZoneID: "usw2-lax1-az1"},
			attributes: []string{AttributeSourceRegion},
			details:    []string{"belongs to the Region with code usw2"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			checkViolations(t, CheckPlacement(tc.in), tc.attributes, tc.details)
		})
	}
}

func TestPlannedEncryption(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name             string
		in               PlacementInput
		encrypted, known bool
	}{
		{"unset, to the region", PlacementInput{}, false, false},
		{"unset, to a local zone", PlacementInput{DestinationAvailabilityZone: "us-west-2-lax-1a"}, false, false},
		{"unset, to an outpost", PlacementInput{DestinationOutpostARN: testOutpostARN}, true, true},
		{"true", PlacementInput{Encrypted: boolPtr(true)}, true, true},
		{"false", PlacementInput{Encrypted: boolPtr(false)}, false, true},
		{"unknown, to an outpost", PlacementInput{EncryptedUnknown: true, DestinationOutpostARN: testOutpostARN}, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			encrypted, known := PlannedEncryption(tc.in)
			if encrypted != tc.encrypted || known != tc.known {
				t.Fatalf("PlannedEncryption = %v, %v; want %v, %v", encrypted, known, tc.encrypted, tc.known)
			}
		})
	}
}
