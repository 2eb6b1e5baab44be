package minimalprovider

import (
	"context"
	"crypto/rand"
	"encoding/hex"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ resource.Resource = (*itemResource)(nil)

// itemResource is minimal_item: a computed ID and three required strings,
// kept only in state.
type itemResource struct{}

// newItemResource returns the minimal_item resource.
func newItemResource() resource.Resource {
	return &itemResource{}
}

// Metadata names the resource.
func (r *itemResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_item"
}

// Schema has four string attributes, the shape of the smallest useful
// resource: an ID the provider makes, and three arguments.
func (r *itemResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An item that lives only in Terraform state.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Random ID made at create.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Any name.",
				Required:            true,
			},
			"source_id": schema.StringAttribute{
				MarkdownDescription: "Any string; changing it replaces the item.",
				Required:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"source_region": schema.StringAttribute{
				MarkdownDescription: "Any string; changing it replaces the item.",
				Required:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
		},
	}
}

// Create makes up an ID and stores the plan.
func (r *itemResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan itemModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on Linux
	plan.ID = types.StringValue(hex.EncodeToString(b[:]))
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Read does nothing on purpose: with no API behind the item, state is the
// truth, and the framework keeps it when Read leaves it alone.
func (r *itemResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {
}

// Update stores the new name.
func (r *itemResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan itemModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Delete does nothing on purpose: the framework removes the item from state.
func (r *itemResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
}

// itemModel is minimal_item's state.
type itemModel struct {
	ID           types.String `tfsdk:"id"`
	Name         types.String `tfsdk:"name"`
	SourceID     types.String `tfsdk:"source_id"`
	SourceRegion types.String `tfsdk:"source_region"`
}
