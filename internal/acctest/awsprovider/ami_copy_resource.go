package awsprovider

import (
	"context"
	"fmt"
	"maps"
	"slices"
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
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ resource.Resource               = (*amiCopyResource)(nil)
	_ resource.ResourceWithConfigure  = (*amiCopyResource)(nil)
	_ resource.ResourceWithModifyPlan = (*amiCopyResource)(nil)
)

// amiCopyResource is aws_ami_copy: it copies an AMI with EC2 CopyImage and
// manages the copy, with the schema of the AWS provider's major version in
// shape.
type amiCopyResource struct {
	shape Shape
	data  *providerData
}

// newAMICopyResource returns a factory for aws_ami_copy in the given shape.
func newAMICopyResource(shape Shape) func() resource.Resource {
	return func() resource.Resource {
		return &amiCopyResource{shape: shape}
	}
}

// Metadata names the resource aws_ami_copy.
func (r *amiCopyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_ami_copy"
}

// Schema reproduces resourceAMICopy from the AWS provider's
// internal/service/ec2/ec2_ami_copy.go (SDKv2, schema version 0). Arguments
// with an SDKv2 Default (encrypted) stay Optional without Computed, as SDKv2
// reports them; ModifyPlan fills the default in.
func (r *amiCopyResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	computedString := func() schema.StringAttribute { return schema.StringAttribute{Computed: true} }

	attributes := map[string]schema.Attribute{
		"architecture": computedString(),
		"arn":          computedString(),
		"boot_mode":    computedString(),
		"deprecation_time": schema.StringAttribute{
			Optional:   true,
			Validators: []validator.String{rfc3339Validator{}},
		},
		"description": schema.StringAttribute{Optional: true},
		"destination_outpost_arn": schema.StringAttribute{
			Optional:   true,
			Validators: []validator.String{arnValidator()},
		},
		"ena_support":       schema.BoolAttribute{Computed: true},
		"encrypted":         schema.BoolAttribute{Optional: true},
		"hypervisor":        computedString(),
		"id":                schema.StringAttribute{Optional: true, Computed: true},
		"image_location":    computedString(),
		"image_owner_alias": computedString(),
		"image_type":        computedString(),
		"imds_support":      computedString(),
		"kernel_id":         computedString(),
		"kms_key_id": schema.StringAttribute{
			Optional:   true,
			Computed:   true,
			Validators: []validator.String{arnValidator()},
		},
		"manage_ebs_snapshots": schema.BoolAttribute{Computed: true},
		"name":                 schema.StringAttribute{Required: true},
		"owner_id":             computedString(),
		"platform":             computedString(),
		"platform_details":     computedString(),
		"public":               schema.BoolAttribute{Computed: true},
		"ramdisk_id":           computedString(),
		"root_device_name":     computedString(),
		"root_snapshot_id":     computedString(),
		"source_ami_id":        schema.StringAttribute{Required: true},
		"source_ami_region":    schema.StringAttribute{Required: true},
		"sriov_net_support":    computedString(),
		"tags":                 schema.MapAttribute{ElementType: types.StringType, Optional: true},
		"tags_all":             schema.MapAttribute{ElementType: types.StringType, Optional: true, Computed: true},
		"tpm_support":          computedString(),
		"usage_operation":      computedString(),
		"virtualization_type":  computedString(),
	}

	if r.shape == ShapeV6 {
		attributes["last_launched_time"] = computedString()
		attributes["region"] = schema.StringAttribute{
			Optional: true,
			Computed: true,
			Description: "Region where this resource will be managed. " +
				"Defaults to the Region set in the provider configuration.",
		}
		attributes["uefi_data"] = computedString()
	}

	resp.Schema = schema.Schema{
		Version:     0,
		Description: "Duplicates an existing Amazon Machine Image (AMI).",
		Attributes:  attributes,
		Blocks: map[string]schema.Block{
			"ebs_block_device": schema.SetNestedBlock{
				NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
					"delete_on_termination": schema.BoolAttribute{Computed: true},
					"device_name":           computedString(),
					"encrypted":             schema.BoolAttribute{Computed: true},
					"iops":                  schema.Int64Attribute{Computed: true},
					"outpost_arn":           computedString(),
					"snapshot_id":           computedString(),
					"throughput":            schema.Int64Attribute{Computed: true},
					"volume_size":           schema.Int64Attribute{Computed: true},
					"volume_type":           computedString(),
				}},
			},
			"ephemeral_block_device": schema.SetNestedBlock{
				NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
					"device_name":  computedString(),
					"virtual_name": computedString(),
				}},
			},
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
}

