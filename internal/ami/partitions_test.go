package ami

import (
	"strconv"
	"strings"
	"testing"
)

// realRegionCodes are Region names and the code their real zone IDs start
// with, as EC2's DescribeAvailabilityZones reports them.
var realRegionCodes = []struct{ region, code string }{
	{"af-south-1", "afs1"},
	{"ap-east-1", "ape1"},
	{"ap-east-2", "ape2"},
	{"ap-northeast-1", "apne1"},
	{"ap-northeast-2", "apne2"},
	{"ap-northeast-3", "apne3"},
	{"ap-south-1", "aps1"},
	{"ap-south-2", "aps2"},
	{"ap-southeast-1", "apse1"},
	{"ap-southeast-2", "apse2"},
	{"ap-southeast-3", "apse3"},
	{"ap-southeast-4", "apse4"},
	{"ap-southeast-5", "apse5"},
	{"ap-southeast-6", "apse6"},
	{"ap-southeast-7", "apse7"},
	{"ca-central-1", "cac1"},
	{"ca-west-1", "caw1"},
	{"eu-central-1", "euc1"},
	{"eu-central-2", "euc2"},
	{"eu-north-1", "eun1"},
	{"eu-south-1", "eus1"},
	{"eu-south-2", "eus2"},
	{"eu-west-1", "euw1"},
	{"eu-west-2", "euw2"},
	{"eu-west-3", "euw3"},
	{"il-central-1", "ilc1"},
	{"me-central-1", "mec1"},
	{"me-south-1", "mes1"},
	{"mx-central-1", "mxc1"},
	{"sa-east-1", "sae1"},
	{"us-east-1", "use1"},
	{"us-east-2", "use2"},
	{"us-west-1", "usw1"},
	{"us-west-2", "usw2"},
	{"cn-north-1", "cnn1"},
	{"cn-northwest-1", "cnnw1"},
	{"us-gov-east-1", "usge1"},
	{"us-gov-west-1", "usgw1"},
	{"us-iso-east-1", "usie1"},
	{"us-isob-east-1", "usibe1"},
}

// assertError fails unless err is nil when want is "", or contains want.
func assertError(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Fatalf("unexpected error: %v", err)
	case want != "" && err == nil:
		t.Fatalf("expected an error containing %q, got nil", want)
	case want != "" && !strings.Contains(err.Error(), want):
		t.Fatalf("error %q does not contain %q", err, want)
	}
}

// assertQuotesValue fails unless err starts with the quoted input, which the
// provider relies on to show the bad value.
func assertQuotesValue(t *testing.T, err error, input string) {
	t.Helper()
	if err != nil && !strings.HasPrefix(err.Error(), strconv.Quote(input)) {
		t.Fatalf("error %q does not start with the quoted input %q", err, input)
	}
}

func TestValidateRegionName(t *testing.T) {
	t.Parallel()

	valid := []string{
		"us-east-1", "us-east-2", "us-west-1", "us-west-2", "af-south-1",
		"ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-3", "ap-south-2",
		"ap-southeast-1", "ap-southeast-7", "ca-central-1", "ca-west-1",
		"eu-central-1", "eu-central-2", "eu-north-1", "eu-south-2", "eu-west-3",
		"il-central-1", "me-central-1", "me-south-1", "me-west-1", "mx-central-1",
		"sa-east-1", "sa-west-1", "cn-north-1", "cn-northwest-1",
		"us-gov-east-1", "us-gov-west-1", "us-iso-east-1", "us-iso-west-1",
		"us-isob-east-1", "us-isob-west-1", "eu-isoe-west-1", "us-isof-east-1",
		"us-isof-south-1", "eusc-de-east-1",
		// A future Region in a new geography still validates.
		"nz-north-1", "us-east-12",
	}
	for _, region := range valid {
		t.Run(region, func(t *testing.T) {
			t.Parallel()
			assertError(t, ValidateRegionName(region), "")
		})
	}

	invalid := []struct{ input, want string }{
		{"", "not a Region name"},
		{"US-EAST-1", `lowercase without spaces; use "us-east-1"`},
		{" us-east-1", `use "us-east-1"`},
		{"us-east-1a", `Availability Zone, not a Region; use the Region "us-east-1"`},
		{"us-west-2-lax-1a", `Local Zone, not a Region; use its parent Region "us-west-2"`},
		{"us-east", "not a Region name"},
		{"us-east-0", "not a Region name"},
		{"us-est-1", "not a Region name"},
		{"eu-west-north-1", "not a Region name"},
		{"us-foo-east-1", "not a Region name"},
		{"useast1", "not a Region name"},
		{"aws-global", "not a Region name"},
		{"us_east_1", "not a Region name"},
		{"us-east-1\n", "not a Region name"},
		{"us-east-100", "not a Region name"},
	}
	for _, tc := range invalid {
		t.Run(tc.input, func(t *testing.T) {
			t.Parallel()
			err := ValidateRegionName(tc.input)
			assertError(t, err, tc.want)
			assertQuotesValue(t, err, tc.input)
		})
	}
}

