package ami

// Plan-time rules for an AMI copy. Each rule comes from EC2's CopyImage
// documentation (API reference and the SDK's CopyImageInput field docs) or
// the EC2 User Guide page it links to:
//
//   - name: 3 to 128 characters, letters, digits, spaces and ( ) [ ] . / - ' @ _
//     (RegisterImage/CopyImage "Name" constraints).
//   - description: at most 255 characters (CopyImage "Description").
//   - source_image_id: "ami-" and 8 or 17 lowercase hex digits (EC2 resource IDs).
//   - source_region and region: well-formed Region names (CopyImage "SourceRegion";
//     "the copy operation must be initiated in the destination Region").
//   - kms_key_id: a key ID (UUID or mrk- multi-Region ID), alias/NAME, key ARN
//     or alias ARN, in any partition (CopyImage "KmsKeyId"). Aliases under
//     alias/aws/ belong to AWS managed keys; only alias/aws/ebs is one EBS uses.
//   - kms_key_id requires encrypted = true ("If you specify a KMS key, you must
//     also set the encrypted state to true").
//   - a KMS ARN's Region is the destination Region ("The specified KMS key must
//     exist in the destination Region").
//   - destination_outpost_arn: arn:PARTITION:outposts:REGION:ACCOUNT:outpost/op-
//     and 17 hex digits (CopyImage "DestinationOutpostArn").
//   - an Outpost's Region is the destination Region and the source Region ("The
//     AMI must be in the Region of the destination Outpost"; copies from an
//     Outpost, between Outposts or within one Outpost are not supported).
//   - encrypted = false with an Outpost is an error ("Outposts do not support
//     unencrypted snapshots"); otherwise a copy to an Outpost is encrypted.
//   - at most one of destination_outpost_arn, destination_availability_zone and
//     destination_availability_zone_id ("Only one of ... can be specified").
//   - destination_availability_zone and destination_availability_zone_id name a
//     Local Zone of the destination Region, and the source Region is that parent
//     Region (CopyImage supports "Parent Region to Local Zone" only). Plain
//     Availability Zones are rejected: the fields are documented as "The Local
//     Zone for the new AMI", and an AMI copied to a Region already serves every
//     Availability Zone of it.
//   - snapshot_copy_completion_duration_minutes: a multiple of 15 from 15 to
//     2880, not with an Outpost or a Local Zone (CopyImage
//     "SnapshotCopyCompletionDurationMinutes" and EBS time-based copies).
//   - client_token: at most 128 printable ASCII characters (EC2 idempotency).
//   - deprecation_time: not in the past, and at most 10 years from now, or 2
//     years from the AMI's creation for a public AMI (EnableImageDeprecation
//     "DeprecateAt").
//
// Values that are unknown at plan time are skipped, never rejected: callers
// pass them as empty (or as EncryptedUnknown for encrypted).

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

// Attribute names of the amicopy_image resource that rule violations point at.
const (
	AttributeName                                  = "name"
	AttributeDescription                           = "description"
	AttributeSourceImageID                         = "source_image_id"
	AttributeSourceRegion                          = "source_region"
	AttributeRegion                                = "region"
	AttributeEncrypted                             = "encrypted"
	AttributeKMSKeyID                              = "kms_key_id"
	AttributeDestinationOutpostARN                 = "destination_outpost_arn"
	AttributeDestinationAvailabilityZone           = "destination_availability_zone"
	AttributeDestinationAvailabilityZoneID         = "destination_availability_zone_id"
	AttributeSnapshotCopyCompletionDurationMinutes = "snapshot_copy_completion_duration_minutes"
	AttributeClientToken                           = "client_token"
)

// Limits of the single-attribute rules, shared with the schema validators so
// that both enforce the same numbers.
const (
	MinImageNameLength      = 3
	MaxImageNameLength      = 128
	MaxDescriptionLength    = 255
	MaxClientTokenLength    = 128
	SnapshotCopyMinutesStep = 15
	MinSnapshotCopyMinutes  = 15
	MaxSnapshotCopyMinutes  = 2880
	maxKMSAliasLength       = 256
)

