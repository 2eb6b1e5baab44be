package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/defaults"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// NewServer returns the provider's protocol 6 server: the framework's, with
// a shortcut for the most common plan of all, an amicopy_image that nothing
// changes, one for upgrading a state stored at the current schema version
// (server_upgrade.go), and one for validating a valid configuration
// (server_validate.go).
//
// Why: in a plan over many copies almost every resource is unchanged, and
// the framework still walks every attribute (and the nested ones) of each
// one, rewriting the whole planned object once per attribute: about 5 ms
// per resource against 0.1 ms for the shortcut
// (BenchmarkServerUnchangedResource). The shortcut answers with the
// proposed state only when the framework would answer exactly that, and
// otherwise hands the request on untouched. Everything it knows about the
// schema it reads from Schema(); a differential test
// (TestServerPlanShortcutMatchesFramework) checks its answers against the
// framework's, and TestServerShortcutsPinned fails when the framework's
// version or the schema changes, until the shortcuts are verified again.
func NewServer(version string) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer {
		p := &amicopyProvider{version: version}
		return &server{ProviderServer: providerserver.NewProtocol6(p)(), provider: p}
	}
}

// server is the framework's server plus the unchanged-plan shortcut, the
// current-version UpgradeResourceState shortcut (server_upgrade.go) and the
// valid-configuration shortcut (server_validate.go).
type server struct {
	tfprotov6.ProviderServer
	provider *amicopyProvider

	imageSchemaOnce sync.Once
	imageSchema     imageSchemaFacts
}

// imageSchemaFacts is what the shortcuts need from the amicopy_image schema,
// read from Schema() once, so that they hold no copy of it.
type imageSchemaFacts struct {
	// schema is the schema itself, for reading a state as ModifyPlan
	// reads it (nothingToPlan).
	schema schema.Schema
	// objectType is the Terraform type of a state.
	objectType tftypes.Type
	// version is the schema version, which UpgradeResourceState compares.
	version int64
	// stateShape is objectType compiled for transcodeState, or nil when
	// the type has what it does not read.
	stateShape *stateShape
	// defaults are the attributes with a schema default and the value the
	// framework plans for each when its configuration is null.
	defaults map[string]tftypes.Value
	// blocks is whether the schema has blocks.
	blocks bool
	// unmodelled says why the plan shortcut must leave every plan to the
	// framework: the schema has something it does not model (a default
	// inside a nested attribute, a block, a default it cannot compute).
	// Empty when it models the schema.
	unmodelled string
}

// PlanResourceChange answers an unchanged amicopy_image itself and passes
// every other plan to the framework.
func (s *server) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	if req.TypeName == "amicopy_image" && s.planIsUnchanged(ctx, req) {
		return &tfprotov6.PlanResourceChangeResponse{PlannedState: req.ProposedNewState, PlannedPrivate: req.PriorPrivate}, nil
	}
	return s.ProviderServer.PlanResourceChange(ctx, req)
}

// planIsUnchanged reports whether the framework would plan exactly the
// proposed state, keep the private state as it is, and add no replacement
// and no diagnostics:
//   - the request carries nothing the shortcut does not model: no prior
//     identity, no deferral allowed, no provider_meta, and only private-state
//     keys that change nothing in an unchanged plan (unchangedPlanPrivate);
//   - Terraform proposes the prior state (no configuration change, nothing
//     unknown), so no plan modifier has work to do: the framework marks no
//     computed attribute unknown and forces no replacement when the plan
//     equals the state;
//   - every attribute with a schema default already holds it, so applying
//     defaults changes nothing;
//   - ModifyPlan takes its own early return for an unchanged plan, asked
//     through the very predicate that ModifyPlan asks (nothingToPlan), over
//     the same state and private state: the copy is not unfinished and
//     tags_all already holds the provider's default_tags under tags.
//
// Anything it cannot decide quickly it leaves to the framework.
func (s *server) planIsUnchanged(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) bool {
	data := s.provider.data
	facts := s.imageSchemaFacts(ctx)
	if data == nil || facts.unmodelled != "" || req.PriorState == nil || req.ProposedNewState == nil {
		return false
	}
	if req.PriorIdentity != nil || (req.ClientCapabilities != nil && req.ClientCapabilities.DeferralAllowed) || s.readsProviderMeta(req) {
		return false
	}
	private, ok := unchangedPlanPrivate(req.PriorPrivate)
	if !ok {
		return false
	}
	prior, err := req.PriorState.Unmarshal(facts.objectType)
	if err != nil || prior.IsNull() || !prior.IsFullyKnown() || !s.proposesPrior(req, prior) {
		return false
	}
	var attrs map[string]tftypes.Value
	if err := prior.As(&attrs); err != nil {
		return false
	}
	for name, def := range facts.defaults {
		if !attrs[name].Equal(def) {
			return false
		}
	}
	return nothingToPlan(ctx, data, tfsdk.State{Raw: prior, Schema: facts.schema}, private)
}