// Configure receives the provider's client factory and default tags.
func (r *amiCopyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if data := configuredData(req, resp); data != nil {
		r.data = data
	}
}

// configuredData is the provider's data that Configure hands a resource,
// or nil before the provider is configured (Terraform validates
// configuration first) or when it is not ours.
func configuredData(req resource.ConfigureRequest, resp *resource.ConfigureResponse) *providerData {
	if req.ProviderData == nil {
		return nil
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected Provider Data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider.", req.ProviderData))
		return nil
	}
	return data
}

// ModifyPlan does what SDKv2's diff does for this schema: it fills the
// encrypted default and tags_all, keeps computed values and computed blocks
// from state on update (the framework would mark them unknown), defaults the
// v6 region to the provider's, and requires replacement when a ForceNew
// argument changes.
func (r *amiCopyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		// Destroy: nothing to plan.
		return
	}

	var plan, config amiCopyModelV6
	resp.Diagnostics.Append(r.get(ctx, req.Plan, &plan)...)
	resp.Diagnostics.Append(r.get(ctx, req.Config, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	if config.Encrypted.IsNull() {
		plan.Encrypted = types.BoolValue(false)
	}

	if !plan.Tags.IsUnknown() {
		tagsAll, diags := r.mergeDefaultTags(ctx, plan.Tags)
		resp.Diagnostics.Append(diags...)
		plan.TagsAll = tagsAll
	} else {
		plan.TagsAll = types.MapUnknown(types.StringType)
	}

	creating := req.State.Raw.IsNull()

	if r.shape == ShapeV6 && config.Region.IsNull() && creating && r.data != nil {
		plan.Region = types.StringValue(r.data.clients.defaultRegion)
	}

	if !creating {
		var state amiCopyModelV6
		resp.Diagnostics.Append(r.get(ctx, req.State, &state)...)
		if resp.Diagnostics.HasError() {
			return
		}

		keepComputedFromState(&plan, &state)

		if config.KMSKeyID.IsNull() {
			plan.KMSKeyID = state.KMSKeyID
		}
		if config.EBSBlockDevice.IsNull() || len(config.EBSBlockDevice.Elements()) == 0 {
			plan.EBSBlockDevice = state.EBSBlockDevice
		}
		if config.EphemeralBlockDevice.IsNull() || len(config.EphemeralBlockDevice.Elements()) == 0 {
			plan.EphemeralBlockDevice = state.EphemeralBlockDevice
		}
		if r.shape == ShapeV6 && config.Region.IsNull() {
			plan.Region = state.Region
			if plan.Region.IsNull() && r.data != nil {
				// State written by the v5 shape has no region yet.
				plan.Region = types.StringValue(r.data.clients.defaultRegion)
			}
		}

		// SDKv2 ForceNew: a change to any of these replaces the image.
		forceNew := map[string][2]attr.Value{
			"encrypted":              {plan.Encrypted, state.Encrypted},
			"ephemeral_block_device": {plan.EphemeralBlockDevice, state.EphemeralBlockDevice},
			"kms_key_id":             {plan.KMSKeyID, state.KMSKeyID},
			"name":                   {plan.Name, state.Name},
			"source_ami_id":          {plan.SourceAMIID, state.SourceAMIID},
			"source_ami_region":      {plan.SourceAMIRegion, state.SourceAMIRegion},
		}
		if r.shape == ShapeV6 && !state.Region.IsNull() {
			forceNew["region"] = [2]attr.Value{plan.Region, state.Region}
		}
		for _, name := range slices.Sorted(maps.Keys(forceNew)) {
			if values := forceNew[name]; !values[0].Equal(values[1]) {
				resp.RequiresReplace = append(resp.RequiresReplace, path.Root(name))
			}
		}
	}

	resp.Diagnostics.Append(r.set(ctx, &resp.Plan, &plan)...)
}

// Create copies the image, tags it, waits until it is available, and reads
// it back, as resourceAMICopyCreate does.
func (r *amiCopyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan amiCopyModelV6
	resp.Diagnostics.Append(r.get(ctx, req.Plan, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}

	createTimeout, diags := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, createTimeout)
	defer cancel()

	region := r.region(plan)
	conn := r.data.clients.EC2(region)

	input := &ec2.CopyImageInput{
		ClientToken:   aws.String(fmt.Sprintf("terraform-%d", time.Now().UnixNano())),
		Description:   aws.String(plan.Description.ValueString()),
		Encrypted:     aws.Bool(plan.Encrypted.ValueBool()),
		Name:          aws.String(plan.Name.ValueString()),
		SourceImageId: aws.String(plan.SourceAMIID.ValueString()),
		SourceRegion:  aws.String(plan.SourceAMIRegion.ValueString()),
	}
	if v := plan.DestinationOutpostARN.ValueString(); v != "" {
		input.DestinationOutpostArn = aws.String(v)
	}
	if v := plan.KMSKeyID.ValueString(); v != "" && !plan.KMSKeyID.IsUnknown() {
		input.KmsKeyId = aws.String(v)
	}

	output, err := conn.CopyImage(ctx, input)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Copy Image",
			fmt.Sprintf("creating EC2 AMI (%s) from source EC2 AMI (%s): %s", plan.Name.ValueString(), plan.SourceAMIID.ValueString(), err))
		return
	}

	imageID := aws.ToString(output.ImageId)
	plan.ID = types.StringValue(imageID)
	plan.ManageEBSSnapshots = types.BoolValue(true)
	if plan.KMSKeyID.IsUnknown() {
		plan.KMSKeyID = types.StringNull()
	}

	// From here on a failure leaves a real image behind, so state records it
	// and Terraform taints the resource instead of losing track of it.
	fail := func(summary, detail string) {
		settleUnknowns(&plan)
		resp.Diagnostics.Append(r.set(ctx, &resp.State, &plan)...)
		resp.Diagnostics.AddError(summary, detail)
	}

	var tagsAll map[string]string
	resp.Diagnostics.Append(plan.TagsAll.ElementsAs(ctx, &tagsAll, false)...)
	if len(tagsAll) > 0 {
		if _, err := conn.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{imageID}, Tags: ec2Tags(tagsAll)}); err != nil {
			fail("Unable to Tag Image", fmt.Sprintf("setting EC2 AMI (%s) tags: %s", imageID, err))
			return
		}
	}

	image, err := waitImageAvailable(ctx, conn, imageID)
	if err != nil {
		fail("Unable to Copy Image", fmt.Sprintf("creating EC2 AMI (%s) from source EC2 AMI (%s): waiting for completion: %s",
			plan.Name.ValueString(), plan.SourceAMIID.ValueString(), err))
		return
	}

	if v := plan.DeprecationTime.ValueString(); v != "" {
		if err := enableImageDeprecation(ctx, conn, imageID, v); err != nil {
			fail("Unable to Copy Image", fmt.Sprintf("creating EC2 AMI (%s) from source EC2 AMI (%s): %s",
				plan.Name.ValueString(), plan.SourceAMIID.ValueString(), err))
			return
		}
		if image, err = findImageByID(ctx, conn, imageID); err != nil {
			fail("Unable to Read Image", fmt.Sprintf("reading EC2 AMI (%s): %s", imageID, err))
			return
		}
	}

	resp.Diagnostics.Append(r.flatten(ctx, &plan, image, region)...)
	resp.Diagnostics.Append(r.set(ctx, &resp.State, &plan)...)
}

