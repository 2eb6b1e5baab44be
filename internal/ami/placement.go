package ami

// Placement rules: the checks that tie a copy's inputs to each other and to
// Regions, from CopyImage's documentation:
//
//   - a KMS key requires encryption ("If you specify a KMS key, you must also
//     set the encrypted state to true").
//   - a KMS ARN's Region is the destination Region ("The specified KMS key must
//     exist in the destination Region").
//   - an Outpost's Region is the destination Region and the source Region ("The
//     AMI must be in the Region of the destination Outpost"; copies from an
//     Outpost, between Outposts or within one Outpost are not supported).
//   - no unencrypted copy to an Outpost ("Outposts do not support unencrypted
//     snapshots"); otherwise a copy to an Outpost is encrypted.
//   - a Local Zone belongs to the destination Region, and the source Region is
//     that parent Region (CopyImage supports "Parent Region to Local Zone" only).
//
// Values that are not known yet are skipped, never rejected: callers pass
// them as empty (or as EncryptedUnknown for the encryption state).
//
// The checks return Violations: which rule, which input is at fault and the
// values involved. Wording them for a user is the caller's job.

// PlacementInput is what the placement rules look at. Strings are empty when
// the value is not set or not yet known, which makes the rules that need it
// skip, so an unknown value is never rejected.
type PlacementInput struct {
	// Region is the destination Region; empty while unknown.
	Region       string
	SourceRegion string
	KMSKeyID     string
	// Encrypted is nil when the encryption state is not set or not known.
	Encrypted *bool
	// EncryptedUnknown says the encryption state is set to a value not yet
	// known.
	EncryptedUnknown              bool
	DestinationOutpostARN         string
	DestinationAvailabilityZone   string
	DestinationAvailabilityZoneID string
}

// Field is the input of a copy that a violation asks to correct.
type Field int

// The inputs of PlacementInput, named after CopyImage's parameters.
const (
	FieldRegion Field = iota + 1
	FieldSourceRegion
	FieldKMSKeyID
	FieldEncrypted
	FieldDestinationOutpostARN
	FieldDestinationAvailabilityZone
	FieldDestinationAvailabilityZoneID
)

// Rule is a placement rule that a copy's inputs can break.
type Rule int

// The placement rules.
const (
	// RuleKMSKeyRequiresEncryption: a KMS key is given, but encryption is
	// not on.
	RuleKMSKeyRequiresEncryption Rule = iota + 1
	// RuleOutpostRequiresEncryption: encryption is off for a copy to an
	// Outpost.
	RuleOutpostRequiresEncryption
	// RuleKMSKeyRegionMismatch: a KMS key ARN names another Region than the
	// destination.
	RuleKMSKeyRegionMismatch
	// RuleOutpostRegionMismatch: the Outpost belongs to another Region than
	// the destination.
	RuleOutpostRegionMismatch
	// RuleSourceNotOutpostRegion: the source Region is not the Outpost's.
	RuleSourceNotOutpostRegion
	// RuleLocalZoneRegionMismatch: the Local Zone (by name) belongs to
	// another Region than the destination.
	RuleLocalZoneRegionMismatch
	// RuleLocalZoneIDRegionMismatch: the Local Zone (by ID) belongs to
	// another Region than the destination.
	RuleLocalZoneIDRegionMismatch
	// RuleSourceNotLocalZoneParent: the source Region is not the parent
	// Region of the Local Zone named in Destination.
	RuleSourceNotLocalZoneParent
)

// Violation is a broken placement rule and the values it involves.
type Violation struct {
	Rule Rule
	// Field is the input to correct.
	Field Field
	// Destination is the destination input the rule compares with (an
	// Outpost or a Local Zone); zero for the KMS and encryption rules.
	Destination Field
	// Value is the value the rule is about: the KMS key, the Outpost ARN, or
	// the Local Zone's name or ID.
	Value string
	// ValueRegion is the Region Value belongs to, or, for a Local Zone ID,
	// which names its Region by code only, that code (see RegionShortCode).
	ValueRegion string
	// Region and SourceRegion are the input's destination and source Regions.
	Region, SourceRegion string
	// EncryptionOff says encryption was turned off, rather than left unset.
	EncryptionOff bool
}

