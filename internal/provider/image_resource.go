package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/amicopy/terraform-provider-amicopy/internal/ami"
)

var (
	_ resource.ResourceWithConfigure        = (*imageResource)(nil)
	_ resource.ResourceWithImportState      = (*imageResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*imageResource)(nil)
	_ resource.ResourceWithConfigValidators = (*imageResource)(nil)
)

// Default timeouts. A real cross-Region copy of a large image takes tens of
// minutes; time-based copies take as long as they were asked to.
const (
	defaultCreateTimeout = 40 * time.Minute
	defaultUpdateTimeout = 10 * time.Minute
	defaultDeleteTimeout = 20 * time.Minute
)

// Private-state keys.
const (
	// privateImported marks a resource adopted by import or moved whose
	// create-time inputs (which EC2 does not report) are not known yet. The
	// plan that adopts it takes them from the configuration without
	// replacing the AMI; once that plan is applied, changing them replaces
	// it again (adoptionMarkerAfterRead, Update).
	privateImported = "imported"
	// adoptingAfterRead is the privateImported value once the adopting
	// read has happened (adoptionMarkerAfterRead). ImportState and
	// MoveState write true.
	adoptingAfterRead = `"adopting"`
	// privateCopiedTagKeys lists tags that CopyImageTags brought over from
	// the source. They are the source's, not the configuration's, so they
	// are kept out of tags (but stay in tags_all).
	privateCopiedTagKeys = "copied_tag_keys"
	// privateDeregistrationCooldown holds EC2's report of a protection
	// with cooldown that was disabled but still protects the AMI
	// ("disabled-until ..."). The setting reads "disabled" then, so plans
	// need this to refuse a destroy that EC2 would refuse.
	privateDeregistrationCooldown = "deregistration_cooldown"
	// privateCopyStarted records when a create whose CopyImage got no
	// answer started, so that only an AMI created after it is taken for
	// its copy.
	privateCopyStarted = "copy_started_at"
	// privateStateReason holds EC2's StateReason for a copy that the last
	// refresh found failed, for the plan that replaces it to show.
	privateStateReason = "state_reason"
	// privateTrackedCopy records the copy the resource tracks (trackedCopy),
	// for the plan of a replacement's new copy, which sees no prior state.
	privateTrackedCopy = "tracked_copy"
)

// imageResource is the amicopy_image resource.
type imageResource struct {
	data *providerData
}

// NewImageResource returns the amicopy_image resource.
func NewImageResource() resource.Resource {
	return &imageResource{}
}

// Metadata names the resource.
func (r *imageResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image"
}

// Schema mirrors the CopyImage request, plus what a user needs downstream.
func (r *imageResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{replaceUnlessAdoptingString()}
	resp.Schema = schema.Schema{
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
				MarkdownDescription: "Idempotency token for CopyImage: 1 to 128 printable ASCII characters. When unset, the provider generates one when it creates the copy and keeps it in state, " +
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
					"When unset, the copy is as encrypted as its source (and always encrypted on an Outpost). Changing it replaces the AMI.",
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
					"Requires `encrypted = true`. Kept as written, so an alias causes no diff against the key ARN EC2 reports. Changing it replaces the AMI.",
				Optional:      true,
				PlanModifiers: replace,
				Validators:    []validator.String{kmsKeyIDValidator()},
			},
			attrLaunchPermission: launchPermissionSchema(),
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the new AMI: 3 to 128 letters, digits, spaces and `( ) [ ] . / - ' @ _`, unique in the destination Region. Changing it replaces the AMI.",
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

// Configure receives the provider's data.
func (r *imageResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if req.ProviderData == nil {
		return // The provider is not configured yet (validation).
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected Provider Data", fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider.", req.ProviderData))
		return
	}
	r.data = data
}

// ConfigValidators are the rules that span attributes but need no Region.
func (r *imageResource) ConfigValidators(_ context.Context) []resource.ConfigValidator {
	return imageConfigValidators()
}

