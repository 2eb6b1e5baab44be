package provider

import (
	"context"
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
	"github.com/hashicorp/terraform-plugin-framework/types"

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

// clientTokenValidators accept 1 to 128 printable ASCII characters; an empty
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
// detail reads "The kms_key_id value "x" is not ...".
type parsedStringValidator struct {
	summary     string
	description string
	check       func(string) error
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
		resp.Diagnostics.AddAttributeError(req.Path, v.summary, fmt.Sprintf("The %s value %s.", req.Path, err))
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
// are not repeated here.
func addPlacementDiagnostics(diags *diag.Diagnostics, in ami.PlacementInput) {
	addViolations(diags, ami.CheckPlacement(in))
}

// addViolations turns rule violations into attribute errors.
func addViolations(diags *diag.Diagnostics, violations []ami.RuleViolation) {
	for _, v := range violations {
		diags.AddAttributeError(path.Root(v.Attribute), v.Summary, v.Detail)
	}
}

// placementRuleValidator runs one cross-attribute rule of the ami package on
// the configuration.
type placementRuleValidator struct {
	description string
	check       func(ami.PlacementInput) []ami.RuleViolation
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

// ValidateResource reads the configuration and reports the rule's violations.
func (v placementRuleValidator) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	in, diags := configPlacementInput(ctx, req.Config)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	addViolations(&resp.Diagnostics, v.check(in))
}

// configPlacementInput reads the attributes the placement rules look at.
// Null and unknown values read as unset (EncryptedUnknown marks an unknown
// encrypted), so rules that need them skip. Region is the configured region
// only: the provider's default is not known during validation.
func configPlacementInput(ctx context.Context, config tfsdk.Config) (ami.PlacementInput, diag.Diagnostics) {
	var diags diag.Diagnostics
	readString := func(attribute string) string {
		var v types.String
		diags.Append(config.GetAttribute(ctx, path.Root(attribute), &v)...)
		if v.IsNull() || v.IsUnknown() {
			return ""
		}
		return v.ValueString()
	}

	in := ami.PlacementInput{
		Region:                        readString(ami.AttributeRegion),
		SourceRegion:                  readString(ami.AttributeSourceRegion),
		KMSKeyID:                      readString(ami.AttributeKMSKeyID),
		DestinationOutpostARN:         readString(ami.AttributeDestinationOutpostARN),
		DestinationAvailabilityZone:   readString(ami.AttributeDestinationAvailabilityZone),
		DestinationAvailabilityZoneID: readString(ami.AttributeDestinationAvailabilityZoneID),
	}

	var encrypted types.Bool
	diags.Append(config.GetAttribute(ctx, path.Root(ami.AttributeEncrypted), &encrypted)...)
	switch {
	case encrypted.IsUnknown():
		in.EncryptedUnknown = true
	case !encrypted.IsNull():
		value := encrypted.ValueBool()
		in.Encrypted = &value
	}

	var minutes types.Int64
	diags.Append(config.GetAttribute(ctx, path.Root(ami.AttributeSnapshotCopyCompletionDurationMinutes), &minutes)...)
	if !minutes.IsNull() && !minutes.IsUnknown() {
		in.SnapshotCopyCompletionDurationMinutes = minutes.ValueInt64()
	}
	return in, diags
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
