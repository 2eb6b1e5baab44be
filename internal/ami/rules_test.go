package ami

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
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

// realLocalZones are real Local Zones: name, ID and parent Region.
var realLocalZones = []struct{ name, id, region string }{
	{"us-west-2-lax-1a", "usw2-lax1-az1", "us-west-2"},
	{"us-west-2-lax-1b", "usw2-lax1-az2", "us-west-2"},
	{"us-west-2-den-1a", "usw2-den1-az1", "us-west-2"},
	{"us-west-2-las-1a", "usw2-las1-az1", "us-west-2"},
	{"us-west-2-pdx-1a", "usw2-pdx1-az1", "us-west-2"},
	{"us-west-2-sea-1a", "usw2-sea1-az1", "us-west-2"},
	{"us-east-1-bos-1a", "use1-bos1-az1", "us-east-1"},
	{"us-east-1-bue-1a", "use1-bue1-az1", "us-east-1"},
	{"us-east-1-chi-2a", "use1-chi2-az1", "us-east-1"},
	{"us-east-1-dfw-2a", "use1-dfw2-az1", "us-east-1"},
	{"us-east-1-lim-1a", "use1-lim1-az1", "us-east-1"},
	{"us-east-1-mci-1a", "use1-mci1-az1", "us-east-1"},
	{"us-east-1-mia-2a", "use1-mia2-az1", "us-east-1"},
	{"us-east-1-msp-1a", "use1-msp1-az1", "us-east-1"},
	{"us-east-1-nyc-2a", "use1-nyc2-az1", "us-east-1"},
	{"us-east-1-phl-1a", "use1-phl1-az1", "us-east-1"},
	{"us-east-1-qro-1a", "use1-qro1-az1", "us-east-1"},
	{"us-east-1-scl-1a", "use1-scl1-az1", "us-east-1"},
	{"af-south-1-los-1a", "afs1-los1-az1", "af-south-1"},
	{"ap-northeast-1-tpe-1a", "apne1-tpe1-az1", "ap-northeast-1"},
	{"ap-south-1-ccu-1a", "aps1-ccu1-az1", "ap-south-1"},
	{"ap-south-1-del-1a", "aps1-del1-az1", "ap-south-1"},
	{"ap-southeast-2-per-1a", "apse2-per1-az1", "ap-southeast-2"},
	{"eu-central-1-ham-1a", "euc1-ham1-az1", "eu-central-1"},
	{"eu-central-1-waw-1a", "euc1-waw1-az1", "eu-central-1"},
	{"eu-north-1-cph-1a", "eun1-cph1-az1", "eu-north-1"},
	{"eu-north-1-hel-1a", "eun1-hel1-az1", "eu-north-1"},
	{"me-south-1-mct-1a", "mes1-mct1-az1", "me-south-1"},
	{"cn-north-1-pkx-1a", "cnn1-pkx1-az1", "cn-north-1"},
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

func TestParseKMSKeyID(t *testing.T) {
	t.Parallel()

	const uuid = "1234abcd-12ab-34cd-56ef-1234567890ab"
	const mrk = "mrk-1234abcd12ab34cd56ef1234567890ab"
	valid := []struct {
		input string
		want  KMSKey
	}{
		{uuid, KMSKey{Form: KMSKeyFormKeyID, KeyID: uuid}},
		{mrk, KMSKey{Form: KMSKeyFormKeyID, KeyID: mrk}},
		{"alias/ExampleAlias", KMSKey{Form: KMSKeyFormAlias, AliasName: "alias/ExampleAlias"}},
		{"alias/team/app_key-2", KMSKey{Form: KMSKeyFormAlias, AliasName: "alias/team/app_key-2"}},
		{"alias/aws/ebs", KMSKey{Form: KMSKeyFormAlias, AliasName: "alias/aws/ebs"}},
		{"alias/aws", KMSKey{Form: KMSKeyFormAlias, AliasName: "alias/aws"}},
		{"alias/" + strings.Repeat("a", 250), KMSKey{Form: KMSKeyFormAlias, AliasName: "alias/" + strings.Repeat("a", 250)}},
		{"arn:aws:kms:us-east-1:012345678910:key/" + uuid,
			KMSKey{Form: KMSKeyFormKeyARN, Partition: "aws", Region: "us-east-1", Account: "012345678910", KeyID: uuid}},
		{"arn:aws:kms:us-west-2:111122223333:key/" + mrk,
			KMSKey{Form: KMSKeyFormKeyARN, Partition: "aws", Region: "us-west-2", Account: "111122223333", KeyID: mrk}},
		{"arn:aws:kms:us-east-1:012345678910:alias/ExampleAlias",
			KMSKey{Form: KMSKeyFormAliasARN, Partition: "aws", Region: "us-east-1", Account: "012345678910", AliasName: "alias/ExampleAlias"}},
		{"arn:aws-cn:kms:cn-north-1:111122223333:key/" + uuid,
			KMSKey{Form: KMSKeyFormKeyARN, Partition: "aws-cn", Region: "cn-north-1", Account: "111122223333", KeyID: uuid}},
		{"arn:aws-us-gov:kms:us-gov-west-1:111122223333:alias/aws/ebs",
			KMSKey{Form: KMSKeyFormAliasARN, Partition: "aws-us-gov", Region: "us-gov-west-1", Account: "111122223333", AliasName: "alias/aws/ebs"}},
		{"arn:aws-iso:kms:us-iso-east-1:111122223333:key/" + uuid,
			KMSKey{Form: KMSKeyFormKeyARN, Partition: "aws-iso", Region: "us-iso-east-1", Account: "111122223333", KeyID: uuid}},
		{"arn:aws-iso-b:kms:us-isob-east-1:111122223333:key/" + uuid,
			KMSKey{Form: KMSKeyFormKeyARN, Partition: "aws-iso-b", Region: "us-isob-east-1", Account: "111122223333", KeyID: uuid}},
		{"arn:aws-iso-e:kms:eu-isoe-west-1:111122223333:key/" + uuid,
			KMSKey{Form: KMSKeyFormKeyARN, Partition: "aws-iso-e", Region: "eu-isoe-west-1", Account: "111122223333", KeyID: uuid}},
		{"arn:aws-iso-f:kms:us-isof-south-1:111122223333:key/" + uuid,
			KMSKey{Form: KMSKeyFormKeyARN, Partition: "aws-iso-f", Region: "us-isof-south-1", Account: "111122223333", KeyID: uuid}},
		{"arn:aws-eusc:kms:eusc-de-east-1:111122223333:key/" + uuid,
			KMSKey{Form: KMSKeyFormKeyARN, Partition: "aws-eusc", Region: "eusc-de-east-1", Account: "111122223333", KeyID: uuid}},
	}
	for _, tc := range valid {
		t.Run(tc.input, func(t *testing.T) {
			t.Parallel()
			got, err := ParseKMSKeyID(tc.input)
			assertError(t, err, "")
			if got != tc.want {
				t.Fatalf("ParseKMSKeyID(%q) = %+v, want %+v", tc.input, got, tc.want)
			}
			if got.String() != tc.input {
				t.Fatalf("String() = %q, want the input %q", got.String(), tc.input)
			}
		})
	}

	invalid := []struct{ input, want string }{
		{"", "not a KMS key identifier; use a key ID"},
		{"my-key", "not a KMS key identifier; use a key ID"},
		{"1234ABCD-12AB-34CD-56EF-1234567890AB", `key IDs are lowercase; use "1234abcd-12ab-34cd-56ef-1234567890ab"`},
		{"1234abcd-12ab-34cd-56ef-1234567890a", "not a KMS key identifier"},
		{"1234abcd12ab34cd56ef1234567890ab", "not a KMS key identifier"},
		{"mrk-1234abcd", "not a KMS key identifier"},
		{"mrk-1234ABCD12AB34CD56EF1234567890AB", "key IDs are lowercase"},
		{"alias/", "an alias is \"alias/\" and a name"},
		{"alias/my key", "an alias is \"alias/\" and a name"},
		{"alias/aws/s3", "aliases under alias/aws/ name AWS managed keys of other services; use alias/aws/ebs"},
		{"alias/aws/rds", "use alias/aws/ebs"},
		{"alias/" + strings.Repeat("a", 251), "KMS allows at most 256"},
		{"arn:aws:kms:us-east-1:012345678910", "is not an ARN"},
		{"arn:aws:iam::012345678910:role/x", `ARN of service "iam", not kms`},
		{"arn:aws:kms:us-east-1:012345678910:key/not-a-uuid", `"not-a-uuid" is not a key ID`},
		{"arn:aws:kms:us-east-1:012345678910:key/1234ABCD-12AB-34CD-56EF-1234567890AB",
			`use "arn:aws:kms:us-east-1:012345678910:key/1234abcd-12ab-34cd-56ef-1234567890ab"`},
		{"arn:aws:kms:us-east-1:012345678910:alias/aws/s3", "use alias/aws/ebs"},
		{"arn:aws:kms:us-east-1:012345678910:grant/abc", "ends in key/ID or alias/NAME"},
		{"arn:aws:kms:us-east-1:012345678910:" + uuid, "ends in key/ID or alias/NAME"},
		{"arn:aws:kms:us-east-1:12345:key/" + uuid, "an AWS account ID is 12 digits"},
		{"arn:aws:kms:us-east-1::key/" + uuid, "an AWS account ID is 12 digits"},
		{"arn:aws:kms::012345678910:key/" + uuid, "does not name a valid Region"},
		{"arn:aws:kms:us-east-1a:012345678910:key/" + uuid, `use the Region "us-east-1"`},
		{"arn:aws-foo:kms:us-east-1:012345678910:key/" + uuid, `partition "aws-foo"`},
		{"arn:aws:kms:cn-north-1:012345678910:key/" + uuid, "which is in partition aws-cn, not aws"},
		{"arn:aws-us-gov:kms:us-east-1:012345678910:key/" + uuid, "which is in partition aws, not aws-us-gov"},
		{"ARN:aws:kms:us-east-1:012345678910:key/" + uuid, "not a KMS key identifier; use a key ID"},
	}
	for _, tc := range invalid {
		t.Run(tc.input, func(t *testing.T) {
			t.Parallel()
			_, err := ParseKMSKeyID(tc.input)
			assertError(t, err, tc.want)
			assertQuotesValue(t, err, tc.input)
		})
	}
}

func TestKMSKeyMethods(t *testing.T) {
	t.Parallel()

	tests := []struct {
		input                          string
		isARN, multiRegion, awsManaged bool
		form                           string
	}{
		{"1234abcd-12ab-34cd-56ef-1234567890ab", false, false, false, "key ID"},
		{"mrk-1234abcd12ab34cd56ef1234567890ab", false, true, false, "key ID"},
		{"alias/aws/ebs", false, false, true, "alias name"},
		{"arn:aws:kms:us-east-1:012345678910:key/mrk-1234abcd12ab34cd56ef1234567890ab", true, true, false, "key ARN"},
		{"arn:aws:kms:us-east-1:012345678910:alias/aws/ebs", true, false, true, "alias ARN"},
	}
	for _, tc := range tests {
		t.Run(tc.input, func(t *testing.T) {
			t.Parallel()
			k, err := ParseKMSKeyID(tc.input)
			assertError(t, err, "")
			if k.IsARN() != tc.isARN || k.MultiRegion() != tc.multiRegion || k.AWSManaged() != tc.awsManaged || k.Form.String() != tc.form {
				t.Fatalf("got IsARN=%v MultiRegion=%v AWSManaged=%v Form=%q", k.IsARN(), k.MultiRegion(), k.AWSManaged(), k.Form)
			}
		})
	}
	if got := (KMSKey{}).String(); got != "" {
		t.Errorf("zero KMSKey String() = %q, want empty", got)
	}
	if got := KMSKeyForm(9).String(); got != "KMSKeyForm(9)" {
		t.Errorf("KMSKeyForm(9).String() = %q", got)
	}
}

func TestParseOutpostARN(t *testing.T) {
	t.Parallel()

	valid := []struct {
		input string
		want  OutpostARN
	}{
		{"arn:aws:outposts:us-west-2:111122223333:outpost/op-0123456789abcdef0",
			OutpostARN{Partition: "aws", Region: "us-west-2", Account: "111122223333", OutpostID: "op-0123456789abcdef0"}},
		{"arn:aws-us-gov:outposts:us-gov-west-1:111122223333:outpost/op-abcdefabcdefabcde",
			OutpostARN{Partition: "aws-us-gov", Region: "us-gov-west-1", Account: "111122223333", OutpostID: "op-abcdefabcdefabcde"}},
		{"arn:aws-cn:outposts:cn-northwest-1:111122223333:outpost/op-0123456789abcdef0",
			OutpostARN{Partition: "aws-cn", Region: "cn-northwest-1", Account: "111122223333", OutpostID: "op-0123456789abcdef0"}},
		{"arn:aws-eusc:outposts:eusc-de-east-1:111122223333:outpost/op-0123456789abcdef0",
			OutpostARN{Partition: "aws-eusc", Region: "eusc-de-east-1", Account: "111122223333", OutpostID: "op-0123456789abcdef0"}},
	}
	for _, tc := range valid {
		t.Run(tc.input, func(t *testing.T) {
			t.Parallel()
			got, err := ParseOutpostARN(tc.input)
			assertError(t, err, "")
			if got != tc.want {
				t.Fatalf("ParseOutpostARN(%q) = %+v, want %+v", tc.input, got, tc.want)
			}
			if got.String() != tc.input {
				t.Fatalf("String() = %q, want the input %q", got.String(), tc.input)
			}
		})
	}

	invalid := []struct{ input, want string }{
		{"", "not an Outpost ARN; use arn:PARTITION:outposts"},
		{"op-0123456789abcdef0", "not an Outpost ARN; use arn:PARTITION:outposts"},
		{"arn:aws:ec2:us-west-2:111122223333:outpost/op-0123456789abcdef0", `service "ec2", not outposts`},
		{"arn:aws:outposts:us-west-2:111122223333:site/os-0123456789abcdef0", "the resource is \"site/os-0123456789abcdef0\""},
		{"arn:aws:outposts:us-west-2:111122223333:outpost/op-0123456789abcdef", `"op-0123456789abcdef" is not an Outpost ID`},
		{"arn:aws:outposts:us-west-2:111122223333:outpost/op-0123456789abcdefg", "is not an Outpost ID"},
		{"arn:aws:outposts:us-west-2:111122223333:outpost/op-0123456789ABCDEF0",
			`Outpost IDs are lowercase; use "arn:aws:outposts:us-west-2:111122223333:outpost/op-0123456789abcdef0"`},
		{"arn:aws:outposts:us-west-2:1111222233:outpost/op-0123456789abcdef0", "12 digits"},
		{"arn:aws:outposts:us-west-2b:111122223333:outpost/op-0123456789abcdef0", "does not name a valid Region"},
		{"arn:aws:outposts:us-gov-west-1:111122223333:outpost/op-0123456789abcdef0", "partition aws-us-gov, not aws"},
		{"arn:amazon:outposts:us-west-2:111122223333:outpost/op-0123456789abcdef0", `partition "amazon"`},
	}
	for _, tc := range invalid {
		t.Run(tc.input, func(t *testing.T) {
			t.Parallel()
			_, err := ParseOutpostARN(tc.input)
			assertError(t, err, tc.want)
			assertQuotesValue(t, err, tc.input)
		})
	}
}

func TestRealLocalZones(t *testing.T) {
	t.Parallel()

	for _, tc := range realLocalZones {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assertError(t, ValidateLocalZoneName(tc.name, tc.region), "")
			assertError(t, ValidateLocalZoneID(tc.id, tc.region), "")

			name, err := ParseLocalZoneName(tc.name)
			assertError(t, err, "")
			id, err := ParseLocalZoneID(tc.id)
			assertError(t, err, "")
			if name.Region != tc.region || id.RegionCode != RegionShortCode(tc.region) {
				t.Fatalf("name Region %q, ID code %q; want %q, %q", name.Region, id.RegionCode, tc.region, RegionShortCode(tc.region))
			}
			if name.Location != id.Location || name.Group != id.Group {
				t.Fatalf("name %+v and ID %+v disagree on location or group", name, id)
			}
			if name.String() != tc.name || id.String() != tc.id {
				t.Fatalf("String() = %q, %q; want %q, %q", name.String(), id.String(), tc.name, tc.id)
			}
		})
	}
}