// Create starts the copy, records it in state at once, and waits for it.
func (r *imageResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan imageResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, diags := r.data.ec2Client(ctx, plan.Region.ValueString())
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	createTimeout, diags := plan.Timeouts.Create(ctx, plan.defaultCreateTimeout())
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, createTimeout)
	defer cancel()

	// One token for every attempt of this create, so EC2 makes one copy
	// however often the SDK retries.
	tokenFromConfig := !plan.ClientToken.IsUnknown() && !plan.ClientToken.IsNull()
	if !tokenFromConfig {
		plan.ClientToken = types.StringValue(newClientToken())
	}
	imageTags := plan.imageTags(ctx, r.data.defaultTags)
	snapshotTags := plan.snapshotTags(ctx, r.data.defaultTags)
	input := plan.copyImageInput(imageTags, snapshotTags)
	copyStarted := time.Now()
	imageID, err := client.Copy(ctx, input)
	if err != nil && ami.IsAmbiguousCopyError(err) {
		// The copy may have started even though no answer came back.
		// AMI names are unique per account and Region (EC2 refuses a copy
		// whose name is in use, InvalidAMIName.Duplicate, and the plan
		// refuses a name in use ahead of that, checkNameFree), so look it up
		// by name rather than leave an untracked AMI behind. The lookup
		// outlives an interrupt or timeout, but not by much: a user who
		// pressed Ctrl-C is waiting.
		lookupCtx, cancelLookup := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		found, findErr := client.FindUnresolvedCopy(lookupCtx, plan.Name.ValueString(), plan.SourceImageID.ValueString(), copyStarted)
		cancelLookup()
		if findErr == nil {
			tflog.Warn(ctx, "CopyImage failed without an answer, but the copy exists; tracking it", map[string]any{"image_id": aws.ToString(found.ImageId)})
			imageID, err = aws.ToString(found.ImageId), nil
		} else {
			// EC2 may have made the copy though neither CopyImage nor the
			// lookup shows it: the lookup failed, or EC2 does not list the
			// new AMI yet. Keep the attempt in state without an ID;
			// Terraform taints it, and the next refresh looks for the copy
			// by name again (and forgets the attempt if there is none once
			// ami.UnresolvedCopyGrace has passed), so it cannot be orphaned.
			lookup := "EC2 lists no AMI of this account with that name yet"
			if !ami.IsNotFound(findErr) {
				lookup = "looking for it failed too: " + describeAWSError(findErr)
			}
			unresolved := plan.withUnknownsNull()
			unresolved.ID = types.StringNull()
			unresolved.ARN = types.StringNull()
			resp.Diagnostics.Append(resp.State.Set(ctx, &unresolved)...)
			started, _ := json.Marshal(copyStarted.UTC().Format(time.RFC3339))
			resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateCopyStarted, started)...)
			resp.Diagnostics.AddError("Unable to Copy Image", fmt.Sprintf(
				"CopyImage of %s from %s to %s failed without a clear answer: %s\n\n"+
					"EC2 may have made the copy anyway, as an AMI named %q; %s.\n\n"+
					"The attempt is kept in state as tainted: the next plan looks for the AMI by name again and replaces it if it exists. "+
					"EC2 lists a new AMI with a delay, so the attempt stays until EC2 lists it or until %s after the attempt; only then does Terraform copy anew.",
				plan.SourceImageID.ValueString(), plan.SourceRegion.ValueString(), client.Region(), describeAWSError(err),
				plan.Name.ValueString(), lookup, ami.UnresolvedCopyGrace))
			return
		}
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Copy Image", fmt.Sprintf(
			"CopyImage of %s from %s to %s failed: %s\n\nNo AMI was created.",
			plan.SourceImageID.ValueString(), plan.SourceRegion.ValueString(), client.Region(), describeAWSError(err)))
		return
	}

	// Track the AMI before waiting: from here on, any failure leaves it in
	// state (tainted) instead of orphaning it.
	plan.ID = types.StringValue(imageID)
	plan.ARN = types.StringValue(imageARN(client.Region(), imageID))
	tracked := plan.withUnknownsNull()
	resp.Diagnostics.Append(resp.State.Set(ctx, &tracked)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateTrackedCopy, trackedCopyValue(tracked))...)
	if resp.Diagnostics.HasError() {
		return
	}
	tflog.Info(ctx, "CopyImage started", map[string]any{"image_id": imageID, "region": client.Region(), "source_image_id": plan.SourceImageID.ValueString()})

	img, err := client.WaitForAvailable(ctx, imageID, waitProgressLogger(ctx))
	if err != nil && tokenFromConfig {
		if d, spent := spentTokenDiagnostic(imageID, client.Region(), plan.ClientToken.ValueString(), err); spent {
			resp.Diagnostics.Append(d)
			var deregistered *ami.DeregisteredImageError
			if errors.As(err, &deregistered) {
				// Nothing to track: the AMI is gone, and no copy runs.
				resp.State.RemoveResource(ctx)
			}
			return
		}
	}
	if err != nil {
		resp.Diagnostics.Append(waitDiagnostic(imageID, client.Region(), plan.Name.ValueString(), createTimeout, err, false))
		return
	}

	copiedTagKeys, err := client.EnsureTags(ctx, img, imageTags, snapshotTags, plan.CopyImageTags.ValueBool())
	if err != nil {
		resp.Diagnostics.AddError("Unable to Tag Image", fmt.Sprintf("The copy %s in %s is available, but tagging it failed: %s\n\n"+
			"The AMI is kept in state as tainted, so the next apply replaces it with a new copy. To keep this copy, run terraform untaint on it; the next apply then only adds the tags.", imageID, client.Region(), describeAWSError(err)))
		return
	}
	if len(copiedTagKeys) > 0 {
		raw, _ := json.Marshal(copiedTagKeys)
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateCopiedTagKeys, raw)...)
	}

	if err := applyLifecycleSettings(ctx, client, imageID, imageResourceModel{}, plan); err != nil {
		resp.Diagnostics.AddError("Unable to Configure Image", fmt.Sprintf("The copy %s in %s is available, but %s\n\n"+
			"The AMI is kept in state as tainted, so the next apply replaces it with a new copy. To keep this copy, run terraform untaint on it; the next apply then only applies the setting.", imageID, client.Region(), describeAWSError(err)))
		return
	}

	if err := applySharing(ctx, client, imageID, ami.SnapshotIDs(img), plan, true); err != nil {
		resp.Diagnostics.Append(sharingDiagnostic(imageID, client.Region(), true, err))
		return
	}

	applied, _, diags := r.readApplied(ctx, client, plan, copiedTagKeys, "The copy %s in %s is available, but reading it back failed: %s")
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &applied)...)
}

