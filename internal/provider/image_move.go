package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ resource.ResourceWithMoveState = (*imageResource)(nil)

// awsAMICopyType is the AWS provider's resource that moved blocks take
// copies from.
const awsAMICopyType = "aws_ami_copy"

// MoveState takes over an aws_ami_copy of the AWS provider (v5 or v6), as
// in moved { from = aws_ami_copy.x  to = amicopy_image.x }. The AMI is not
// copied again: the state is mapped, then refreshed from EC2.
func (r *imageResource) MoveState(_ context.Context) []resource.StateMover {
	return []resource.StateMover{{StateMover: r.moveFromAWSAMICopy}}
}

// moveFromAWSAMICopy maps an aws_ami_copy state onto amicopy_image.
func (r *imageResource) moveFromAWSAMICopy(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
	if req.SourceTypeName != awsAMICopyType || !isAWSProviderAddress(req.SourceProviderAddress) {
		resp.Diagnostics.AddError("Move Not Supported",
			fmt.Sprintf("amicopy_image can take over only %s resources of the AWS provider (registry.terraform.io/hashicorp/aws), not %s of %s. "+
				"To adopt another AMI, remove the moved block and use an import block with the AMI ID instead.",
				awsAMICopyType, req.SourceTypeName, req.SourceProviderAddress))
		return
	}
	if req.SourceRawState == nil {
		resp.Diagnostics.AddError("Move Not Possible", "Terraform sent no state for the aws_ami_copy resource.")
		return
	}
	var source awsAMICopyState
	if err := json.Unmarshal(req.SourceRawState.JSON, &source); err != nil {
		resp.Diagnostics.AddError("Unreadable aws_ami_copy State", "The aws_ami_copy state could not be read: "+err.Error())
		return
	}
	if source.ID == "" {
		resp.Diagnostics.AddError("Unreadable aws_ami_copy State", "The aws_ami_copy state has no id (AMI ID).")
		return
	}

	// v6 stores the Region; for v5 it is the provider's, which the ARN
	// records.
	region := source.Region
	if region == "" {
		if parsed, err := arn.Parse(source.ARN); err == nil {
			region = parsed.Region
		}
	}
	if region == "" && r.data != nil {
		region = r.data.defaultRegion
	}

	// The AWS provider stores EC2's spelling of the deprecation time
	// ("2030-01-01T00:00:00.000Z"); the spelling users write keeps the plan
	// after the move clean.
	deprecationTime := deprecateAtFromEC2(source.DeprecationTime)

	target := imageResourceModel{
		ID:                       types.StringValue(source.ID),
		ARN:                      nullIfEmpty(source.ARN),
		Name:                     types.StringValue(source.Name),
		Description:              nullIfEmpty(source.Description),
		SourceImageID:            types.StringValue(source.SourceAMIID),
		SourceRegion:             types.StringValue(source.SourceAMIRegion),
		Region:                   nullIfEmpty(region),
		Encrypted:                types.BoolValue(source.Encrypted),
		KMSKeyID:                 nullIfEmpty(source.KMSKeyID),
		DestinationOutpostARN:    nullIfEmpty(source.DestinationOutpostARN),
		DeprecationTime:          deprecationTime,
		Tags:                     stringMap(source.Tags),
		TagsAll:                  stringMap(source.TagsAll),
		DeleteSnapshots:          types.BoolValue(source.ManageEBSSnapshots == nil || *source.ManageEBSSnapshots),
		SkipDestroy:              types.BoolValue(false),
		WaitForAvailable:         types.BoolValue(true),
		CopyImageTags:            types.BoolValue(false),
		DeregistrationProtection: types.StringNull(),
		BlockDeviceMappings:      source.blockDeviceMappings(),
		SnapshotIDs:              source.snapshotIDs(),
		SnapshotTags:             types.MapNull(types.StringType),
		Timeouts:                 source.timeouts(),

		// What EC2 reported to the AWS provider, until the refresh that
		// follows the move reports it again. The AWS provider stores "" for
		// what EC2 leaves out; amicopy_image stores null, as Read does.
		Architecture:       nullIfEmpty(source.Architecture),
		BootMode:           nullIfEmpty(source.BootMode),
		ENASupport:         optionalBool(source.ENASupport),
		Hypervisor:         nullIfEmpty(source.Hypervisor),
		ImageLocation:      nullIfEmpty(source.ImageLocation),
		ImageOwnerAlias:    nullIfEmpty(source.ImageOwnerAlias),
		ImageType:          nullIfEmpty(source.ImageType),
		IMDSSupport:        nullIfEmpty(source.IMDSSupport),
		KernelID:           nullIfEmpty(source.KernelID),
		OwnerID:            nullIfEmpty(source.OwnerID),
		Platform:           nullIfEmpty(source.Platform),
		PlatformDetails:    nullIfEmpty(source.PlatformDetails),
		Public:             optionalBool(source.Public),
		RamdiskID:          nullIfEmpty(source.RamdiskID),
		RootDeviceName:     nullIfEmpty(source.RootDeviceName),
		RootSnapshotID:     nullIfEmpty(source.RootSnapshotID),
		SRIOVNetSupport:    nullIfEmpty(source.SRIOVNetSupport),
		TPMSupport:         nullIfEmpty(source.TPMSupport),
		UsageOperation:     nullIfEmpty(source.UsageOperation),
		VirtualizationType: nullIfEmpty(source.VirtualizationType),
	}
	target = target.withUnknownsNull()
	target.State = types.StringNull()
	resp.Diagnostics.Append(resp.TargetState.Set(ctx, &target)...)
	// Like an import: the create-time inputs that aws_ami_copy lacks come
	// from the configuration without replacing the AMI.
	if resp.TargetPrivate != nil {
		resp.Diagnostics.Append(resp.TargetPrivate.SetKey(ctx, privateImported, []byte("true"))...)
	}
}