func TestValidateLocalZoneName(t *testing.T) {
	t.Parallel()

	tests := []struct{ zone, region, want string }{
		{"us-west-2-lax-1a", "us-west-2", ""},
		{"us-west-2-lax-1a", "", ""},
		{"us-east-1-bos-1a", "us-east-1", ""},
		{"us-gov-west-1-xyz-1a", "us-gov-west-1", ""},
		{"us-east-1-bos-1a", "us-west-2", `is a Local Zone of Region us-east-1, not of us-west-2; use a zone whose name starts with "us-west-2-"`},
		{"us-west-2a", "us-west-2", "is an Availability Zone of Region us-west-2, not a Local Zone"},
		{"us-west-2a", "", "leave destination_availability_zone unset to copy to us-west-2"},
		{"us-east-1-wl1-bos-wlz-1", "us-east-1", "is a Wavelength Zone"},
		{"", "", "not a Local Zone name"},
		{"us-west-2-lax-1", "", "not a Local Zone name"},
		{"us-west-2-lax1a", "", "not a Local Zone name"},
		{"US-WEST-2-LAX-1A", "", "not a Local Zone name"},
		{"usw2-lax1-az1", "", "not a Local Zone name"},
		{"eu-west-north-1-lax-1a", "", "not a Local Zone name"},
		{"us-west-2-l-1a", "", "not a Local Zone name"},
	}
	for _, tc := range tests {
		t.Run(tc.zone+"/"+tc.region, func(t *testing.T) {
			t.Parallel()
			err := ValidateLocalZoneName(tc.zone, tc.region)
			assertError(t, err, tc.want)
			assertQuotesValue(t, err, tc.zone)
		})
	}
}

