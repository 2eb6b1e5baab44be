package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"

	"github.com/amicopy/terraform-provider-amicopy/internal/ami"
)

// The single-attribute rules use terraform-plugin-framework-validators where
// a length or a pattern says it all, and the ami package's parsers where the
// value has structure (ARNs, Region names, zones). The rules themselves live
// in the ami package, so the schema and the plan-time checks cannot drift.

// imageNameValidators accept 3 to 128 of the characters EC2 allows in an AMI
// name.
func imageNameValidators() []validator.String {
	return []validator.String{
		stringvalidator.LengthBetween(ami.MinImageNameLength, ami.MaxImageNameLength),
		stringvalidator.RegexMatches(regexp.MustCompile(ami.ImageNamePattern),
			"must contain only letters, digits, spaces and ( ) [ ] . / - ' @ _"),
	}
}

// sourceImageIDValidator accepts an AMI ID in either length.
func sourceImageIDValidator() validator.String {
	return stringvalidator.RegexMatches(regexp.MustCompile(ami.SourceImageIDPattern),
		`must be "ami-" and 8 or 17 lowercase hexadecimal digits, such as ami-0123456789abcdef0`)
}

// clientTokenValidators accept 1 to 64 printable ASCII characters; an empty
// token would not make the request idempotent.
func clientTokenValidators() []validator.String {
	return []validator.String{
		stringvalidator.LengthBetween(1, ami.MaxClientTokenLength),
		stringvalidator.RegexMatches(regexp.MustCompile(ami.ClientTokenPattern), "must contain only printable ASCII characters"),
	}
}

// snapshotCopyMinutesValidators accept a multiple of 15 from 15 to 2880.
func snapshotCopyMinutesValidators() []validator.Int64 {
	return []validator.Int64{
		int64validator.Between(ami.MinSnapshotCopyMinutes, ami.MaxSnapshotCopyMinutes),
		snapshotCopyStepValidator{},
		explainedInt64{
			Int64: int64validator.ConflictsWith(
				path.MatchRoot("destination_outpost_arn"),
				path.MatchRoot("destination_availability_zone"),
				path.MatchRoot("destination_availability_zone_id"),
			),
			reason: "EC2 makes time-based snapshot copies only from Region to Region, not to an Outpost or to or from a Local Zone: " +
				"remove snapshot_copy_completion_duration_minutes, or remove the destination to copy to the Region.",
		},
	}
}

// singleDestinationReason explains the conflicts between the three
// destinations and how to resolve them.
const singleDestinationReason = "A copy has a single destination: set destination_outpost_arn to copy to an Outpost, " +
	"or one of destination_availability_zone and destination_availability_zone_id to copy to a Local Zone, or none of them to copy to the Region."

// regionNameValidator accepts a well-formed Region name.
func regionNameValidator() validator.String {
	return parsedStringValidator{
		summary:     "Invalid Region Name",
		description: "must be a Region name such as us-east-1, us-gov-west-1 or cn-north-1",
		check:       ami.ValidateRegionName,
	}
}

// kmsKeyIDValidator accepts a KMS key ID, alias name, key ARN or alias ARN.
func kmsKeyIDValidator() validator.String {
	return parsedStringValidator{
		summary:     "Invalid KMS Key ID",
		description: "must be a KMS key ID, alias/NAME, key ARN or alias ARN of a key EBS can use",
		check: func(s string) error {
			_, err := ami.ParseKMSKeyID(s)
			return err
		},
		fix: func(err error) string {
			if otherService := (*ami.OtherServiceKeyError)(nil); errors.As(err, &otherService) {
				return ", or leave kms_key_id unset for the default key"
			}
			return ""
		},
	}
}

// outpostARNValidator accepts the ARN of an Outpost.
func outpostARNValidator() validator.String {
	return parsedStringValidator{
		summary:     "Invalid Outpost ARN",
		description: "must be an Outpost ARN, arn:PARTITION:outposts:REGION:ACCOUNT:outpost/op-ID",
		check: func(s string) error {
			_, err := ami.ParseOutpostARN(s)
			return err
		},
	}
}