// Read refreshes the copy from EC2. A copy that is gone is removed from
// state with a warning, so the next plan re-creates it.
func (r *imageResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state imageResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	region := r.data.regionOrDefault(state.Region.ValueString())
	client, diags := r.data.ec2Client(ctx, region)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if state.ID.IsNull() || state.ID.ValueString() == "" {
		// A create that could not tell whether EC2 made the copy.
		started := copyStartedFrom(ctx, req.Private)
		found, err := client.FindUnresolvedCopy(ctx, state.Name.ValueString(), state.SourceImageID.ValueString(), started)
		if ami.IsNotFound(err) {
			if until, keep := ami.UnresolvedCopyKept(started, time.Now()); keep {
				// EC2 lists a new AMI with a delay; forgetting the attempt
				// now could orphan a copy that EC2 did make.
				resp.Diagnostics.AddWarning("Image Copy Not Listed Yet", fmt.Sprintf(
					"CopyImage for the AMI named %q in %s got no answer, and EC2 does not list an AMI of this account with that name yet (%s). "+
						"EC2 lists a new AMI with a delay, so the attempt stays in state until EC2 lists the copy or until %s (%s after the attempt), "+
						"whichever comes first; it is forgotten only after that.",
					state.Name.ValueString(), region, err, until.UTC().Format(time.RFC3339), ami.UnresolvedCopyGrace))
				return
			}
			resp.State.RemoveResource(ctx)
			return
		}
		if err != nil {
			resp.Diagnostics.AddError("Unable to Read Image", fmt.Sprintf("Looking for the AMI named %q in %s, whose CopyImage got no answer, failed: %s",
				state.Name.ValueString(), region, describeAWSError(err)))
			return
		}
		state.ID = types.StringValue(aws.ToString(found.ImageId))
		state.ARN = types.StringValue(imageARN(region, aws.ToString(found.ImageId)))
	}
	img, err := client.FindImage(ctx, state.ID.ValueString())
	if ami.IsNotFound(err) {
		resp.Diagnostics.AddWarning("Image Not Found",
			fmt.Sprintf("The AMI %s in %s no longer exists (%s), so it was removed from state. The next apply copies it again.", state.ID.ValueString(), region, err))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read Image", fmt.Sprintf("DescribeImages for %s in %s failed: %s", state.ID.ValueString(), region, describeAWSError(err)))
		return
	}
	state.Region = types.StringValue(region)
	copied, diags := copiedTagKeysFrom(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	state, err = readImage(ctx, client, state, img, r.data.defaultTags, copied, isAdopting(ctx, req.Private))
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateDeregistrationCooldown, cooldownPrivateValue(img))...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, adoptionMarkerAfterRead(ctx, req.Private))...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateStateReason, failedCopyReason(img))...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateTrackedCopy, trackedCopyValue(state))...)
	r.data.preflight.track(region, state)
	var partial *readError
	if errors.As(err, &partial) {
		resp.Diagnostics.AddError(partial.summary, partial.detail)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update changes what EC2 lets change in place: the description, tags,
// deprecation and deregistration protection. The other in-place attributes
// live only in state.
func (r *imageResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state imageResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, diags := r.data.ec2Client(ctx, plan.Region.ValueString())
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if state.State.ValueString() == string(ec2types.ImageStatePending) && !r.finishPendingCopy(ctx, client, plan, state, resp) {
		return
	}
	updateTimeout, diags := plan.Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, updateTimeout)
	defer cancel()
	imageID := state.ID.ValueString()
	fail := func(what string, err error) {
		resp.Diagnostics.AddError("Unable to Update Image", fmt.Sprintf("Updating %s of %s in %s failed: %s", what, imageID, client.Region(), describeAWSError(err)))
	}

	if !plan.Description.IsUnknown() && !plan.Description.IsNull() && !plan.Description.Equal(state.Description) {
		if err := client.SetDescription(ctx, imageID, plan.Description.ValueString()); err != nil {
			fail("the description", err)
			return
		}
	}

	copied, diags := copiedTagKeysFrom(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	oldImageTags := withoutKeys(mapValue(ctx, state.TagsAll), copied)
	newImageTags := plan.imageTags(ctx, r.data.defaultTags)
	if err := client.UpdateTags(ctx, []string{imageID}, oldImageTags, newImageTags); err != nil {
		fail("the tags", err)
		return
	}
	// The default tags the snapshots got are the AMI's tags that its own
	// tags do not explain: tags_all less tags (less copied source tags).
	// Diffing against them lets a default_tags change reach the snapshots.
	previousDefaults := withoutKeys(oldImageTags, mapKeys(mapValue(ctx, state.Tags)))
	oldSnapshotTags := mergeTags(previousDefaults, mapValue(ctx, state.SnapshotTags))
	newSnapshotTags := plan.snapshotTags(ctx, r.data.defaultTags)
	if err := client.UpdateTags(ctx, stringList(ctx, state.SnapshotIDs), oldSnapshotTags, newSnapshotTags); err != nil {
		fail("the snapshot tags", err)
		return
	}
	if err := applyLifecycleSettings(ctx, client, imageID, state, plan); err != nil {
		fail("the image", err)
		return
	}
	if sharingChanged(plan, state) {
		if err := applySharing(ctx, client, imageID, stringList(ctx, state.SnapshotIDs), plan, false); err != nil {
			resp.Diagnostics.Append(sharingDiagnostic(imageID, client.Region(), false, err))
			return
		}
	}

	applied, img, diags := r.readApplied(ctx, client, plan, copied, "Reading %s in %s after the update failed: %s")
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateDeregistrationCooldown, cooldownPrivateValue(img))...)
	// Once the configuration has supplied the create-time inputs of an
	// imported copy, they are known, and changing them replaces it again.
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, nil)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &applied)...)
}

// finishPendingCopy waits, under timeouts.create, for a copy that an earlier
// create left pending (its wait ran out of time or was interrupted, and the
// copy was untainted): this update finishes that create instead of copying
// again. When the wait fails, the copy stays in state as EC2 last reported
// it, so the next plan waits again, or replaces a copy that failed.
func (r *imageResource) finishPendingCopy(ctx context.Context, client *ami.Client, plan, state imageResourceModel, resp *resource.UpdateResponse) bool {
	createTimeout, diags := plan.Timeouts.Create(ctx, plan.defaultCreateTimeout())
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return false
	}
	waitCtx, cancel := context.WithTimeout(ctx, createTimeout)
	defer cancel()
	imageID := state.ID.ValueString()
	tflog.Info(ctx, "Waiting again for an unfinished AMI copy", map[string]any{"image_id": imageID, "region": client.Region()})
	_, err := client.WaitForAvailable(waitCtx, imageID, waitProgressLogger(ctx))
	if err == nil {
		return true
	}
	resp.Diagnostics.Append(waitDiagnostic(imageID, client.Region(), state.Name.ValueString(), createTimeout, err, true))
	kept := state
	var failed *ami.CopyFailedError
	if errors.As(err, &failed) {
		kept.State = types.StringValue(failed.State)
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateStateReason, stateReasonValue(failed.Code, failed.Message))...)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &kept)...)
	return false
}

// waitProgressLogger logs each poll of a wait for a copy.
func waitProgressLogger(ctx context.Context) func(ami.Progress) {
	return func(p ami.Progress) {
		tflog.Info(ctx, "Waiting for AMI copy", map[string]any{
			"image_id": p.ImageID, "state": p.State, "elapsed": p.Elapsed.Round(time.Second).String(), "snapshots": strings.Join(p.SnapshotProgress, ", "),
		})
	}
}

