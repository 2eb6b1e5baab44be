package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

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

// stateGetter is tfsdk.State's Get, for destroyRefusal.
type stateGetter interface {
	Get(ctx context.Context, target any) diag.Diagnostics
}

// destroyRefusal refuses, at plan time, to destroy or replace a copy that
// EC2 would refuse to deregister, unless skip_destroy keeps it: its
// deregistration protection is on, or was on with a cooldown that still
// runs. Failing here means nothing is half-deleted.
func destroyRefusal(ctx context.Context, st stateGetter, private privateGetter, action string) diag.Diagnostics {
	var diags diag.Diagnostics
	var state imageResourceModel
	if d := st.Get(ctx, &state); d.HasError() || state.SkipDestroy.ValueBool() {
		return diags
	}
	if settingsPending(ctx, private) {
		// A copy that was not waited for records its protection as
		// configured; EC2 has not applied it yet, so nothing refuses.
		return diags
	}
	protection := state.DeregistrationProtection.ValueString()
	if protection == protectionEnabled || protection == protectionEnabledWithCooldown {
		diags.AddAttributeError(path.Root("deregistration_protection"), "Image Has Deregistration Protection",
			fmt.Sprintf("The plan would %s amicopy_image %s in %s, but its deregistration_protection is %q, so EC2 would refuse to deregister it. "+
				"Set deregistration_protection = \"disabled\" and apply first (with enabled-with-cooldown, EC2 keeps the AMI protected for 24 hours after that), "+
				"or set skip_destroy = true and apply first to keep the AMI in EC2 and only remove it from state.",
				action, state.ID.ValueString(), state.Region.ValueString(), protection))
		return diags
	}
	if until, running := cooldownRunning(ctx, private); running {
		diags.AddAttributeError(path.Root("deregistration_protection"), "Image Has Deregistration Protection",
			fmt.Sprintf("The plan would %s amicopy_image %s in %s. Its deregistration protection is disabled, but it was enabled with a cooldown, "+
				"so EC2 keeps the AMI protected for 24 hours after it is disabled (EC2 reports %q) and would refuse to deregister it. "+
				"Plan again after that time, or set skip_destroy = true and apply first to keep the AMI in EC2 and only remove it from state.",
				action, state.ID.ValueString(), state.Region.ValueString(), until))
	}
	return diags
}

// cooldownRunning reports whether the last refresh found the AMI in the
// cooldown of a protection that was disabled, and what EC2 said.
func cooldownRunning(ctx context.Context, private privateGetter) (string, bool) {
	if private == nil {
		return "", false
	}
	raw, _ := private.GetKey(ctx, privateDeregistrationCooldown)
	var reported string
	if len(raw) == 0 || json.Unmarshal(raw, &reported) != nil || reported == "" {
		return "", false
	}
	// "disabled-until 2030-01-01T00:00:00.000Z": past that time, the
	// refresh that precedes the plan may simply not have run (-refresh=false).
	if until, err := time.Parse(time.RFC3339, strings.TrimSpace(strings.TrimPrefix(reported, "disabled-until"))); err == nil && time.Now().After(until) {
		return "", false
	}
	return reported, true
}
