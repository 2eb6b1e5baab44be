package provider

import (
	"context"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// ValidateResourceConfig answers a valid amicopy_image configuration itself
// and passes every other request to the framework.
//
// Why: Terraform validates every resource's configuration in every plan.
// The framework finds each of amicopy_image's 50-odd attributes by walking
// a path through the schema, copying the schema's attribute map at every
// step, so validation was the provider's largest cost in a plan over many
// unchanged copies (a quarter of its CPU time at 100 shared copies). The
// shortcut runs the same checks (the resource's config validators, the
// read-only and required checks, the validation that values and types run
// while they are read, and every attribute validator, with the requests
// the framework builds) over values it reads from the configuration once. When all pass it answers "no diagnostics", as the
// framework would; when any check reports anything, it hands the request to
// the framework, so every diagnostic a user sees is still the framework's
// own. TestServerValidateShortcutMatchesFramework checks both answers
// against the framework over generated configurations.
func (s *server) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	if req != nil && req.TypeName == "amicopy_image" && s.configIsValid(ctx, req) {
		return &tfprotov6.ValidateResourceConfigResponse{}, nil
	}
	return s.ProviderServer.ValidateResourceConfig(ctx, req)
}

// configValidation is what the validation shortcut reads from the
// amicopy_image schema once.
type configValidation struct {
	schema schema.Schema
	// attributes are the schema's attributes with what checking each
	// needs, prepared once: the framework rebuilds an attribute's type,
	// path and path expression on every call, which cost more than the
	// checks themselves.
	attributes []checkedAttribute
	// unmodelled says why the shortcut must leave every request to the
	// framework: the schema uses something whose checks it does not run
	// (blocks, deprecations, write-only attributes, nested lists, sets or
	// maps that users can set, types it does not convert). Empty when it
	// runs every check the framework would.
	unmodelled string
}

var (
	configValidationOnce sync.Once
	configValidationMemo configValidation
)

// imageConfigValidation reads the amicopy_image schema once per process.
func imageConfigValidation(ctx context.Context) configValidation {
	configValidationOnce.Do(func() {
		var resp resource.SchemaResponse
		NewImageResource().Schema(ctx, resource.SchemaRequest{}, &resp)
		configValidationMemo = configValidation{
			schema:     resp.Schema,
			attributes: checkedAttributes(resp.Schema.Attributes, path.Empty(), path.MatchRelative()),
			unmodelled: validationUnmodelled(resp.Schema),
		}
	})
	return configValidationMemo
}

// validationUnmodelled names what in sch the shortcut does not check as
// the framework does, or returns "".
func validationUnmodelled(sch schema.Schema) string {
	if len(sch.Blocks) > 0 {
		return "the schema has blocks"
	}
	if sch.DeprecationMessage != "" {
		return "the schema is deprecated"
	}
	for name, a := range sch.Attributes {
		if why := attributeUnmodelled(name, a); why != "" {
			return why
		}
	}
	return ""
}

// attributeUnmodelled is validationUnmodelled for one attribute and what
// it nests.
func attributeUnmodelled(name string, a schema.Attribute) string {
	switch {
	case a.IsWriteOnly():
		return name + " is write-only"
	case a.GetDeprecationMessage() != "":
		return name + " is deprecated"
	}
	var nested map[string]schema.Attribute
	switch n := a.(type) {
	case schema.StringAttribute, schema.BoolAttribute, schema.Int64Attribute,
		schema.ListAttribute, schema.SetAttribute, schema.MapAttribute:
		return ""
	case schema.SingleNestedAttribute:
		nested = n.Attributes
	case schema.ListNestedAttribute, schema.SetNestedAttribute, schema.MapNestedAttribute:
		// Only ever null in a valid configuration, so the shortcut never
		// walks their elements.
		if !a.IsComputed() || a.IsOptional() {
			return name + " is a nested collection that users can set"
		}
		return ""
	default:
		return fmt.Sprintf("%s has type %T", name, a)
	}
	for child, c := range nested {
		if why := attributeUnmodelled(name+"."+child, c); why != "" {
			return why
		}
	}
	return ""
}