func TestPartitionForRegion(t *testing.T) {
	t.Parallel()

	tests := []struct {
		region, partition string
		ok                bool
	}{
		{"us-east-1", "aws", true},
		{"mx-central-1", "aws", true},
		{"il-central-1", "aws", true},
		{"cn-north-1", "aws-cn", true},
		{"cn-northwest-1", "aws-cn", true},
		{"us-gov-west-1", "aws-us-gov", true},
		{"us-iso-east-1", "aws-iso", true},
		{"us-isob-east-1", "aws-iso-b", true},
		{"eu-isoe-west-1", "aws-iso-e", true},
		{"us-isof-south-1", "aws-iso-f", true},
		{"eusc-de-east-1", "aws-eusc", true},
		{"nz-north-1", "", false},
		{"not-a-region", "", false},
		{"", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.region, func(t *testing.T) {
			t.Parallel()
			partition, ok := PartitionForRegion(tc.region)
			if partition != tc.partition || ok != tc.ok {
				t.Fatalf("PartitionForRegion(%q) = %q, %v; want %q, %v", tc.region, partition, ok, tc.partition, tc.ok)
			}
		})
	}
}

func TestRegionShortCode(t *testing.T) {
	t.Parallel()

	for _, tc := range realRegionCodes {
		t.Run(tc.region, func(t *testing.T) {
			t.Parallel()
			if got := RegionShortCode(tc.region); got != tc.code {
				t.Fatalf("RegionShortCode(%q) = %q, want %q", tc.region, got, tc.code)
			}
		})
	}

	// Derived codes for Regions whose zone IDs were not at hand, and
	// non-Regions.
	for region, want := range map[string]string{
		"us-iso-west-1":   "usiw1",
		"us-isof-south-1": "usifs1",
		"eu-isoe-west-1":  "euiew1",
		"eusc-de-east-1":  "euscde1",
		"":                "",
		"us-east-1a":      "",
		"US-EAST-1":       "",
	} {
		if got := RegionShortCode(region); got != want {
			t.Errorf("RegionShortCode(%q) = %q, want %q", region, got, want)
		}
	}
}

func TestRegionShortCodesAreDistinct(t *testing.T) {
	t.Parallel()

	// Every Region the AWS SDK knows, so that no two share a zone ID prefix.
	regions := []string{
		"af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
		"ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3",
		"ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-central-1",
		"ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2",
		"eu-west-1", "eu-west-2", "eu-west-3", "il-central-1", "me-central-1", "me-south-1",
		"me-west-1", "mx-central-1", "sa-east-1", "sa-west-1", "us-east-1", "us-east-2",
		"us-west-1", "us-west-2", "cn-north-1", "cn-northwest-1", "eusc-de-east-1",
		"us-iso-east-1", "us-iso-west-1", "us-isob-east-1", "us-isob-west-1", "eu-isoe-west-1",
		"us-isof-east-1", "us-isof-south-1", "us-gov-east-1", "us-gov-west-1",
	}
	seen := map[string]string{}
	for _, region := range regions {
		code := RegionShortCode(region)
		if code == "" {
			t.Errorf("RegionShortCode(%q) is empty", region)
		}
		if other, dup := seen[code]; dup {
			t.Errorf("%s and %s share the code %q", region, other, code)
		}
		seen[code] = region
	}
}