// Delete deregisters the copy and deletes its snapshots, unless
// skip_destroy keeps them. A copy that is already gone counts as deleted.
func (r *imageResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state imageResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	imageID := state.ID.ValueString()
	region := r.data.regionOrDefault(state.Region.ValueString())
	if state.SkipDestroy.ValueBool() {
		resp.Diagnostics.AddWarning("Image Kept",
			fmt.Sprintf("skip_destroy is true, so the AMI %s in %s and its snapshots were left in EC2 and only removed from state.", imageID, region))
		return
	}
	client, diags := r.data.ec2Client(ctx, region)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	deleteTimeout, diags := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, deleteTimeout)
	defer cancel()

	if imageID == "" {
		// A create that could not tell whether EC2 made the copy, destroyed
		// without a refresh.
		started := copyStartedFrom(ctx, req.Private)
		found, err := client.FindUnresolvedCopy(ctx, state.Name.ValueString(), state.SourceImageID.ValueString(), started)
		if until, keep := ami.UnresolvedCopyKept(started, time.Now()); ami.IsNotFound(err) && keep {
			resp.Diagnostics.AddError("Unable to Delete Image", fmt.Sprintf(
				"CopyImage for the AMI named %q in %s got no answer, and EC2 does not list an AMI of this account with that name yet (%s). "+
					"EC2 lists a new AMI with a delay, so Terraform cannot tell yet whether the copy exists, and keeps the attempt in state "+
					"rather than orphan a copy. Apply again once EC2 lists it (it is then deregistered), or after %s, when the attempt is forgotten. "+
					"If you are sure that EC2 made no copy (it lists no AMI named %q in %s), remove the attempt with terraform state rm.",
				state.Name.ValueString(), region, err, until.UTC().Format(time.RFC3339), state.Name.ValueString(), region))
			return
		}
		if ami.IsNotFound(err) {
			return
		}
		if err != nil {
			resp.Diagnostics.AddError("Unable to Delete Image", fmt.Sprintf("Looking for the AMI named %q in %s, whose CopyImage got no answer, failed: %s",
				state.Name.ValueString(), region, describeAWSError(err)))
			return
		}
		imageID = aws.ToString(found.ImageId)
	}

	// Delete the snapshots EC2 reports now, and those in state in case the
	// AMI has already gone without them.
	snapshotIDs := stringList(ctx, state.SnapshotIDs)
	var reportedProtection string
	if img, err := client.FindImage(ctx, imageID); err == nil {
		snapshotIDs = union(ami.SnapshotIDs(img), snapshotIDs)
		reportedProtection = aws.ToString(img.DeregistrationProtection)
	} else if !ami.IsNotFound(err) {
		resp.Diagnostics.AddError("Unable to Delete Image", fmt.Sprintf("Reading %s in %s before deregistering it failed: %s", imageID, region, describeAWSError(err)))
		return
	}
	result, err := client.Deregister(ctx, imageID, snapshotIDs, state.DeleteSnapshots.ValueBool())
	if err != nil {
		// EC2's error code for this refusal is not documented, so the
		// protection EC2 reported just before counts as well.
		if ami.IsDeregistrationProtected(err) || protectionReported(reportedProtection) {
			resp.Diagnostics.AddAttributeError(path.Root("deregistration_protection"), "Image Has Deregistration Protection",
				protectedDeregistrationDetail(imageID, region, reportedProtection, err))
			return
		}
		resp.Diagnostics.AddError("Unable to Delete Image", fmt.Sprintf("Deregistering %s in %s failed: %s", imageID, region, describeAWSError(err)))
		return
	}
	if len(result.KeptSnapshots) > 0 {
		resp.Diagnostics.AddWarning("Snapshots Kept",
			fmt.Sprintf("The AMI %s was deregistered, but its snapshots %s were kept because another AMI still uses them.", imageID, strings.Join(result.KeptSnapshots, ", ")))
	}
}

// ImportState adopts an existing AMI. The ID is the AMI's ID, optionally
// followed by @REGION when it is not in the provider's Region
// (ami-0123456789abcdef0@eu-central-1), as the AWS provider v6 writes it.
func (r *imageResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	imageID, region, err := parseImportID(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid Import ID", err.Error())
		return
	}
	if r.data != nil {
		region = r.data.regionOrDefault(region)
		resp.Diagnostics.Append(r.checkImportOwned(ctx, imageID, region)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), imageID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("region"), region)...)
	// The defaults, so that a configuration that leaves them out plans clean.
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("delete_snapshots"), true)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("skip_destroy"), false)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("copy_image_tags"), false)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, []byte("true"))...)
}

// checkImportOwned refuses to adopt an AMI that this account does not own:
// a public AMI or one shared from another account. A later destroy would
// try to deregister it, which only its owner may do. An AMI that does not
// exist is left to the Read that follows, which tells Terraform so.
func (r *imageResource) checkImportOwned(ctx context.Context, imageID, region string) diag.Diagnostics {
	var diags diag.Diagnostics
	client, d := r.data.ec2Client(ctx, region)
	if d.HasError() {
		return d
	}
	img, err := client.FindImage(ctx, imageID)
	if ami.IsNotFound(err) {
		return diags
	}
	own := false
	if err == nil {
		own, err = client.IsOwnImage(ctx, imageID)
	}
	if err != nil {
		diags.AddError("Unable to Import Image", fmt.Sprintf("Checking that %s in %s belongs to this account failed: %s", imageID, region, describeAWSError(err)))
		return diags
	}
	if own {
		return diags
	}
	owner := aws.ToString(img.OwnerId)
	if alias := aws.ToString(img.ImageOwnerAlias); alias != "" {
		owner += " (" + alias + ")"
	}
	visibility := "shared with this account"
	if aws.ToBool(img.Public) {
		visibility = "public"
	}
	diags.AddError("Image Not Owned by This Account", fmt.Sprintf(
		"The AMI %s in %s (%q) is owned by account %s and is %s; this account does not own it. amicopy_image manages copies that this account owns: "+
			"destroying one deregisters it, which only its owner can do. To make a copy of it instead, remove the import and "+
			"set source_image_id = %q and source_region = %q.",
		imageID, region, aws.ToString(img.Name), owner, visibility, imageID, region))
	return diags
}

// copyStartedFrom reads when an unresolved create started from private
// state; zero when unknown.
func copyStartedFrom(ctx context.Context, private privateGetter) time.Time {
	raw, _ := private.GetKey(ctx, privateCopyStarted)
	var started string
	if len(raw) == 0 || json.Unmarshal(raw, &started) != nil {
		return time.Time{}
	}
	t, _ := time.Parse(time.RFC3339, started)
	return t
}

