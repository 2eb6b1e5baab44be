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

import (
	"fmt"
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
