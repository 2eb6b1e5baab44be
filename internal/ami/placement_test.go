package ami

import (
	"reflect"
	"testing"
)

// boolPtr returns a pointer to b.
func boolPtr(b bool) *bool { return &b }

const (
	testOutpostARN = "arn:aws:outposts:us-west-2:111122223333:outpost/op-0123456789abcdef0"
	testKeyARN     = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
)

// violationFields returns the field of each violation, in order.
func violationFields(vs []Violation) []Field {
	out := []Field{}
	for _, v := range vs {
		out = append(out, v.Field)
	}
	return out
}

// checkViolations compares violations with the expected fields, and checks
// every violation names its rule and the value it is about.
func checkViolations(t *testing.T, got []Violation, fields []Field) {
	t.Helper()
	if fields == nil {
		fields = []Field{}
	}
	if !reflect.DeepEqual(violationFields(got), fields) {
		t.Fatalf("violations on %v, want %v: %+v", violationFields(got), fields, got)
	}
	for i, v := range got {
		if v.Rule == 0 || v.Value == "" {
			t.Fatalf("violation %d is missing its rule or value: %+v", i, v)
		}
	}
}

func TestCheckConfig(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name   string
		in     PlacementInput
		fields []Field
	}{
		{name: "empty"},
		{name: "kms with encrypted true", in: PlacementInput{KMSKeyID: "alias/k", Encrypted: boolPtr(true)}},
		{name: "kms with encrypted unknown", in: PlacementInput{KMSKeyID: "alias/k", EncryptedUnknown: true}},
		{
			name:   "kms with encrypted unset",
			in:     PlacementInput{KMSKeyID: "alias/k"},
			fields: []Field{FieldKMSKeyID},
		},
		{
			name:   "kms with encrypted false",
			in:     PlacementInput{KMSKeyID: "alias/k", Encrypted: boolPtr(false)},
			fields: []Field{FieldKMSKeyID},
		},
		{
			name:   "kms with encrypted unset on an outpost is still an error",
			in:     PlacementInput{KMSKeyID: "alias/k", DestinationOutpostARN: testOutpostARN},
			fields: []Field{FieldKMSKeyID},
		},
		{name: "outpost with encrypted unset", in: PlacementInput{DestinationOutpostARN: testOutpostARN}},
		{name: "outpost with encrypted true", in: PlacementInput{DestinationOutpostARN: testOutpostARN, Encrypted: boolPtr(true)}},
		{name: "outpost with encrypted unknown", in: PlacementInput{DestinationOutpostARN: testOutpostARN, EncryptedUnknown: true}},
		{
			name:   "outpost with encrypted false",
			in:     PlacementInput{DestinationOutpostARN: testOutpostARN, Encrypted: boolPtr(false)},
			fields: []Field{FieldEncrypted},
		},
		{name: "unencrypted local zone copy", in: PlacementInput{DestinationAvailabilityZone: "us-west-2-lax-1a", Encrypted: boolPtr(false)}},
		{
			name: "everything wrong at once",
			in: PlacementInput{
				KMSKeyID: "alias/k", Encrypted: boolPtr(false), DestinationOutpostARN: testOutpostARN,
			},
			fields: []Field{FieldKMSKeyID, FieldEncrypted},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			checkViolations(t, CheckConfig(tc.in), tc.fields)
		})
	}
}

func TestCheckPlacement(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name   string
		in     PlacementInput
		fields []Field
	}{
		{name: "empty"},
		{name: "key ARN in the destination region", in: PlacementInput{Region: "us-west-2", KMSKeyID: testKeyARN}},
		{name: "bare key ID anywhere", in: PlacementInput{Region: "eu-west-1", KMSKeyID: "1234abcd-12ab-34cd-56ef-1234567890ab"}},
		{name: "alias anywhere", in: PlacementInput{Region: "eu-west-1", KMSKeyID: "alias/k"}},
		{name: "key ARN with region unknown", in: PlacementInput{KMSKeyID: testKeyARN}},
		{name: "malformed key is left to its validator", in: PlacementInput{Region: "eu-west-1", KMSKeyID: "arn:aws:kms:nowhere"}},
		{
			name:   "key ARN in another region",
			in:     PlacementInput{Region: "eu-west-1", KMSKeyID: testKeyARN},
			fields: []Field{FieldKMSKeyID},
		},
		{
			name:   "alias ARN in another region from the provider",
			in:     PlacementInput{Region: "eu-west-1", KMSKeyID: "arn:aws:kms:us-east-1:111122223333:alias/k"},
			fields: []Field{FieldKMSKeyID},
		},
		{name: "outpost in region, source in region", in: PlacementInput{Region: "us-west-2", SourceRegion: "us-west-2", DestinationOutpostARN: testOutpostARN}},
		{name: "outpost with regions unknown", in: PlacementInput{DestinationOutpostARN: testOutpostARN}},
		{
			name:   "outpost of another region",
			in:     PlacementInput{Region: "us-east-1", SourceRegion: "us-west-2", DestinationOutpostARN: testOutpostARN},
			fields: []Field{FieldDestinationOutpostARN},
		},
		{
			name:   "source region is not the outpost's",
			in:     PlacementInput{Region: "us-west-2", SourceRegion: "us-east-1", DestinationOutpostARN: testOutpostARN},
			fields: []Field{FieldSourceRegion},
		},
		{
			name:   "source region known, destination unknown",
			in:     PlacementInput{SourceRegion: "eu-west-1", DestinationOutpostARN: testOutpostARN},
			fields: []Field{FieldSourceRegion},
		},
		{
			name:   "outpost wrong on both counts",
			in:     PlacementInput{Region: "us-east-1", SourceRegion: "us-east-1", DestinationOutpostARN: testOutpostARN},
			fields: []Field{FieldDestinationOutpostARN, FieldSourceRegion},
		},
		{name: "local zone of the region", in: PlacementInput{Region: "us-west-2", SourceRegion: "us-west-2", DestinationAvailabilityZone: "us-west-2-lax-1a"}},
		{
			name:   "local zone of another region",
			in:     PlacementInput{Region: "us-west-2", SourceRegion: "us-west-2", DestinationAvailabilityZone: "us-east-1-bos-1a"},
			fields: []Field{FieldDestinationAvailabilityZone, FieldSourceRegion},
		},
		{
			name:   "local zone from a non-parent source region",
			in:     PlacementInput{Region: "us-west-2", SourceRegion: "eu-west-1", DestinationAvailabilityZone: "us-west-2-lax-1a"},
			fields: []Field{FieldSourceRegion},
		},
		{name: "plain availability zone is left to its validator", in: PlacementInput{Region: "us-west-2", DestinationAvailabilityZone: "us-east-1a"}},
		{name: "local zone ID of the region", in: PlacementInput{Region: "us-west-2", SourceRegion: "us-west-2", DestinationAvailabilityZoneID: "usw2-lax1-az1"}},
		{
			name:   "local zone ID of another region",
			in:     PlacementInput{Region: "us-east-1", DestinationAvailabilityZoneID: "usw2-lax1-az1"},
			fields: []Field{FieldDestinationAvailabilityZoneID},
		},
		{
			name:   "local zone ID from a non-parent source region",
			in:     PlacementInput{Region: "us-west-2", SourceRegion: "us-east-1", DestinationAvailabilityZoneID: "usw2-lax1-az1"},
			fields: []Field{FieldSourceRegion},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			checkViolations(t, CheckPlacement(tc.in), tc.fields)
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
