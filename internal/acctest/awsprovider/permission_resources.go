package awsprovider

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The two sharing resources of the AWS provider that a migration to
// amicopy_image's launch_permission and
// snapshot_create_volume_permission_account_ids takes over:
// aws_ami_launch_permission (internal/service/ec2/ec2_ami_launch_permission.go)
// and aws_snapshot_create_volume_permission
// (internal/service/ec2/ebs_snapshot_create_volume_permission.go), both
// SDKv2 resources whose every argument is ForceNew. v6 adds the
// per-resource region to both.

var (
	_ resource.Resource              = (*permissionResource)(nil)
	_ resource.ResourceWithConfigure = (*permissionResource)(nil)
)

// EC2 error code for a snapshot that does not exist (any more).
const errCodeInvalidSnapshotNotFound = "InvalidSnapshot.NotFound"

// permissionKind is what one of the two resources grants, and how.
type permissionKind struct {
	// typeSuffix follows "aws_" in the resource type name.
	typeSuffix string
	// description is the resource's description.
	description string
	// attributes are the resource's own attributes (id and region aside).
	attributes map[string]schema.Attribute
	// timeouts says whether the resource has a timeouts block (create and
	// delete).
	timeouts bool
	// id builds the resource ID from the configured values.
	id func(values map[string]string) string
	// grant adds (add true) or removes the permission.
	grant func(ctx context.Context, conn *ec2.Client, values map[string]string, add bool) error
	// granted reports whether EC2 lists the permission; found is false when
	// the image or snapshot is gone.
	granted func(ctx context.Context, conn *ec2.Client, values map[string]string) (ok, found bool, err error)
}

// permissionResource is aws_ami_launch_permission or
// aws_snapshot_create_volume_permission, in the given shape.
type permissionResource struct {
	kind  permissionKind
	shape Shape
	data  *providerData
}

// newLaunchPermissionResource returns a factory for aws_ami_launch_permission.
func newLaunchPermissionResource(shape Shape) func() resource.Resource {
	return func() resource.Resource { return &permissionResource{kind: launchPermissionKind(), shape: shape} }
}

// newSnapshotCreateVolumePermissionResource returns a factory for
// aws_snapshot_create_volume_permission.
func newSnapshotCreateVolumePermissionResource(shape Shape) func() resource.Resource {
	return func() resource.Resource {
		return &permissionResource{kind: snapshotCreateVolumePermissionKind(), shape: shape}
	}
}

// launchPermissionPrincipals are the arguments of aws_ami_launch_permission
// of which exactly one is set.
var launchPermissionPrincipals = []string{"account_id", "group", "organization_arn", "organizational_unit_arn"}