func TestValidateLocalZoneID(t *testing.T) {
	t.Parallel()

	tests := []struct{ id, region, want string }{
		{"usw2-lax1-az1", "us-west-2", ""},
		{"usw2-lax1-az1", "", ""},
		{"cnn1-pkx1-az1", "cn-north-1", ""},
		{"usw2-lax1-az1", "us-east-1", `Local Zone of the Region with code usw2, not of us-east-1, whose zone IDs start with "use1-"`},
		{"use1-bos1-az1", "us-east-2", "whose zone IDs start with \"use2-\""},
		{"usw2-lax1-az1", "not-a-region", ""},
		{"usw2-az1", "us-west-2", "is the ID of an Availability Zone, not a Local Zone"},
		{"use1-wl1-bos-wlz1", "us-east-1", "is a Wavelength Zone ID"},
		{"", "", "not a Local Zone ID"},
		{"us-west-2-lax-1a", "", "not a Local Zone ID"},
		{"usw2-lax-az1", "", "not a Local Zone ID"},
		{"USW2-LAX1-AZ1", "", "not a Local Zone ID"},
		{"usw2-lax1-az0", "", "not a Local Zone ID"},
	}
	for _, tc := range tests {
		t.Run(tc.id+"/"+tc.region, func(t *testing.T) {
			t.Parallel()
			err := ValidateLocalZoneID(tc.id, tc.region)
			assertError(t, err, tc.want)
			assertQuotesValue(t, err, tc.id)
		})
	}
}