// Patterns of the single-attribute rules, exported as strings (not compiled
// values) so that callers cannot change them.
const (
	// ImageNamePattern matches the characters EC2 allows in an AMI name; the
	// length is checked separately.
	ImageNamePattern = `^[a-zA-Z0-9 ()\[\]./\-'@_]*$`
	// SourceImageIDPattern matches an AMI ID in either ID length.
	SourceImageIDPattern = `^ami-([0-9a-f]{8}|[0-9a-f]{17})$`
	// ClientTokenPattern matches printable ASCII; the length is checked separately.
	ClientTokenPattern = `^[\x20-\x7e]*$`
)

var (
	imageNameRegexp     = regexp.MustCompile(ImageNamePattern)
	sourceImageIDRegexp = regexp.MustCompile(SourceImageIDPattern)
	clientTokenRegexp   = regexp.MustCompile(ClientTokenPattern)

	// regionPattern has four groups: geography (us), optional sub-geography
	// (gov, iso, isob, de), compass direction and number.
	regionPattern = `([a-z]{2,4})(?:-([a-z]{2,4}))?-(north|south|east|west|central|northeast|northwest|southeast|southwest)-([1-9][0-9]?)`
	regionRegexp  = regexp.MustCompile(`^` + regionPattern + `$`)
	// availabilityZoneNameRegexp matches a Region's own zones (us-west-2a).
	availabilityZoneNameRegexp = regexp.MustCompile(`^` + regionPattern + `[a-z]$`)
	// localZoneNameRegexp matches us-west-2-lax-1a: Region, location, group
	// number and zone letter.
	localZoneNameRegexp = regexp.MustCompile(`^(` + regionPattern + `)-([a-z]{3,5})-([1-9][0-9]?)([a-z])$`)
	// availabilityZoneIDRegexp matches a Region's own zone IDs (usw2-az1).
	availabilityZoneIDRegexp = regexp.MustCompile(`^[a-z]{3,10}[1-9][0-9]?-az[1-9][0-9]?$`)
	// localZoneIDRegexp matches usw2-lax1-az1: Region code, location, group
	// number and zone number.
	localZoneIDRegexp = regexp.MustCompile(`^([a-z]{3,10}[1-9][0-9]?)-([a-z]{3,5})([1-9][0-9]?)-az([1-9][0-9]?)$`)

	kmsKeyUUIDRegexp        = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	kmsMultiRegionKeyRegexp = regexp.MustCompile(`^mrk-[0-9a-f]{32}$`)
	kmsAliasRegexp          = regexp.MustCompile(`^alias/[a-zA-Z0-9/_-]+$`)
	accountIDRegexp         = regexp.MustCompile(`^[0-9]{12}$`)
	outpostIDRegexp         = regexp.MustCompile(`^op-[0-9a-f]{17}$`)
)

// directionCodes abbreviate a Region's compass word in zone IDs
// (us-west-2 → usw2, ap-northeast-1 → apne1).
var directionCodes = map[string]string{
	"north":     "n",
	"south":     "s",
	"east":      "e",
	"west":      "w",
	"central":   "c",
	"northeast": "ne",
	"northwest": "nw",
	"southeast": "se",
	"southwest": "sw",
}

// partitionsBySubGeography maps a Region's first one or two name parts to its
// partition, as in the AWS SDK's partition metadata.
var partitionsBySubGeography = map[string]string{
	"cn":      "aws-cn",
	"us-gov":  "aws-us-gov",
	"us-iso":  "aws-iso",
	"us-isob": "aws-iso-b",
	"eu-isoe": "aws-iso-e",
	"us-isof": "aws-iso-f",
	"eusc-de": "aws-eusc",
}

// commercialGeographies are the Region prefixes of the aws partition.
var commercialGeographies = map[string]bool{
	"us": true, "eu": true, "ap": true, "sa": true, "ca": true,
	"me": true, "af": true, "il": true, "mx": true,
}

// knownPartitions are the partitions an ARN may name.
var knownPartitions = map[string]bool{
	"aws": true, "aws-cn": true, "aws-us-gov": true, "aws-iso": true,
	"aws-iso-b": true, "aws-iso-e": true, "aws-iso-f": true, "aws-eusc": true,
}