// parseImportID splits "ami-...[@region]".
func parseImportID(id string) (imageID, region string, err error) {
	imageID, region, hasRegion := strings.Cut(strings.TrimSpace(id), "@")
	if err := ami.ValidateSourceImageID(imageID); err != nil {
		return "", "", fmt.Errorf("%q is not an import ID for amicopy_image: %v. Use the AMI ID, such as ami-0123456789abcdef0, "+
			"or the AMI ID and its Region, such as ami-0123456789abcdef0@eu-central-1", id, err)
	}
	if hasRegion {
		if err := ami.ValidateRegionName(region); err != nil {
			return "", "", fmt.Errorf("%q is not an import ID for amicopy_image: the Region after @ is not valid: %v", id, err)
		}
	}
	return imageID, region, nil
}

// refreshSnapshotTags refreshes snapshot_tags when the configuration manages
// any. Only the managed keys are compared, so tags that others add to the
// snapshots cause no diff. It costs one DescribeSnapshots, and nothing when
// snapshot_tags is unset.
func refreshSnapshotTags(ctx context.Context, client *ami.Client, state *imageResourceModel) error {
	managed := mapValue(ctx, state.SnapshotTags)
	snapshotIDs := stringList(ctx, state.SnapshotIDs)
	if len(managed) == 0 || len(snapshotIDs) == 0 {
		return nil
	}
	bySnapshot, err := client.SnapshotTags(ctx, snapshotIDs)
	if err != nil {
		return err
	}
	refreshed := map[string]string{}
	for k, v := range managed {
		value, everywhere := v, true
		for _, id := range snapshotIDs {
			tags, ok := bySnapshot[id]
			if !ok {
				continue // snapshot gone; the image's refresh reports that
			}
			cur, has := tags[k]
			if !has {
				everywhere = false
				break
			}
			if cur != v {
				value = cur
			}
		}
		if everywhere {
			refreshed[k] = value
		}
	}
	state.SnapshotTags = stringMap(refreshed)
	return nil
}

// protectionReported reports whether EC2's DeregistrationProtection value
// ("enabled-with-cooldown", "enabled-without-cooldown", "disabled-until
// TIME") says that the AMI is protected.
func protectionReported(reported string) bool {
	return strings.HasPrefix(reported, "enabled") || strings.HasPrefix(reported, "disabled-until")
}

// protectedDeregistrationDetail explains a deregistration that EC2 refused
// because of the AMI's deregistration protection, and the ways on. The plan
// refuses such a destroy when it is asked (destroyRefusal), but Terraform
// never asks about the destroy half of a replacement it forces itself
// (-replace, replace_triggered_by, a tainted copy), so those end here.
func protectedDeregistrationDetail(imageID, region, reported string, err error) string {
	protection := "is on"
	lift := "set deregistration_protection = \"disabled\" and apply, then run this again " +
		"(with enabled-with-cooldown, EC2 keeps the AMI protected for 24 hours after that, so run it again after those 24 hours);"
	switch {
	case strings.HasPrefix(reported, "disabled-until"):
		protection = fmt.Sprintf("was enabled with a cooldown that still runs (EC2 reports %q)", reported)
		lift = "wait until that time, then run this again;"
	case reported != "":
		protection = fmt.Sprintf("is on (EC2 reports %q)", reported)
	}
	return fmt.Sprintf("EC2 refused to deregister amicopy_image %s in %s because its deregistration_protection %s: %s\n\n"+
		"Nothing was deleted, and the AMI stays in state. A plan refuses this destroy when the configuration causes it, "+
		"but not the destroy half of a replacement that Terraform forces itself (terraform apply -replace, replace_triggered_by, a tainted copy). Either:\n"+
		"  - %s\n"+
		"  - or set skip_destroy = true and apply, then run this again: the replaced AMI stays in EC2 and is only removed from state;\n"+
		"  - or keep this copy: for a tainted copy, run terraform untaint on it; for terraform apply -replace, run it without -replace.",
		imageID, region, protection, describeAWSError(err), lift)
}

// waitDiagnostic explains why waiting for a copy ended, always naming the
// AMI that stays in state, and how to keep a copy that EC2 is still making.
// resumed is a wait of Update for a copy that an earlier create left
// pending: that copy stays in state untainted, as EC2 last reported it.
func waitDiagnostic(imageID, region, name string, timeout time.Duration, err error, resumed bool) diag.Diagnostic {
	// Create does not know the resource's address, so the hint names the
	// AMI it copied.
	keep := fmt.Sprintf("The AMI is kept in state as tainted, so it is not orphaned, and EC2 goes on copying it. "+
		"To keep this copy rather than start over, run terraform untaint with the address of the amicopy_image named %q "+
		"(for example terraform untaint 'amicopy_image.NAME'), then apply: the apply waits for the same copy again under timeouts.create. "+
		"Without untaint, the next apply deregisters it and copies again.", name)
	if resumed {
		keep = "The AMI stays in state as pending, and EC2 goes on copying it: the next apply waits for the same copy again."
	}
	var failed *ami.CopyFailedError
	switch {
	case errors.As(err, &failed):
		after := "The failed AMI is kept in state as tainted; the next apply deregisters it and copies again."
		if resumed {
			after = "The failed AMI stays in state as " + failed.State + "; the next plan replaces it with a new copy."
		}
		return diag.NewErrorDiagnostic("Image Copy Failed", fmt.Sprintf(
			"EC2 reports the copy %s in %s as %s. State reason: %s: %s\n\n%s "+
				"Check the source image, the KMS key and its key policy, and the service quotas.",
			imageID, region, failed.State, valueOr(failed.Code, "(no code)"), valueOr(failed.Message, "(no message)"), after))
	case errors.Is(err, context.DeadlineExceeded):
		return diag.NewErrorDiagnostic("Timeout Waiting for Image Copy", fmt.Sprintf(
			"The create timeout (%s) ended before the copy %s in %s became available: %s\n\n%s "+
				"To wait longer, raise timeouts.create (for example timeouts = { create = \"2h\" }).", timeout, imageID, region, err, keep))
	case errors.Is(err, context.Canceled):
		return diag.NewErrorDiagnostic("Image Copy Interrupted", fmt.Sprintf(
			"Waiting for the copy %s in %s was interrupted: %s\n\n%s", imageID, region, err, keep))
	default:
		return diag.NewErrorDiagnostic("Unable to Wait for Image Copy", fmt.Sprintf(
			"Waiting for the copy %s in %s failed: %s\n\n%s", imageID, region, describeAWSError(err), keep))
	}
}