// readsProviderMeta reports whether the request carries provider_meta that
// the framework would hand to the resource: only a provider with a meta
// schema has any.
func (s *server) readsProviderMeta(req *tfprotov6.PlanResourceChangeRequest) bool {
	_, hasMeta := any(s.provider).(provider.ProviderWithMetaSchema)
	return hasMeta && req.ProviderMeta != nil
}

// unchangedPlanKeys are the private-state keys that the plan of an
// unchanged, available copy does not read, or reads the way the shortcut
// does (copied_tag_keys, for tagsAllApplied). Every other key hands the
// plan to the framework: the adoption marker (imported) changes what the
// plan modifiers do, a running deregistration cooldown changes what a plan
// may destroy, the framework's own keys (a leading dot) and keys the
// shortcut has never heard of mean something it does not model.
var unchangedPlanKeys = map[string]bool{
	privateCopiedTagKeys: true,
	privateCopyStarted:   true,
	privateStateReason:   true,
	privateTrackedCopy:   true,
}

// privateKeys is decoded private state, read the way ModifyPlan reads it.
type privateKeys map[string][]byte

// GetKey returns the value under key, nil when there is none.
func (p privateKeys) GetKey(_ context.Context, key string) ([]byte, diag.Diagnostics) {
	return p[key], nil
}

// unchangedPlanPrivate decodes prior private state as the framework does (a
// JSON object of base64 values) when it holds only unchangedPlanKeys, and
// only when the framework would send it back byte for byte: it re-encodes
// the keys it read, sorted, dropping empty values, so the shortcut answers
// only for private state already in that form with valid JSON values.
func unchangedPlanPrivate(raw []byte) (privateKeys, bool) {
	if len(raw) == 0 {
		return privateKeys{}, true
	}
	var keys privateKeys
	if json.Unmarshal(raw, &keys) != nil || len(keys) == 0 {
		return nil, false
	}
	for k, v := range keys {
		if !unchangedPlanKeys[k] || len(v) == 0 || !utf8.Valid(v) || !json.Valid(v) {
			return nil, false
		}
	}
	canonical, err := json.Marshal(map[string][]byte(keys))
	return keys, err == nil && bytes.Equal(canonical, raw)
}

// proposesPrior reports whether Terraform proposes the prior state itself.
// It compares values, not encodings: msgpack writes a map's entries in
// whatever order the encoder iterates them, so the same value can arrive
// as different bytes (Terraform sorts map keys, but nothing in the protocol
// promises it). Equal bytes are the common case and skip the second decode.
func (s *server) proposesPrior(req *tfprotov6.PlanResourceChangeRequest, prior tftypes.Value) bool {
	if len(req.PriorState.MsgPack) > 0 && bytes.Equal(req.PriorState.MsgPack, req.ProposedNewState.MsgPack) {
		return true
	}
	proposed, err := req.ProposedNewState.Unmarshal(prior.Type())
	return err == nil && proposed.Equal(prior)
}

// imageObjectType is the Terraform type of an amicopy_image state.
func (s *server) imageObjectType(ctx context.Context) tftypes.Type {
	return s.imageSchemaFacts(ctx).objectType
}

// imageSchemaFacts reads the amicopy_image schema once.
func (s *server) imageSchemaFacts(ctx context.Context) imageSchemaFacts {
	s.imageSchemaOnce.Do(func() {
		var resp resource.SchemaResponse
		(&imageResource{}).Schema(ctx, resource.SchemaRequest{}, &resp)
		s.imageSchema = readImageSchema(ctx, resp.Schema)
	})
	return s.imageSchema
}