func TestValidateImageName(t *testing.T) {
	t.Parallel()

	tests := []struct{ input, want string }{
		{"abc", ""},
		{"My server (copy) [v1.2] /a-b 'x' @home_1", ""},
		{strings.Repeat("a", 128), ""},
		{"ab", "has 2 characters; an AMI name has 3 to 128"},
		{"", "has 0 characters"},
		{strings.Repeat("a", 129), "has 129 characters"},
		{"my image!", `contains '!', which an AMI name cannot contain`},
		{"image:1", `contains ':'`},
		{"imágé", `contains 'á'`},
		{"tab\tname", `contains '\t'`},
	}
	for _, tc := range tests {
		t.Run(tc.input, func(t *testing.T) {
			t.Parallel()
			err := ValidateImageName(tc.input)
			assertError(t, err, tc.want)
			assertQuotesValue(t, err, tc.input)
		})
	}
}

func TestValidateDescription(t *testing.T) {
	t.Parallel()

	tests := []struct{ input, want string }{
		{"", ""},
		{strings.Repeat("d", 255), ""},
		{strings.Repeat("é", 255), ""},
		{strings.Repeat("d", 256), "has 256 characters; an AMI description has at most 255"},
	}
	for _, tc := range tests {
		assertError(t, ValidateDescription(tc.input), tc.want)
	}
}

