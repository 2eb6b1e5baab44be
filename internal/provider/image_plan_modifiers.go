package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
)

// The plan modifiers for create-time inputs. Changing one replaces the
// AMI, except when the prior value is null because the resource was
// imported: EC2 does not report these inputs, so the configuration supplies
// them, in place, without copying again.
// Each of them also refuses a replacement that EC2 would not let finish
// (destroyRefusal).
func replaceUnlessAdoptingString() planmodifier.String {
	return stringplanmodifier.RequiresReplaceIf(func(ctx context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
		resp.RequiresReplace = !req.StateValue.IsNull() || !isAdopting(ctx, req.Private)
		if resp.RequiresReplace {
			resp.Diagnostics.Append(replacementRefusal(ctx, req.State, req.Private, req.ConfigValue, req.PlanValue)...)
		}
	}, "Changing this replaces the AMI.", "Changing this replaces the AMI.")
}

// replaceUnlessAdoptingBool is replaceUnlessAdoptingString for booleans,
// with the exceptions of adoptingDefault and encryptionNotDropped.
func replaceUnlessAdoptingBool() planmodifier.Bool {
	return boolplanmodifier.RequiresReplaceIf(func(ctx context.Context, req planmodifier.BoolRequest, resp *boolplanmodifier.RequiresReplaceIfFuncResponse) {
		adopting := isAdopting(ctx, req.Private)
		resp.RequiresReplace = (!req.StateValue.IsNull() || !adopting) && (!adopting || !adoptingDefault(ctx, req)) && !encryptionNotDropped(req)
		if resp.RequiresReplace {
			resp.Diagnostics.Append(replacementRefusal(ctx, req.State, req.Private, req.ConfigValue, req.PlanValue)...)
		}
	}, "Changing this replaces the AMI.", "Changing this replaces the AMI.")
}

// replaceUnlessAdoptingInt64 is replaceUnlessAdoptingString for numbers.
func replaceUnlessAdoptingInt64() planmodifier.Int64 {
	return int64planmodifier.RequiresReplaceIf(func(ctx context.Context, req planmodifier.Int64Request, resp *int64planmodifier.RequiresReplaceIfFuncResponse) {
		resp.RequiresReplace = !req.StateValue.IsNull() || !isAdopting(ctx, req.Private)
		if resp.RequiresReplace {
			resp.Diagnostics.Append(replacementRefusal(ctx, req.State, req.Private, req.ConfigValue, req.PlanValue)...)
		}
	}, "Changing this replaces the AMI.", "Changing this replaces the AMI.")
}

// replaceUnlessSameKMSKey is replaceUnlessAdoptingString for kms_key_id,
// except that a change between two values naming the same key (an alias
// for the key's ARN, a key ID for an alias ARN) is an in-place update that
// records the new spelling: EC2 encrypted the copy with that key, so
// copying again would give the same copy. aws_ami_copy, which accepts only
// ARNs, makes this the usual case of a moved copy. data gives the provider's
// data (sameKMSKey); without it the change replaces, as before.
func replaceUnlessSameKMSKey(data func() *providerData) planmodifier.String {
	return stringplanmodifier.RequiresReplaceIf(func(ctx context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
		resp.RequiresReplace = !req.StateValue.IsNull() || !isAdopting(ctx, req.Private)
		if resp.RequiresReplace && data != nil && sameKMSKey(ctx, data(), req, &resp.Diagnostics) {
			resp.RequiresReplace = false
		}
		if resp.RequiresReplace {
			resp.Diagnostics.Append(replacementRefusal(ctx, req.State, req.Private, req.ConfigValue, req.PlanValue)...)
		}
	}, "Changing this replaces the AMI, unless both values name the same KMS key.", "Changing this replaces the AMI, unless both values name the same KMS key.")
}

// replacementRefusal is destroyRefusal for a plan modifier that forces a
// replacement. An unconfigured value that is unknown here (client_token,
// region) is one that ModifyPlan fills in from state later, which replaces
// nothing; Terraform ignores a replacement whose value ends up unchanged.
func replacementRefusal(ctx context.Context, st stateGetter, private privateGetter, config, planned attr.Value) diag.Diagnostics {
	if config.IsNull() && planned.IsUnknown() {
		return nil
	}
	return destroyRefusal(ctx, st, private, "replace")
}

// replaceAlwaysString is RequiresReplace for name and region, refusing a
// replacement that EC2 would not let finish.
func replaceAlwaysString() planmodifier.String {
	return stringplanmodifier.RequiresReplaceIf(func(ctx context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
		resp.RequiresReplace = true
		resp.Diagnostics.Append(replacementRefusal(ctx, req.State, req.Private, req.ConfigValue, req.PlanValue)...)
	}, "Changing this replaces the AMI.", "Changing this replaces the AMI.")
}

// encryptionNotDropped is the case of encrypted going from true to false:
// false means "do not ask for encryption", and a copy of an encrypted
// source is encrypted whatever is asked, so nothing is copied again.
func encryptionNotDropped(req planmodifier.BoolRequest) bool {
	return req.Path.Equal(path.Root("encrypted")) && req.StateValue.ValueBool() && !req.ConfigValue.IsNull() && !req.ConfigValue.IsUnknown() && !req.ConfigValue.ValueBool()
}

// adoptingDefault covers booleans that import sets to their default
// (copy_image_tags): an imported copy takes the configured value in place.
func adoptingDefault(ctx context.Context, req planmodifier.BoolRequest) bool {
	return req.Path.Equal(path.Root("copy_image_tags")) && isAdopting(ctx, req.Private)
}

// privateGetter is the read side of the framework's private state.
type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

// isAdopting reports whether the resource was imported or moved and no
// plan for it has been applied since.
func isAdopting(ctx context.Context, private privateGetter) bool {
	if private == nil {
		return false
	}
	v, _ := private.GetKey(ctx, privateImported)
	return len(v) > 0
}

// adoptionMarkerAfterRead is the value Read leaves under privateImported:
// adoptingAfterRead for a copy that ImportState or MoveState has just
// marked, and nil (no marker: adoption over) for one whose adopting read
// has been saved before.
//
// Why Read: the first plan after an import block or a moved block is
// usually a no-op, and Terraform then never calls ApplyResourceChange (so
// never Update); it saves the refresh of that plan, private state
// included. So the refresh that precedes the adopting plan advances the
// marker, the plan itself still adopts, and the next refresh, which follows
// that apply, ends adoption. An update in between ends it earlier (Update
// removes the marker).
func adoptionMarkerAfterRead(ctx context.Context, private privateGetter) []byte {
	if private == nil {
		return nil
	}
	v, _ := private.GetKey(ctx, privateImported)
	if len(v) == 0 || string(v) == adoptingAfterRead {
		return nil
	}
	return []byte(adoptingAfterRead)
}