// isAWSProviderAddress accepts the AWS provider's address in full
// (registry.terraform.io/hashicorp/aws) or short, as OpenTofu sends it.
func isAWSProviderAddress(address string) bool {
	return address == "aws" || address == "hashicorp/aws" || strings.HasSuffix(address, "/hashicorp/aws")
}

// timeoutsAttrTypes is the object type of the timeouts attribute.
var timeoutsAttrTypes = map[string]attr.Type{
	"create": types.StringType,
	"delete": types.StringType,
	"update": types.StringType,
}

// optionalInt64Of is null for a number the state did not hold.
func optionalInt64Of(v *int64) types.Int64 {
	if v == nil {
		return types.Int64Null()
	}
	return types.Int64Value(*v)
}

// optionalBool is null for a boolean the state did not hold.
func optionalBool(b *bool) types.Bool {
	if b == nil {
		return types.BoolNull()
	}
	return types.BoolValue(*b)
}

// awsAMICopyState is the part of an aws_ami_copy state (AWS provider v5
// and v6, schema version 0) that amicopy_image keeps. The templates'
// migration table says what becomes of the rest (timeouts, uefi_data,
// last_launched_time). Everything is refreshed from EC2 right after.
type awsAMICopyState struct {
	ID                    string                    `json:"id"`
	ARN                   string                    `json:"arn"`
	Name                  string                    `json:"name"`
	Description           string                    `json:"description"`
	SourceAMIID           string                    `json:"source_ami_id"`
	SourceAMIRegion       string                    `json:"source_ami_region"`
	Region                string                    `json:"region"`
	Encrypted             bool                      `json:"encrypted"`
	KMSKeyID              string                    `json:"kms_key_id"`
	DestinationOutpostARN string                    `json:"destination_outpost_arn"`
	DeprecationTime       string                    `json:"deprecation_time"`
	ManageEBSSnapshots    *bool                     `json:"manage_ebs_snapshots"`
	Tags                  map[string]string         `json:"tags"`
	TagsAll               map[string]string         `json:"tags_all"`
	Architecture          string                    `json:"architecture"`
	BootMode              string                    `json:"boot_mode"`
	ENASupport            *bool                     `json:"ena_support"`
	Hypervisor            string                    `json:"hypervisor"`
	ImageLocation         string                    `json:"image_location"`
	ImageOwnerAlias       string                    `json:"image_owner_alias"`
	ImageType             string                    `json:"image_type"`
	IMDSSupport           string                    `json:"imds_support"`
	KernelID              string                    `json:"kernel_id"`
	OwnerID               string                    `json:"owner_id"`
	Platform              string                    `json:"platform"`
	PlatformDetails       string                    `json:"platform_details"`
	Public                *bool                     `json:"public"`
	RamdiskID             string                    `json:"ramdisk_id"`
	RootDeviceName        string                    `json:"root_device_name"`
	RootSnapshotID        string                    `json:"root_snapshot_id"`
	SRIOVNetSupport       string                    `json:"sriov_net_support"`
	TPMSupport            string                    `json:"tpm_support"`
	UsageOperation        string                    `json:"usage_operation"`
	VirtualizationType    string                    `json:"virtualization_type"`
	EBSBlockDevices       []awsEBSBlockDevice       `json:"ebs_block_device"`
	EphemeralBlockDevices []awsEphemeralBlockDevice `json:"ephemeral_block_device"`
	Timeouts              *awsTimeouts              `json:"timeouts"`
}

// awsTimeouts is the timeouts block of an aws_ami_copy state.
type awsTimeouts struct {
	Create *string `json:"create"`
	Delete *string `json:"delete"`
	Update *string `json:"update"`
}