// Read refreshes from DescribeImages and removes the resource when the image
// is gone.
func (r *amiCopyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state amiCopyModelV6
	resp.Diagnostics.Append(r.get(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	region := r.region(state)
	image, err := findImageByID(ctx, r.data.clients.EC2(region), state.ID.ValueString())
	if isNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read Image", fmt.Sprintf("reading EC2 AMI (%s): %s", state.ID.ValueString(), err))
		return
	}

	resp.Diagnostics.Append(r.flatten(ctx, &state, image, region)...)
	resp.Diagnostics.Append(r.set(ctx, &resp.State, &state)...)
}

// Update changes what EC2 can change in place: description, deprecation time
// and tags.
func (r *amiCopyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state amiCopyModelV6
	resp.Diagnostics.Append(r.get(ctx, req.Plan, &plan)...)
	resp.Diagnostics.Append(r.get(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	updateTimeout, diags := plan.Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, updateTimeout)
	defer cancel()

	region := r.region(plan)
	conn := r.data.clients.EC2(region)
	imageID := state.ID.ValueString()

	if !plan.Description.Equal(state.Description) {
		_, err := conn.ModifyImageAttribute(ctx, &ec2.ModifyImageAttributeInput{
			ImageId:     aws.String(imageID),
			Description: &ec2types.AttributeValue{Value: aws.String(plan.Description.ValueString())},
		})
		if err != nil {
			resp.Diagnostics.AddError("Unable to Update Image", fmt.Sprintf("updating EC2 AMI (%s): updating description: %s", imageID, err))
			return
		}
	}

	if !plan.DeprecationTime.Equal(state.DeprecationTime) {
		var err error
		if v := plan.DeprecationTime.ValueString(); v != "" {
			err = enableImageDeprecation(ctx, conn, imageID, v)
		} else {
			_, err = conn.DisableImageDeprecation(ctx, &ec2.DisableImageDeprecationInput{ImageId: aws.String(imageID)})
		}
		if err != nil {
			resp.Diagnostics.AddError("Unable to Update Image", fmt.Sprintf("updating EC2 AMI (%s): %s", imageID, err))
			return
		}
	}

	if !plan.TagsAll.Equal(state.TagsAll) {
		var newTags, oldTags map[string]string
		resp.Diagnostics.Append(plan.TagsAll.ElementsAs(ctx, &newTags, false)...)
		resp.Diagnostics.Append(state.TagsAll.ElementsAs(ctx, &oldTags, false)...)
		if resp.Diagnostics.HasError() {
			return
		}
		if err := updateTags(ctx, conn, imageID, oldTags, newTags); err != nil {
			resp.Diagnostics.AddError("Unable to Update Image", fmt.Sprintf("updating EC2 AMI (%s) tags: %s", imageID, err))
			return
		}
	}

	image, err := findImageByID(ctx, conn, imageID)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read Image", fmt.Sprintf("reading EC2 AMI (%s): %s", imageID, err))
		return
	}

	resp.Diagnostics.Append(r.flatten(ctx, &plan, image, region)...)
	resp.Diagnostics.Append(r.set(ctx, &resp.State, &plan)...)
}

// Delete deregisters the image, deletes the snapshots the copy created, and
// waits until the image is gone; an image already gone is success.
func (r *amiCopyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state amiCopyModelV6
	resp.Diagnostics.Append(r.get(ctx, req.State, &state)...)
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

	conn := r.data.clients.EC2(r.region(state))
	imageID := state.ID.ValueString()

	_, err := conn.DeregisterImage(ctx, &ec2.DeregisterImageInput{ImageId: aws.String(imageID)})
	if hasErrorCode(err, errCodeInvalidAMIIDNotFound, errCodeInvalidAMIIDUnavailable) {
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Deregister Image", fmt.Sprintf("deregistering EC2 AMI (%s): %s", imageID, err))
		return
	}

	if state.ManageEBSSnapshots.ValueBool() {
		var devices []ebsBlockDeviceModel
		resp.Diagnostics.Append(state.EBSBlockDevice.ElementsAs(ctx, &devices, false)...)
		var failures []string
		for _, device := range devices {
			snapshotID := device.SnapshotID.ValueString()
			if snapshotID == "" {
				continue
			}
			if _, err := conn.DeleteSnapshot(ctx, &ec2.DeleteSnapshotInput{SnapshotId: aws.String(snapshotID)}); err != nil {
				failures = append(failures, fmt.Sprintf("%s: %s", snapshotID, err))
			}
		}
		if len(failures) > 0 {
			resp.Diagnostics.AddError("Unable to Delete Snapshots",
				"Errors while deleting associated EBS snapshots:\n"+strings.Join(failures, "\n")+
					"\nThese are no longer managed by Terraform and must be deleted manually.")
			return
		}
	}

	if err := waitImageDeleted(ctx, conn, imageID); err != nil {
		resp.Diagnostics.AddError("Unable to Deregister Image", fmt.Sprintf("waiting for EC2 AMI (%s) delete: %s", imageID, err))
	}
}

// get reads plan, state or config into the full model, whichever shape the
// schema has.
func (r *amiCopyResource) get(ctx context.Context, src interface {
	Get(context.Context, any) diag.Diagnostics
}, m *amiCopyModelV6) diag.Diagnostics {
	if r.shape == ShapeV6 {
		return src.Get(ctx, m)
	}
	m.LastLaunchedTime = types.StringNull()
	m.Region = types.StringNull()
	m.UEFIData = types.StringNull()
	return src.Get(ctx, &m.amiCopyModel)
}

// set writes the full model to plan or state, dropping what the v5 shape
// lacks.
func (r *amiCopyResource) set(ctx context.Context, dst interface {
	Set(context.Context, any) diag.Diagnostics
}, m *amiCopyModelV6) diag.Diagnostics {
	if r.shape == ShapeV6 {
		return dst.Set(ctx, m)
	}
	return dst.Set(ctx, &m.amiCopyModel)
}

// region is the Region the resource lives in: its own in v6, else the
// provider's.
func (r *amiCopyResource) region(m amiCopyModelV6) string {
	if r.shape == ShapeV6 && m.Region.ValueString() != "" {
		return m.Region.ValueString()
	}
	return r.data.clients.defaultRegion
}

// mergeDefaultTags returns tags_all: the provider's default tags overlaid
// with the resource's tags.
func (r *amiCopyResource) mergeDefaultTags(ctx context.Context, tags types.Map) (types.Map, diag.Diagnostics) {
	merged := map[string]string{}
	if r.data != nil {
		maps.Copy(merged, r.data.defaultTags)
	}
	var own map[string]string
	diags := tags.ElementsAs(ctx, &own, false)
	maps.Copy(merged, own)

	value, moreDiags := types.MapValueFrom(ctx, types.StringType, merged)
	diags.Append(moreDiags...)
	return value, diags
}

// flatten sets the model from the image as resourceAMIRead does.
func (r *amiCopyResource) flatten(ctx context.Context, m *amiCopyModelV6, image *ec2types.Image, region string) diag.Diagnostics {
	var diags diag.Diagnostics

	imageID := aws.ToString(image.ImageId)
	m.ID = types.StringValue(imageID)
	m.ARN = types.StringValue(imageARN(region, imageID))
	m.Architecture = types.StringValue(string(image.Architecture))
	m.BootMode = types.StringValue(string(image.BootMode))
	m.DeprecationTime = optionalString(m.DeprecationTime, image.DeprecationTime)
	m.Description = optionalString(m.Description, image.Description)
	m.ENASupport = types.BoolValue(aws.ToBool(image.EnaSupport))
	m.Hypervisor = types.StringValue(string(image.Hypervisor))
	m.ImageLocation = types.StringValue(aws.ToString(image.ImageLocation))
	m.ImageOwnerAlias = types.StringValue(aws.ToString(image.ImageOwnerAlias))
	m.ImageType = types.StringValue(string(image.ImageType))
	m.IMDSSupport = types.StringValue(string(image.ImdsSupport))
	m.KernelID = types.StringValue(aws.ToString(image.KernelId))
	m.Name = types.StringValue(aws.ToString(image.Name))
	m.OwnerID = types.StringValue(aws.ToString(image.OwnerId))
	m.Platform = types.StringValue(string(image.Platform))
	m.PlatformDetails = types.StringValue(aws.ToString(image.PlatformDetails))
	m.Public = types.BoolValue(aws.ToBool(image.Public))
	m.RamdiskID = types.StringValue(aws.ToString(image.RamdiskId))
	m.RootDeviceName = types.StringValue(aws.ToString(image.RootDeviceName))
	m.RootSnapshotID = types.StringValue(rootSnapshotID(image))
	m.SRIOVNetSupport = types.StringValue(aws.ToString(image.SriovNetSupport))
	m.TPMSupport = types.StringValue(string(image.TpmSupport))
	m.UsageOperation = types.StringValue(aws.ToString(image.UsageOperation))
	m.VirtualizationType = types.StringValue(string(image.VirtualizationType))

	if m.Encrypted.IsNull() || m.Encrypted.IsUnknown() {
		m.Encrypted = types.BoolValue(false)
	}
	if m.KMSKeyID.IsUnknown() {
		m.KMSKeyID = types.StringNull()
	}
	if m.ManageEBSSnapshots.IsNull() || m.ManageEBSSnapshots.IsUnknown() {
		m.ManageEBSSnapshots = types.BoolValue(false)
	}

	if r.shape == ShapeV6 {
		m.LastLaunchedTime = types.StringValue(aws.ToString(image.LastLaunchedTime))
		m.Region = types.StringValue(region)
		if m.UEFIData.IsNull() || m.UEFIData.IsUnknown() {
			// DescribeImages does not return UEFI data; the real provider
			// leaves it empty for copies too.
			m.UEFIData = types.StringValue("")
		}
	}

	ebs, moreDiags := types.SetValueFrom(ctx, types.ObjectType{AttrTypes: ebsBlockDeviceAttrTypes}, flattenEBSBlockDevices(image.BlockDeviceMappings))
	diags.Append(moreDiags...)
	m.EBSBlockDevice = ebs

	ephemeral, moreDiags := types.SetValueFrom(ctx, types.ObjectType{AttrTypes: ephemeralBlockDeviceAttrTypes}, flattenEphemeralBlockDevices(image.BlockDeviceMappings))
	diags.Append(moreDiags...)
	m.EphemeralBlockDevice = ephemeral

	allTags := tagsFromEC2(image.Tags)
	tagsAll, moreDiags := types.MapValueFrom(ctx, types.StringType, allTags)
	diags.Append(moreDiags...)
	m.TagsAll = tagsAll

	// tags holds what the resource itself sets: every tag except default
	// tags that still carry their default value.
	own := map[string]string{}
	for k, v := range allTags {
		if r.data != nil {
			if dv, ok := r.data.defaultTags[k]; ok && dv == v {
				continue
			}
		}
		own[k] = v
	}
	if len(own) == 0 && (m.Tags.IsNull() || m.Tags.IsUnknown()) {
		m.Tags = types.MapNull(types.StringType)
	} else {
		tags, moreDiags := types.MapValueFrom(ctx, types.StringType, own)
		diags.Append(moreDiags...)
		m.Tags = tags
	}

	return diags
}

// optionalString keeps an Optional argument's configured null or empty
// string when EC2 reports nothing, and otherwise takes EC2's value.
func optionalString(current types.String, remote *string) types.String {
	if v := aws.ToString(remote); v != "" {
		return types.StringValue(v)
	}
	if current.IsUnknown() {
		return types.StringNull()
	}
	return current
}

// imageARN builds arn:PARTITION:ec2:REGION::image/ID; AMI ARNs carry no
// account ID.
func imageARN(region, imageID string) string {
	return fmt.Sprintf("arn:%s:ec2:%s::image/%s", partitionForRegion(region), region, imageID)
}

// partitionForRegion maps a Region to its partition by prefix.
func partitionForRegion(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "us-isob-"):
		return "aws-iso-b"
	case strings.HasPrefix(region, "us-iso-"):
		return "aws-iso"
	default:
		return "aws"
	}
}