// spentTokenDiagnostic explains a wait that ended because the client_token
// from the configuration was spent: EC2 answers a ClientToken it has seen
// with the AMI it made then, even after that AMI failed or was deregistered
// (EC2 API Reference, CopyImage: ClientToken). It reports false for other
// errors, which waitDiagnostic explains.
func spentTokenDiagnostic(imageID, region, token string, err error) (diag.Diagnostic, bool) {
	fix := fmt.Sprintf("Set a new client_token (for example %q), or remove client_token and let the provider generate one, then apply again.", token+"-2")
	var deregistered *ami.DeregisteredImageError
	var neverListed *ami.NeverListedError
	var failed *ami.CopyFailedError
	switch {
	case errors.As(err, &deregistered):
		return diag.NewAttributeErrorDiagnostic(path.Root("client_token"), "Client Token Already Used", fmt.Sprintf(
			"CopyImage in %s answered client_token %q with %s, which EC2 lists as deregistered: the token was spent on that AMI by an earlier copy, "+
				"and EC2 answers a token it has seen with the AMI it made then instead of copying again.\n\n%s No AMI is kept in state.",
			region, token, imageID, fix)), true
	case errors.As(err, &neverListed):
		return diag.NewAttributeErrorDiagnostic(path.Root("client_token"), "Client Token Probably Already Used", fmt.Sprintf(
			"CopyImage in %s answered client_token %q with %s, but EC2 still did not list that AMI %s later. The likely cause is that the token was spent "+
				"on %s by an earlier copy that has since been deregistered: EC2 answers a token it has seen with the AMI it made then, and stops listing "+
				"a deregistered AMI after a short while.\n\n%s The AMI is kept in state as tainted, in case EC2 lists it after all.",
			region, token, imageID, neverListed.Waited, imageID, fix)), true
	case errors.As(err, &failed):
		return diag.NewAttributeErrorDiagnostic(path.Root("client_token"), "Image Copy Failed", fmt.Sprintf(
			"EC2 reports the copy %s in %s as %s. State reason: %s: %s\n\n"+
				"client_token %q is set in the configuration and is now spent on %s: EC2 answers a token it has seen with the AMI it made then, "+
				"so another CopyImage with it would only return this failed AMI. %s "+
				"The failed AMI is kept in state as tainted; that apply deregisters it and copies again.",
			imageID, region, failed.State, valueOr(failed.Code, "(no code)"), valueOr(failed.Message, "(no message)"), token, imageID, fix)), true
	}
	return nil, false
}

// describeAWSError gives EC2's code and message, without secrets.
func describeAWSError(err error) string {
	return redactSecrets(err.Error())
}

// imageARN builds the ARN of an AMI. AMIs have no account in their ARN.
func imageARN(region, imageID string) string {
	return fmt.Sprintf("arn:%s:ec2:%s::image/%s", partitionOf(region), region, imageID)
}

// partitionOf returns the AWS partition of a Region ("aws" when unsure).
func partitionOf(region string) string {
	if partition, ok := ami.PartitionForRegion(region); ok {
		return partition
	}
	return "aws"
}

// optionalInt64 is an integer that EC2 may leave out, null when it does.
func optionalInt64(v *int32) types.Int64 {
	if v == nil {
		return types.Int64Null()
	}
	return types.Int64Value(int64(*v))
}

