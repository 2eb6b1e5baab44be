package provider

import (
	"context"
	"encoding/json"
	"fmt"
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
	deprecationTime := nullIfEmpty(canonicalDeprecationTime(source.DeprecationTime))

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
		CopyImageTags:            types.BoolValue(false),
		DeregistrationProtection: types.StringNull(),
		BlockDeviceMappings:      types.ListNull(types.ObjectType{AttrTypes: blockDeviceMappingAttrTypes}),
		SnapshotIDs:              types.ListNull(types.StringType),
		SnapshotTags:             types.MapNull(types.StringType),
		Timeouts:                 timeouts.Value{Object: types.ObjectNull(timeoutsAttrTypes)},
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

// nullIfEmpty turns the AWS provider's "" for unset strings into null.
func nullIfEmpty(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// awsAMICopyState is the part of an aws_ami_copy state (AWS provider v5
// and v6, schema version 0) that amicopy_image keeps. The rest is
// refreshed from EC2.
type awsAMICopyState struct {
	ID                    string            `json:"id"`
	ARN                   string            `json:"arn"`
	Name                  string            `json:"name"`
	Description           string            `json:"description"`
	SourceAMIID           string            `json:"source_ami_id"`
	SourceAMIRegion       string            `json:"source_ami_region"`
	Region                string            `json:"region"`
	Encrypted             bool              `json:"encrypted"`
	KMSKeyID              string            `json:"kms_key_id"`
	DestinationOutpostARN string            `json:"destination_outpost_arn"`
	DeprecationTime       string            `json:"deprecation_time"`
	ManageEBSSnapshots    *bool             `json:"manage_ebs_snapshots"`
	Tags                  map[string]string `json:"tags"`
	TagsAll               map[string]string `json:"tags_all"`
}
