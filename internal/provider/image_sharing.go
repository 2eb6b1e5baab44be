package provider

// Sharing a copy: launch_permission (who may launch the AMI) and
// snapshot_create_volume_permission_account_ids (who may create volumes from
// its snapshots, which they need to copy the shared AMI on). This file holds
// their schema, their mapping to and from EC2, the plan-time checks that
// catch what would make sharing fail at apply, and the small hooks that
// Create, Read, Update, ModifyPlan and the move from aws_ami_copy call.
//
// Neither attribute is read or touched while it is unset, so permissions
// that something else manages (aws_ami_launch_permission) are left alone.

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/amicopy/terraform-provider-amicopy/internal/ami"
)

// Attribute names of the sharing settings.
const (
	attrLaunchPermission                = "launch_permission"
	attrSnapshotCreateVolumePermissions = "snapshot_create_volume_permission_account_ids"
)

// launchPermissionSchema is the launch_permission nested attribute.
func launchPermissionSchema() schema.Attribute {
	return schema.SingleNestedAttribute{
		MarkdownDescription: "Who may launch the copy besides its owner, applied once the copy is available and updated in place, sending only the difference. " +
			"While it is unset, the provider neither reads nor changes the AMI's launch permissions, so permissions managed elsewhere (such as by `aws_ami_launch_permission`) " +
			"are left alone; do not manage one AMI's permissions in both places. Setting it on an existing copy makes it the complete list: the apply removes every grant it does not name, " +
			"and the plan names each one in a warning. Sharing an encrypted copy with other accounts needs a customer managed `kms_key_id` " +
			"whose key policy allows them; the AWS managed key `aws/ebs` cannot be shared.",
		Optional: true,
		Attributes: map[string]schema.Attribute{
			"account_ids": schema.SetAttribute{
				MarkdownDescription: "IDs of AWS accounts (12 digits) that may launch the copy. The copy's own account is accepted, with a warning: the owner can always launch its AMIs, so that grant does nothing.",
				ElementType:         types.StringType,
				Optional:            true,
				Validators:          []validator.Set{setvalidator.ValueStringsAre(accountIDValidator())},
			},
			"organization_arns": schema.SetAttribute{
				MarkdownDescription: "ARNs of organizations whose accounts may launch the copy, such as `arn:aws:organizations::111122223333:organization/o-exampleorgid`.",
				ElementType:         types.StringType,
				Optional:            true,
				Validators: []validator.Set{setvalidator.ValueStringsAre(parsedStringValidator{
					summary: "Invalid Organization ARN", description: "must be an organization ARN", check: ami.ValidateOrganizationARN,
				})},
			},
			"organizational_unit_arns": schema.SetAttribute{
				MarkdownDescription: "ARNs of organizational units whose accounts may launch the copy, such as `arn:aws:organizations::111122223333:ou/o-exampleorgid/ou-examplerootid-exampleouid`.",
				ElementType:         types.StringType,
				Optional:            true,
				Validators: []validator.Set{setvalidator.ValueStringsAre(parsedStringValidator{
					summary: "Invalid Organizational Unit ARN", description: "must be an organizational unit ARN", check: ami.ValidateOrganizationalUnitARN,
				})},
			},
			"public": schema.BoolAttribute{
				MarkdownDescription: "Make the copy public: every AWS account may launch it (the `all` group). An encrypted copy cannot be public, including one that EBS encryption by default encrypts, " +
					"the account's block public access for AMIs must be off in the destination Region, and a public copy's `deprecation_time` is at most 2 years after its creation " +
					"and cannot be removed or moved later while it stays public. Without `deprecation_time`, EC2 deprecates a public copy 2 years after its creation. " +
					"Unset means `false`.",
				Optional: true,
			},
		},
	}
}