func TestValidateSourceImageID(t *testing.T) {
	t.Parallel()

	tests := []struct{ input, want string }{
		{"ami-5731123e", ""},
		{"ami-0123456789abcdef0", ""},
		{"ami-0123456789ABCDEF0", `AMI IDs are lowercase; use "ami-0123456789abcdef0"`},
		{"AMI-5731123E", `use "ami-5731123e"`},
		{"ami-5731123", "8 or 17 lowercase hexadecimal digits"},
		{"ami-0123456789abcdef", "8 or 17"},
		{"ami-0123456789abcdef01", "8 or 17"},
		{"ami-5731123g", "8 or 17"},
		{"5731123e", "not an AMI ID"},
		{"snap-0123456789abcdef0", "not an AMI ID"},
		{"", "not an AMI ID"},
	}
	for _, tc := range tests {
		t.Run(tc.input, func(t *testing.T) {
			t.Parallel()
			err := ValidateSourceImageID(tc.input)
			assertError(t, err, tc.want)
			assertQuotesValue(t, err, tc.input)
		})
	}
}

func TestValidateClientToken(t *testing.T) {
	t.Parallel()

	tests := []struct{ input, want string }{
		{"a", ""},
		{"550e8400-e29b-41d4-a716-446655440000", ""},
		{"token with spaces ~!@#$%^&*()", ""},
		{strings.Repeat("t", 128), ""},
		{"", "not a client token"},
		{strings.Repeat("t", 129), "has 129 bytes; it has at most 128 ASCII characters"},
		{"tökén", "only printable ASCII"},
		{"line\nbreak", "only printable ASCII"},
	}
	for _, tc := range tests {
		t.Run(tc.input, func(t *testing.T) {
			t.Parallel()
			assertError(t, ValidateClientToken(tc.input), tc.want)
		})
	}
}