// rootSnapshotID returns the snapshot behind the root device, if any.
func rootSnapshotID(image *ec2types.Image) string {
	root := aws.ToString(image.RootDeviceName)
	if root == "" {
		return ""
	}
	for _, mapping := range image.BlockDeviceMappings {
		if aws.ToString(mapping.DeviceName) == root && mapping.Ebs != nil && mapping.Ebs.SnapshotId != nil {
			return aws.ToString(mapping.Ebs.SnapshotId)
		}
	}
	return ""
}

// flattenEBSBlockDevices turns the EBS mappings into ebs_block_device
// elements; the slice is never nil so the set is empty rather than null.
func flattenEBSBlockDevices(mappings []ec2types.BlockDeviceMapping) []ebsBlockDeviceModel {
	devices := []ebsBlockDeviceModel{}
	for _, mapping := range mappings {
		if mapping.Ebs == nil {
			continue
		}
		devices = append(devices, ebsBlockDeviceModel{
			DeleteOnTermination: types.BoolValue(aws.ToBool(mapping.Ebs.DeleteOnTermination)),
			DeviceName:          types.StringValue(aws.ToString(mapping.DeviceName)),
			Encrypted:           types.BoolValue(aws.ToBool(mapping.Ebs.Encrypted)),
			IOPS:                types.Int64Value(int64(aws.ToInt32(mapping.Ebs.Iops))),
			OutpostARN:          types.StringValue(aws.ToString(mapping.Ebs.OutpostArn)),
			SnapshotID:          types.StringValue(aws.ToString(mapping.Ebs.SnapshotId)),
			Throughput:          types.Int64Value(int64(aws.ToInt32(mapping.Ebs.Throughput))),
			VolumeSize:          types.Int64Value(int64(aws.ToInt32(mapping.Ebs.VolumeSize))),
			VolumeType:          types.StringValue(string(mapping.Ebs.VolumeType)),
		})
	}
	return devices
}

