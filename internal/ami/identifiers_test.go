package ami

import (
	"errors"
	"strings"
	"testing"
)

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
		{"alias/aws/s3", "aliases under alias/aws/ name AWS managed keys of other services; use alias/aws/ebs (the AWS managed key for EBS) or a customer managed key"},
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
		{"us-west-2a", "", "an AMI copied to a Region is usable in all its Availability Zones"},
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

func TestIdentifierErrorTypes(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name  string
		parse func() error
		want  error
	}{
		{"zone name", func() error { _, err := ParseLocalZoneName("us-west-2a"); return err }, &AvailabilityZoneError{Zone: "us-west-2a", Region: "us-west-2"}},
		{"zone ID", func() error { _, err := ParseLocalZoneID("usw2-az1"); return err }, &AvailabilityZoneError{Zone: "usw2-az1", ID: true}},
		{"alias", func() error { _, err := ParseKMSKeyID("alias/aws/s3"); return err }, &OtherServiceKeyError{Key: "alias/aws/s3"}},
		{"alias ARN", func() error {
			_, err := ParseKMSKeyID("arn:aws:kms:us-east-1:012345678910:alias/aws/rds")
			return err
		}, &OtherServiceKeyError{Key: "arn:aws:kms:us-east-1:012345678910:alias/aws/rds"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.parse()
			switch want := tc.want.(type) {
			case *AvailabilityZoneError:
				var got *AvailabilityZoneError
				if !errors.As(err, &got) || *got != *want {
					t.Fatalf("error %#v, want %#v", err, want)
				}
			case *OtherServiceKeyError:
				var got *OtherServiceKeyError
				if !errors.As(err, &got) || *got != *want {
					t.Fatalf("error %#v, want %#v", err, want)
				}
			}
		})
	}
}