// regionName is a parsed Region name.
type regionName struct {
	geography, subGeography, direction, number string
}

// parseRegion splits a Region name into its parts, or reports false when it is
// not one. A two-part prefix must be one that defines a partition (us-gov,
// us-isob, eusc-de, ...); a one-part prefix is any two letters, so that a
// Region opened in a new geography after this release still validates.
func parseRegion(s string) (regionName, bool) {
	m := regionRegexp.FindStringSubmatch(s)
	if m == nil {
		return regionName{}, false
	}
	r := regionName{geography: m[1], subGeography: m[2], direction: m[3], number: m[4]}
	if r.subGeography != "" {
		if _, known := partitionsBySubGeography[r.geography+"-"+r.subGeography]; !known {
			return regionName{}, false
		}
	} else if len(r.geography) != 2 {
		return regionName{}, false
	}
	return r, true
}

// ValidateRegionName reports whether s is a well-formed Region name such as
// us-east-1, us-gov-west-1, cn-north-1 or eusc-de-east-1. It checks the shape
// rather than a list, so that new Regions work without a provider release.
func ValidateRegionName(s string) error {
	if _, ok := parseRegion(s); ok {
		return nil
	}
	lower := strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "":
		return errors.New(`"" is not a Region name; use a name such as us-east-1`)
	case lower != s && validRegionShape(lower):
		return fmt.Errorf("%q is not a Region name: Region names are lowercase without spaces; use %q", s, lower)
	case availabilityZoneNameRegexp.MatchString(s):
		return fmt.Errorf("%q is an Availability Zone, not a Region; use the Region %q", s, s[:len(s)-1])
	case localZoneNameRegexp.MatchString(s):
		m := localZoneNameRegexp.FindStringSubmatch(s)
		return fmt.Errorf("%q is a Local Zone, not a Region; use its parent Region %q", s, m[1])
	}
	return fmt.Errorf("%q is not a Region name; use a name such as us-east-1, eu-central-1, us-gov-west-1 or cn-north-1", s)
}

// validRegionShape reports whether s parses as a Region name.
func validRegionShape(s string) bool {
	_, ok := parseRegion(s)
	return ok
}

// PartitionForRegion returns the partition of a well-formed Region name (aws,
// aws-cn, aws-us-gov, ...), or false when the Region's prefix belongs to no
// known partition.
func PartitionForRegion(region string) (string, bool) {
	r, ok := parseRegion(region)
	if !ok {
		return "", false
	}
	if r.subGeography != "" {
		return partitionsBySubGeography[r.geography+"-"+r.subGeography], true
	}
	if p, ok := partitionsBySubGeography[r.geography]; ok {
		return p, true
	}
	if commercialGeographies[r.geography] {
		return "aws", true
	}
	return "", false
}

// RegionShortCode returns the code that starts a Region's zone IDs (us-west-2 →
// usw2, ap-northeast-1 → apne1, us-gov-west-1 → usgw1, cn-northwest-1 →
// cnnw1, us-isob-east-1 → usibe1), or "" when region is not a Region name.
// It is derived from the name: geography, then the sub-geography's initial
// (an iso variant keeps its letter: iso → i, isob → ib), then the compass
// initials and the number.
func RegionShortCode(region string) string {
	r, ok := parseRegion(region)
	if !ok {
		return ""
	}
	var b strings.Builder
	b.WriteString(r.geography)
	if sub := r.subGeography; sub != "" {
		if rest, isISO := strings.CutPrefix(sub, "iso"); isISO {
			b.WriteString("i" + rest)
		} else {
			b.WriteString(sub[:1])
		}
	}
	b.WriteString(directionCodes[r.direction])
	b.WriteString(r.number)
	return b.String()
}

// ValidateImageName reports whether s is a valid AMI name.
func ValidateImageName(s string) error {
	if n := utf8.RuneCountInString(s); n < MinImageNameLength || n > MaxImageNameLength {
		return fmt.Errorf("%q has %d characters; an AMI name has %d to %d", s, n, MinImageNameLength, MaxImageNameLength)
	}
	if !imageNameRegexp.MatchString(s) {
		for _, r := range s {
			if !imageNameRegexp.MatchString(string(r)) {
				return fmt.Errorf("%q contains %q, which an AMI name cannot contain; use only letters, digits, spaces and ( ) [ ] . / - ' @ _", s, r)
			}
		}
	}
	return nil
}