// flattenEphemeralBlockDevices turns the instance-store mappings into
// ephemeral_block_device elements.
func flattenEphemeralBlockDevices(mappings []ec2types.BlockDeviceMapping) []ephemeralBlockDeviceModel {
	devices := []ephemeralBlockDeviceModel{}
	for _, mapping := range mappings {
		if mapping.Ebs != nil {
			continue
		}
		devices = append(devices, ephemeralBlockDeviceModel{
			DeviceName:  types.StringValue(aws.ToString(mapping.DeviceName)),
			VirtualName: types.StringValue(aws.ToString(mapping.VirtualName)),
		})
	}
	return devices
}

// keepComputedFromState copies every computed-only value the framework marked
// unknown back from state: none of them change on an in-place update.
func keepComputedFromState(plan, state *amiCopyModelV6) {
	stringValues := []struct{ planned, prior *types.String }{
		{&plan.Architecture, &state.Architecture},
		{&plan.ARN, &state.ARN},
		{&plan.BootMode, &state.BootMode},
		{&plan.Hypervisor, &state.Hypervisor},
		{&plan.ID, &state.ID},
		{&plan.ImageLocation, &state.ImageLocation},
		{&plan.ImageOwnerAlias, &state.ImageOwnerAlias},
		{&plan.ImageType, &state.ImageType},
		{&plan.IMDSSupport, &state.IMDSSupport},
		{&plan.KernelID, &state.KernelID},
		{&plan.LastLaunchedTime, &state.LastLaunchedTime},
		{&plan.OwnerID, &state.OwnerID},
		{&plan.Platform, &state.Platform},
		{&plan.PlatformDetails, &state.PlatformDetails},
		{&plan.RamdiskID, &state.RamdiskID},
		{&plan.RootDeviceName, &state.RootDeviceName},
		{&plan.RootSnapshotID, &state.RootSnapshotID},
		{&plan.SRIOVNetSupport, &state.SRIOVNetSupport},
		{&plan.TPMSupport, &state.TPMSupport},
		{&plan.UEFIData, &state.UEFIData},
		{&plan.UsageOperation, &state.UsageOperation},
		{&plan.VirtualizationType, &state.VirtualizationType},
	}
	for _, s := range stringValues {
		if s.planned.IsUnknown() {
			*s.planned = *s.prior
		}
	}

	boolValues := []struct{ planned, prior *types.Bool }{
		{&plan.ENASupport, &state.ENASupport},
		{&plan.ManageEBSSnapshots, &state.ManageEBSSnapshots},
		{&plan.Public, &state.Public},
	}
	for _, b := range boolValues {
		if b.planned.IsUnknown() {
			*b.planned = *b.prior
		}
	}
}