// launchPermissionKind is aws_ami_launch_permission: one launch permission
// of an AMI (ModifyImageAttribute, DescribeImageAttribute launchPermission).
func launchPermissionKind() permissionKind {
	forceNew := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	exactlyOne := stringvalidator.ExactlyOneOf(path.MatchRoot("account_id"), path.MatchRoot("group"),
		path.MatchRoot("organization_arn"), path.MatchRoot("organizational_unit_arn"))
	return permissionKind{
		typeSuffix:  "ami_launch_permission",
		description: "Adds a launch permission to an Amazon Machine Image (AMI).",
		attributes: map[string]schema.Attribute{
			"account_id": schema.StringAttribute{Optional: true, PlanModifiers: forceNew, Validators: []validator.String{exactlyOne}},
			"group": schema.StringAttribute{Optional: true, PlanModifiers: forceNew,
				Validators: []validator.String{exactlyOne, stringvalidator.OneOf(string(ec2types.PermissionGroupAll))}},
			"image_id":                schema.StringAttribute{Required: true, PlanModifiers: forceNew},
			"organization_arn":        schema.StringAttribute{Optional: true, PlanModifiers: forceNew, Validators: []validator.String{exactlyOne, arnValidator()}},
			"organizational_unit_arn": schema.StringAttribute{Optional: true, PlanModifiers: forceNew, Validators: []validator.String{exactlyOne, arnValidator()}},
		},
		id: func(v map[string]string) string {
			for _, name := range launchPermissionPrincipals {
				if v[name] != "" {
					return v[name] + "/" + v["image_id"]
				}
			}
			return v["image_id"]
		},
		grant: func(ctx context.Context, conn *ec2.Client, v map[string]string, add bool) error {
			perm := launchPermissionOf(v)
			mods := &ec2types.LaunchPermissionModifications{}
			if add {
				mods.Add = []ec2types.LaunchPermission{perm}
			} else {
				mods.Remove = []ec2types.LaunchPermission{perm}
			}
			_, err := conn.ModifyImageAttribute(ctx, &ec2.ModifyImageAttributeInput{
				ImageId: aws.String(v["image_id"]), Attribute: aws.String(string(ec2types.ImageAttributeNameLaunchPermission)), LaunchPermission: mods,
			})
			return err
		},
		granted: func(ctx context.Context, conn *ec2.Client, v map[string]string) (bool, bool, error) {
			out, err := conn.DescribeImageAttribute(ctx, &ec2.DescribeImageAttributeInput{
				ImageId: aws.String(v["image_id"]), Attribute: ec2types.ImageAttributeNameLaunchPermission,
			})
			if hasErrorCode(err, errCodeInvalidAMIIDNotFound, errCodeInvalidAMIIDUnavailable) {
				return false, false, nil
			}
			if err != nil {
				return false, false, err
			}
			want := launchPermissionOf(v)
			return slices.ContainsFunc(out.LaunchPermissions, func(p ec2types.LaunchPermission) bool {
				return aws.ToString(p.UserId) == aws.ToString(want.UserId) && p.Group == want.Group &&
					aws.ToString(p.OrganizationArn) == aws.ToString(want.OrganizationArn) &&
					aws.ToString(p.OrganizationalUnitArn) == aws.ToString(want.OrganizationalUnitArn)
			}), true, nil
		},
	}
}

// launchPermissionOf is the one launch permission the values name.
func launchPermissionOf(v map[string]string) ec2types.LaunchPermission {
	var p ec2types.LaunchPermission
	switch {
	case v["account_id"] != "":
		p.UserId = aws.String(v["account_id"])
	case v["group"] != "":
		p.Group = ec2types.PermissionGroup(v["group"])
	case v["organization_arn"] != "":
		p.OrganizationArn = aws.String(v["organization_arn"])
	case v["organizational_unit_arn"] != "":
		p.OrganizationalUnitArn = aws.String(v["organizational_unit_arn"])
	}
	return p
}

// snapshotCreateVolumePermissionKind is
// aws_snapshot_create_volume_permission: one account that may create
// volumes from a snapshot (ModifySnapshotAttribute, DescribeSnapshotAttribute
// createVolumePermission).
func snapshotCreateVolumePermissionKind() permissionKind {
	forceNew := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	return permissionKind{
		typeSuffix:  "snapshot_create_volume_permission",
		description: "Adds create volume permission to an EBS Snapshot.",
		attributes: map[string]schema.Attribute{
			"account_id":  schema.StringAttribute{Required: true, PlanModifiers: forceNew},
			"snapshot_id": schema.StringAttribute{Required: true, PlanModifiers: forceNew},
		},
		timeouts: true,
		id:       func(v map[string]string) string { return v["snapshot_id"] + "-" + v["account_id"] },
		// The real provider sends CreateVolumePermission.Add.N; this sends
		// the OperationType and UserId.N form that EC2 documents beside it,
		// which moto honours (it ignores the other).
		grant: func(ctx context.Context, conn *ec2.Client, v map[string]string, add bool) error {
			op := ec2types.OperationTypeRemove
			if add {
				op = ec2types.OperationTypeAdd
			}
			_, err := conn.ModifySnapshotAttribute(ctx, &ec2.ModifySnapshotAttributeInput{
				SnapshotId: aws.String(v["snapshot_id"]), Attribute: ec2types.SnapshotAttributeNameCreateVolumePermission,
				OperationType: op, UserIds: []string{v["account_id"]},
			})
			return err
		},
		granted: func(ctx context.Context, conn *ec2.Client, v map[string]string) (bool, bool, error) {
			out, err := conn.DescribeSnapshotAttribute(ctx, &ec2.DescribeSnapshotAttributeInput{
				SnapshotId: aws.String(v["snapshot_id"]), Attribute: ec2types.SnapshotAttributeNameCreateVolumePermission,
			})
			if hasErrorCode(err, errCodeInvalidSnapshotNotFound) {
				return false, false, nil
			}
			if err != nil {
				return false, false, err
			}
			return slices.ContainsFunc(out.CreateVolumePermissions, func(p ec2types.CreateVolumePermission) bool {
				return aws.ToString(p.UserId) == v["account_id"]
			}), true, nil
		},
	}
}