// snapshotCreateVolumePermissionSchema is the
// snapshot_create_volume_permission_account_ids attribute.
func snapshotCreateVolumePermissionSchema() schema.Attribute {
	return schema.SetAttribute{
		MarkdownDescription: "IDs of AWS accounts that may create volumes from the copy's snapshots, which they need to copy the shared AMI themselves. " +
			"Applied once the copy is available and updated in place, sending only the difference. While it is unset, the provider neither reads nor changes " +
			"the snapshots' permissions (managed elsewhere by `aws_snapshot_create_volume_permission`, for example). Setting it on an existing copy makes it the complete list: " +
			"the apply removes every account it does not name, and the plan names each one in a warning.",
		ElementType: types.StringType,
		Optional:    true,
		Validators:  []validator.Set{setvalidator.ValueStringsAre(accountIDValidator())},
	}
}

// accountIDValidator accepts a 12-digit AWS account ID.
func accountIDValidator() validator.String {
	return parsedStringValidator{summary: "Invalid AWS Account ID", description: "must be a 12-digit AWS account ID", check: ami.ValidateAccountID}
}

// launchPermissionModel is the launch_permission object.
type launchPermissionModel struct {
	AccountIDs             types.Set  `tfsdk:"account_ids"`
	OrganizationARNs       types.Set  `tfsdk:"organization_arns"`
	OrganizationalUnitARNs types.Set  `tfsdk:"organizational_unit_arns"`
	Public                 types.Bool `tfsdk:"public"`
}

// launchPermissions reads launch_permission. managed is false when it is
// unset; known is false when any part of it is unknown at plan time.
func (m imageResourceModel) launchPermissions(ctx context.Context) (perms ami.LaunchPermissions, managed, known bool) {
	if m.LaunchPermission.IsNull() {
		return perms, false, true
	}
	if m.LaunchPermission.IsUnknown() {
		return perms, true, false
	}
	var lp launchPermissionModel
	if m.LaunchPermission.As(ctx, &lp, objectAsOptions).HasError() {
		return perms, true, false
	}
	known = !lp.AccountIDs.IsUnknown() && !lp.OrganizationARNs.IsUnknown() && !lp.OrganizationalUnitARNs.IsUnknown() && !lp.Public.IsUnknown()
	perms = ami.LaunchPermissions{
		AccountIDs:             knownSetStrings(lp.AccountIDs),
		OrganizationARNs:       knownSetStrings(lp.OrganizationARNs),
		OrganizationalUnitARNs: knownSetStrings(lp.OrganizationalUnitARNs),
		Public:                 lp.Public.ValueBool(),
	}
	return perms, true, known
}

// plannedPublic is what the computed public attribute will read once
// launch_permission is applied: EC2 reports an AMI public exactly when its
// launch permissions hold the "all" group. Without launch_permission the
// provider does not touch the permissions, so public keeps its value.
func (m imageResourceModel) plannedPublic(ctx context.Context) types.Bool {
	if m.LaunchPermission.IsNull() {
		return m.Public
	}
	if m.LaunchPermission.IsUnknown() {
		return types.BoolUnknown()
	}
	var lp launchPermissionModel
	if m.LaunchPermission.As(ctx, &lp, objectAsOptions).HasError() || lp.Public.IsUnknown() {
		return types.BoolUnknown()
	}
	return types.BoolValue(lp.Public.ValueBool())
}

// snapshotAccounts reads snapshot_create_volume_permission_account_ids.
func (m imageResourceModel) snapshotAccounts() (accounts []string, managed, known bool) {
	v := m.SnapshotCreateVolumeAccounts
	if v.IsNull() {
		return nil, false, true
	}
	if v.IsUnknown() {
		return nil, true, false
	}
	return knownSetStrings(v), true, !slices.ContainsFunc(v.Elements(), attr.Value.IsUnknown)
}

// objectAsOptions reads launch_permission; its attributes are framework
// types, which hold null and unknown values themselves.
var objectAsOptions = basetypes.ObjectAsOptions{}

// knownSetStrings returns the known elements of a set of strings, sorted.
func knownSetStrings(s types.Set) []string {
	if s.IsNull() || s.IsUnknown() {
		return nil
	}
	var out []string
	for _, e := range s.Elements() {
		if v, ok := e.(types.String); ok && !v.IsNull() && !v.IsUnknown() {
			out = append(out, v.ValueString())
		}
	}
	slices.Sort(out)
	return out
}