// settleUnknowns replaces the values a failed create never learned with
// nulls, so the partial state can be saved (state may hold no unknowns).
func settleUnknowns(m *amiCopyModelV6) {
	for _, s := range []*types.String{
		&m.Architecture, &m.ARN, &m.BootMode, &m.DeprecationTime, &m.Description, &m.DestinationOutpostARN,
		&m.Hypervisor, &m.ImageLocation, &m.ImageOwnerAlias, &m.ImageType, &m.IMDSSupport, &m.KernelID,
		&m.KMSKeyID, &m.LastLaunchedTime, &m.OwnerID, &m.Platform, &m.PlatformDetails, &m.RamdiskID,
		&m.Region, &m.RootDeviceName, &m.RootSnapshotID, &m.SRIOVNetSupport, &m.TPMSupport, &m.UEFIData,
		&m.UsageOperation, &m.VirtualizationType,
	} {
		if s.IsUnknown() {
			*s = types.StringNull()
		}
	}
	for _, b := range []*types.Bool{&m.ENASupport, &m.Encrypted, &m.Public} {
		if b.IsUnknown() {
			*b = types.BoolNull()
		}
	}
	for _, tags := range []*types.Map{&m.Tags, &m.TagsAll} {
		if tags.IsUnknown() {
			*tags = types.MapNull(types.StringType)
		}
	}
	if m.EBSBlockDevice.IsUnknown() || m.EBSBlockDevice.IsNull() {
		m.EBSBlockDevice = types.SetValueMust(types.ObjectType{AttrTypes: ebsBlockDeviceAttrTypes}, []attr.Value{})
	}
	if m.EphemeralBlockDevice.IsUnknown() || m.EphemeralBlockDevice.IsNull() {
		m.EphemeralBlockDevice = types.SetValueMust(types.ObjectType{AttrTypes: ephemeralBlockDeviceAttrTypes}, []attr.Value{})
	}
}