// Metadata names the resource.
func (r *permissionResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + r.kind.typeSuffix
}

// Schema is the kind's attributes, plus id, the v6 region and the timeouts
// block of the resources that have one.
func (r *permissionResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attributes := map[string]schema.Attribute{
		"id": schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
	}
	for name, a := range r.kind.attributes {
		attributes[name] = a
	}
	if r.shape == ShapeV6 {
		attributes["region"] = schema.StringAttribute{
			Optional: true, Computed: true,
			Description:   "Region where this resource will be managed. Defaults to the Region set in the provider configuration.",
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
		}
	}
	blocks := map[string]schema.Block{}
	if r.kind.timeouts {
		blocks["timeouts"] = timeouts.Block(ctx, timeouts.Opts{Create: true, Delete: true})
	}
	resp.Schema = schema.Schema{Description: r.kind.description, Attributes: attributes, Blocks: blocks}
}

// Configure receives the provider's client factory.
func (r *permissionResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if data := configuredData(req, resp); data != nil {
		r.data = data
	}
}

// Create grants the permission and records its ID.
func (r *permissionResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	values, diags := r.values(ctx, req.Plan.Raw.IsNull(), req.Plan.GetAttribute)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	region := r.region(values)
	if err := r.kind.grant(ctx, r.data.clients.EC2(region), values, true); err != nil {
		resp.Diagnostics.AddError("Unable to Create Permission", fmt.Sprintf("creating %s (%s): %s", "aws_"+r.kind.typeSuffix, r.kind.id(values), err))
		return
	}
	resp.State.Raw = req.Plan.Raw.Copy()
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), r.kind.id(values))...)
	if r.shape == ShapeV6 {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("region"), region)...)
	}
}

// Read removes the resource when EC2 no longer lists the permission, or
// the image or snapshot is gone, as the real resources do.
func (r *permissionResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	values, diags := r.values(ctx, false, req.State.GetAttribute)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ok, found, err := r.kind.granted(ctx, r.data.clients.EC2(r.region(values)), values)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read Permission", fmt.Sprintf("reading %s (%s): %s", "aws_"+r.kind.typeSuffix, r.kind.id(values), err))
		return
	}
	if !ok || !found {
		resp.State.RemoveResource(ctx)
	}
}

// Update is never called: every argument forces a new resource. It keeps
// the plan, as the framework requires an Update.
func (r *permissionResource) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = req.Plan.Raw.Copy()
}

// Delete revokes the permission; one whose image or snapshot is gone is
// already revoked.
func (r *permissionResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	values, diags := r.values(ctx, false, req.State.GetAttribute)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	err := r.kind.grant(ctx, r.data.clients.EC2(r.region(values)), values, false)
	if hasErrorCode(err, errCodeInvalidAMIIDNotFound, errCodeInvalidAMIIDUnavailable, errCodeInvalidSnapshotNotFound) {
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Delete Permission", fmt.Sprintf("deleting %s (%s): %s", "aws_"+r.kind.typeSuffix, r.kind.id(values), err))
	}
}

// values reads the kind's string attributes, and the v6 region, into a
// map; an unset one reads as "".
func (r *permissionResource) values(ctx context.Context, null bool, get func(context.Context, path.Path, any) diag.Diagnostics) (map[string]string, diag.Diagnostics) {
	var diags diag.Diagnostics
	values := map[string]string{}
	if null {
		return values, diags
	}
	names := make([]string, 0, len(r.kind.attributes)+1)
	for name := range r.kind.attributes {
		names = append(names, name)
	}
	if r.shape == ShapeV6 {
		names = append(names, "region")
	}
	for _, name := range names {
		var v types.String
		diags.Append(get(ctx, path.Root(name), &v)...)
		values[name] = v.ValueString()
	}
	return values, diags
}

// region is the resource's own Region in v6 when set, else the provider's.
func (r *permissionResource) region(values map[string]string) string {
	if values["region"] != "" {
		return values["region"]
	}
	return r.data.clients.defaultRegion
}