func TestValidateSnapshotCopyMinutes(t *testing.T) {
	t.Parallel()

	tests := []struct {
		input int64
		want  string
	}{
		{15, ""},
		{30, ""},
		{1440, ""},
		{2880, ""},
		{0, "0 minutes is not a completion duration: use a multiple of 15 from 15 to 2880"},
		{-15, "-15 minutes"},
		{7, "(48 hours), such as 15"},
		{20, "such as 15 or 30"},
		{2870, "such as 2865 or 2880"},
		{2895, "from 15 to 2880 (48 hours)"},
	}
	for _, tc := range tests {
		t.Run(strconv.FormatInt(tc.input, 10), func(t *testing.T) {
			t.Parallel()
			err := ValidateSnapshotCopyMinutes(tc.input)
			assertError(t, err, tc.want)
			if tc.input == 2895 && strings.Contains(err.Error(), "such as") {
				t.Fatalf("no nearest value above the maximum: %v", err)
			}
		})
	}
}

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
			name:       "outpost and zone",
			in:         PlacementInput{DestinationOutpostARN: testOutpostARN, DestinationAvailabilityZone: "us-west-2-lax-1a"},
			attributes: []string{AttributeDestinationAvailabilityZone},
			details:    []string{"destination_outpost_arn and destination_availability_zone are both set, but a copy has a single destination"},
		},
		{
			name:       "zone and zone ID",
			in:         PlacementInput{DestinationAvailabilityZone: "us-west-2-lax-1a", DestinationAvailabilityZoneID: "usw2-lax1-az1"},
			attributes: []string{AttributeDestinationAvailabilityZoneID},
			details:    []string{"destination_availability_zone and destination_availability_zone_id are both set"},
		},
		{
			name: "all three destinations",
			in: PlacementInput{
				DestinationOutpostARN: testOutpostARN, DestinationAvailabilityZone: "us-west-2-lax-1a", DestinationAvailabilityZoneID: "usw2-lax1-az1",
			},
			attributes: []string{AttributeDestinationAvailabilityZone},
			details:    []string{"destination_outpost_arn, destination_availability_zone and destination_availability_zone_id are all set"},
		},
		{name: "timed copy to the region", in: PlacementInput{SnapshotCopyCompletionDurationMinutes: 60}},
		{
			name:       "timed copy to an outpost",
			in:         PlacementInput{SnapshotCopyCompletionDurationMinutes: 60, DestinationOutpostARN: testOutpostARN},
			attributes: []string{AttributeSnapshotCopyCompletionDurationMinutes},
			details:    []string{"snapshot_copy_completion_duration_minutes (60) cannot be used with destination_outpost_arn"},
		},
		{
			name:       "timed copy to a local zone",
			in:         PlacementInput{SnapshotCopyCompletionDurationMinutes: 15, DestinationAvailabilityZone: "us-west-2-lax-1a"},
			attributes: []string{AttributeSnapshotCopyCompletionDurationMinutes},
			details:    []string{"only from Region to Region, not to an Outpost or to or from a Local Zone"},
		},
		{
			name:       "timed copy to a local zone ID",
			in:         PlacementInput{SnapshotCopyCompletionDurationMinutes: 15, DestinationAvailabilityZoneID: "usw2-lax1-az1"},
			attributes: []string{AttributeSnapshotCopyCompletionDurationMinutes},
			details:    []string{"remove destination_availability_zone_id to copy to the Region"},
		},
		{
			name: "everything wrong at once",
			in: PlacementInput{
				KMSKeyID: "alias/k", Encrypted: boolPtr(false), DestinationOutpostARN: testOutpostARN,
				DestinationAvailabilityZoneID: "usw2-lax1-az1", SnapshotCopyCompletionDurationMinutes: 30,
			},
			attributes: []string{
				AttributeKMSKeyID, AttributeEncrypted, AttributeDestinationAvailabilityZoneID, AttributeSnapshotCopyCompletionDurationMinutes,
			},
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

func TestCheckDeprecationTime(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	created := now.AddDate(-1, 0, 0)
	tests := []struct {
		name    string
		at      time.Time
		public  bool
		created time.Time
		// wantPast and wantLimit describe the refusal; neither means accepted.
		wantPast  bool
		wantLimit time.Time
		wantText  string
	}{
		{name: "a minute ahead", at: now.Add(time.Minute)},
		{name: "exactly 10 years ahead", at: now.AddDate(10, 0, 0)},
		{name: "now is not the future", at: now, wantPast: true, wantText: "2026-03-01T12:00:00Z is in the past"},
		{name: "yesterday", at: now.AddDate(0, 0, -1), wantPast: true},
		{name: "a minute past 10 years", at: now.AddDate(10, 0, 0).Add(time.Minute), wantLimit: now.AddDate(10, 0, 0),
			wantText: "more than 10 years from now; EC2 deprecates an AMI at most 10 years ahead, by 2036-03-01T12:00:00Z"},
		{name: "public within 2 years of creation", at: created.AddDate(2, 0, 0), public: true, created: created},
		{name: "public past 2 years of creation", at: created.AddDate(2, 0, 1), public: true, created: created, wantLimit: created.AddDate(2, 0, 0),
			wantText: "more than 2 years after the AMI was created"},
		{name: "public new copy counts from now", at: now.AddDate(2, 0, 1), public: true, wantLimit: now.AddDate(2, 0, 0)},
		{name: "public in the past", at: now.Add(-time.Minute), public: true, created: created, wantPast: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := CheckDeprecationTime(tt.at, now, tt.public, tt.created)
			var refused *DeprecationTimeError
			if !tt.wantPast && tt.wantLimit.IsZero() {
				if err != nil {
					t.Fatalf("CheckDeprecationTime(%s) = %v, want accepted", tt.at, err)
				}
				return
			}
			if !errors.As(err, &refused) {
				t.Fatalf("CheckDeprecationTime(%s) = %v, want a *DeprecationTimeError", tt.at, err)
			}
			if refused.Past != tt.wantPast || !refused.Limit.Equal(tt.wantLimit) || refused.Public != (tt.public && !tt.wantPast) {
				t.Errorf("refusal = %+v, want past %v, limit %s, public %v", refused, tt.wantPast, tt.wantLimit, tt.public)
			}
			if !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("message %q does not say %q", err, tt.wantText)
			}
		})
	}
}