// arnValidator accepts anything shaped like an ARN, as verify.ValidARN does.
func arnValidator() validator.String {
	return stringvalidator.RegexMatches(arnPattern, "must be an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)")
}

// amiCopyModel maps the v5 schema of aws_ami_copy.
type amiCopyModel struct {
	Architecture          types.String   `tfsdk:"architecture"`
	ARN                   types.String   `tfsdk:"arn"`
	BootMode              types.String   `tfsdk:"boot_mode"`
	DeprecationTime       types.String   `tfsdk:"deprecation_time"`
	Description           types.String   `tfsdk:"description"`
	DestinationOutpostARN types.String   `tfsdk:"destination_outpost_arn"`
	EBSBlockDevice        types.Set      `tfsdk:"ebs_block_device"`
	ENASupport            types.Bool     `tfsdk:"ena_support"`
	Encrypted             types.Bool     `tfsdk:"encrypted"`
	EphemeralBlockDevice  types.Set      `tfsdk:"ephemeral_block_device"`
	Hypervisor            types.String   `tfsdk:"hypervisor"`
	ID                    types.String   `tfsdk:"id"`
	ImageLocation         types.String   `tfsdk:"image_location"`
	ImageOwnerAlias       types.String   `tfsdk:"image_owner_alias"`
	ImageType             types.String   `tfsdk:"image_type"`
	IMDSSupport           types.String   `tfsdk:"imds_support"`
	KernelID              types.String   `tfsdk:"kernel_id"`
	KMSKeyID              types.String   `tfsdk:"kms_key_id"`
	ManageEBSSnapshots    types.Bool     `tfsdk:"manage_ebs_snapshots"`
	Name                  types.String   `tfsdk:"name"`
	OwnerID               types.String   `tfsdk:"owner_id"`
	Platform              types.String   `tfsdk:"platform"`
	PlatformDetails       types.String   `tfsdk:"platform_details"`
	Public                types.Bool     `tfsdk:"public"`
	RamdiskID             types.String   `tfsdk:"ramdisk_id"`
	RootDeviceName        types.String   `tfsdk:"root_device_name"`
	RootSnapshotID        types.String   `tfsdk:"root_snapshot_id"`
	SourceAMIID           types.String   `tfsdk:"source_ami_id"`
	SourceAMIRegion       types.String   `tfsdk:"source_ami_region"`
	SRIOVNetSupport       types.String   `tfsdk:"sriov_net_support"`
	Tags                  types.Map      `tfsdk:"tags"`
	TagsAll               types.Map      `tfsdk:"tags_all"`
	Timeouts              timeouts.Value `tfsdk:"timeouts"`
	TPMSupport            types.String   `tfsdk:"tpm_support"`
	UsageOperation        types.String   `tfsdk:"usage_operation"`
	VirtualizationType    types.String   `tfsdk:"virtualization_type"`
}

