package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// replacementPlanned reports whether the plan replaces the copy in state:
// whether any attribute's plan modifier, run on the plan as ModifyPlan
// leaves it, asks for a replacement.
//
// Why: the framework does not tell ModifyPlan which attributes force a
// replacement. When one does, Terraform plans again, with a null prior
// state, for the new copy; checks about the copy in state (is it encrypted,
// with which key) would then judge the wrong copy in this first call. The
// plan modifiers are the ones in the schema, so this cannot drift from
// them.
func replacementPlanned(ctx context.Context, req resource.ModifyPlanRequest, plan imageResourceModel) bool {
	sch, ok := req.Plan.Schema.(schema.Schema)
	if !ok || req.State.Raw.IsNull() {
		return false
	}
	planned := tfsdk.Plan{Schema: req.Plan.Schema, Raw: req.Plan.Raw.Copy()}
	if diags := planned.Set(ctx, &plan); diags.HasError() {
		return false
	}
	for name, a := range sch.Attributes {
		p := path.Root(name)
		base := modifierRequest{ctx: ctx, req: req, planned: planned, path: p}
		var replaces bool
		switch a := a.(type) {
		case schema.StringAttribute:
			replaces = anyReplaces(base, a.PlanModifiers, func(m planmodifier.String, config, plan, state types.String) bool {
				resp := planmodifier.StringResponse{PlanValue: plan}
				m.PlanModifyString(ctx, planmodifier.StringRequest{
					Path: p, PathExpression: p.Expression(), Config: req.Config, ConfigValue: config,
					Plan: planned, PlanValue: plan, State: req.State, StateValue: state, Private: req.Private,
				}, &resp)
				return resp.RequiresReplace
			})
		case schema.BoolAttribute:
			replaces = anyReplaces(base, a.PlanModifiers, func(m planmodifier.Bool, config, plan, state types.Bool) bool {
				resp := planmodifier.BoolResponse{PlanValue: plan}
				m.PlanModifyBool(ctx, planmodifier.BoolRequest{
					Path: p, PathExpression: p.Expression(), Config: req.Config, ConfigValue: config,
					Plan: planned, PlanValue: plan, State: req.State, StateValue: state, Private: req.Private,
				}, &resp)
				return resp.RequiresReplace
			})
		case schema.Int64Attribute:
			replaces = anyReplaces(base, a.PlanModifiers, func(m planmodifier.Int64, config, plan, state types.Int64) bool {
				resp := planmodifier.Int64Response{PlanValue: plan}
				m.PlanModifyInt64(ctx, planmodifier.Int64Request{
					Path: p, PathExpression: p.Expression(), Config: req.Config, ConfigValue: config,
					Plan: planned, PlanValue: plan, State: req.State, StateValue: state, Private: req.Private,
				}, &resp)
				return resp.RequiresReplace
			})
		}
		if replaces {
			return true
		}
	}
	return false
}

// modifierRequest is what every plan modifier request of one attribute
// shares.
type modifierRequest struct {
	ctx     context.Context //nolint:containedctx // one call's context, for the values it reads
	req     resource.ModifyPlanRequest
	planned tfsdk.Plan
	path    path.Path
}

// anyReplaces reads the attribute's configuration, planned and prior values
// as V and reports whether any of its modifiers asks for a replacement.
func anyReplaces[M any, V any](r modifierRequest, modifiers []M, replaces func(m M, config, plan, state V) bool) bool {
	if len(modifiers) == 0 {
		return false
	}
	var config, plan, state V
	if r.req.Config.GetAttribute(r.ctx, r.path, &config).HasError() ||
		r.planned.GetAttribute(r.ctx, r.path, &plan).HasError() ||
		r.req.State.GetAttribute(r.ctx, r.path, &state).HasError() {
		return false
	}
	for _, m := range modifiers {
		if replaces(m, config, plan, state) {
			return true
		}
	}
	return false
}