// ValidateDescription reports whether s fits in an AMI description.
func ValidateDescription(s string) error {
	if n := utf8.RuneCountInString(s); n > MaxDescriptionLength {
		return fmt.Errorf("description has %d characters; an AMI description has at most %d", n, MaxDescriptionLength)
	}
	return nil
}

// ValidateSourceImageID reports whether s is an AMI ID.
func ValidateSourceImageID(s string) error {
	if sourceImageIDRegexp.MatchString(s) {
		return nil
	}
	if lower := strings.ToLower(s); sourceImageIDRegexp.MatchString(lower) {
		return fmt.Errorf("%q is not an AMI ID: AMI IDs are lowercase; use %q", s, lower)
	}
	return fmt.Errorf("%q is not an AMI ID; use \"ami-\" and 8 or 17 lowercase hexadecimal digits, such as ami-0123456789abcdef0", s)
}

// ValidateClientToken reports whether s can be a CopyImage idempotency token.
func ValidateClientToken(s string) error {
	if s == "" {
		return errors.New(`"" is not a client token; set a non-empty token or leave client_token unset`)
	}
	if len(s) > MaxClientTokenLength {
		return fmt.Errorf("the client token has %d bytes; it has at most %d ASCII characters", len(s), MaxClientTokenLength)
	}
	if !clientTokenRegexp.MatchString(s) {
		return fmt.Errorf("%q is not a client token: it may contain only printable ASCII characters", s)
	}
	return nil
}

// ValidateSnapshotCopyMinutes reports whether m is a valid completion duration
// for a time-based snapshot copy.
func ValidateSnapshotCopyMinutes(m int64) error {
	if m >= MinSnapshotCopyMinutes && m <= MaxSnapshotCopyMinutes && m%SnapshotCopyMinutesStep == 0 {
		return nil
	}
	// Suggest the valid values around m when it is inside the range.
	hint := ""
	if m > 0 && m < MaxSnapshotCopyMinutes {
		lower := m / SnapshotCopyMinutesStep * SnapshotCopyMinutesStep
		upper := lower + SnapshotCopyMinutesStep
		if lower < MinSnapshotCopyMinutes {
			hint = fmt.Sprintf(", such as %d", upper)
		} else {
			hint = fmt.Sprintf(", such as %d or %d", lower, upper)
		}
	}
	return fmt.Errorf("%d minutes is not a completion duration: use a multiple of %d from %d to %d (48 hours)%s",
		m, SnapshotCopyMinutesStep, MinSnapshotCopyMinutes, MaxSnapshotCopyMinutes, hint)
}

// The limits on a deprecation time (EC2 API Reference,
// EnableImageDeprecation: DeprecateAt "You can't specify a date in the
// past. The upper limit for DeprecateAt is 10 years from now, except for
// public AMIs, where the upper limit is 2 years from the creation date").
const (
	MaxDeprecationYears       = 10
	MaxPublicDeprecationYears = 2
)

// DeprecationTimeError says why EC2 would refuse a deprecation time.
type DeprecationTimeError struct {
	At time.Time
	// Past is set for a time that is not after now; otherwise the time is
	// after Limit.
	Past  bool
	Limit time.Time
	// Public is set when Limit is the public AMI's, counted from creation.
	Public bool
}

func (e *DeprecationTimeError) Error() string {
	at := e.At.UTC().Format(time.RFC3339)
	switch {
	case e.Past:
		return fmt.Sprintf("%s is in the past; EC2 deprecates only at a future time", at)
	case e.Public:
		return fmt.Sprintf("%s is more than %d years after the AMI was created; EC2 deprecates a public AMI at most %d years after its creation, by %s",
			at, MaxPublicDeprecationYears, MaxPublicDeprecationYears, e.Limit.UTC().Format(time.RFC3339))
	default:
		return fmt.Sprintf("%s is more than %d years from now; EC2 deprecates an AMI at most %d years ahead, by %s",
			at, MaxDeprecationYears, MaxDeprecationYears, e.Limit.UTC().Format(time.RFC3339))
	}
}

