package provider

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// paravirtualImage is an image with every field DescribeImages can report
// set, as EC2 reports an old paravirtual Windows-billed AMI with an
// instance store device.
func paravirtualImage() ec2types.Image {
	return ec2types.Image{
		ImageId:         aws.String("ami-0123456789abcdef0"),
		Name:            aws.String("copy"),
		OwnerId:         aws.String("123456789012"),
		State:           ec2types.ImageStateAvailable,
		Hypervisor:      ec2types.HypervisorTypeXen,
		ImageLocation:   aws.String("123456789012/copy"),
		ImageOwnerAlias: aws.String("amazon"),
		ImageType:       ec2types.ImageTypeValuesMachine,
		ImdsSupport:     ec2types.ImdsSupportValuesV20,
		KernelId:        aws.String("aki-12345678"),
		RamdiskId:       aws.String("ari-12345678"),
		// EC2 sends "windows"; the SDK's PlatformValuesWindows is "Windows".
		Platform:           ec2types.PlatformValues("windows"),
		PlatformDetails:    aws.String("Windows"),
		Public:             aws.Bool(true),
		SriovNetSupport:    aws.String("simple"),
		TpmSupport:         ec2types.TpmSupportValuesV20,
		UsageOperation:     aws.String("RunInstances:0002"),
		VirtualizationType: ec2types.VirtualizationTypeParavirtual,
		RootDeviceName:     aws.String("/dev/sda1"),
		BlockDeviceMappings: []ec2types.BlockDeviceMapping{
			{DeviceName: aws.String("/dev/sda1"), Ebs: &ec2types.EbsBlockDevice{
				DeleteOnTermination: aws.Bool(true), Encrypted: aws.Bool(false), Iops: aws.Int32(3000),
				SnapshotId: aws.String("snap-0aaaaaaaaaaaaaaaa"), Throughput: aws.Int32(125), VolumeSize: aws.Int32(8), VolumeType: ec2types.VolumeTypeGp3,
			}},
			{DeviceName: aws.String("/dev/sdb"), VirtualName: aws.String("ephemeral0")},
		},
	}
}

// TestRefreshFromReportsEC2Fields checks that each attribute carries what
// DescribeImages reports, and null for what it leaves out.
func TestRefreshFromReportsEC2Fields(t *testing.T) {
	minimal := ec2types.Image{
		ImageId: aws.String("ami-0123456789abcdef0"), Name: aws.String("copy"), State: ec2types.ImageStateAvailable,
		RootDeviceName: aws.String("/dev/xvda"),
		BlockDeviceMappings: []ec2types.BlockDeviceMapping{{DeviceName: aws.String("/dev/xvda"), Ebs: &ec2types.EbsBlockDevice{
			DeleteOnTermination: aws.Bool(false), SnapshotId: aws.String("snap-0bbbbbbbbbbbbbbbb"), VolumeSize: aws.Int32(15), VolumeType: ec2types.VolumeTypeStandard,
		}}},
	}
	tests := []struct {
		name         string
		image        ec2types.Image
		wantStrings  map[string]types.String
		wantPublic   types.Bool
		wantMappings []map[string]attr.Value
	}{
		{
			name:  "every field reported",
			image: paravirtualImage(),
			wantStrings: map[string]types.String{
				"hypervisor": types.StringValue("xen"), "image_location": types.StringValue("123456789012/copy"),
				"image_owner_alias": types.StringValue("amazon"), "image_type": types.StringValue("machine"),
				"imds_support": types.StringValue("v2.0"), "kernel_id": types.StringValue("aki-12345678"),
				"platform": types.StringValue("windows"), "ramdisk_id": types.StringValue("ari-12345678"),
				"root_snapshot_id": types.StringValue("snap-0aaaaaaaaaaaaaaaa"), "sriov_net_support": types.StringValue("simple"),
				"tpm_support": types.StringValue("v2.0"), "usage_operation": types.StringValue("RunInstances:0002"),
			},
			wantPublic: types.BoolValue(true),
			wantMappings: []map[string]attr.Value{
				{"delete_on_termination": types.BoolValue(true), "device_name": types.StringValue("/dev/sda1"), "encrypted": types.BoolValue(false),
					"iops": types.Int64Value(3000), "snapshot_id": types.StringValue("snap-0aaaaaaaaaaaaaaaa"), "throughput": types.Int64Value(125),
					"virtual_name": types.StringNull(), "volume_size": types.Int64Value(8), "volume_type": types.StringValue("gp3")},
				{"delete_on_termination": types.BoolNull(), "device_name": types.StringValue("/dev/sdb"), "encrypted": types.BoolNull(),
					"iops": types.Int64Null(), "snapshot_id": types.StringNull(), "throughput": types.Int64Null(),
					"virtual_name": types.StringValue("ephemeral0"), "volume_size": types.Int64Null(), "volume_type": types.StringNull()},
			},
		},
		{
			name:  "fields EC2 leaves out are null",
			image: minimal,
			wantStrings: map[string]types.String{
				"hypervisor": types.StringNull(), "image_location": types.StringNull(), "image_owner_alias": types.StringNull(),
				"image_type": types.StringNull(), "imds_support": types.StringNull(), "kernel_id": types.StringNull(),
				"platform": types.StringNull(), "ramdisk_id": types.StringNull(), "root_snapshot_id": types.StringValue("snap-0bbbbbbbbbbbbbbbb"),
				"sriov_net_support": types.StringNull(), "tpm_support": types.StringNull(), "usage_operation": types.StringNull(),
			},
			wantPublic: types.BoolValue(false),
			wantMappings: []map[string]attr.Value{
				{"delete_on_termination": types.BoolValue(false), "device_name": types.StringValue("/dev/xvda"), "encrypted": types.BoolValue(false),
					"iops": types.Int64Null(), "snapshot_id": types.StringValue("snap-0bbbbbbbbbbbbbbbb"), "throughput": types.Int64Null(),
					"virtual_name": types.StringNull(), "volume_size": types.Int64Value(15), "volume_type": types.StringValue("standard")},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := imageResourceModel{Region: types.StringValue("us-east-1")}
			m.refreshFrom(tt.image, nil, nil)
			got := newAttributeStrings(m)
			for name, want := range tt.wantStrings {
				if !got[name].Equal(want) {
					t.Errorf("%s = %s, want %s", name, got[name], want)
				}
			}
			if !m.Public.Equal(tt.wantPublic) {
				t.Errorf("public = %s, want %s", m.Public, tt.wantPublic)
			}
			want := make([]attr.Value, 0, len(tt.wantMappings))
			for _, mapping := range tt.wantMappings {
				want = append(want, types.ObjectValueMust(blockDeviceMappingAttrTypes, mapping))
			}
			if wantList := types.ListValueMust(types.ObjectType{AttrTypes: blockDeviceMappingAttrTypes}, want); !m.BlockDeviceMappings.Equal(wantList) {
				t.Errorf("block_device_mappings =\n%s\nwant\n%s", m.BlockDeviceMappings, wantList)
			}
		})
	}
}