// amiCopyModelV6 maps the v6 schema: the v5 one plus per-resource region and
// two computed attributes added during v6.
type amiCopyModelV6 struct {
	amiCopyModel
	LastLaunchedTime types.String `tfsdk:"last_launched_time"`
	Region           types.String `tfsdk:"region"`
	UEFIData         types.String `tfsdk:"uefi_data"`
}

// ebsBlockDeviceModel maps one ebs_block_device element.
type ebsBlockDeviceModel struct {
	DeleteOnTermination types.Bool   `tfsdk:"delete_on_termination"`
	DeviceName          types.String `tfsdk:"device_name"`
	Encrypted           types.Bool   `tfsdk:"encrypted"`
	IOPS                types.Int64  `tfsdk:"iops"`
	OutpostARN          types.String `tfsdk:"outpost_arn"`
	SnapshotID          types.String `tfsdk:"snapshot_id"`
	Throughput          types.Int64  `tfsdk:"throughput"`
	VolumeSize          types.Int64  `tfsdk:"volume_size"`
	VolumeType          types.String `tfsdk:"volume_type"`
}

// ephemeralBlockDeviceModel maps one ephemeral_block_device element.
type ephemeralBlockDeviceModel struct {
	DeviceName  types.String `tfsdk:"device_name"`
	VirtualName types.String `tfsdk:"virtual_name"`
}

// ebsBlockDeviceAttrTypes is the object type of ebs_block_device elements.
var ebsBlockDeviceAttrTypes = map[string]attr.Type{
	"delete_on_termination": types.BoolType,
	"device_name":           types.StringType,
	"encrypted":             types.BoolType,
	"iops":                  types.Int64Type,
	"outpost_arn":           types.StringType,
	"snapshot_id":           types.StringType,
	"throughput":            types.Int64Type,
	"volume_size":           types.Int64Type,
	"volume_type":           types.StringType,
}

// ephemeralBlockDeviceAttrTypes is the object type of ephemeral_block_device
// elements.
var ephemeralBlockDeviceAttrTypes = map[string]attr.Type{
	"device_name":  types.StringType,
	"virtual_name": types.StringType,
}