// valueOr returns s, or fallback when s is empty.
func valueOr(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

// imageResourceModel is the state of one amicopy_image.
type imageResourceModel struct {
	ARN                                   types.String   `tfsdk:"arn"`
	Architecture                          types.String   `tfsdk:"architecture"`
	BlockDeviceMappings                   types.List     `tfsdk:"block_device_mappings"`
	BootMode                              types.String   `tfsdk:"boot_mode"`
	ClientToken                           types.String   `tfsdk:"client_token"`
	CopyImageTags                         types.Bool     `tfsdk:"copy_image_tags"`
	CreationDate                          types.String   `tfsdk:"creation_date"`
	DeleteSnapshots                       types.Bool     `tfsdk:"delete_snapshots"`
	DeprecationTime                       types.String   `tfsdk:"deprecation_time"`
	DeregistrationProtection              types.String   `tfsdk:"deregistration_protection"`
	Description                           types.String   `tfsdk:"description"`
	DestinationAvailabilityZone           types.String   `tfsdk:"destination_availability_zone"`
	DestinationAvailabilityZoneID         types.String   `tfsdk:"destination_availability_zone_id"`
	DestinationOutpostARN                 types.String   `tfsdk:"destination_outpost_arn"`
	ENASupport                            types.Bool     `tfsdk:"ena_support"`
	Encrypted                             types.Bool     `tfsdk:"encrypted"`
	Hypervisor                            types.String   `tfsdk:"hypervisor"`
	ID                                    types.String   `tfsdk:"id"`
	ImageLocation                         types.String   `tfsdk:"image_location"`
	ImageOwnerAlias                       types.String   `tfsdk:"image_owner_alias"`
	ImageType                             types.String   `tfsdk:"image_type"`
	IMDSSupport                           types.String   `tfsdk:"imds_support"`
	KernelID                              types.String   `tfsdk:"kernel_id"`
	KMSKeyID                              types.String   `tfsdk:"kms_key_id"`
	LaunchPermission                      types.Object   `tfsdk:"launch_permission"`
	Name                                  types.String   `tfsdk:"name"`
	OwnerID                               types.String   `tfsdk:"owner_id"`
	Platform                              types.String   `tfsdk:"platform"`
	PlatformDetails                       types.String   `tfsdk:"platform_details"`
	Public                                types.Bool     `tfsdk:"public"`
	RamdiskID                             types.String   `tfsdk:"ramdisk_id"`
	Region                                types.String   `tfsdk:"region"`
	RootDeviceName                        types.String   `tfsdk:"root_device_name"`
	RootSnapshotID                        types.String   `tfsdk:"root_snapshot_id"`
	SkipDestroy                           types.Bool     `tfsdk:"skip_destroy"`
	SnapshotCopyCompletionDurationMinutes types.Int64    `tfsdk:"snapshot_copy_completion_duration_minutes"`
	SnapshotCreateVolumeAccounts          types.Set      `tfsdk:"snapshot_create_volume_permission_account_ids"`
	SnapshotIDs                           types.List     `tfsdk:"snapshot_ids"`
	SnapshotTags                          types.Map      `tfsdk:"snapshot_tags"`
	SourceImageID                         types.String   `tfsdk:"source_image_id"`
	SourceRegion                          types.String   `tfsdk:"source_region"`
	SRIOVNetSupport                       types.String   `tfsdk:"sriov_net_support"`
	State                                 types.String   `tfsdk:"state"`
	Tags                                  types.Map      `tfsdk:"tags"`
	TagsAll                               types.Map      `tfsdk:"tags_all"`
	Timeouts                              timeouts.Value `tfsdk:"timeouts"`
	TPMSupport                            types.String   `tfsdk:"tpm_support"`
	UsageOperation                        types.String   `tfsdk:"usage_operation"`
	VirtualizationType                    types.String   `tfsdk:"virtualization_type"`
}

// blockDeviceMappingAttrTypes is the element type of block_device_mappings.
var blockDeviceMappingAttrTypes = map[string]attr.Type{
	"delete_on_termination": types.BoolType,
	"device_name":           types.StringType,
	"encrypted":             types.BoolType,
	"iops":                  types.Int64Type,
	"snapshot_id":           types.StringType,
	"throughput":            types.Int64Type,
	"virtual_name":          types.StringType,
	"volume_size":           types.Int64Type,
	"volume_type":           types.StringType,
}

// defaultCreateTimeout is 40 minutes, or longer when a time-based copy asks
// for more: its duration plus 20 minutes for EC2 to register the image.
func (m imageResourceModel) defaultCreateTimeout() time.Duration {
	if minutes := m.SnapshotCopyCompletionDurationMinutes.ValueInt64(); minutes > 0 {
		if d := time.Duration(minutes)*time.Minute + 20*time.Minute; d > defaultCreateTimeout {
			return d
		}
	}
	return defaultCreateTimeout
}

// imageTags are the tags the AMI should carry: default_tags under tags.
func (m imageResourceModel) imageTags(ctx context.Context, defaultTags map[string]string) map[string]string {
	return mergeTags(defaultTags, mapValue(ctx, m.Tags))
}

// snapshotTags are the tags the copy's snapshots should carry.
func (m imageResourceModel) snapshotTags(ctx context.Context, defaultTags map[string]string) map[string]string {
	return mergeTags(defaultTags, mapValue(ctx, m.SnapshotTags))
}

// copyImageInput builds the CopyImage request from the plan.
func (m imageResourceModel) copyImageInput(imageTags, snapshotTags map[string]string) *ec2.CopyImageInput {
	in := &ec2.CopyImageInput{
		Name:                          aws.String(m.Name.ValueString()),
		SourceImageId:                 aws.String(m.SourceImageID.ValueString()),
		SourceRegion:                  aws.String(m.SourceRegion.ValueString()),
		ClientToken:                   optionalString(m.ClientToken),
		Description:                   optionalString(m.Description),
		DestinationAvailabilityZone:   optionalString(m.DestinationAvailabilityZone),
		DestinationAvailabilityZoneId: optionalString(m.DestinationAvailabilityZoneID),
		DestinationOutpostArn:         optionalString(m.DestinationOutpostARN),
		KmsKeyId:                      optionalString(m.KMSKeyID),
	}
	if !m.Encrypted.IsNull() && !m.Encrypted.IsUnknown() {
		in.Encrypted = aws.Bool(m.Encrypted.ValueBool())
	}
	if m.CopyImageTags.ValueBool() {
		in.CopyImageTags = aws.Bool(true)
	}
	if !m.SnapshotCopyCompletionDurationMinutes.IsNull() && !m.SnapshotCopyCompletionDurationMinutes.IsUnknown() {
		in.SnapshotCopyCompletionDurationMinutes = aws.Int64(m.SnapshotCopyCompletionDurationMinutes.ValueInt64())
	}
	if len(imageTags) > 0 {
		in.TagSpecifications = append(in.TagSpecifications, ec2types.TagSpecification{ResourceType: ec2types.ResourceTypeImage, Tags: ami.EC2Tags(imageTags)})
	}
	if len(snapshotTags) > 0 {
		in.TagSpecifications = append(in.TagSpecifications, ec2types.TagSpecification{ResourceType: ec2types.ResourceTypeSnapshot, Tags: ami.EC2Tags(snapshotTags)})
	}
	return in
}

// refreshFrom copies what EC2 reports into the model. Inputs that EC2 does
// not echo (kms_key_id, client_token, the destination) keep their values.
func (m *imageResourceModel) refreshFrom(img ec2types.Image, defaultTags map[string]string, copiedTagKeys []string) {
	region := m.Region.ValueString()
	m.ID = types.StringValue(aws.ToString(img.ImageId))
	m.ARN = types.StringValue(imageARN(region, aws.ToString(img.ImageId)))
	m.Name = types.StringValue(aws.ToString(img.Name))
	m.Description = types.StringValue(aws.ToString(img.Description))
	m.State = types.StringValue(string(img.State))
	m.OwnerID = types.StringValue(aws.ToString(img.OwnerId))
	m.CreationDate = types.StringValue(aws.ToString(img.CreationDate))
	m.Architecture = types.StringValue(string(img.Architecture))
	m.PlatformDetails = types.StringValue(aws.ToString(img.PlatformDetails))
	m.VirtualizationType = types.StringValue(string(img.VirtualizationType))
	m.RootDeviceName = types.StringValue(aws.ToString(img.RootDeviceName))
	m.BootMode = types.StringValue(string(img.BootMode))
	m.ENASupport = types.BoolValue(aws.ToBool(img.EnaSupport))
	// EC2 leaves out what does not apply (a kernel for an hvm AMI, an
	// owner alias for an account's own AMI, NitroTPM when it is off); null
	// says so, where "" would read as a value.
	m.Hypervisor = nullIfEmpty(string(img.Hypervisor))
	m.ImageLocation = nullIfEmpty(aws.ToString(img.ImageLocation))
	m.ImageOwnerAlias = nullIfEmpty(aws.ToString(img.ImageOwnerAlias))
	m.ImageType = nullIfEmpty(string(img.ImageType))
	m.IMDSSupport = nullIfEmpty(string(img.ImdsSupport))
	m.KernelID = nullIfEmpty(aws.ToString(img.KernelId))
	m.Platform = nullIfEmpty(string(img.Platform))
	m.Public = types.BoolValue(aws.ToBool(img.Public))
	m.RamdiskID = nullIfEmpty(aws.ToString(img.RamdiskId))
	m.RootSnapshotID = nullIfEmpty(ami.RootSnapshotID(img))
	m.SRIOVNetSupport = nullIfEmpty(aws.ToString(img.SriovNetSupport))
	m.TPMSupport = nullIfEmpty(string(img.TpmSupport))
	m.UsageOperation = nullIfEmpty(aws.ToString(img.UsageOperation))

	mappings := make([]attr.Value, 0, len(img.BlockDeviceMappings))
	anyEncrypted := false
	for _, bdm := range img.BlockDeviceMappings {
		obj := map[string]attr.Value{
			"delete_on_termination": types.BoolNull(),
			"device_name":           types.StringValue(aws.ToString(bdm.DeviceName)),
			"encrypted":             types.BoolNull(),
			"iops":                  types.Int64Null(),
			"snapshot_id":           types.StringNull(),
			"throughput":            types.Int64Null(),
			"virtual_name":          nullIfEmpty(aws.ToString(bdm.VirtualName)),
			"volume_size":           types.Int64Null(),
			"volume_type":           types.StringNull(),
		}
		if bdm.Ebs != nil {
			obj["delete_on_termination"] = types.BoolValue(aws.ToBool(bdm.Ebs.DeleteOnTermination))
			obj["iops"] = optionalInt64(bdm.Ebs.Iops)
			obj["throughput"] = optionalInt64(bdm.Ebs.Throughput)
			obj["encrypted"] = types.BoolValue(aws.ToBool(bdm.Ebs.Encrypted))
			obj["snapshot_id"] = types.StringValue(aws.ToString(bdm.Ebs.SnapshotId))
			obj["volume_size"] = types.Int64Value(int64(aws.ToInt32(bdm.Ebs.VolumeSize)))
			obj["volume_type"] = types.StringValue(string(bdm.Ebs.VolumeType))
			anyEncrypted = anyEncrypted || aws.ToBool(bdm.Ebs.Encrypted)
		}
		mappings = append(mappings, types.ObjectValueMust(blockDeviceMappingAttrTypes, obj))
	}
	m.BlockDeviceMappings = types.ListValueMust(types.ObjectType{AttrTypes: blockDeviceMappingAttrTypes}, mappings)
	m.SnapshotIDs = stringListValue(ami.SnapshotIDs(img))
	if m.Encrypted.IsNull() || m.Encrypted.IsUnknown() {
		m.Encrypted = types.BoolValue(anyEncrypted)
	}

	// EC2 reports the ancestry of copies; moto and older images do not.
	if id := aws.ToString(img.SourceImageId); id != "" {
		m.SourceImageID = types.StringValue(id)
	}
	if region := aws.ToString(img.SourceImageRegion); region != "" {
		m.SourceRegion = types.StringValue(region)
	}

	all := ami.TagMap(img.Tags)
	m.Tags = stringMap(resourceTags(all, m.Tags, m.TagsAll, defaultTags, copiedTagKeys))
	m.TagsAll = stringMap(all)

	m.DeprecationTime = refreshedDeprecationTime(m.DeprecationTime, aws.ToString(img.DeprecationTime))
	m.DeregistrationProtection = types.StringValue(protectionSetting(aws.ToString(img.DeregistrationProtection)))

	if m.DeleteSnapshots.IsNull() || m.DeleteSnapshots.IsUnknown() {
		m.DeleteSnapshots = types.BoolValue(true)
	}
	if m.SkipDestroy.IsNull() || m.SkipDestroy.IsUnknown() {
		m.SkipDestroy = types.BoolValue(false)
	}
	if m.CopyImageTags.IsNull() || m.CopyImageTags.IsUnknown() {
		m.CopyImageTags = types.BoolValue(false)
	}
	if m.ClientToken.IsUnknown() {
		m.ClientToken = types.StringNull()
	}
}

// withUnknownsNull returns the plan with every unknown value made null, so
// it can be stored as the state of a copy that is not finished yet.
func (m imageResourceModel) withUnknownsNull() imageResourceModel {
	for _, s := range []*types.String{&m.Architecture, &m.BootMode, &m.ClientToken, &m.CreationDate, &m.Description, &m.OwnerID,
		&m.PlatformDetails, &m.RootDeviceName, &m.State, &m.VirtualizationType, &m.DeregistrationProtection, &m.DeprecationTime,
		&m.Hypervisor, &m.ImageLocation, &m.ImageOwnerAlias, &m.ImageType, &m.IMDSSupport, &m.KernelID, &m.Platform,
		&m.RamdiskID, &m.RootSnapshotID, &m.SRIOVNetSupport, &m.TPMSupport, &m.UsageOperation} {
		if s.IsUnknown() {
			*s = types.StringNull()
		}
	}
	for _, b := range []*types.Bool{&m.ENASupport, &m.Encrypted, &m.Public} {
		if b.IsUnknown() {
			*b = types.BoolNull()
		}
	}
	if m.BlockDeviceMappings.IsUnknown() {
		m.BlockDeviceMappings = types.ListNull(types.ObjectType{AttrTypes: blockDeviceMappingAttrTypes})
	}
	if m.SnapshotIDs.IsUnknown() {
		m.SnapshotIDs = types.ListNull(types.StringType)
	}
	for _, mp := range []*types.Map{&m.Tags, &m.TagsAll, &m.SnapshotTags} {
		if mp.IsUnknown() {
			*mp = types.MapNull(types.StringType)
		}
	}
	m.sharingNullIfUnset()
	if m.State.IsNull() {
		m.State = types.StringValue(string(ec2types.ImageStatePending))
	}
	return m
}