// timeouts carries the timeouts block over to the timeouts attribute, so a
// configuration that writes the same durations as
// timeouts = { create = "..." } plans no change after the move.
func (s awsAMICopyState) timeouts() timeouts.Value {
	if s.Timeouts == nil {
		return timeouts.Value{Object: types.ObjectNull(timeoutsAttrTypes)}
	}
	duration := func(v *string) types.String {
		if v == nil {
			return types.StringNull()
		}
		return types.StringValue(*v)
	}
	return timeouts.Value{Object: types.ObjectValueMust(timeoutsAttrTypes, map[string]attr.Value{
		"create": duration(s.Timeouts.Create),
		"delete": duration(s.Timeouts.Delete),
		"update": duration(s.Timeouts.Update),
	})}
}

// awsEBSBlockDevice is one ebs_block_device of an aws_ami_copy state.
// outpost_arn has no counterpart: CopyImage puts every snapshot of an
// Outpost copy on destination_outpost_arn.
type awsEBSBlockDevice struct {
	DeleteOnTermination *bool  `json:"delete_on_termination"`
	DeviceName          string `json:"device_name"`
	Encrypted           *bool  `json:"encrypted"`
	IOPS                *int64 `json:"iops"`
	SnapshotID          string `json:"snapshot_id"`
	Throughput          *int64 `json:"throughput"`
	VolumeSize          *int64 `json:"volume_size"`
	VolumeType          string `json:"volume_type"`
}

// awsEphemeralBlockDevice is one ephemeral_block_device of an aws_ami_copy
// state.
type awsEphemeralBlockDevice struct {
	DeviceName  string `json:"device_name"`
	VirtualName string `json:"virtual_name"`
}

// blockDeviceMappings joins the state's EBS and ephemeral devices into
// block_device_mappings, ordered by device name (the AWS provider keeps them
// in sets, so EC2's order is lost; the refresh after the move restores it).
// The AWS provider stores 0 for an IOPS or throughput that EC2 leaves out,
// which Read stores as null.
func (s awsAMICopyState) blockDeviceMappings() types.List {
	elementType := types.ObjectType{AttrTypes: blockDeviceMappingAttrTypes}
	if s.EBSBlockDevices == nil && s.EphemeralBlockDevices == nil {
		return types.ListNull(elementType)
	}
	positive := func(v *int64) types.Int64 {
		if v == nil || *v <= 0 {
			return types.Int64Null()
		}
		return types.Int64Value(*v)
	}
	byDevice := map[string]attr.Value{}
	for _, d := range s.EBSBlockDevices {
		byDevice[d.DeviceName] = types.ObjectValueMust(blockDeviceMappingAttrTypes, map[string]attr.Value{
			"delete_on_termination": optionalBool(d.DeleteOnTermination),
			"device_name":           types.StringValue(d.DeviceName),
			"encrypted":             optionalBool(d.Encrypted),
			"iops":                  positive(d.IOPS),
			"snapshot_id":           nullIfEmpty(d.SnapshotID),
			"throughput":            positive(d.Throughput),
			"virtual_name":          types.StringNull(),
			"volume_size":           optionalInt64Of(d.VolumeSize),
			"volume_type":           nullIfEmpty(d.VolumeType),
		})
	}
	for _, d := range s.EphemeralBlockDevices {
		byDevice[d.DeviceName] = types.ObjectValueMust(blockDeviceMappingAttrTypes, map[string]attr.Value{
			"delete_on_termination": types.BoolNull(),
			"device_name":           types.StringValue(d.DeviceName),
			"encrypted":             types.BoolNull(),
			"iops":                  types.Int64Null(),
			"snapshot_id":           types.StringNull(),
			"throughput":            types.Int64Null(),
			"virtual_name":          nullIfEmpty(d.VirtualName),
			"volume_size":           types.Int64Null(),
			"volume_type":           types.StringNull(),
		})
	}
	mappings := make([]attr.Value, 0, len(byDevice))
	for _, name := range slices.Sorted(maps.Keys(byDevice)) {
		mappings = append(mappings, byDevice[name])
	}
	return types.ListValueMust(elementType, mappings)
}

// snapshotIDs lists the snapshots of the state's EBS devices, in device
// order.
func (s awsAMICopyState) snapshotIDs() types.List {
	if s.EBSBlockDevices == nil {
		return types.ListNull(types.StringType)
	}
	devices := slices.SortedFunc(slices.Values(s.EBSBlockDevices), func(a, b awsEBSBlockDevice) int { return strings.Compare(a.DeviceName, b.DeviceName) })
	var ids []string
	for _, d := range devices {
		if d.SnapshotID != "" {
			ids = append(ids, d.SnapshotID)
		}
	}
	return stringListValue(ids)
}