// localZoneNameValidator accepts the name of a Local Zone, when no Outpost
// is the destination; which Region the zone must belong to is checked at
// plan time, by addPlacementDiagnostics.
func localZoneNameValidator() validator.String {
	return stringvalidator.All(
		parsedStringValidator{
			summary:     "Invalid Local Zone Name",
			description: "must be the name of a Local Zone, such as us-west-2-lax-1a",
			check: func(s string) error {
				return ami.ValidateLocalZoneName(s, "")
			},
			fix: func(err error) string {
				if az := (*ami.AvailabilityZoneError)(nil); errors.As(err, &az) {
					return ", so leave destination_availability_zone unset to copy to " + az.Region
				}
				return ""
			},
		},
		explainedString{
			String: stringvalidator.ConflictsWith(path.MatchRoot("destination_outpost_arn")),
			reason: singleDestinationReason,
		},
	)
}

// localZoneIDValidator accepts the ID of a Local Zone, when neither an
// Outpost nor a Local Zone name is the destination; which Region the zone
// must belong to is checked at plan time, by addPlacementDiagnostics. The
// name's validator reports its conflict with an Outpost, so each pair of
// destinations is reported once, on the later of the two.
func localZoneIDValidator() validator.String {
	return stringvalidator.All(
		parsedStringValidator{
			summary:     "Invalid Local Zone ID",
			description: "must be the ID of a Local Zone, such as usw2-lax1-az1",
			check: func(s string) error {
				return ami.ValidateLocalZoneID(s, "")
			},
			fix: func(err error) string {
				if az := (*ami.AvailabilityZoneError)(nil); errors.As(err, &az) {
					return ", so leave destination_availability_zone_id unset to copy to the Region"
				}
				return ""
			},
		},
		explainedString{
			String: stringvalidator.ConflictsWith(
				path.MatchRoot("destination_outpost_arn"),
				path.MatchRoot("destination_availability_zone"),
			),
			reason: singleDestinationReason,
		},
	)
}

// parsedStringValidator reports the error of an ami parser on a known,
// non-null string. The parsers' errors start with the quoted value, so the
// detail reads "The kms_key_id value "x" is not ...". The ami package knows
// nothing of Terraform, so fix (when set) adds the change to the
// configuration that a typed error calls for.
type parsedStringValidator struct {
	summary     string
	description string
	check       func(string) error
	fix         func(error) string
}

var _ validator.String = parsedStringValidator{}

// Description says what the attribute accepts.
func (v parsedStringValidator) Description(_ context.Context) string {
	return v.description
}

// MarkdownDescription says what the attribute accepts.
func (v parsedStringValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

// ValidateString skips null and unknown values: the first is allowed, the
// second is checked once known.
func (v parsedStringValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := v.check(req.ConfigValue.ValueString()); err != nil {
		fix := ""
		if v.fix != nil {
			fix = v.fix(err)
		}
		resp.Diagnostics.AddAttributeError(req.Path, v.summary, fmt.Sprintf("The %s value %s%s.", req.Path, err, fix))
	}
}

// snapshotCopyStepValidator reports a completion duration that is inside the
// allowed range but not a multiple of 15; int64validator.Between reports the
// range, so a value is never flagged twice.
type snapshotCopyStepValidator struct{}

var _ validator.Int64 = snapshotCopyStepValidator{}

// Description says what the attribute accepts.
func (snapshotCopyStepValidator) Description(_ context.Context) string {
	return fmt.Sprintf("must be a multiple of %d", ami.SnapshotCopyMinutesStep)
}

// MarkdownDescription says what the attribute accepts.
func (v snapshotCopyStepValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

// ValidateInt64 skips null, unknown and out-of-range values.
func (snapshotCopyStepValidator) ValidateInt64(_ context.Context, req validator.Int64Request, resp *validator.Int64Response) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	m := req.ConfigValue.ValueInt64()
	if m < ami.MinSnapshotCopyMinutes || m > ami.MaxSnapshotCopyMinutes {
		return
	}
	if err := ami.ValidateSnapshotCopyMinutes(m); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Snapshot Copy Duration",
			fmt.Sprintf("The %s value %s.", req.Path, err))
	}
}

