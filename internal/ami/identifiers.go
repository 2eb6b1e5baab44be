package ami

// Identifiers and ARNs that CopyImage takes, each from its documentation
// (API reference and the SDK's CopyImageInput field docs) or the EC2 User
// Guide page it links to:
//
//   - SourceImageId: "ami-" and 8 or 17 lowercase hex digits (EC2 resource IDs).
//   - KmsKeyId: a key ID (UUID or mrk- multi-Region ID), alias/NAME, key ARN
//     or alias ARN, in any partition. Aliases under alias/aws/ belong to AWS
//     managed keys; only alias/aws/ebs is one EBS uses.
//   - DestinationOutpostArn: arn:PARTITION:outposts:REGION:ACCOUNT:outpost/op-
//     and 17 hex digits.
//   - DestinationAvailabilityZone and DestinationAvailabilityZoneId name a
//     Local Zone. Plain Availability Zones are rejected: the fields are
//     documented as "The Local Zone for the new AMI", and an AMI copied to a
//     Region already serves every Availability Zone of it.
//
// Errors start with the quoted value, so that callers can show it.

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

const (
	// SourceImageIDPattern matches an AMI ID in either ID length; exported
	// as a string (not a compiled value) so that callers cannot change it.
	SourceImageIDPattern = `^ami-([0-9a-f]{8}|[0-9a-f]{17})$`

	maxKMSAliasLength = 256
)