// configIsValid reports whether the framework would answer req with no
// diagnostics at all. It runs what the framework runs for amicopy_image:
// the resource's config validators and ValidateConfig, then, attribute by
// attribute, the read-only and required checks and every validator. Any
// diagnostic, or anything it cannot read, makes it answer false.
func (s *server) configIsValid(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) bool {
	v := imageConfigValidation(ctx)
	if v.unmodelled != "" || req.Config == nil {
		return false
	}
	raw, err := req.Config.Unmarshal(s.imageObjectType(ctx))
	if err != nil {
		return false
	}
	config := tfsdk.Config{Raw: raw, Schema: v.schema}
	capabilities := req.ClientCapabilities != nil && req.ClientCapabilities.WriteOnlyAttributesAllowed

	r := NewImageResource()
	validateReq := resource.ValidateConfigRequest{
		ClientCapabilities: resource.ValidateConfigClientCapabilities{WriteOnlyAttributesAllowed: capabilities},
		Config:             config,
	}
	if withValidators, ok := r.(resource.ResourceWithConfigValidators); ok {
		for _, cv := range withValidators.ConfigValidators(ctx) {
			var resp resource.ValidateConfigResponse
			cv.ValidateResource(ctx, validateReq, &resp)
			if len(resp.Diagnostics) > 0 {
				return false
			}
		}
	}
	if withValidate, ok := r.(resource.ResourceWithValidateConfig); ok {
		var resp resource.ValidateConfigResponse
		withValidate.ValidateConfig(ctx, validateReq, &resp)
		if len(resp.Diagnostics) > 0 {
			return false
		}
	}

	check := attributeCheck{config: config, capabilities: validator.ValidateSchemaClientCapabilities{WriteOnlyAttributesAllowed: capabilities}}
	return check.attributes(ctx, v.attributes, raw)
}

// checkedAttribute is one attribute of the schema, or of a single nested
// attribute, with its type, path and path expression.
type checkedAttribute struct {
	name       string
	attribute  schema.Attribute
	typ        attr.Type
	path       path.Path
	expression path.Expression
	// nested are a single nested attribute's own.
	nested []checkedAttribute
}

// checkedAttributes prepares attrs, found at p (matched by pe).
func checkedAttributes(attrs map[string]schema.Attribute, p path.Path, pe path.Expression) []checkedAttribute {
	var checked []checkedAttribute
	for name, a := range attrs {
		c := checkedAttribute{name: name, attribute: a, typ: a.GetType(), path: p.AtName(name), expression: pe.AtName(name)}
		if p.Equal(path.Empty()) {
			c.path, c.expression = path.Root(name), path.MatchRoot(name)
		}
		if nested, ok := a.(schema.SingleNestedAttribute); ok {
			c.nested = checkedAttributes(nested.Attributes, c.path, c.expression)
		}
		checked = append(checked, c)
	}
	return checked
}

// attributeCheck runs the framework's attribute checks over one
// configuration.
type attributeCheck struct {
	config       tfsdk.Config
	capabilities validator.ValidateSchemaClientCapabilities
}

// attributes checks each attribute of an object value: the configuration
// itself at the root, or a known, non-null single nested attribute.
func (c attributeCheck) attributes(ctx context.Context, attrs []checkedAttribute, object tftypes.Value) bool {
	var values map[string]tftypes.Value
	if err := object.As(&values); err != nil {
		return false
	}
	for _, a := range attrs {
		value, ok := values[a.name]
		if !ok || !c.attribute(ctx, a, value) {
			return false
		}
	}
	return true
}

// attribute is the framework's AttributeValidate for one attribute whose
// configuration is value, answering only whether it reports nothing.
func (c attributeCheck) attribute(ctx context.Context, a checkedAttribute, value tftypes.Value) bool {
	null := value.IsNull()
	if a.attribute.IsComputed() && !a.attribute.IsOptional() && !null {
		return false // "Invalid Configuration for Read-Only Attribute"
	}
	if a.attribute.IsRequired() && null {
		return false // "Missing Configuration for Required Attribute"
	}
	configValue, err := a.typ.ValueFromTerraform(ctx, value)
	if err != nil || !valueValidates(ctx, a.typ, configValue, value, a.path) {
		return false
	}
	if !c.validators(ctx, a.attribute, configValue, a.path, a.expression) {
		return false
	}
	if _, ok := a.attribute.(schema.SingleNestedAttribute); !ok || null || !value.IsKnown() {
		// Other nested attributes are computed-only (validationUnmodelled),
		// so null here, with no elements to walk.
		return true
	}
	return c.attributes(ctx, a.nested, value)
}

