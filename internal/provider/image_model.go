package provider

import (
	"context"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/arn"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/amicopy/terraform-provider-amicopy/internal/ami"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The model of amicopy_image and its two mappings, in the order the data
// flows: the model to the CopyImage request (copyImageInput), and EC2's
// image back to the model (refreshFrom).

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
	DeprecationTime                       deprecateAt    `tfsdk:"deprecation_time"`
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
	WaitForAvailable                      types.Bool     `tfsdk:"wait_for_available"`
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
	// A value the plan does not know is left out of the request, so EC2
	// applies its default; "" is sent as "".
	optional := func(v types.String) *string {
		if v.IsNull() || v.IsUnknown() {
			return nil
		}
		return aws.String(v.ValueString())
	}
	in := &ec2.CopyImageInput{
		Name:                          aws.String(m.Name.ValueString()),
		SourceImageId:                 aws.String(m.SourceImageID.ValueString()),
		SourceRegion:                  aws.String(m.SourceRegion.ValueString()),
		ClientToken:                   optional(m.ClientToken),
		Description:                   optional(m.Description),
		DestinationAvailabilityZone:   optional(m.DestinationAvailabilityZone),
		DestinationAvailabilityZoneId: optional(m.DestinationAvailabilityZoneID),
		DestinationOutpostArn:         optional(m.DestinationOutpostARN),
		KmsKeyId:                      optional(m.KMSKeyID),
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
	// A key whose value the configuration leaves null is no tag at all,
	// for resourceTags as for EC2, and stays null.
	m.Tags = withNullElementsOf(stringMap(resourceTags(all, withoutNullElements(m.Tags), m.TagsAll, defaultTags, copiedTagKeys)), m.Tags)
	m.TagsAll = stringMap(all)

	// The framework keeps the prior or planned spelling while it means the
	// minute EC2 reports (deprecateAt's semantic equality).
	m.DeprecationTime = deprecateAtFromEC2(aws.ToString(img.DeprecationTime))
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
		&m.PlatformDetails, &m.RootDeviceName, &m.State, &m.VirtualizationType, &m.DeregistrationProtection,
		&m.Hypervisor, &m.ImageLocation, &m.ImageOwnerAlias, &m.ImageType, &m.IMDSSupport, &m.KernelID, &m.Platform,
		&m.RamdiskID, &m.RootSnapshotID, &m.SRIOVNetSupport, &m.TPMSupport, &m.UsageOperation} {
		if s.IsUnknown() {
			*s = types.StringNull()
		}
	}
	if m.DeprecationTime.IsUnknown() {
		m.DeprecationTime = deprecateAtNull()
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

// waits reports whether the apply waits for the copy to be available
// (wait_for_available, true unless set to false).
func (m imageResourceModel) waits() bool {
	return m.WaitForAvailable.IsNull() || m.WaitForAvailable.IsUnknown() || m.WaitForAvailable.ValueBool()
}

// withSettingsOf is m with the settings that the provider applies only
// once the copy is available taken from planned: a copy that is not
// waited for records them as configured until it is available
// (privateSettingsPending), so that plans show no change for it meanwhile.
func (m imageResourceModel) withSettingsOf(planned imageResourceModel) imageResourceModel {
	m.DeprecationTime = planned.DeprecationTime
	m.DeregistrationProtection = planned.DeregistrationProtection
	m.LaunchPermission = planned.LaunchPermission
	m.SnapshotCreateVolumeAccounts = planned.SnapshotCreateVolumeAccounts
	// public is computed. Without launch_permission a create plans it
	// unknown, and the provider does not touch the permissions, so the
	// copy's own value, read from EC2, stands: a value left unknown after
	// apply is an error in Terraform.
	if !planned.Public.IsUnknown() {
		m.Public = planned.Public
	}
	return m
}

// withSettingsNotApplied is the model of a copy that EC2 has just started:
// the settings that the provider applies only once the copy is available
// (deprecation, deregistration protection, sharing) are as EC2 holds them
// on a new copy, not as planned. A create that ends before they are
// applied then leaves state true to EC2, and the next plan, with or without
// a refresh, shows them as the in-place changes they still are.
func (m imageResourceModel) withSettingsNotApplied() imageResourceModel {
	m.DeprecationTime = deprecateAtNull()
	m.DeregistrationProtection = types.StringValue(protectionDisabled)
	m.LaunchPermission = types.ObjectNull(launchPermissionAttrTypes)
	m.SnapshotCreateVolumeAccounts = types.SetNull(types.StringType)
	m.Public = types.BoolNull()
	return m
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

// imageARN builds the ARN of an AMI. AMIs have no account in their ARN.
func imageARN(region, imageID string) string {
	return arn.ARN{Partition: partitionOf(region), Service: "ec2", Region: region, Resource: "image/" + imageID}.String()
}

// protectionSetting maps EC2's DeregistrationProtection report to the
// schema's values. "disabled-until ..." (a cooldown running out) is
// disabled as far as the setting goes.
func protectionSetting(reported string) string {
	return string(ami.ProtectionOf(reported))
}

// resourceTags are the tags that belong in the resource's tags attribute:
// the AMI's tags less those that only default_tags (or CopyImageTags)
// put there. A key the resource set itself stays, so drift on it shows. A
// key that the prior state had in tags_all but not in tags came from
// default_tags (or the source), so it stays out even when default_tags no
// longer has it or its value drifted: the plan shows that change in
// tags_all, an attribute the user never has to set. A key the prior state
// does not explain (an import, a tag added out of band) stays, unless it is
// a default tag with the default's value.
func resourceTags(all map[string]string, prior, priorAll types.Map, defaultTags map[string]string, copiedTagKeys []string) map[string]string {
	priorTags := map[string]string{}
	if !prior.IsNull() && !prior.IsUnknown() {
		for k, v := range prior.Elements() {
			if s, ok := v.(types.String); ok {
				priorTags[k] = s.ValueString()
			}
		}
	}
	priorTagsAll := mapValue(context.Background(), priorAll)
	tags := map[string]string{}
	for k, v := range all {
		_, own := priorTags[k]
		if own {
			tags[k] = v
			continue
		}
		if dv, isDefault := defaultTags[k]; isDefault && dv == v {
			continue
		}
		if slices.Contains(copiedTagKeys, k) || hasKey(priorTagsAll, k) {
			continue
		}
		tags[k] = v
	}
	if len(tags) == 0 && prior.IsNull() {
		return nil
	}
	return tags
}

// launchPermissionAttrTypes is the type of launch_permission.
var launchPermissionAttrTypes = map[string]attr.Type{
	"account_ids":              types.SetType{ElemType: types.StringType},
	"organization_arns":        types.SetType{ElemType: types.StringType},
	"organizational_unit_arns": types.SetType{ElemType: types.StringType},
	"public":                   types.BoolType,
}

// Default timeouts. A real cross-Region copy of a large image takes tens of
// minutes; time-based copies take as long as they were asked to.
const (
	defaultCreateTimeout = 40 * time.Minute
	defaultUpdateTimeout = 10 * time.Minute
	defaultDeleteTimeout = 20 * time.Minute
)

// Deregistration protection settings, as the schema spells them.
const (
	protectionDisabled            = string(ami.ProtectionDisabled)
	protectionEnabled             = string(ami.ProtectionEnabled)
	protectionEnabledWithCooldown = string(ami.ProtectionEnabledWithCooldown)
)

// sharingNullIfUnset gives the sharing attributes a typed null where a model
// built in code (a create that is not finished, a move) left them unset or
// unknown.
func (m *imageResourceModel) sharingNullIfUnset() {
	if m.LaunchPermission.IsUnknown() || len(m.LaunchPermission.AttributeTypes(context.Background())) == 0 {
		m.LaunchPermission = types.ObjectNull(launchPermissionAttrTypes)
	}
	if m.SnapshotCreateVolumeAccounts.IsUnknown() || m.SnapshotCreateVolumeAccounts.ElementType(context.Background()) == nil {
		m.SnapshotCreateVolumeAccounts = types.SetNull(types.StringType)
	}
}