// refreshedSet is EC2's values as a set, or null when EC2 reports none and
// the prior value was null: an unset attribute causes no diff.
func refreshedSet(prior types.Set, values []string) types.Set {
	if len(values) == 0 && (prior.IsNull() || prior.IsUnknown()) {
		return types.SetNull(types.StringType)
	}
	elems := make([]attr.Value, 0, len(values))
	for _, v := range values {
		elems = append(elems, types.StringValue(v))
	}
	return types.SetValueMust(types.StringType, elems)
}

// refreshedLaunchPermission is EC2's launch permissions in the shape of the
// prior launch_permission, so that parts left unset stay unset.
func refreshedLaunchPermission(ctx context.Context, prior types.Object, perms ami.LaunchPermissions) types.Object {
	var lp launchPermissionModel
	if !prior.IsNull() && !prior.IsUnknown() {
		_ = prior.As(ctx, &lp, objectAsOptions)
	} else {
		lp = launchPermissionModel{AccountIDs: types.SetNull(types.StringType), OrganizationARNs: types.SetNull(types.StringType),
			OrganizationalUnitARNs: types.SetNull(types.StringType), Public: types.BoolNull()}
	}
	lp.AccountIDs = refreshedSet(lp.AccountIDs, perms.AccountIDs)
	lp.OrganizationARNs = refreshedSet(lp.OrganizationARNs, perms.OrganizationARNs)
	lp.OrganizationalUnitARNs = refreshedSet(lp.OrganizationalUnitARNs, perms.OrganizationalUnitARNs)
	if perms.Public || (!lp.Public.IsNull() && !lp.Public.IsUnknown()) {
		lp.Public = types.BoolValue(perms.Public)
	}
	obj, _ := types.ObjectValueFrom(ctx, launchPermissionAttrTypes, lp) // The model matches the attribute types.
	return obj
}

// withoutPublicDefaultDeprecation is the refreshed deprecation_time of a
// copy, except where it is EC2's default for a public AMI and the prior
// value was unset: EC2 gives a public AMI without one a deprecation time 2
// years after its creation (EC2 User Guide, "Deprecate an AMI": "By
// default, the deprecation date of all public AMIs is set to two years from
// the AMI creation date"). That value is EC2's, not the configuration's, so
// it stays out of state: otherwise every plan would cancel it, and every
// apply that makes a copy public would wait for it to go.
func withoutPublicDefaultDeprecation(prior, refreshed deprecateAt, img ec2types.Image) deprecateAt {
	if !prior.IsNull() || refreshed.IsNull() || !aws.ToBool(img.Public) {
		return refreshed
	}
	created, err := time.Parse(time.RFC3339, aws.ToString(img.CreationDate))
	if err != nil {
		return refreshed
	}
	publicDefault := deprecateAtOf(created.UTC().AddDate(ami.MaxPublicDeprecationYears, 0, 0).Format(time.RFC3339))
	if refreshed.sameMinute(publicDefault) {
		return deprecateAtNull()
	}
	return refreshed
}

// makesPrivate reports whether a plan takes a public copy private, which
// has to happen before its deprecation time can be cancelled or moved
// later (applyLifecycleSettings).
func makesPrivate(ctx context.Context, old, planned imageResourceModel) bool {
	public := planned.plannedPublic(ctx)
	return old.Public.ValueBool() && !planned.LaunchPermission.IsNull() && !public.IsUnknown() && !public.ValueBool()
}