// newAttributeStrings lists the string attributes that aws_ami_copy has
// and amicopy_image gained, by name.
func newAttributeStrings(m imageResourceModel) map[string]types.String {
	return map[string]types.String{
		"hypervisor": m.Hypervisor, "image_location": m.ImageLocation, "image_owner_alias": m.ImageOwnerAlias,
		"image_type": m.ImageType, "imds_support": m.IMDSSupport, "kernel_id": m.KernelID, "platform": m.Platform,
		"ramdisk_id": m.RamdiskID, "root_snapshot_id": m.RootSnapshotID, "sriov_net_support": m.SRIOVNetSupport,
		"tpm_support": m.TPMSupport, "usage_operation": m.UsageOperation,
	}
}

// TestMoveFromAWSAMICopyFields moves v5 and v6 aws_ami_copy states with
// every attribute set, and states where EC2 left fields out (which the AWS
// provider stores as ""), and checks that the move keeps what the state has
// and stores null, as Read does, for what it lacks. The move and a refresh
// of the same image therefore agree.
func TestMoveFromAWSAMICopyFields(t *testing.T) {
	full := map[string]any{
		"id": "ami-0123456789abcdef0", "arn": "arn:aws:ec2:eu-west-1::image/ami-0123456789abcdef0", "name": "copy",
		"source_ami_id": "ami-03cf127a", "source_ami_region": "us-east-1", "encrypted": false, "manage_ebs_snapshots": true,
		"architecture": "x86_64", "boot_mode": "legacy-bios", "ena_support": true, "hypervisor": "xen",
		"image_location": "123456789012/copy", "image_owner_alias": "amazon", "image_type": "machine", "imds_support": "v2.0",
		"kernel_id": "aki-12345678", "owner_id": "123456789012", "platform": "windows", "platform_details": "Windows",
		"public": true, "ramdisk_id": "ari-12345678", "root_device_name": "/dev/sda1", "root_snapshot_id": "snap-0aaaaaaaaaaaaaaaa",
		"sriov_net_support": "simple", "tpm_support": "v2.0", "usage_operation": "RunInstances:0002", "virtualization_type": "paravirtual",
		"ebs_block_device": []any{map[string]any{
			"delete_on_termination": true, "device_name": "/dev/sda1", "encrypted": false, "iops": 3000, "outpost_arn": "",
			"snapshot_id": "snap-0aaaaaaaaaaaaaaaa", "throughput": 125, "volume_size": 8, "volume_type": "gp3",
		}},
		"ephemeral_block_device": []any{map[string]any{"device_name": "/dev/sdb", "virtual_name": "ephemeral0"}},
		"timeouts":               map[string]any{"create": "45m", "delete": nil, "update": "5m"},
	}
	v6 := map[string]any{"region": "eu-west-1", "last_launched_time": "", "uefi_data": ""}
	for k, v := range full {
		v6[k] = v
	}
	// What the AWS provider stores for a copy of an hvm AMI without the
	// optional fields: "" for each, 0 for IOPS and throughput.
	sparse := map[string]any{
		"id": "ami-0123456789abcdef0", "arn": "arn:aws:ec2:eu-west-1::image/ami-0123456789abcdef0", "name": "copy",
		"source_ami_id": "ami-03cf127a", "source_ami_region": "us-east-1", "public": false,
		"hypervisor": "xen", "image_owner_alias": "", "imds_support": "", "kernel_id": "", "platform": "", "ramdisk_id": "",
		"sriov_net_support": "", "tpm_support": "", "root_snapshot_id": "snap-0bbbbbbbbbbbbbbbb",
		"ebs_block_device": []any{map[string]any{
			"delete_on_termination": false, "device_name": "/dev/xvda", "encrypted": false, "iops": 0, "outpost_arn": "",
			"snapshot_id": "snap-0bbbbbbbbbbbbbbbb", "throughput": 0, "volume_size": 15, "volume_type": "standard",
		}},
		"ephemeral_block_device": []any{},
	}
	fullImage := paravirtualImage()
	sparseImage := ec2types.Image{
		Hypervisor: ec2types.HypervisorTypeXen, RootDeviceName: aws.String("/dev/xvda"),
		BlockDeviceMappings: []ec2types.BlockDeviceMapping{{DeviceName: aws.String("/dev/xvda"), Ebs: &ec2types.EbsBlockDevice{
			DeleteOnTermination: aws.Bool(false), Encrypted: aws.Bool(false), SnapshotId: aws.String("snap-0bbbbbbbbbbbbbbbb"),
			VolumeSize: aws.Int32(15), VolumeType: ec2types.VolumeTypeStandard,
		}}},
	}
	tests := []struct {
		name  string
		state map[string]any
		// image is what DescribeImages reports for the same AMI: the move
		// must store what a refresh from it stores.
		image        ec2types.Image
		wantTimeouts types.Object
	}{
		{name: "v5, every attribute set", state: full, image: fullImage, wantTimeouts: types.ObjectValueMust(timeoutsAttrTypes, map[string]attr.Value{
			"create": types.StringValue("45m"), "delete": types.StringNull(), "update": types.StringValue("5m"),
		})},
		{name: "v6, every attribute set", state: v6, image: fullImage, wantTimeouts: types.ObjectValueMust(timeoutsAttrTypes, map[string]attr.Value{
			"create": types.StringValue("45m"), "delete": types.StringNull(), "update": types.StringValue("5m"),
		})},
		{name: "v5, fields EC2 left out", state: sparse, image: sparseImage, wantTimeouts: types.ObjectNull(timeoutsAttrTypes)},
	}
	ctx := context.Background()
	r := &imageResource{}
	var schemaResp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &schemaResp)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, err := json.Marshal(tt.state)
			if err != nil {
				t.Fatal(err)
			}
			req := resource.MoveStateRequest{
				SourceTypeName:        awsAMICopyType,
				SourceProviderAddress: "registry.terraform.io/hashicorp/aws",
				SourceRawState:        &tfprotov6.RawState{JSON: raw},
			}
			resp := resource.MoveStateResponse{TargetState: tfsdk.State{
				Schema: schemaResp.Schema,
				Raw:    tftypes.NewValue(schemaResp.Schema.Type().TerraformType(ctx), nil),
			}}
			r.moveFromAWSAMICopy(ctx, req, &resp)
			for _, d := range resp.Diagnostics {
				t.Fatalf("move: %s: %s", d.Summary(), d.Detail())
			}
			var moved imageResourceModel
			if diags := resp.TargetState.Get(ctx, &moved); diags.HasError() {
				t.Fatalf("reading the moved state: %v", diags)
			}

			refreshed := imageResourceModel{Region: types.StringValue("eu-west-1")}
			refreshed.refreshFrom(tt.image, nil, nil)
			movedStrings, refreshedStrings := newAttributeStrings(moved), newAttributeStrings(refreshed)
			for name, want := range refreshedStrings {
				if !movedStrings[name].Equal(want) {
					t.Errorf("%s = %s after the move, but a refresh stores %s", name, movedStrings[name], want)
				}
				if v, ok := tt.state[name].(string); ok && v != "" && movedStrings[name].ValueString() != v {
					t.Errorf("%s = %s after the move, want the state's %q", name, movedStrings[name], v)
				}
			}
			if !moved.Public.Equal(refreshed.Public) {
				t.Errorf("public = %s after the move, but a refresh stores %s", moved.Public, refreshed.Public)
			}
			if !moved.BlockDeviceMappings.Equal(refreshed.BlockDeviceMappings) {
				t.Errorf("block_device_mappings after the move =\n%s\nbut a refresh stores\n%s", moved.BlockDeviceMappings, refreshed.BlockDeviceMappings)
			}
			if !moved.Timeouts.Object.Equal(tt.wantTimeouts) {
				t.Errorf("timeouts = %s after the move, want %s", moved.Timeouts.Object, tt.wantTimeouts)
			}
			if !moved.SnapshotIDs.Equal(refreshed.SnapshotIDs) {
				t.Errorf("snapshot_ids = %s after the move, but a refresh stores %s", moved.SnapshotIDs, refreshed.SnapshotIDs)
			}
		})
	}
}
