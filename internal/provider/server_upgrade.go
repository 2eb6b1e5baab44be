package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// UpgradeResourceState answers an amicopy_image state stored at the current
// schema version itself and passes every other request to the framework.
//
// Why: Terraform upgrades the stored state of every instance in every plan,
// even at the current version, and the framework then rebuilds the schema's
// Terraform type on each call, which cost about as much as the rest of an
// unchanged resource's plan. The shortcut does what the framework does for
// the current version (decode the JSON state with that type, ignoring
// attributes the schema no longer has, and encode it for the protocol),
// with the type read from the schema once, and in one pass from JSON to
// msgpack where it can (transcodeState).
func (s *server) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	if req != nil && req.TypeName == "amicopy_image" {
		upgraded, stored := s.upgradeCurrentVersion(ctx, req)
		s.recordCopyInState(stored)
		if upgraded != nil {
			return &tfprotov6.UpgradeResourceStateResponse{UpgradedState: upgraded}, nil
		}
	}
	return s.ProviderServer.UpgradeResourceState(ctx, req)
}

// recordCopyInState records the copy that a stored state tracks, for the
// plans of this run. Terraform upgrades the state of every instance before
// planning it, with -refresh=false too, and so before it plans the
// replacement of a tainted copy as a plain create, without that copy's
// state: this is how that plan knows the copy it replaces
// (preflightCache.inState) and the client token that bought it
// (storedCopies).
func (s *server) recordCopyInState(stored storedCopy) {
	if stored.ID == "" {
		return
	}
	s.provider.storedCopies.record(stored)
	if data := s.provider.data; data != nil {
		data.preflight.trackCopy(stored.Region, copyInState{ID: stored.ID, Name: stored.Name, SourceImageID: stored.SourceImageID})
	}
}

// upgradeCurrentVersion re-encodes a JSON state stored at the current
// schema version, and returns nil for anything else (an older version, a
// flatmap state from Terraform 0.11, a state that does not decode, a schema
// with blocks, whose null collections the framework rewrites), which
// the framework answers, with its diagnostics. It also returns the copy
// that the state tracks, read in the same pass where it can.
func (s *server) upgradeCurrentVersion(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.DynamicValue, storedCopy) {
	facts := s.imageSchemaFacts(ctx)
	if req.RawState == nil || len(req.RawState.JSON) == 0 || req.RawState.Flatmap != nil || req.Version != facts.version || facts.blocks {
		return nil, decodeStoredCopy(req.RawState)
	}
	if facts.stateShape != nil {
		var stored storedCopy
		if upgraded, err := transcodeState(req.RawState.JSON, facts.stateShape, stored.readAttribute); err == nil {
			return &tfprotov6.DynamicValue{MsgPack: upgraded}, stored
		}
	}
	stored := decodeStoredCopy(req.RawState)
	value, err := req.RawState.UnmarshalWithOpts(facts.objectType, tfprotov6.UnmarshalOpts{
		ValueFromJSONOpts: tftypes.ValueFromJSONOpts{IgnoreUndefinedAttributes: true},
	})
	if err != nil {
		return nil, stored
	}
	upgraded, err := tfprotov6.NewDynamicValue(facts.objectType, value)
	if err != nil {
		return nil, stored
	}
	return &upgraded, stored
}