// readImageSchema gathers the facts the shortcuts need from sch.
func readImageSchema(ctx context.Context, sch schema.Schema) imageSchemaFacts {
	facts := imageSchemaFacts{
		schema:     sch,
		objectType: sch.Type().TerraformType(ctx),
		version:    sch.GetVersion(),
		defaults:   map[string]tftypes.Value{},
	}
	if shape, err := compileStateShape(facts.objectType); err == nil {
		facts.stateShape = shape
	}
	if len(sch.Blocks) > 0 {
		facts.blocks = true
		facts.unmodelled = "the schema has blocks"
	}
	for name, a := range sch.Attributes {
		def, has, err := attributeDefault(ctx, path.Root(name), a)
		switch {
		case err != nil:
			facts.unmodelled = err.Error()
		case has:
			facts.defaults[name] = def
		}
		if nested := nestedDefault(ctx, path.Root(name), a); nested != "" {
			facts.unmodelled = nested
		}
	}
	return facts
}

// nestedDefault names an attribute nested in a that has a default, or
// returns "": the framework applies those element by element, which the
// shortcut does not model.
func nestedDefault(ctx context.Context, p path.Path, a schema.Attribute) string {
	var nested map[string]schema.Attribute
	switch n := a.(type) {
	case schema.SingleNestedAttribute:
		nested = n.Attributes
	case schema.ListNestedAttribute:
		nested = n.NestedObject.Attributes
	case schema.SetNestedAttribute:
		nested = n.NestedObject.Attributes
	case schema.MapNestedAttribute:
		nested = n.NestedObject.Attributes
	}
	for name, child := range nested {
		if _, has, err := attributeDefault(ctx, p.AtName(name), child); has || err != nil {
			return p.AtName(name).String() + " has a default"
		}
		if deeper := nestedDefault(ctx, p.AtName(name), child); deeper != "" {
			return deeper
		}
	}
	return ""
}

// attributeDefault is the value the framework plans for a when its
// configuration is null, as a Terraform value; has is false when a has no
// default.
func attributeDefault(ctx context.Context, p path.Path, a schema.Attribute) (value tftypes.Value, has bool, err error) {
	var planned attr.Value
	var diags diag.Diagnostics
	switch d := a.(type) {
	case interface{ BoolDefaultValue() defaults.Bool }:
		if def := d.BoolDefaultValue(); def != nil {
			var resp defaults.BoolResponse
			def.DefaultBool(ctx, defaults.BoolRequest{Path: p}, &resp)
			planned, diags = resp.PlanValue, resp.Diagnostics
		}
	case interface{ StringDefaultValue() defaults.String }:
		if def := d.StringDefaultValue(); def != nil {
			var resp defaults.StringResponse
			def.DefaultString(ctx, defaults.StringRequest{Path: p}, &resp)
			planned, diags = resp.PlanValue, resp.Diagnostics
		}
	case interface{ Int64DefaultValue() defaults.Int64 }:
		if def := d.Int64DefaultValue(); def != nil {
			var resp defaults.Int64Response
			def.DefaultInt64(ctx, defaults.Int64Request{Path: p}, &resp)
			planned, diags = resp.PlanValue, resp.Diagnostics
		}
	default:
		if hasOtherDefault(a) {
			return tftypes.Value{}, true, fmt.Errorf("%s has a default of a kind the shortcut does not compute", p)
		}
	}
	if planned == nil {
		return tftypes.Value{}, false, nil
	}
	if diags.HasError() {
		return tftypes.Value{}, true, fmt.Errorf("%s: its default fails", p)
	}
	value, err = planned.ToTerraformValue(ctx)
	return value, true, err
}

// hasOtherDefault reports whether a has a default of a kind that
// attributeDefault does not compute.
func hasOtherDefault(a schema.Attribute) bool {
	switch d := a.(type) {
	case interface{ Float32DefaultValue() defaults.Float32 }:
		return d.Float32DefaultValue() != nil
	case interface{ Float64DefaultValue() defaults.Float64 }:
		return d.Float64DefaultValue() != nil
	case interface{ Int32DefaultValue() defaults.Int32 }:
		return d.Int32DefaultValue() != nil
	case interface{ NumberDefaultValue() defaults.Number }:
		return d.NumberDefaultValue() != nil
	case interface{ ListDefaultValue() defaults.List }:
		return d.ListDefaultValue() != nil
	case interface{ MapDefaultValue() defaults.Map }:
		return d.MapDefaultValue() != nil
	case interface{ SetDefaultValue() defaults.Set }:
		return d.SetDefaultValue() != nil
	case interface{ ObjectDefaultValue() defaults.Object }:
		return d.ObjectDefaultValue() != nil
	case interface{ DynamicDefaultValue() defaults.Dynamic }:
		return d.DynamicDefaultValue() != nil
	}
	return false
}