// imageConfigValidators are the cross-attribute rules that need no
// destination Region and compare values, which the library's ConflictsWith
// cannot (the conflicts between destinations, and between a time-based copy
// and a destination, are on the attributes' own validators);
// addPlacementDiagnostics covers the rest at plan time.
func imageConfigValidators() []resource.ConfigValidator {
	return []resource.ConfigValidator{
		placementRuleValidator{
			description: "kms_key_id requires encrypted = true",
			check:       ami.CheckKMSKeyRequiresEncryption,
		},
		placementRuleValidator{
			description: "encrypted cannot be false with destination_outpost_arn",
			check:       ami.CheckOutpostEncryption,
		},
	}
}

// addPlacementDiagnostics adds an attribute error for every rule that ties a
// value to a Region (ami.CheckPlacement). ModifyPlan calls it on every plan;
// rules that need the destination Region skip while it is unknown. The
// Region-free rules are already enforced by imageConfigValidators, so they
// are not repeated here. regionFromProvider says the destination Region is
// the provider's, which the messages then say.
func addPlacementDiagnostics(diags *diag.Diagnostics, in ami.PlacementInput, regionFromProvider bool) {
	for _, v := range ami.CheckPlacement(in) {
		diags.Append(violationDiagnostic(v, regionFromProvider))
	}
}

// placementRuleValidator runs one Region-free placement rule of the ami
// package on the configuration.
type placementRuleValidator struct {
	description string
	check       func(ami.PlacementInput) []ami.Violation
}

var _ resource.ConfigValidator = placementRuleValidator{}

// Description states the rule.
func (v placementRuleValidator) Description(_ context.Context) string {
	return v.description
}

// MarkdownDescription states the rule.
func (v placementRuleValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

// ValidateResource reads the configuration and reports the rule's
// violations. The configuration stands in for the plan: the provider's
// Region is not known during validation, and these rules do not need it.
func (v placementRuleValidator) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	config, diags := readPlacementAttributes(ctx, req.Config)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	for _, violation := range v.check(placementInput(config, config)) {
		resp.Diagnostics.Append(violationDiagnostic(violation, false))
	}
}

// readPlacementAttributes reads from the configuration only the attributes that
// placementInput uses. Terraform validates every instance's configuration on
// every plan, and decoding the whole model (some 60 attributes) for seven of
// them was a visible part of a large plan's cost.
func readPlacementAttributes(ctx context.Context, config tfsdk.Config) (imageResourceModel, diag.Diagnostics) {
	var m imageResourceModel
	var diags diag.Diagnostics
	diags.Append(configAttribute(ctx, config, "region", &m.Region)...)
	diags.Append(configAttribute(ctx, config, "source_region", &m.SourceRegion)...)
	diags.Append(configAttribute(ctx, config, "kms_key_id", &m.KMSKeyID)...)
	diags.Append(configAttribute(ctx, config, "encrypted", &m.Encrypted)...)
	diags.Append(configAttribute(ctx, config, "destination_outpost_arn", &m.DestinationOutpostARN)...)
	diags.Append(configAttribute(ctx, config, "destination_availability_zone", &m.DestinationAvailabilityZone)...)
	diags.Append(configAttribute(ctx, config, "destination_availability_zone_id", &m.DestinationAvailabilityZoneID)...)
	return m, diags
}

// fieldAttributes are the attributes of amicopy_image that hold each input
// of the placement rules.
var fieldAttributes = map[ami.Field]string{
	ami.FieldRegion:                        "region",
	ami.FieldSourceRegion:                  "source_region",
	ami.FieldKMSKeyID:                      "kms_key_id",
	ami.FieldEncrypted:                     "encrypted",
	ami.FieldDestinationOutpostARN:         "destination_outpost_arn",
	ami.FieldDestinationAvailabilityZone:   "destination_availability_zone",
	ami.FieldDestinationAvailabilityZoneID: "destination_availability_zone_id",
}