var (
	sourceImageIDRegexp = lazyRegexp(SourceImageIDPattern)

	// availabilityZoneNameRegexp matches a Region's own zones (us-west-2a).
	availabilityZoneNameRegexp = lazyRegexp(`^` + regionPattern + `[a-z]$`)
	// localZoneNameRegexp matches us-west-2-lax-1a: Region, location, group
	// number and zone letter.
	localZoneNameRegexp = lazyRegexp(`^(` + regionPattern + `)-([a-z]{3,5})-([1-9][0-9]?)([a-z])$`)
	// availabilityZoneIDRegexp matches a Region's own zone IDs (usw2-az1).
	availabilityZoneIDRegexp = lazyRegexp(`^[a-z]{3,10}[1-9][0-9]?-az[1-9][0-9]?$`)
	// localZoneIDRegexp matches usw2-lax1-az1: Region code, location, group
	// number and zone number.
	localZoneIDRegexp = lazyRegexp(`^([a-z]{3,10}[1-9][0-9]?)-([a-z]{3,5})([1-9][0-9]?)-az([1-9][0-9]?)$`)

	kmsKeyUUIDRegexp        = lazyRegexp(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	kmsMultiRegionKeyRegexp = lazyRegexp(`^mrk-[0-9a-f]{32}$`)
	kmsAliasRegexp          = lazyRegexp(`^alias/[a-zA-Z0-9/_-]+$`)
	outpostIDRegexp         = lazyRegexp(`^op-[0-9a-f]{17}$`)
)

// ValidateSourceImageID reports whether s is an AMI ID.
func ValidateSourceImageID(s string) error {
	if sourceImageIDRegexp().MatchString(s) {
		return nil
	}
	if lower := strings.ToLower(s); sourceImageIDRegexp().MatchString(lower) {
		return fmt.Errorf("%q is not an AMI ID: AMI IDs are lowercase; use %q", s, lower)
	}
	return fmt.Errorf("%q is not an AMI ID; use \"ami-\" and 8 or 17 lowercase hexadecimal digits, such as ami-0123456789abcdef0", s)
}

// KMSKeyForm says which of the four accepted forms a KMS key identifier has.
type KMSKeyForm int

// The forms of a KMS key identifier, as CopyImage's KmsKeyId lists them.
const (
	KMSKeyFormKeyID KMSKeyForm = iota + 1
	KMSKeyFormAlias
	KMSKeyFormKeyARN
	KMSKeyFormAliasARN
)

// String names the form for messages.
func (f KMSKeyForm) String() string {
	switch f {
	case KMSKeyFormKeyID:
		return "key ID"
	case KMSKeyFormAlias:
		return "alias name"
	case KMSKeyFormKeyARN:
		return "key ARN"
	case KMSKeyFormAliasARN:
		return "alias ARN"
	}
	return "KMSKeyForm(" + strconv.Itoa(int(f)) + ")"
}

// KMSKey is a parsed KMS key identifier. Partition, Region and Account are set for the
// two ARN forms only; KeyID for key forms; AliasName (with its "alias/" prefix)
// for alias forms.
type KMSKey struct {
	Form      KMSKeyForm
	Partition string
	Region    string
	Account   string
	KeyID     string
	AliasName string
}

// IsARN reports whether the key was given as an ARN, which pins its Region.
func (k KMSKey) IsARN() bool {
	return k.Form == KMSKeyFormKeyARN || k.Form == KMSKeyFormAliasARN
}

// MultiRegion reports whether the key ID is a multi-Region key's (mrk-...).
func (k KMSKey) MultiRegion() bool {
	return strings.HasPrefix(k.KeyID, "mrk-")
}

// AWSManaged reports whether the key is named by the alias of the AWS managed
// key for EBS.
func (k KMSKey) AWSManaged() bool {
	return k.AliasName == "alias/aws/ebs"
}

// String returns the identifier in the form it was parsed from.
func (k KMSKey) String() string {
	var resource string
	switch k.Form {
	case KMSKeyFormKeyID:
		return k.KeyID
	case KMSKeyFormAlias:
		return k.AliasName
	case KMSKeyFormKeyARN:
		resource = "key/" + k.KeyID
	case KMSKeyFormAliasARN:
		resource = k.AliasName
	default:
		return ""
	}
	return arn.ARN{Partition: k.Partition, Service: "kms", Region: k.Region, AccountID: k.Account, Resource: resource}.String()
}

// kmsKeyIDFormsHint lists the accepted forms for error messages.
const kmsKeyIDFormsHint = "use a key ID (1234abcd-12ab-34cd-56ef-1234567890ab or mrk-1234abcd12ab34cd56ef1234567890ab), " +
	"an alias (alias/my-key), a key ARN (arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab) " +
	"or an alias ARN (arn:aws:kms:us-east-1:111122223333:alias/my-key)"

// ParseKMSKeyID parses a KMS key identifier in one of the four forms CopyImage
// accepts. Whether the key is symmetric cannot be seen in its identifier (EBS
// needs a symmetric key; symmetric multi-Region keys are fine), so that is
// left to EC2.
func ParseKMSKeyID(s string) (KMSKey, error) {
	switch {
	case strings.HasPrefix(s, "arn:"):
		return parseKMSARN(s)
	case strings.HasPrefix(s, "alias/"):
		if err := checkKMSAlias(s, s); err != nil {
			return KMSKey{}, err
		}
		return KMSKey{Form: KMSKeyFormAlias, AliasName: s}, nil
	}
	if err := checkKMSKeyID(s, s); err != nil {
		return KMSKey{}, err
	}
	return KMSKey{Form: KMSKeyFormKeyID, KeyID: s}, nil
}

// checkKMSKeyID checks a bare key ID; whole is the full identifier for messages.
func checkKMSKeyID(id, whole string) error {
	if kmsKeyUUIDRegexp().MatchString(id) || kmsMultiRegionKeyRegexp().MatchString(id) {
		return nil
	}
	lower := strings.ToLower(id)
	if kmsKeyUUIDRegexp().MatchString(lower) || kmsMultiRegionKeyRegexp().MatchString(lower) {
		return fmt.Errorf("%q is not a KMS key identifier: key IDs are lowercase; use %q", whole, strings.Replace(whole, id, lower, 1))
	}
	if id == whole {
		return fmt.Errorf("%q is not a KMS key identifier; %s", whole, kmsKeyIDFormsHint)
	}
	return fmt.Errorf("%q is not a KMS key identifier: %q is not a key ID (a UUID such as 1234abcd-12ab-34cd-56ef-1234567890ab, or mrk- and 32 hexadecimal digits)", whole, id)
}

// checkKMSAlias checks an alias name ("alias/..."); whole is the full
// identifier for messages.
func checkKMSAlias(alias, whole string) error {
	switch {
	case !kmsAliasRegexp().MatchString(alias):
		return fmt.Errorf("%q is not a KMS key identifier: an alias is \"alias/\" and a name of letters, digits, /, _ and -, such as alias/my-key", whole)
	case len(alias) > maxKMSAliasLength:
		return fmt.Errorf("%q is not a KMS key identifier: the alias has %d characters; KMS allows at most %d", whole, len(alias), maxKMSAliasLength)
	case strings.HasPrefix(alias, "alias/aws/") && alias != "alias/aws/ebs":
		return &OtherServiceKeyError{Key: whole}
	}
	return nil
}

// parseKMSARN parses the two ARN forms of a KMS key identifier.
func parseKMSARN(s string) (KMSKey, error) {
	a, err := arn.Parse(s)
	if err != nil {
		return KMSKey{}, fmt.Errorf("%q is not a KMS key identifier: it starts with \"arn:\" but is not an ARN (arn:PARTITION:kms:REGION:ACCOUNT:key/ID); %s", s, kmsKeyIDFormsHint)
	}
	if a.Service != "kms" {
		return KMSKey{}, fmt.Errorf("%q is not a KMS key identifier: it is an ARN of service %q, not kms", s, a.Service)
	}
	if err := checkARNPlacement(s, a); err != nil {
		return KMSKey{}, err
	}
	k := KMSKey{Partition: a.Partition, Region: a.Region, Account: a.AccountID}
	switch {
	case strings.HasPrefix(a.Resource, "key/"):
		k.Form, k.KeyID = KMSKeyFormKeyARN, strings.TrimPrefix(a.Resource, "key/")
		if err := checkKMSKeyID(k.KeyID, s); err != nil {
			return KMSKey{}, err
		}
	case strings.HasPrefix(a.Resource, "alias/"):
		k.Form, k.AliasName = KMSKeyFormAliasARN, a.Resource
		if err := checkKMSAlias(k.AliasName, s); err != nil {
			return KMSKey{}, err
		}
	default:
		return KMSKey{}, fmt.Errorf("%q is not a KMS key identifier: a KMS ARN ends in key/ID or alias/NAME, not %q", s, a.Resource)
	}
	return k, nil
}

// OutpostARN is a parsed Outpost ARN.
type OutpostARN struct {
	Partition string
	Region    string
	Account   string
	OutpostID string
}

// String returns the ARN.
func (o OutpostARN) String() string {
	return arn.ARN{Partition: o.Partition, Service: "outposts", Region: o.Region, AccountID: o.Account, Resource: "outpost/" + o.OutpostID}.String()
}

// ParseOutpostARN parses the ARN of an Outpost
// (arn:aws:outposts:us-west-2:111122223333:outpost/op-0123456789abcdef0).
func ParseOutpostARN(s string) (OutpostARN, error) {
	a, err := arn.Parse(s)
	if err != nil {
		return OutpostARN{}, fmt.Errorf("%q is not an Outpost ARN; use arn:PARTITION:outposts:REGION:ACCOUNT:outpost/op- and 17 hexadecimal digits, such as arn:aws:outposts:us-west-2:111122223333:outpost/op-0123456789abcdef0", s)
	}
	if a.Service != "outposts" {
		return OutpostARN{}, fmt.Errorf("%q is not an Outpost ARN: it is an ARN of service %q, not outposts", s, a.Service)
	}
	if err := checkARNPlacement(s, a); err != nil {
		return OutpostARN{}, err
	}
	id, ok := strings.CutPrefix(a.Resource, "outpost/")
	if !ok {
		return OutpostARN{}, fmt.Errorf("%q is not an Outpost ARN: the resource is %q, but an Outpost's is outpost/op- and 17 hexadecimal digits", s, a.Resource)
	}
	if !outpostIDRegexp().MatchString(id) {
		if lower := strings.ToLower(id); outpostIDRegexp().MatchString(lower) {
			return OutpostARN{}, fmt.Errorf("%q is not an Outpost ARN: Outpost IDs are lowercase; use %q", s, strings.Replace(s, id, lower, 1))
		}
		return OutpostARN{}, fmt.Errorf("%q is not an Outpost ARN: %q is not an Outpost ID (op- and 17 hexadecimal digits, such as op-0123456789abcdef0)", s, id)
	}
	return OutpostARN{Partition: a.Partition, Region: a.Region, Account: a.AccountID, OutpostID: id}, nil
}

// LocalZoneName is a parsed Local Zone name such as us-west-2-lax-1a.
type LocalZoneName struct {
	// Region is the parent Region (us-west-2).
	Region string
	// Location is the metro code (lax).
	Location string
	// Group is the zone group number (1).
	Group string
	// Letter is the zone letter (a).
	Letter string
}

// String returns the zone name.
func (z LocalZoneName) String() string {
	return z.Region + "-" + z.Location + "-" + z.Group + z.Letter
}

// ParseLocalZoneName parses a Local Zone name and rejects names of a Region's
// own Availability Zones, which CopyImage does not take as a destination.
func ParseLocalZoneName(s string) (LocalZoneName, error) {
	if m := localZoneNameRegexp().FindStringSubmatch(s); m != nil {
		// Groups 2-5 belong to the embedded Region pattern.
		z := LocalZoneName{Region: m[1], Location: m[6], Group: m[7], Letter: m[8]}
		if validRegionShape(z.Region) {
			return z, nil
		}
	}
	if availabilityZoneNameRegexp().MatchString(s) && validRegionShape(s[:len(s)-1]) {
		return LocalZoneName{}, &AvailabilityZoneError{Zone: s, Region: s[:len(s)-1]}
	}
	if strings.Contains(s, "-wlz-") {
		return LocalZoneName{}, fmt.Errorf("%q is a Wavelength Zone; CopyImage copies to a Region, an Outpost or a Local Zone only", s)
	}
	return LocalZoneName{}, fmt.Errorf("%q is not a Local Zone name; use the parent Region, a location code, the group number and a letter, such as us-west-2-lax-1a", s)
}

// ValidateLocalZoneName checks a Local Zone name and, when region is not
// empty, that the zone belongs to that Region.
func ValidateLocalZoneName(zone, region string) error {
	z, err := ParseLocalZoneName(zone)
	if err != nil {
		return err
	}
	if region != "" && z.Region != region {
		return fmt.Errorf("%q is a Local Zone of Region %s, not of %s; use a zone whose name starts with %q", zone, z.Region, region, region+"-")
	}
	return nil
}

// LocalZoneID is a parsed Local Zone ID such as usw2-lax1-az1.
type LocalZoneID struct {
	// RegionCode is the parent Region's short code (usw2); see RegionShortCode.
	RegionCode string
	// Location is the metro code (lax).
	Location string
	// Group is the zone group number (1).
	Group string
	// Zone is the zone number (1).
	Zone string
}

// String returns the zone ID.
func (z LocalZoneID) String() string {
	return z.RegionCode + "-" + z.Location + z.Group + "-az" + z.Zone
}

// ParseLocalZoneID parses a Local Zone ID and rejects IDs of a Region's own
// Availability Zones, which CopyImage does not take as a destination.
func ParseLocalZoneID(s string) (LocalZoneID, error) {
	if m := localZoneIDRegexp().FindStringSubmatch(s); m != nil {
		return LocalZoneID{RegionCode: m[1], Location: m[2], Group: m[3], Zone: m[4]}, nil
	}
	if availabilityZoneIDRegexp().MatchString(s) {
		return LocalZoneID{}, &AvailabilityZoneError{Zone: s, ID: true}
	}
	if strings.Contains(s, "-wlz") {
		return LocalZoneID{}, fmt.Errorf("%q is a Wavelength Zone ID; CopyImage copies to a Region, an Outpost or a Local Zone only", s)
	}
	return LocalZoneID{}, fmt.Errorf("%q is not a Local Zone ID; use the Region code, the location and group, and the zone number, such as usw2-lax1-az1", s)
}

// ValidateLocalZoneID checks a Local Zone ID and, when region is not empty,
// that the zone belongs to that Region.
func ValidateLocalZoneID(id, region string) error {
	z, err := ParseLocalZoneID(id)
	if err != nil {
		return err
	}
	if region == "" {
		return nil
	}
	if code := RegionShortCode(region); code != "" && z.RegionCode != code {
		return fmt.Errorf("%q is a Local Zone of the Region with code %s, not of %s, whose zone IDs start with %q", id, z.RegionCode, region, code+"-")
	}
	return nil
}

// OtherServiceKeyError reports an alias of the AWS managed key of another
// service than EBS (alias/aws/s3, ...), which EBS cannot encrypt with.
type OtherServiceKeyError struct {
	// Key is the identifier given: the alias or the alias ARN.
	Key string
}

func (e *OtherServiceKeyError) Error() string {
	return fmt.Sprintf("%q is not a key EBS can use: aliases under alias/aws/ name AWS managed keys of other services; "+
		"use alias/aws/ebs (the AWS managed key for EBS) or a customer managed key", e.Key)
}

// AvailabilityZoneError reports an Availability Zone of a Region where
// CopyImage wants a Local Zone: an AMI copied to a Region is usable in all
// its Availability Zones, so the Region itself is the destination.
type AvailabilityZoneError struct {
	// Zone is the zone name or ID given.
	Zone string
	// Region is the zone's Region, for a zone name; a zone ID names its
	// Region by code only, and leaves Region empty.
	Region string
	// ID says Zone is a zone ID.
	ID bool
}

func (e *AvailabilityZoneError) Error() string {
	const reason = "an AMI copied to a Region is usable in all its Availability Zones"
	if e.ID {
		return fmt.Sprintf("%q is the ID of an Availability Zone, not a Local Zone: %s", e.Zone, reason)
	}
	return fmt.Sprintf("%q is an Availability Zone of Region %s, not a Local Zone: %s", e.Zone, e.Region, reason)
}
