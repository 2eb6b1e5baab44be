package provider

import (
	"bytes"
	"context"
	"sync"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// NewServer returns the provider's protocol 6 server: the framework's, with
// a shortcut for the most common plan of all, an amicopy_image that nothing
// changes.
//
// Why: in a plan over many copies almost every resource is unchanged, and
// the framework still walks all 47 attributes (and the nested ones) of each one, rewriting the
// whole planned object once per attribute; that walk was most of the
// provider's share of such a plan. The shortcut answers with the proposed
// state only when the framework would answer exactly that, and otherwise
// hands the request on untouched.
func NewServer(version string) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer {
		p := &amicopyProvider{version: version}
		return &server{ProviderServer: providerserver.NewProtocol6(p)(), provider: p}
	}
}

// server is the framework's server plus the unchanged-plan shortcut.
type server struct {
	tfprotov6.ProviderServer
	provider *amicopyProvider

	imageTypeOnce sync.Once
	imageType     tftypes.Type
}

// PlanResourceChange answers an unchanged amicopy_image itself and passes
// every other plan to the framework.
func (s *server) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	if req.TypeName == "amicopy_image" && s.planIsUnchanged(ctx, req) {
		return &tfprotov6.PlanResourceChangeResponse{PlannedState: req.ProposedNewState, PlannedPrivate: req.PriorPrivate}, nil
	}
	return s.ProviderServer.PlanResourceChange(ctx, req)
}

// imageDefaults are the attributes with a schema default: when their
// configuration is null the framework plans the default, so an unchanged
// plan needs the prior value to be the default already.
var imageDefaults = map[string]tftypes.Value{
	"copy_image_tags":           tftypes.NewValue(tftypes.Bool, false),
	"delete_snapshots":          tftypes.NewValue(tftypes.Bool, true),
	"deregistration_protection": tftypes.NewValue(tftypes.String, protectionDisabled),
	"skip_destroy":              tftypes.NewValue(tftypes.Bool, false),
}

// planIsUnchanged reports whether the framework would plan exactly the
// proposed state, with no replacement and no diagnostics:
//   - Terraform proposes the prior state (no configuration change, nothing
//     unknown), so no plan modifier or ModifyPlan step has work to do;
//   - every attribute with a default already holds it, so applying
//     defaults changes nothing;
//   - tags_all already holds exactly the provider's default_tags under
//     tags (tagsAllApplied, which ModifyPlan asks too).
//
// Anything it cannot decide quickly it leaves to the framework.
func (s *server) planIsUnchanged(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) bool {
	data := s.provider.data
	if data == nil || req.PriorState == nil || req.ProposedNewState == nil {
		return false
	}
	prior, err := req.PriorState.Unmarshal(s.imageObjectType(ctx))
	if err != nil || prior.IsNull() || !prior.IsFullyKnown() || !s.proposesPrior(ctx, req, prior) {
		return false
	}
	var attrs map[string]tftypes.Value
	if err := prior.As(&attrs); err != nil {
		return false
	}
	for name, def := range imageDefaults {
		if !attrs[name].Equal(def) {
			return false
		}
	}
	// A copy that is not available yet, or failed, has a plan
	// (ModifyPlan's planUnfinishedCopy).
	if !attrs["state"].Equal(tftypes.NewValue(tftypes.String, string(ec2types.ImageStateAvailable))) {
		return false
	}
	// copy_image_tags is false (an imageDefaults check above), so the copy
	// has no copied source tags to keep.
	return tagsAllApplied(data, tftypesStringMap(attrs["tags"]), tftypesStringMap(attrs["tags_all"]), nil)
}

// proposesPrior reports whether Terraform proposes the prior state itself.
// It compares values, not encodings: msgpack writes a map's entries in
// whatever order the encoder iterates them, so the same value can arrive
// as different bytes (Terraform sorts map keys, but nothing in the protocol
// promises it). Equal bytes are the common case and skip the second decode.
func (s *server) proposesPrior(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest, prior tftypes.Value) bool {
	if len(req.PriorState.MsgPack) > 0 && bytes.Equal(req.PriorState.MsgPack, req.ProposedNewState.MsgPack) {
		return true
	}
	proposed, err := req.ProposedNewState.Unmarshal(s.imageObjectType(ctx))
	return err == nil && proposed.Equal(prior)
}

// imageObjectType is the Terraform type of an amicopy_image state.
func (s *server) imageObjectType(ctx context.Context) tftypes.Type {
	s.imageTypeOnce.Do(func() {
		var resp resource.SchemaResponse
		(&imageResource{}).Schema(ctx, resource.SchemaRequest{}, &resp)
		s.imageType = resp.Schema.Type().TerraformType(ctx)
	})
	return s.imageType
}

// tftypesStringMap reads a known map of strings; anything else reads as
// empty.
func tftypesStringMap(v tftypes.Value) map[string]string {
	out := map[string]string{}
	var elements map[string]tftypes.Value
	if v.IsNull() || !v.IsKnown() || v.As(&elements) != nil {
		return out
	}
	for k, e := range elements {
		var s string
		if e.As(&s) == nil {
			out[k] = s
		}
	}
	return out
}