// violationDiagnostic words a placement rule violation as an error on the
// attribute to correct: what is wrong, why EC2 has the rule, and the
// configuration that would satisfy it.
func violationDiagnostic(v ami.Violation, regionFromProvider bool) diag.Diagnostic {
	dest := destinationPhrase(v.Region, regionFromProvider)
	var summary, detail string
	switch v.Rule {
	case ami.RuleKMSKeyRequiresEncryption:
		state := "encrypted is not set"
		if v.EncryptionOff {
			state = "encrypted = false"
		}
		summary = "KMS Key Requires Encryption"
		detail = fmt.Sprintf("kms_key_id is %q but %s. EC2 uses a KMS key only to encrypt the copy and requires encrypted = true whenever a key is given. "+
			"Set encrypted = true, or remove kms_key_id to keep the snapshots' encryption state.", v.Value, state)
	case ami.RuleOutpostRequiresEncryption:
		summary = "Outpost Copies Must Be Encrypted"
		detail = "encrypted = false cannot be used with destination_outpost_arn: Outposts do not support unencrypted snapshots, " +
			"so EC2 always encrypts a copy to an Outpost. Remove encrypted (the copy is then planned as encrypted) or set encrypted = true."
	case ami.RuleKMSKeyRegionMismatch:
		summary = "KMS Key Not in Destination Region"
		detail = fmt.Sprintf("kms_key_id %q is a key in Region %s, but the image is copied to %s. EC2 needs the KMS key to exist in the destination Region: "+
			"use a key (or a multi-Region replica key) in %s, or %s.", v.Value, v.ValueRegion, dest, v.Region, moveRegionHint(v.ValueRegion, regionFromProvider))
	case ami.RuleOutpostRegionMismatch:
		summary = "Outpost Not in Destination Region"
		detail = fmt.Sprintf("destination_outpost_arn %q is an Outpost of Region %s, but the image is copied to %s. "+
			"A copy to an Outpost is made in the Outpost's parent Region: %s, or choose an Outpost of %s.",
			v.Value, v.ValueRegion, dest, moveRegionHint(v.ValueRegion, regionFromProvider), v.Region)
	case ami.RuleSourceNotOutpostRegion:
		summary = "Source Region Not the Outpost's Region"
		detail = fmt.Sprintf("source_region is %q, but the Outpost in destination_outpost_arn belongs to Region %s. "+
			"EC2 copies an AMI to an Outpost only from the Outpost's parent Region, and cannot copy from an Outpost, between Outposts or within one Outpost: "+
			"copy the AMI to %s first (for example with another amicopy_image), then set source_region = %q and use that copy as source_image_id.",
			v.SourceRegion, v.ValueRegion, v.ValueRegion, v.ValueRegion)
	case ami.RuleLocalZoneRegionMismatch:
		summary = "Local Zone Not in Destination Region"
		detail = fmt.Sprintf("destination_availability_zone %q is a Local Zone of Region %s, but the image is copied to %s. "+
			"A copy to a Local Zone is made in its parent Region: %s, or choose a Local Zone of %s (its name starts with %q).",
			v.Value, v.ValueRegion, dest, moveRegionHint(v.ValueRegion, regionFromProvider), v.Region, v.Region+"-")
	case ami.RuleLocalZoneIDRegionMismatch:
		summary = "Local Zone Not in Destination Region"
		detail = fmt.Sprintf("destination_availability_zone_id %q is a Local Zone of the Region with code %s, but the image is copied to %s, whose zone IDs start with %q. "+
			"A copy to a Local Zone is made in its parent Region: set the Region to the zone's parent, or choose a Local Zone of %s.",
			v.Value, v.ValueRegion, dest, ami.RegionShortCode(v.Region)+"-", v.Region)
	case ami.RuleSourceNotLocalZoneParent:
		parent := "Region " + v.ValueRegion
		if v.Destination == ami.FieldDestinationAvailabilityZoneID {
			parent = "the Region with code " + v.ValueRegion
		}
		summary = "Source Region Not the Local Zone's Parent Region"
		detail = fmt.Sprintf("source_region is %q, but the Local Zone in %s (%q) belongs to %s. "+
			"EC2 copies an AMI to a Local Zone only from its parent Region or another Local Zone of it: "+
			"copy the AMI to the parent Region first, then copy that image to the Local Zone.",
			v.SourceRegion, fieldAttributes[v.Destination], v.Value, parent)
	default:
		// A rule added to the ami package without a message here still
		// stops the plan, pointing at the input to correct.
		summary = "Invalid Placement"
		detail = fmt.Sprintf("%s breaks placement rule %d.", fieldAttributes[v.Field], v.Rule)
	}
	return diag.NewAttributeErrorDiagnostic(path.Root(fieldAttributes[v.Field]), summary, detail)
}

