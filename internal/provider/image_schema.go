package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/amicopy/terraform-provider-amicopy/internal/ami"
)

// imageSchema is amicopy_image's schema: it mirrors the CopyImage request,
// plus what a user needs downstream. The sharing attributes' schema is in
// image_sharing.go.
//
// data returns the configured provider's data for the plan modifiers that
// ask AWS (kms_key_id's); it may be nil, or return nil before Configure,
// and those modifiers then decide without asking.
func imageSchema(ctx context.Context, data func() *providerData) schema.Schema {
	replace := []planmodifier.String{replaceUnlessAdoptingString()}
	return schema.Schema{
		MarkdownDescription: "A copy of an Amazon Machine Image (AMI), made with EC2 CopyImage: across Regions, into an Outpost or into a Local Zone. " +
			"Create starts the copy and waits until it is available; destroy deregisters it and deletes its snapshots.",
		Attributes: map[string]schema.Attribute{
			"architecture": computedString("Architecture of the image, such as `x86_64` or `arm64`."),
			"arn":          computedString("ARN of the new AMI."),
			"block_device_mappings": schema.ListNestedAttribute{
				MarkdownDescription: "Block devices of the new AMI, as EC2 reports them.",
				Computed:            true,
				PlanModifiers:       []planmodifier.List{listplanmodifier.UseStateForUnknown()},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"delete_on_termination": schema.BoolAttribute{MarkdownDescription: "Whether an instance launched from the AMI deletes the volume when it terminates. Null for an instance store (ephemeral) device.", Computed: true},
					"device_name":           schema.StringAttribute{MarkdownDescription: "Device name, such as `/dev/xvda`.", Computed: true},
					"encrypted":             schema.BoolAttribute{MarkdownDescription: "Whether the volume's snapshot is encrypted.", Computed: true},
					"iops":                  schema.Int64Attribute{MarkdownDescription: "Provisioned IOPS of the volume (`io1`, `io2`, `gp3`). Null when EC2 reports none.", Computed: true},
					"snapshot_id":           schema.StringAttribute{MarkdownDescription: "ID of the snapshot that the copy created.", Computed: true},
					"throughput":            schema.Int64Attribute{MarkdownDescription: "Throughput of a `gp3` volume, in MiB/s. Null when EC2 reports none.", Computed: true},
					"virtual_name":          schema.StringAttribute{MarkdownDescription: "Instance store volume name, such as `ephemeral0`, for an ephemeral device. Null for an EBS device.", Computed: true},
					"volume_size":           schema.Int64Attribute{MarkdownDescription: "Size of the volume, in GiB.", Computed: true},
					"volume_type":           schema.StringAttribute{MarkdownDescription: "EBS volume type, such as `gp3`.", Computed: true},
				}},
			},
			"boot_mode": computedString("Boot mode of the image: `legacy-bios`, `uefi` or `uefi-preferred`."),
			"client_token": schema.StringAttribute{
				MarkdownDescription: "Idempotency token for CopyImage: 1 to 64 printable ASCII characters. When unset, the provider generates one when it creates the copy and keeps it in state, " +
					"so a retried create never makes a second copy. EC2 answers a token it has seen with the copy it made then, so after a failed copy, " +
					"set a new token (or leave it unset) to copy again. Changing it replaces the AMI.",
				Optional:      true,
				Computed:      true,
				PlanModifiers: replace,
				Validators:    clientTokenValidators(),
			},
			"copy_image_tags": schema.BoolAttribute{
				MarkdownDescription: "Copy the source AMI's user-defined tags to the new AMI (CopyImageTags). Copied tags show in `tags_all`, not in `tags`. " +
					"Defaults to `false`. Changing it replaces the AMI.",
				Optional:      true,
				Computed:      true,
				Default:       booldefault.StaticBool(false),
				PlanModifiers: []planmodifier.Bool{replaceUnlessAdoptingBool()},
			},
			"creation_date": computedString("When EC2 created the copy (RFC 3339)."),
			"delete_snapshots": schema.BoolAttribute{
				MarkdownDescription: "Delete the snapshots that the copy created when the AMI is destroyed. A snapshot that another AMI still uses is kept, with a warning. " +
					"Defaults to `true`. Changing it only changes state.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"deprecation_time": schema.StringAttribute{
				MarkdownDescription: "When the AMI becomes deprecated, in RFC 3339 (for example `2030-01-01T00:00:00Z`). EC2 rounds it to the minute; " +
					"a value with seconds causes no diff. Remove it to cancel the deprecation. Updated in place.",
				Optional:   true,
				CustomType: deprecateAtType{},
				Validators: []validator.String{rfc3339Validator()},
			},
			"deregistration_protection": schema.StringAttribute{
				MarkdownDescription: "Deregistration protection: `disabled`, `enabled`, or `enabled-with-cooldown` (after it is disabled, the AMI stays protected for 24 hours). " +
					"While it is on, destroying or replacing the copy fails at plan time unless `skip_destroy` is set; a replacement that Terraform forces itself " +
					"(`-replace`, `replace_triggered_by`, a tainted copy) fails at apply instead, leaving the AMI in place. Defaults to `disabled`. Updated in place.",
				Optional:   true,
				Computed:   true,
				Default:    stringdefault.StaticString(protectionDisabled),
				Validators: []validator.String{stringvalidator.OneOf(protectionDisabled, protectionEnabled, protectionEnabledWithCooldown)},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "Description of the new AMI, at most 255 characters. When unset, the copy keeps the description EC2 gives it (usually the source's), and that is no diff. Updated in place.",
				Optional:            true,
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
				Validators:          []validator.String{stringvalidator.UTF8LengthAtMost(ami.MaxDescriptionLength)},
			},
			"destination_availability_zone": schema.StringAttribute{
				MarkdownDescription: "Local Zone to copy into, such as `us-west-2-lax-1a`. It must belong to the destination Region. " +
					"Conflicts with `destination_availability_zone_id` and `destination_outpost_arn`. Changing it replaces the AMI.",
				Optional:      true,
				PlanModifiers: replace,
				Validators:    []validator.String{localZoneNameValidator()},
			},
			"destination_availability_zone_id": schema.StringAttribute{
				MarkdownDescription: "ID of the Local Zone to copy into, such as `usw2-lax1-az1`. It must belong to the destination Region. " +
					"Conflicts with `destination_availability_zone` and `destination_outpost_arn`. Changing it replaces the AMI.",
				Optional:      true,
				PlanModifiers: replace,
				Validators:    []validator.String{localZoneIDValidator()},
			},
			"destination_outpost_arn": schema.StringAttribute{
				MarkdownDescription: "ARN of the Outpost to copy to, `arn:aws:outposts:REGION:ACCOUNT:outpost/op-...`. The Outpost must belong to the destination Region, " +
					"and `source_region` must be that Region too. Copies to an Outpost are always encrypted. Changing it replaces the AMI.",
				Optional:      true,
				PlanModifiers: replace,
				Validators:    []validator.String{outpostARNValidator()},
			},
			"ena_support": schema.BoolAttribute{
				MarkdownDescription: "Whether enhanced networking with ENA is enabled.",
				Computed:            true,
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
			"encrypted": schema.BoolAttribute{
				MarkdownDescription: "Encrypt the new snapshots. Copies of encrypted snapshots are always encrypted; `false` means \"do not ask for encryption\", not \"decrypt\". " +
					"When unset, the copy is as encrypted as its source (and always encrypted on an Outpost). Changing it to `true` replaces the AMI; changing it to `false` only changes state, and the copy stays encrypted.",
				Optional:      true,
				Computed:      true,
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown(), replaceUnlessAdoptingBool()},
			},
			"hypervisor": computedString("Hypervisor type of the image; EC2 reports `xen`."),
			"id": schema.StringAttribute{
				MarkdownDescription: "ID of the new AMI.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"image_location":    computedString("Location of the AMI as EC2 reports it: `ACCOUNT/NAME` for a copy."),
			"image_owner_alias": computedString("Owner alias of the AMI, such as `amazon` or `aws-marketplace`. Null for an AMI that an account owns, such as a copy."),
			"image_type":        computedString("Type of the image: `machine`, `kernel` or `ramdisk`."),
			"imds_support":      computedString("`v2.0` when instances launched from the AMI require IMDSv2. Null when the AMI does not set it."),
			"kernel_id":         computedString("Kernel of a paravirtual AMI. Null when EC2 reports none (every `hvm` AMI)."),
			"kms_key_id": schema.StringAttribute{
				MarkdownDescription: "Symmetric KMS key for the new snapshots: a key ID, `alias/NAME`, a key ARN or an alias ARN, in the destination Region. " +
					"AWS managed aliases other than `alias/aws/ebs` are refused. " +
					"Requires `encrypted = true`. Kept as written, so an alias causes no diff against the key ARN EC2 reports. " +
					"Changing it replaces the AMI, unless the old and new values name the same key (kms:DescribeKey in the copy's Region, at plan time): " +
					"then the change is an in-place update that only records the new spelling, such as an alias for a key ARN.",
				Optional:      true,
				PlanModifiers: []planmodifier.String{replaceUnlessSameKMSKey(data)},
				Validators:    []validator.String{kmsKeyIDValidator()},
			},
			attrLaunchPermission: launchPermissionSchema(),
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the new AMI: 3 to 128 letters, digits, spaces and `( ) [ ] . / - ' @ _`. EC2 accepts a name that another AMI of the account has in the destination Region, and the plan warns about it. Changing it replaces the AMI.",
				Required:            true,
				PlanModifiers:       []planmodifier.String{replaceAlwaysString()},
				Validators:          imageNameValidators(),
			},
			"owner_id":         computedString("AWS account that owns the copy."),
			"platform":         computedString("`windows` for a Windows AMI. Null otherwise."),
			"platform_details": computedString("Platform details, such as `Linux/UNIX` or `Windows`."),
			"public": schema.BoolAttribute{
				MarkdownDescription: "Whether the AMI has public launch permissions.",
				Computed:            true,
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
			"ramdisk_id": computedString("RAM disk of a paravirtual AMI. Null when EC2 reports none (every `hvm` AMI)."),
			"region": schema.StringAttribute{
				MarkdownDescription: "Destination Region of this copy. Defaults to the provider's `region`, so one provider block can copy to many Regions with `for_each`. " +
					"A copy made with the default stays in its Region when the provider's `region` changes later; set `region` to move it. Changing it replaces the AMI.",
				Optional:      true,
				Computed:      true,
				PlanModifiers: []planmodifier.String{replaceAlwaysString()},
				Validators:    []validator.String{regionNameValidator()},
			},
			"root_device_name": computedString("Root device name, such as `/dev/xvda`."),
			"root_snapshot_id": computedString("ID of the snapshot behind the root device. Null when the root device is not an EBS volume."),
			"skip_destroy": schema.BoolAttribute{
				MarkdownDescription: "Keep the AMI and its snapshots in EC2 when the resource is destroyed or replaced: it is only removed from state, with a warning naming it. " +
					"Defaults to `false`. Changing it only changes state.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"snapshot_copy_completion_duration_minutes": schema.Int64Attribute{
				MarkdownDescription: "Ask for a time-based copy that completes within this many minutes: a multiple of 15 from 15 to 2880. " +
					"Not possible to an Outpost or a Local Zone. The default create timeout grows to fit it. Changing it replaces the AMI.",
				Optional:      true,
				PlanModifiers: []planmodifier.Int64{replaceUnlessAdoptingInt64()},
				Validators:    snapshotCopyMinutesValidators(),
			},
			attrSnapshotCreateVolumePermissions: snapshotCreateVolumePermissionSchema(),
			"snapshot_ids": schema.ListAttribute{
				MarkdownDescription: "IDs of the snapshots that the copy created.",
				ElementType:         types.StringType,
				Computed:            true,
				PlanModifiers:       []planmodifier.List{listplanmodifier.UseStateForUnknown()},
			},
			"snapshot_tags": schema.MapAttribute{
				MarkdownDescription: "Tags for the snapshots that the copy creates, added atomically by CopyImage together with the provider's `default_tags`. " +
					"The AMI's `tags` are not put on the snapshots. Only the keys set here are tracked, so tags others add to the snapshots cause no diff. Updated in place.",
				ElementType: types.StringType,
				Optional:    true,
			},
			"source_image_id": schema.StringAttribute{
				MarkdownDescription: "ID of the AMI to copy: `ami-` and 8 or 17 lowercase hexadecimal digits. Changing it replaces the AMI.",
				Required:            true,
				PlanModifiers:       replace,
				Validators:          []validator.String{sourceImageIDValidator()},
			},
			"source_region": schema.StringAttribute{
				MarkdownDescription: "Region that holds the source AMI. Changing it replaces the AMI.",
				Required:            true,
				PlanModifiers:       replace,
				Validators:          []validator.String{regionNameValidator()},
			},
			"sriov_net_support": computedString("`simple` when enhanced networking with the Intel 82599 VF interface is enabled. Null otherwise."),
			"state":             computedString("State of the AMI, `available` once the copy has finished."),
			"tags": schema.MapAttribute{
				MarkdownDescription: "Tags for the new AMI, added atomically by CopyImage. Updated in place.",
				ElementType:         types.StringType,
				Optional:            true,
			},
			"tags_all": schema.MapAttribute{
				MarkdownDescription: "All tags of the AMI: the provider's `default_tags` merged with `tags`, plus the source's tags that `copy_image_tags` brought.",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{
				Create: true, Update: true, Delete: true,
				CreateDescription: "How long to wait for the copy to become available, such as `\"2h\"`. Defaults to 40 minutes, or for a time-based copy its duration plus 20 minutes when that is longer.",
				UpdateDescription: "How long an in-place update may take. Defaults to 10 minutes.",
				DeleteDescription: "How long deregistering and deleting the snapshots may take. Defaults to 20 minutes.",
			}),
			"tpm_support":         computedString("`v2.0` when the AMI enables NitroTPM. Null when the AMI does not set it."),
			"usage_operation":     computedString("Billing code of the AMI, such as `RunInstances` for `Linux/UNIX` or `RunInstances:0002` for `Windows`. It matches the `lineitem/Operation` column of the AWS Cost and Usage Report."),
			"virtualization_type": computedString("Virtualization type: `hvm` or `paravirtual`."),
			"wait_for_available": schema.BoolAttribute{
				MarkdownDescription: "Wait for the copy to become available before the apply goes on. Defaults to `true`. With `false`, the create ends as soon as " +
					"CopyImage has answered and the copy is in state (`state = \"pending\"`), so a slow copy does not hold the apply or take one of its " +
					"`-parallelism` slots. What EC2 accepts only on an available AMI (`deprecation_time`, `deregistration_protection`, `launch_permission`, " +
					"`snapshot_create_volume_permission_account_ids`) is then applied by the first apply after the copy is available, which plans them " +
					"as the in-place changes they are; until then, plans show no change for the copy. Setting it to `true`, or removing it, on a pending " +
					"copy plans an in-place update that waits for the same copy. Changing it never replaces the AMI. A copy imported with " +
					"`terraform import` is recorded as waiting, so a configuration that says `false` plans one in-place update that only records it.",
				Optional: true,
				Computed: true,
			},
		},
	}
}

// computedString is a read-only attribute that EC2 fixes when it creates
// the copy.
func computedString(description string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: description,
		Computed:            true,
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
}