// valueValidates runs the validation that the framework runs while it reads
// a value (fwschemadata.ValueAtPath): the value's own
// (xattr.ValidateableAttribute), or else its type's (xattr.TypeWithValidate,
// which every collection type implements, to validate its elements).
func valueValidates(ctx context.Context, t attr.Type, v attr.Value, raw tftypes.Value, p path.Path) bool {
	if validateable, ok := v.(xattr.ValidateableAttribute); ok {
		var resp xattr.ValidateAttributeResponse
		validateable.ValidateAttribute(ctx, xattr.ValidateAttributeRequest{Path: p}, &resp)
		return len(resp.Diagnostics) == 0
	}
	//nolint:staticcheck // TypeWithValidate is deprecated, but the framework still runs it.
	if withValidate, ok := t.(xattr.TypeWithValidate); ok {
		return len(withValidate.Validate(ctx, raw, p)) == 0
	}
	return true
}

// validators converts configValue as the framework does for a's type and
// runs a's validators with the request the framework builds.
func (c attributeCheck) validators(ctx context.Context, a schema.Attribute, configValue attr.Value, p path.Path, pe path.Expression) bool {
	var diags diag.Diagnostics
	switch a := a.(type) {
	case schema.StringAttribute:
		diags = runValidators(ctx, configValue, basetypes.StringValuable.ToStringValue, a.StringValidators(), c.request(p, pe), stringValidate, stringRequest)
	case schema.BoolAttribute:
		diags = runValidators(ctx, configValue, basetypes.BoolValuable.ToBoolValue, a.BoolValidators(), c.request(p, pe), boolValidate, boolRequest)
	case schema.Int64Attribute:
		diags = runValidators(ctx, configValue, basetypes.Int64Valuable.ToInt64Value, a.Int64Validators(), c.request(p, pe), int64Validate, int64Request)
	case schema.ListAttribute:
		diags = runValidators(ctx, configValue, basetypes.ListValuable.ToListValue, a.ListValidators(), c.request(p, pe), listValidate, listRequest)
	case schema.ListNestedAttribute:
		diags = runValidators(ctx, configValue, basetypes.ListValuable.ToListValue, a.ListValidators(), c.request(p, pe), listValidate, listRequest)
	case schema.SetAttribute:
		diags = runValidators(ctx, configValue, basetypes.SetValuable.ToSetValue, a.SetValidators(), c.request(p, pe), setValidate, setRequest)
	case schema.SetNestedAttribute:
		diags = runValidators(ctx, configValue, basetypes.SetValuable.ToSetValue, a.SetValidators(), c.request(p, pe), setValidate, setRequest)
	case schema.MapAttribute:
		diags = runValidators(ctx, configValue, basetypes.MapValuable.ToMapValue, a.MapValidators(), c.request(p, pe), mapValidate, mapRequest)
	case schema.MapNestedAttribute:
		diags = runValidators(ctx, configValue, basetypes.MapValuable.ToMapValue, a.MapValidators(), c.request(p, pe), mapValidate, mapRequest)
	case schema.SingleNestedAttribute:
		diags = runValidators(ctx, configValue, basetypes.ObjectValuable.ToObjectValue, a.ObjectValidators(), c.request(p, pe), objectValidate, objectRequest)
	default:
		return false // validationUnmodelled keeps such schemas away
	}
	return len(diags) == 0
}

// requestBase is what every validator request holds besides the value.
type requestBase struct {
	path         path.Path
	expression   path.Expression
	config       tfsdk.Config
	capabilities validator.ValidateSchemaClientCapabilities
}

// request is the requestBase for the attribute at p.
func (c attributeCheck) request(p path.Path, pe path.Expression) requestBase {
	return requestBase{path: p, expression: pe, config: c.config, capabilities: c.capabilities}
}