// destinationPhrase names the destination Region and where it came from.
func destinationPhrase(region string, regionFromProvider bool) string {
	if regionFromProvider {
		return fmt.Sprintf("Region %s (the provider's region)", region)
	}
	return fmt.Sprintf("Region %s (region)", region)
}

// moveRegionHint tells how to make want the destination Region.
func moveRegionHint(want string, regionFromProvider bool) string {
	if regionFromProvider {
		return fmt.Sprintf("set region = %q on the resource", want)
	}
	return fmt.Sprintf("set region = %q", want)
}

// explainedString adds why EC2 has a rule, and how to satisfy it, to the
// errors of a library validator, whose wording states only the conflict.
type explainedString struct {
	validator.String
	reason string
}

// ValidateString runs the library validator and explains its errors.
func (v explainedString) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	inner := &validator.StringResponse{}
	v.String.ValidateString(ctx, req, inner)
	resp.Diagnostics.Append(explained(inner.Diagnostics, v.reason)...)
}

// explainedInt64 is explainedString for number attributes.
type explainedInt64 struct {
	validator.Int64
	reason string
}

// ValidateInt64 runs the library validator and explains its errors.
func (v explainedInt64) ValidateInt64(ctx context.Context, req validator.Int64Request, resp *validator.Int64Response) {
	inner := &validator.Int64Response{}
	v.Int64.ValidateInt64(ctx, req, inner)
	resp.Diagnostics.Append(explained(inner.Diagnostics, v.reason)...)
}

// explained appends reason to the detail of each attribute error, which keeps
// its summary and path.
func explained(diags diag.Diagnostics, reason string) diag.Diagnostics {
	out := make(diag.Diagnostics, 0, len(diags))
	for _, d := range diags {
		withPath, ok := d.(diag.DiagnosticWithPath)
		if !ok || d.Severity() != diag.SeverityError {
			out = append(out, d)
			continue
		}
		out = append(out, diag.NewAttributeErrorDiagnostic(withPath.Path(), d.Summary(), strings.TrimSuffix(d.Detail(), ".")+". "+reason))
	}
	return out
}

// placementInput gathers what the placement rules look at, for both the
// configuration validators (which pass the configuration as plan) and
// ModifyPlan: the Regions and destinations as planned, and encrypted as
// configured, since the plan may fill it in. Unknown values read as unset,
// so the rules that need them skip.
func placementInput(plan, config imageResourceModel) ami.PlacementInput {
	in := ami.PlacementInput{
		Region:                        knownString(plan.Region),
		SourceRegion:                  knownString(plan.SourceRegion),
		KMSKeyID:                      knownString(plan.KMSKeyID),
		EncryptedUnknown:              config.Encrypted.IsUnknown(),
		DestinationOutpostARN:         knownString(plan.DestinationOutpostARN),
		DestinationAvailabilityZone:   knownString(plan.DestinationAvailabilityZone),
		DestinationAvailabilityZoneID: knownString(plan.DestinationAvailabilityZoneID),
	}
	if !config.Encrypted.IsNull() && !config.Encrypted.IsUnknown() {
		encrypted := config.Encrypted.ValueBool()
		in.Encrypted = &encrypted
	}
	return in
}