// refreshSharing refreshes the sharing attributes that are set, or, for a
// copy being imported, reads them whatever they are. It costs one
// DescribeImageAttribute when launch_permission is set and one
// DescribeSnapshotAttribute per snapshot when the snapshot attribute is;
// nothing otherwise.
func refreshSharing(ctx context.Context, client *ami.Client, state *imageResourceModel, importing bool) error {
	state.sharingNullIfUnset()
	imageID := state.ID.ValueString()
	if !state.LaunchPermission.IsNull() || importing {
		perms, err := client.LaunchPermissions(ctx, imageID)
		if err != nil {
			return fmt.Errorf("DescribeImageAttribute (launchPermission) for %s failed: %w", imageID, err)
		}
		if !state.LaunchPermission.IsNull() || !perms.IsEmpty() {
			state.LaunchPermission = refreshedLaunchPermission(ctx, state.LaunchPermission, perms)
		}
	}
	if !state.SnapshotCreateVolumeAccounts.IsNull() || importing {
		prior := knownSetStrings(state.SnapshotCreateVolumeAccounts)
		var everywhere, somewhere []string
		for i, id := range stringList(ctx, state.SnapshotIDs) {
			accounts, err := client.SnapshotCreateVolumePermissions(ctx, id)
			if err != nil {
				return fmt.Errorf("DescribeSnapshotAttribute (createVolumePermission) for snapshot %s of %s failed: %w", id, imageID, err)
			}
			if i == 0 {
				everywhere = accounts
			} else {
				everywhere = slices.DeleteFunc(everywhere, func(a string) bool { return !slices.Contains(accounts, a) })
			}
			somewhere = union(somewhere, accounts)
		}
		// An account the state has but one snapshot lacks drops out, so the
		// plan adds it again; one that some snapshot has but the state does
		// not shows up, so the plan removes it. Update then fixes each
		// snapshot on its own.
		refreshed := union(everywhere, slices.DeleteFunc(somewhere, func(a string) bool { return slices.Contains(prior, a) }))
		slices.Sort(refreshed)
		if !state.SnapshotCreateVolumeAccounts.IsNull() || len(refreshed) > 0 {
			state.SnapshotCreateVolumeAccounts = refreshedSet(state.SnapshotCreateVolumeAccounts, refreshed)
		}
	}
	return nil
}

// applySharing makes EC2's permissions match the plan's, for the sharing
// attributes the plan sets. It asks EC2 what is granted now and sends only
// the difference. A new copy (fresh) is known to grant nothing, which saves
// the questions.
func applySharing(ctx context.Context, client *ami.Client, imageID string, snapshotIDs []string, plan imageResourceModel, fresh bool) error {
	if desired, managed, _ := plan.launchPermissions(ctx); managed {
		var current ami.LaunchPermissions
		if !fresh {
			var err error
			if current, err = client.LaunchPermissions(ctx, imageID); err != nil {
				return fmt.Errorf("reading the launch permissions of %s: %w", imageID, err)
			}
		}
		add, remove := ami.DiffLaunchPermissions(current, desired)
		if err := client.ModifyLaunchPermissions(ctx, imageID, add, remove); err != nil {
			return err
		}
	}
	if desired, managed, _ := plan.snapshotAccounts(); managed {
		for _, id := range snapshotIDs {
			var current []string
			if !fresh {
				var err error
				if current, err = client.SnapshotCreateVolumePermissions(ctx, id); err != nil {
					return fmt.Errorf("reading who may create volumes from snapshot %s: %w", id, err)
				}
			}
			add, remove := ami.DiffSets(current, desired)
			if err := client.ModifySnapshotCreateVolumePermissions(ctx, id, add, remove); err != nil {
				return err
			}
		}
	}
	return nil
}

// sharingDiagnostic explains a failure to share a copy that exists; what
// happens next depends on whether the copy was just made (it is tainted).
func sharingDiagnostic(imageID, region string, creating bool, err error) diag.Diagnostic {
	next := "The AMI keeps its previous permissions as far as EC2 applied none of the change; fix the cause and apply again."
	if creating {
		next = "The AMI is kept in state as tainted, so the next apply replaces it with a new copy. To keep this copy, run terraform untaint on it; " +
			"the next apply then only shares it."
	}
	return diag.NewErrorDiagnostic("Unable to Share Image", fmt.Sprintf(
		"The copy %s in %s is available, but sharing it failed: %s\n\nCheck launch_permission and %s, and that this identity may call "+
			"ec2:ModifyImageAttribute and ec2:ModifySnapshotAttribute. %s", imageID, region, describeAWSError(err), attrSnapshotCreateVolumePermissions, next))
}

// sharingChanged reports whether the plan changes either sharing attribute.
func sharingChanged(plan, state imageResourceModel) bool {
	return !plan.LaunchPermission.Equal(state.LaunchPermission) ||
		!plan.SnapshotCreateVolumeAccounts.Equal(state.SnapshotCreateVolumeAccounts)
}