// CheckDeprecationTime returns a *DeprecationTimeError when EC2 would refuse
// to deprecate an AMI at at, asked at now. For a public AMI the limit counts
// from created (the zero time counts from now, as for a new copy).
func CheckDeprecationTime(at, now time.Time, public bool, created time.Time) error {
	if !at.After(now) {
		return &DeprecationTimeError{At: at, Past: true}
	}
	limit := now.AddDate(MaxDeprecationYears, 0, 0)
	if public {
		if created.IsZero() {
			created = now
		}
		limit = created.AddDate(MaxPublicDeprecationYears, 0, 0)
	}
	if at.After(limit) {
		return &DeprecationTimeError{At: at, Limit: limit, Public: public}
	}
	return nil
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

// KMSKey is a parsed kms_key_id. Partition, Region and Account are set for the
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
	if kmsKeyUUIDRegexp.MatchString(id) || kmsMultiRegionKeyRegexp.MatchString(id) {
		return nil
	}
	lower := strings.ToLower(id)
	if kmsKeyUUIDRegexp.MatchString(lower) || kmsMultiRegionKeyRegexp.MatchString(lower) {
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
	case !kmsAliasRegexp.MatchString(alias):
		return fmt.Errorf("%q is not a KMS key identifier: an alias is \"alias/\" and a name of letters, digits, /, _ and -, such as alias/my-key", whole)
	case len(alias) > maxKMSAliasLength:
		return fmt.Errorf("%q is not a KMS key identifier: the alias has %d characters; KMS allows at most %d", whole, len(alias), maxKMSAliasLength)
	case strings.HasPrefix(alias, "alias/aws/") && alias != "alias/aws/ebs":
		return fmt.Errorf("%q is not a key EBS can use: aliases under alias/aws/ name AWS managed keys of other services; use alias/aws/ebs (the AWS managed key for EBS), leave kms_key_id unset for the default key, or use a customer managed key", whole)
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

// checkARNPlacement checks an ARN's partition, Region and account, and that
// the Region belongs to the partition.
func checkARNPlacement(s string, a arn.ARN) error {
	if !knownPartitions[a.Partition] {
		return fmt.Errorf("%q has partition %q; use one of aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f or aws-eusc", s, a.Partition)
	}
	if err := ValidateRegionName(a.Region); err != nil {
		return fmt.Errorf("%q does not name a valid Region: %w", s, err)
	}
	if p, ok := PartitionForRegion(a.Region); ok && p != a.Partition {
		return fmt.Errorf("%q names Region %s, which is in partition %s, not %s: its ARNs start with \"arn:%s:\"", s, a.Region, p, a.Partition, p)
	}
	if !accountIDRegexp.MatchString(a.AccountID) {
		return fmt.Errorf("%q has account %q; an AWS account ID is 12 digits", s, a.AccountID)
	}
	return nil
}

// OutpostARN is a parsed destination_outpost_arn.
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
	if !outpostIDRegexp.MatchString(id) {
		if lower := strings.ToLower(id); outpostIDRegexp.MatchString(lower) {
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
	if m := localZoneNameRegexp.FindStringSubmatch(s); m != nil {
		// Groups 2-5 belong to the embedded Region pattern.
		z := LocalZoneName{Region: m[1], Location: m[6], Group: m[7], Letter: m[8]}
		if validRegionShape(z.Region) {
			return z, nil
		}
	}
	if availabilityZoneNameRegexp.MatchString(s) && validRegionShape(s[:len(s)-1]) {
		return LocalZoneName{}, fmt.Errorf("%q is an Availability Zone of Region %s, not a Local Zone: an AMI copied to a Region is usable in all its Availability Zones, so leave destination_availability_zone unset to copy to %s", s, s[:len(s)-1], s[:len(s)-1])
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
	if m := localZoneIDRegexp.FindStringSubmatch(s); m != nil {
		return LocalZoneID{RegionCode: m[1], Location: m[2], Group: m[3], Zone: m[4]}, nil
	}
	if availabilityZoneIDRegexp.MatchString(s) {
		return LocalZoneID{}, fmt.Errorf("%q is the ID of an Availability Zone, not a Local Zone: an AMI copied to a Region is usable in all its Availability Zones, so leave destination_availability_zone_id unset to copy to the Region", s)
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

// PlacementInput is what the cross-attribute rules look at. Strings are empty
// when the attribute is null or not yet known, and
// SnapshotCopyCompletionDurationMinutes is 0 then; both make the rules that
// need the value skip, so an unknown value is never rejected.
type PlacementInput struct {
	// Region is the destination Region: region, or the provider's Region when
	// region is null. Empty while unknown.
	Region string
	// RegionFromProvider says Region came from the provider configuration, so
	// messages point at the right setting.
	RegionFromProvider bool
	SourceRegion       string
	KMSKeyID           string
	// Encrypted is nil when encrypted is null or unknown.
	Encrypted *bool
	// EncryptedUnknown says encrypted is set to a value known only at apply.
	EncryptedUnknown                      bool
	DestinationOutpostARN                 string
	DestinationAvailabilityZone           string
	DestinationAvailabilityZoneID         string
	SnapshotCopyCompletionDurationMinutes int64
}

// RuleViolation is a broken rule, attributed to the attribute (snake_case) the
// diagnostic should point at.
type RuleViolation struct {
	Attribute string
	Summary   string
	Detail    string
}

// CheckConfig applies every cross-attribute rule that does not depend on the
// destination Region, in a stable order.
func CheckConfig(in PlacementInput) []RuleViolation {
	var out []RuleViolation
	out = append(out, CheckKMSKeyRequiresEncryption(in)...)
	out = append(out, CheckOutpostEncryption(in)...)
	out = append(out, CheckSingleDestination(in)...)
	out = append(out, CheckSnapshotCopyDestination(in)...)
	return out
}

// CheckKMSKeyRequiresEncryption enforces that kms_key_id comes with
// encrypted = true; the provider never turns encryption on by itself.
func CheckKMSKeyRequiresEncryption(in PlacementInput) []RuleViolation {
	if in.KMSKeyID == "" || in.EncryptedUnknown || (in.Encrypted != nil && *in.Encrypted) {
		return nil
	}
	state := "encrypted is not set"
	if in.Encrypted != nil {
		state = "encrypted = false"
	}
	return []RuleViolation{{
		Attribute: AttributeKMSKeyID,
		Summary:   "KMS Key Requires Encryption",
		Detail: fmt.Sprintf("kms_key_id is %q but %s. EC2 uses a KMS key only to encrypt the copy and requires encrypted = true whenever a key is given. "+
			"Set encrypted = true, or remove kms_key_id to keep the snapshots' encryption state.", in.KMSKeyID, state),
	}}
}

// CheckOutpostEncryption rejects an explicit encrypted = false for a copy to
// an Outpost, because Outposts do not support unencrypted snapshots.
func CheckOutpostEncryption(in PlacementInput) []RuleViolation {
	if in.DestinationOutpostARN == "" || in.Encrypted == nil || *in.Encrypted {
		return nil
	}
	return []RuleViolation{{
		Attribute: AttributeEncrypted,
		Summary:   "Outpost Copies Must Be Encrypted",
		Detail: "encrypted = false cannot be used with destination_outpost_arn: Outposts do not support unencrypted snapshots, " +
			"so EC2 always encrypts a copy to an Outpost. Remove encrypted (the copy is then planned as encrypted) or set encrypted = true.",
	}}
}

// CheckSingleDestination enforces that at most one of the Outpost and Local
// Zone destinations is set, and attributes the error to the second one set.
func CheckSingleDestination(in PlacementInput) []RuleViolation {
	var set []string
	for _, d := range []struct{ attribute, value string }{
		{AttributeDestinationOutpostARN, in.DestinationOutpostARN},
		{AttributeDestinationAvailabilityZone, in.DestinationAvailabilityZone},
		{AttributeDestinationAvailabilityZoneID, in.DestinationAvailabilityZoneID},
	} {
		if d.value != "" {
			set = append(set, d.attribute)
		}
	}
	if len(set) < 2 {
		return nil
	}
	quantifier := "all"
	if len(set) == 2 {
		quantifier = "both"
	}
	return []RuleViolation{{
		Attribute: set[1],
		Summary:   "Conflicting Copy Destinations",
		Detail: fmt.Sprintf("%s are %s set, but a copy has a single destination. "+
			"Set destination_outpost_arn to copy to an Outpost, or one of destination_availability_zone and destination_availability_zone_id to copy to a Local Zone, "+
			"or none of them to copy to the Region.", joinAnd(set), quantifier),
	}}
}

// CheckSnapshotCopyDestination rejects a time-based copy to an Outpost or a
// Local Zone, which EC2 does not support.
func CheckSnapshotCopyDestination(in PlacementInput) []RuleViolation {
	if in.SnapshotCopyCompletionDurationMinutes == 0 {
		return nil
	}
	var dest string
	switch {
	case in.DestinationOutpostARN != "":
		dest = AttributeDestinationOutpostARN
	case in.DestinationAvailabilityZone != "":
		dest = AttributeDestinationAvailabilityZone
	case in.DestinationAvailabilityZoneID != "":
		dest = AttributeDestinationAvailabilityZoneID
	default:
		return nil
	}
	return []RuleViolation{{
		Attribute: AttributeSnapshotCopyCompletionDurationMinutes,
		Summary:   "Time-Based Copy Not Supported for This Destination",
		Detail: fmt.Sprintf("snapshot_copy_completion_duration_minutes (%d) cannot be used with %s: EC2 makes time-based snapshot copies only from Region to Region, "+
			"not to an Outpost or to or from a Local Zone. Remove snapshot_copy_completion_duration_minutes, or remove %s to copy to the Region.",
			in.SnapshotCopyCompletionDurationMinutes, dest, dest),
	}}
}

// CheckPlacement applies the rules that tie a value to a Region: a KMS ARN and
// an Outpost or Local Zone must be in the destination Region, and the source
// Region must be the Outpost's or Local Zone's parent Region. Values that do
// not parse are skipped (their attribute validators report them), as are rules
// whose inputs are empty.
func CheckPlacement(in PlacementInput) []RuleViolation {
	var out []RuleViolation
	dest := destinationPhrase(in)

	if key, err := ParseKMSKeyID(in.KMSKeyID); err == nil && key.IsARN() && in.Region != "" && key.Region != in.Region {
		out = append(out, RuleViolation{
			Attribute: AttributeKMSKeyID,
			Summary:   "KMS Key Not in Destination Region",
			Detail: fmt.Sprintf("kms_key_id %q is a key in Region %s, but the image is copied to %s. EC2 needs the KMS key to exist in the destination Region: "+
				"use a key (or a multi-Region replica key) in %s, or %s.", in.KMSKeyID, key.Region, dest, in.Region, moveRegionHint(in, key.Region)),
		})
	}

	if outpost, err := ParseOutpostARN(in.DestinationOutpostARN); err == nil {
		if in.Region != "" && outpost.Region != in.Region {
			out = append(out, RuleViolation{
				Attribute: AttributeDestinationOutpostARN,
				Summary:   "Outpost Not in Destination Region",
				Detail: fmt.Sprintf("destination_outpost_arn %q is an Outpost of Region %s, but the image is copied to %s. "+
					"A copy to an Outpost is made in the Outpost's parent Region: %s, or choose an Outpost of %s.",
					in.DestinationOutpostARN, outpost.Region, dest, moveRegionHint(in, outpost.Region), in.Region),
			})
		}
		if in.SourceRegion != "" && in.SourceRegion != outpost.Region {
			out = append(out, RuleViolation{
				Attribute: AttributeSourceRegion,
				Summary:   "Source Region Not the Outpost's Region",
				Detail: fmt.Sprintf("source_region is %q, but the Outpost in destination_outpost_arn belongs to Region %s. "+
					"EC2 copies an AMI to an Outpost only from the Outpost's parent Region, and cannot copy from an Outpost, between Outposts or within one Outpost: "+
					"copy the AMI to %s first (for example with another amicopy_image), then set source_region = %q and use that copy as source_image_id.",
					in.SourceRegion, outpost.Region, outpost.Region, outpost.Region),
			})
		}
	}

	if zone, err := ParseLocalZoneName(in.DestinationAvailabilityZone); err == nil {
		if in.Region != "" && zone.Region != in.Region {
			out = append(out, RuleViolation{
				Attribute: AttributeDestinationAvailabilityZone,
				Summary:   "Local Zone Not in Destination Region",
				Detail: fmt.Sprintf("destination_availability_zone %q is a Local Zone of Region %s, but the image is copied to %s. "+
					"A copy to a Local Zone is made in its parent Region: %s, or choose a Local Zone of %s (its name starts with %q).",
					in.DestinationAvailabilityZone, zone.Region, dest, moveRegionHint(in, zone.Region), in.Region, in.Region+"-"),
			})
		}
		if in.SourceRegion != "" && in.SourceRegion != zone.Region {
			out = append(out, sourceNotParentViolation(in.SourceRegion, AttributeDestinationAvailabilityZone, in.DestinationAvailabilityZone, "Region "+zone.Region))
		}
	}

	if zone, err := ParseLocalZoneID(in.DestinationAvailabilityZoneID); err == nil {
		if code := RegionShortCode(in.Region); code != "" && zone.RegionCode != code {
			out = append(out, RuleViolation{
				Attribute: AttributeDestinationAvailabilityZoneID,
				Summary:   "Local Zone Not in Destination Region",
				Detail: fmt.Sprintf("destination_availability_zone_id %q is a Local Zone of the Region with code %s, but the image is copied to %s, whose zone IDs start with %q. "+
					"A copy to a Local Zone is made in its parent Region: set the Region to the zone's parent, or choose a Local Zone of %s.",
					in.DestinationAvailabilityZoneID, zone.RegionCode, dest, code+"-", in.Region),
			})
		}
		if code := RegionShortCode(in.SourceRegion); code != "" && zone.RegionCode != code {
			out = append(out, sourceNotParentViolation(in.SourceRegion, AttributeDestinationAvailabilityZoneID, in.DestinationAvailabilityZoneID, "the Region with code "+zone.RegionCode))
		}
	}
	return out
}

// sourceNotParentViolation reports a source Region that is not the
// destination Local Zone's parent Region.
func sourceNotParentViolation(sourceRegion, attribute, zone, parent string) RuleViolation {
	return RuleViolation{
		Attribute: AttributeSourceRegion,
		Summary:   "Source Region Not the Local Zone's Parent Region",
		Detail: fmt.Sprintf("source_region is %q, but the Local Zone in %s (%q) belongs to %s. "+
			"EC2 copies an AMI to a Local Zone only from its parent Region or another Local Zone of it: "+
			"copy the AMI to the parent Region first, then copy that image to the Local Zone.",
			sourceRegion, attribute, zone, parent),
	}
}

// destinationPhrase names the destination Region and where it came from.
func destinationPhrase(in PlacementInput) string {
	if in.RegionFromProvider {
		return fmt.Sprintf("Region %s (the provider's region)", in.Region)
	}
	return fmt.Sprintf("Region %s (region)", in.Region)
}

// moveRegionHint tells how to make want the destination Region.
func moveRegionHint(in PlacementInput, want string) string {
	if in.RegionFromProvider {
		return fmt.Sprintf("set region = %q on the resource", want)
	}
	return fmt.Sprintf("set region = %q", want)
}

// joinAnd joins attribute names as "a and b" or "a, b and c".
func joinAnd(names []string) string {
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// PlannedEncryption returns the encryption state to plan for the copy: the
// configured value when there is one, true for a copy to an Outpost (which EC2
// always encrypts), and known = false otherwise, because the result then
// depends on the source snapshots (and on the Local Zone's encryption policy).
func PlannedEncryption(in PlacementInput) (encrypted, known bool) {
	switch {
	case in.EncryptedUnknown:
		return false, false
	case in.Encrypted != nil:
		return *in.Encrypted, true
	case in.DestinationOutpostARN != "":
		return true, true
	}
	return false, false
}