// runValidators converts configValue to the typed value V (failing when it
// is not a Valuable of that kind, as the framework reports), then runs each
// validator with its own response, as the framework does, and returns every
// diagnostic.
func runValidators[Valuable any, V any, Validator any, Req any, Resp any](
	ctx context.Context,
	configValue attr.Value,
	convert func(Valuable, context.Context) (V, diag.Diagnostics),
	validators []Validator,
	base requestBase,
	validate func(Validator, context.Context, Req, *Resp),
	newRequest func(requestBase, V) Req,
) diag.Diagnostics {
	valuable, ok := configValue.(Valuable)
	if !ok {
		return diag.Diagnostics{diag.NewErrorDiagnostic("Invalid Value Type", fmt.Sprintf("%T", configValue))}
	}
	value, diags := convert(valuable, ctx)
	if diags.HasError() {
		return diags
	}
	req := newRequest(base, value)
	for _, v := range validators {
		var resp Resp
		validate(v, ctx, req, &resp)
		diags.Append(responseDiagnostics(&resp)...)
	}
	return diags
}

// responseDiagnostics returns the diagnostics of any validator response.
func responseDiagnostics(resp any) diag.Diagnostics {
	switch r := resp.(type) {
	case *validator.StringResponse:
		return r.Diagnostics
	case *validator.BoolResponse:
		return r.Diagnostics
	case *validator.Int64Response:
		return r.Diagnostics
	case *validator.ListResponse:
		return r.Diagnostics
	case *validator.SetResponse:
		return r.Diagnostics
	case *validator.MapResponse:
		return r.Diagnostics
	case *validator.ObjectResponse:
		return r.Diagnostics
	}
	return diag.Diagnostics{diag.NewErrorDiagnostic("Unknown Validator Response", fmt.Sprintf("%T", resp))}
}

// The validate and request functions of each kind of attribute, for
// runValidators: the framework has one of each per kind, too.

func listValidate(v validator.List, ctx context.Context, req validator.ListRequest, resp *validator.ListResponse) {
	v.ValidateList(ctx, req, resp)
}

func listRequest(r requestBase, v basetypes.ListValue) validator.ListRequest {
	return validator.ListRequest{Path: r.path, PathExpression: r.expression, Config: r.config, ConfigValue: v, ClientCapabilities: r.capabilities}
}

func setValidate(v validator.Set, ctx context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	v.ValidateSet(ctx, req, resp)
}

func setRequest(r requestBase, v basetypes.SetValue) validator.SetRequest {
	return validator.SetRequest{Path: r.path, PathExpression: r.expression, Config: r.config, ConfigValue: v, ClientCapabilities: r.capabilities}
}

func mapValidate(v validator.Map, ctx context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	v.ValidateMap(ctx, req, resp)
}

func mapRequest(r requestBase, v basetypes.MapValue) validator.MapRequest {
	return validator.MapRequest{Path: r.path, PathExpression: r.expression, Config: r.config, ConfigValue: v, ClientCapabilities: r.capabilities}
}

func stringValidate(v validator.String, ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	v.ValidateString(ctx, req, resp)
}

func stringRequest(r requestBase, v basetypes.StringValue) validator.StringRequest {
	return validator.StringRequest{Path: r.path, PathExpression: r.expression, Config: r.config, ConfigValue: v, ClientCapabilities: r.capabilities}
}

func boolValidate(v validator.Bool, ctx context.Context, req validator.BoolRequest, resp *validator.BoolResponse) {
	v.ValidateBool(ctx, req, resp)
}

func boolRequest(r requestBase, v basetypes.BoolValue) validator.BoolRequest {
	return validator.BoolRequest{Path: r.path, PathExpression: r.expression, Config: r.config, ConfigValue: v, ClientCapabilities: r.capabilities}
}

func int64Validate(v validator.Int64, ctx context.Context, req validator.Int64Request, resp *validator.Int64Response) {
	v.ValidateInt64(ctx, req, resp)
}

func int64Request(r requestBase, v basetypes.Int64Value) validator.Int64Request {
	return validator.Int64Request{Path: r.path, PathExpression: r.expression, Config: r.config, ConfigValue: v, ClientCapabilities: r.capabilities}
}

func objectValidate(v validator.Object, ctx context.Context, req validator.ObjectRequest, resp *validator.ObjectResponse) {
	v.ValidateObject(ctx, req, resp)
}

func objectRequest(r requestBase, v basetypes.ObjectValue) validator.ObjectRequest {
	return validator.ObjectRequest{Path: r.path, PathExpression: r.expression, Config: r.config, ConfigValue: v, ClientCapabilities: r.capabilities}
}