// CheckConfig applies every placement rule that does not depend on a Region,
// in a stable order.
func CheckConfig(in PlacementInput) []Violation {
	var out []Violation
	out = append(out, CheckKMSKeyRequiresEncryption(in)...)
	out = append(out, CheckOutpostEncryption(in)...)
	return out
}

// CheckKMSKeyRequiresEncryption enforces that a KMS key comes with
// encryption on; encryption is never turned on implicitly.
func CheckKMSKeyRequiresEncryption(in PlacementInput) []Violation {
	if in.KMSKeyID == "" || in.EncryptedUnknown || (in.Encrypted != nil && *in.Encrypted) {
		return nil
	}
	return []Violation{{
		Rule: RuleKMSKeyRequiresEncryption, Field: FieldKMSKeyID, Value: in.KMSKeyID,
		EncryptionOff: in.Encrypted != nil,
	}}
}

// CheckOutpostEncryption rejects encryption turned off for a copy to an
// Outpost, because Outposts do not support unencrypted snapshots.
func CheckOutpostEncryption(in PlacementInput) []Violation {
	if in.DestinationOutpostARN == "" || in.Encrypted == nil || *in.Encrypted {
		return nil
	}
	return []Violation{{
		Rule: RuleOutpostRequiresEncryption, Field: FieldEncrypted, Destination: FieldDestinationOutpostARN,
		Value: in.DestinationOutpostARN, EncryptionOff: true,
	}}
}

// CheckPlacement applies the rules that tie a value to a Region: a KMS ARN and
// an Outpost or Local Zone must be in the destination Region, and the source
// Region must be the Outpost's or Local Zone's parent Region. Values that do
// not parse are skipped (their own checks report them), as are rules whose
// inputs are empty.
func CheckPlacement(in PlacementInput) []Violation {
	var out []Violation
	violation := func(rule Rule, field, destination Field, value, valueRegion string) Violation {
		return Violation{
			Rule: rule, Field: field, Destination: destination, Value: value, ValueRegion: valueRegion,
			Region: in.Region, SourceRegion: in.SourceRegion,
		}
	}

	if key, err := ParseKMSKeyID(in.KMSKeyID); err == nil && key.IsARN() && in.Region != "" && key.Region != in.Region {
		out = append(out, violation(RuleKMSKeyRegionMismatch, FieldKMSKeyID, 0, in.KMSKeyID, key.Region))
	}

	if outpost, err := ParseOutpostARN(in.DestinationOutpostARN); err == nil {
		if in.Region != "" && outpost.Region != in.Region {
			out = append(out, violation(RuleOutpostRegionMismatch, FieldDestinationOutpostARN, FieldDestinationOutpostARN, in.DestinationOutpostARN, outpost.Region))
		}
		if in.SourceRegion != "" && in.SourceRegion != outpost.Region {
			out = append(out, violation(RuleSourceNotOutpostRegion, FieldSourceRegion, FieldDestinationOutpostARN, in.DestinationOutpostARN, outpost.Region))
		}
	}

	if zone, err := ParseLocalZoneName(in.DestinationAvailabilityZone); err == nil {
		if in.Region != "" && zone.Region != in.Region {
			out = append(out, violation(RuleLocalZoneRegionMismatch, FieldDestinationAvailabilityZone, FieldDestinationAvailabilityZone, in.DestinationAvailabilityZone, zone.Region))
		}
		if in.SourceRegion != "" && in.SourceRegion != zone.Region {
			out = append(out, violation(RuleSourceNotLocalZoneParent, FieldSourceRegion, FieldDestinationAvailabilityZone, in.DestinationAvailabilityZone, zone.Region))
		}
	}

	if zone, err := ParseLocalZoneID(in.DestinationAvailabilityZoneID); err == nil {
		if code := RegionShortCode(in.Region); code != "" && zone.RegionCode != code {
			out = append(out, violation(RuleLocalZoneIDRegionMismatch, FieldDestinationAvailabilityZoneID, FieldDestinationAvailabilityZoneID, in.DestinationAvailabilityZoneID, zone.RegionCode))
		}
		if code := RegionShortCode(in.SourceRegion); code != "" && zone.RegionCode != code {
			out = append(out, violation(RuleSourceNotLocalZoneParent, FieldSourceRegion, FieldDestinationAvailabilityZoneID, in.DestinationAvailabilityZoneID, zone.RegionCode))
		}
	}
	return out
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
