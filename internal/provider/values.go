package provider

import (
	"context"
	"maps"
	"regexp"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Helpers that read and build framework values, shared by the resource,
// its plan logic and the provider's configuration.

// knownString returns a string attribute's value, or "" while it is null
// or unknown. It is the one helper for reading an optional string.
func knownString(v interface {
	IsNull() bool
	IsUnknown() bool
	ValueString() string
}) string {
	if v.IsNull() || v.IsUnknown() {
		return ""
	}
	return v.ValueString()
}

// stringValues returns the known, non-empty strings of a list.
func stringValues[T interface {
	IsNull() bool
	IsUnknown() bool
	ValueString() string
}](list []T) []string {
	var out []string
	for _, v := range list {
		if s := knownString(v); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// valueOr returns s, or fallback when s is empty.
func valueOr(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

// mergeTags returns base overlaid with over.
func mergeTags(base, over map[string]string) map[string]string {
	merged := make(map[string]string, len(base)+len(over))
	maps.Copy(merged, base)
	maps.Copy(merged, over)
	return merged
}

// withoutKeys returns m less the given keys.
func withoutKeys(m map[string]string, keys []string) map[string]string {
	out := maps.Clone(m)
	for _, k := range keys {
		delete(out, k)
	}
	return out
}

// mapKeys returns the keys of m.
func mapKeys(m map[string]string) []string {
	return slices.Collect(maps.Keys(m))
}

// hasKey reports whether m has the key k.
func hasKey(m map[string]string, k string) bool {
	_, ok := m[k]
	return ok
}

// mapValue reads the known entries of a map of strings; null and unknown
// maps read as empty. Entries whose value is null or unknown (known only
// after apply) are left out: ElementsAs would fail on them and return a
// partial map.
func mapValue(_ context.Context, m types.Map) map[string]string {
	out := map[string]string{}
	if m.IsNull() || m.IsUnknown() {
		return out
	}
	for k, v := range m.Elements() {
		if s, ok := v.(types.String); ok && !s.IsNull() && !s.IsUnknown() {
			out[k] = s.ValueString()
		}
	}
	return out
}

// withoutNullElements returns m less its elements whose value is null. A
// null tag value (tags = { Owner = var.owner } with a null variable) means
// no such tag: EC2 never holds one, and no default is overridden by it.
func withoutNullElements(m types.Map) types.Map {
	if m.IsNull() || m.IsUnknown() {
		return m
	}
	elements := maps.Clone(m.Elements())
	maps.DeleteFunc(elements, func(_ string, v attr.Value) bool { return v.IsNull() })
	return types.MapValueMust(m.ElementType(context.Background()), elements)
}

// withNullElementsOf returns refreshed, a map read from EC2, plus the null
// elements of prior (the configuration's, through the plan or the state)
// whose keys refreshed lacks. Terraform holds tags and snapshot_tags to
// the configuration, null elements included: a plan that drops one fails
// with "Provider produced invalid plan ... planned value does not match
// config value", and an apply or a refresh that drops one plans the
// element again. So they survive the read that follows an apply and every
// refresh, while EC2, which has no such tag, and every comparison of tags
// (mapValue) leave them out.
func withNullElementsOf(refreshed, prior types.Map) types.Map {
	if prior.IsNull() || prior.IsUnknown() {
		return refreshed
	}
	elements := map[string]attr.Value{}
	if !refreshed.IsNull() && !refreshed.IsUnknown() {
		elements = maps.Clone(refreshed.Elements())
	}
	added := false
	for k, v := range prior.Elements() {
		if _, has := elements[k]; !has && v.IsNull() {
			elements[k], added = v, true
		}
	}
	if !added {
		return refreshed
	}
	return types.MapValueMust(prior.ElementType(context.Background()), elements)
}

// stringMap builds a map value. A nil map becomes null, an empty one {}.
func stringMap(m map[string]string) types.Map {
	if m == nil {
		return types.MapNull(types.StringType)
	}
	return types.MapValueMust(types.StringType, stringAttrs(m))
}

// stringAttrs turns a map of strings into attribute values.
func stringAttrs(m map[string]string) map[string]attr.Value {
	values := make(map[string]attr.Value, len(m))
	for k, v := range m {
		values[k] = types.StringValue(v)
	}
	return values
}

// stringList reads a known list of strings.
func stringList(ctx context.Context, l types.List) []string {
	var out []string
	if l.IsNull() || l.IsUnknown() {
		return out
	}
	_ = l.ElementsAs(ctx, &out, false)
	return out
}

// stringListValue builds a list value, empty rather than null.
func stringListValue(items []string) types.List {
	values := make([]attr.Value, 0, len(items))
	for _, s := range items {
		values = append(values, types.StringValue(s))
	}
	return types.ListValueMust(types.StringType, values)
}

// union returns a followed by the items of b that a lacks.
func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, s := range b {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// nullIfEmpty turns the AWS provider's "" for unset strings into null.
func nullIfEmpty(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// secretPattern finds things that look like credentials in error text.
var secretPattern = regexp.MustCompile(`(?i)(Signature=|Credential=|X-Amz-Security-Token\s*[=:]\s*|aws_secret_access_key\s*=\s*|aws_session_token\s*=\s*)[^,\s&"]+`)

// redactSecrets removes signatures and credentials from text that is about
// to reach a log or a diagnostic.
func redactSecrets(s string) string {
	return secretPattern.ReplaceAllString(s, "${1}REDACTED")
}

// isFalse reports whether b is a known false.
func isFalse(b types.Bool) bool {
	return !b.IsNull() && !b.IsUnknown() && !b.ValueBool()
}

// stateAttribute reads the top-level attribute name of a state into
// target, as state.GetAttribute does. configAttribute does the same for a
// configuration.
//
// Why: the framework finds an attribute by walking a path through the
// schema, copying its attribute map at every step, which costs tens of
// microseconds for one string. The plans and validations that Terraform
// runs for every unchanged copy read a few attributes each, and that walk
// was a large part of their cost. A plain string, bool or map of strings
// is read straight from the value with its attribute's type (what the walk
// ends in); anything else, and any value the type's own validation
// questions, goes through GetAttribute, whose diagnostics then stand.
func stateAttribute(ctx context.Context, state tfsdk.State, name string, target any) diag.Diagnostics {
	if rootAttribute(ctx, state.Raw, state.Schema, name, target) {
		return nil
	}
	return state.GetAttribute(ctx, path.Root(name), target)
}

// configAttribute is stateAttribute for a configuration.
func configAttribute(ctx context.Context, config tfsdk.Config, name string, target any) diag.Diagnostics {
	if rootAttribute(ctx, config.Raw, config.Schema, name, target) {
		return nil
	}
	return config.GetAttribute(ctx, path.Root(name), target)
}

// rootAttribute sets target, a *types.String, *types.Bool or *types.Map,
// to the attribute name of object, read with its type in sch, and reports
// whether it could.
func rootAttribute(ctx context.Context, object tftypes.Value, sch any, name string, target any) bool {
	s, ok := sch.(schema.Schema)
	if !ok || object.IsNull() || !object.IsKnown() {
		return false
	}
	a, ok := s.Attributes[name]
	if !ok {
		return false
	}
	step, err := object.ApplyTerraform5AttributePathStep(tftypes.AttributeName(name))
	value, ok := step.(tftypes.Value)
	if err != nil || !ok {
		return false
	}
	typ := a.GetType()
	//nolint:staticcheck // TypeWithValidate is deprecated, but GetAttribute still runs it.
	if withValidate, ok := typ.(xattr.TypeWithValidate); ok && len(withValidate.Validate(ctx, value, path.Root(name))) > 0 {
		return false
	}
	converted, err := typ.ValueFromTerraform(ctx, value)
	if err != nil {
		return false
	}
	if validateable, ok := converted.(xattr.ValidateableAttribute); ok {
		var resp xattr.ValidateAttributeResponse
		validateable.ValidateAttribute(ctx, xattr.ValidateAttributeRequest{Path: path.Root(name)}, &resp)
		if len(resp.Diagnostics) > 0 {
			return false
		}
	}
	return assignValue(converted, target)
}

// assignValue sets target to v when v is exactly target's type.
func assignValue(v attr.Value, target any) bool {
	switch t := target.(type) {
	case *types.String:
		return assignAs(v, t)
	case *types.Bool:
		return assignAs(v, t)
	case *types.Map:
		return assignAs(v, t)
	}
	return false
}

func assignAs[T attr.Value](v attr.Value, target *T) bool {
	typed, ok := v.(T)
	if ok {
		*target = typed
	}
	return ok
}
