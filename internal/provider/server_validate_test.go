package provider

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// TestServerValidateShortcutMatchesFramework generates configurations, valid
// and invalid in every way the schema and its validators know, and checks
// that the validation shortcut answers exactly when the framework reports
// nothing: it must never hide a diagnostic, and must answer often enough to
// be worth having.
func TestServerValidateShortcutMatchesFramework(t *testing.T) {
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ACCESS_KEY_ID", "testing")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "testing")
	ctx := context.Background()
	if why := imageConfigValidation(ctx).unmodelled; why != "" {
		t.Fatalf("the shortcut declines every configuration: %s", why)
	}
	sch := imageSchemaForTest()
	rng := rand.New(rand.NewPCG(17, 19)) //nolint:gosec // reproducible test data, not secrets
	answered, declined := 0, 0
	// Terraform validates before the provider is configured (terraform
	// validate) and after (in every plan).
	for _, configured := range []bool{false, true} {
		s, ok := NewServer("test")().(*server)
		if !ok {
			t.Fatal("NewServer did not return *server")
		}
		if configured {
			configureForTest(ctx, t, s, nil)
		}
		imageType := s.imageObjectType(ctx)
		for i := range 750 {
			config := generateConfig(rng, sch.Attributes, i%2 == 0)
			for _, capabilities := range []*tfprotov6.ValidateResourceConfigClientCapabilities{
				nil, {WriteOnlyAttributesAllowed: true}, {WriteOnlyAttributesAllowed: false},
			} {
				req := &tfprotov6.ValidateResourceConfigRequest{
					TypeName:           "amicopy_image",
					Config:             dynamicValue(t, imageType, tftypes.NewValue(imageType, config)),
					ClientCapabilities: capabilities,
				}
				framework, err := s.ProviderServer.ValidateResourceConfig(ctx, req)
				if err != nil {
					t.Fatal(err)
				}
				shortcut := s.configIsValid(ctx, req)
				if shortcut != (len(framework.Diagnostics) == 0) {
					var found []string
					for _, d := range framework.Diagnostics {
						found = append(found, fmt.Sprintf("%s at %v: %s", d.Summary, d.Attribute, d.Detail))
					}
					t.Errorf("configured=%t case %d: shortcut answers %t, framework reports %d diagnostics %q\nconfig: %v", configured, i, shortcut, len(found), found, config)
				}
				if shortcut {
					answered++
				} else {
					declined++
				}
				// Through the server, a declined request gets the
				// framework's own diagnostics.
				got, err := s.ValidateResourceConfig(ctx, req)
				if err != nil {
					t.Fatal(err)
				}
				if len(got.Diagnostics) != len(framework.Diagnostics) {
					t.Errorf("configured=%t case %d: the server reports %d diagnostics, the framework %d", configured, i, len(got.Diagnostics), len(framework.Diagnostics))
				}
			}
		}
	}
	t.Logf("the shortcut answered %d configurations and declined %d", answered, declined)
	if answered < 300 || declined < 300 {
		t.Errorf("the generated cases must exercise both answers: answered %d, declined %d", answered, declined)
	}
}

// goodStrings are valid values for the string attributes (and elements)
// whose validators accept only some strings; badStrings are values that one
// validator or another refuses.
var (
	goodStrings = map[string][]string{
		"name":                             {"golden-image", "web (2026) [x86]"},
		"source_image_id":                  {"ami-03cf127a", "ami-0123456789abcdef0"},
		"source_region":                    {"us-east-1", "eu-west-1"},
		"region":                           {"us-west-2", "us-east-1"},
		"client_token":                     {"token-1"},
		"description":                      {"A copy", ""},
		"deprecation_time":                 {"2030-01-01T00:00:00Z", "2031-06-01T12:30:45+02:00"},
		"deregistration_protection":        {"enabled", "disabled", "enabled-with-cooldown"},
		"destination_availability_zone":    {"us-west-2-lax-1a"},
		"destination_availability_zone_id": {"usw2-lax1-az1"},
		"destination_outpost_arn":          {"arn:aws:outposts:us-east-1:123456789012:outpost/op-1234567890abcdef0"},
		"kms_key_id":                       {"alias/golden", "1234abcd-12ab-34cd-56ef-1234567890ab", "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
		"account_ids":                      {"210987654321", "123456789013"},
		"organization_arns":                {"arn:aws:organizations::123456789012:organization/o-abcdefghij"},
		"organizational_unit_arns":         {"arn:aws:organizations::123456789012:ou/o-abcdefghij/ou-ab12-cdefgh34"},
		"snapshot_create_volume_permission_account_ids": {"210987654321"},
		"create": {"2h", "45m"},
		"update": {"10m"},
		"delete": {"1h30m"},
	}
	badStrings = []string{
		"", "x", "not a valid|name", "ami-XYZ", "mars-1", "alias/aws/rds", "arn:aws:outposts:eu-west-1:123:outpost/op-1",
		"yesterday", "2001-01-01T00:00:00Z", "bogus", "12345", "arn:aws:organizations::123456789012:ou/o-abc/ou-1",
		strings.Repeat("d", 300), "ten minutes", "us-west-2-lax-1", "token with \u00e9",
	}
)

// exclusiveAttributes are those that config validators allow only
// without others (one destination, no time-based copy to one, a KMS key
// only when encrypted): generateConfig sets them less often in mostly
// valid configurations.
var exclusiveAttributes = map[string]bool{
	"destination_availability_zone": true, "destination_availability_zone_id": true, "destination_outpost_arn": true,
	"snapshot_copy_completion_duration_minutes": true, "kms_key_id": true,
}

// generateConfig makes an object value for attrs: each attribute null,
// unknown, valid or invalid, by chance. mostlyValid keeps most attributes
// null or valid, so that whole configurations pass often enough.
func generateConfig(rng *rand.Rand, attrs map[string]schema.Attribute, mostlyValid bool) map[string]tftypes.Value {
	config := make(map[string]tftypes.Value, len(attrs))
	for name, a := range attrs {
		config[name] = generateAttributeConfig(rng, name, a, mostlyValid)
	}
	return config
}

// generateAttributeConfig is generateConfig for one attribute.
func generateAttributeConfig(rng *rand.Rand, name string, a schema.Attribute, mostlyValid bool) tftypes.Value {
	typ := a.GetType().TerraformType(context.Background())
	roll := rng.IntN(100)
	if !mostlyValid {
		roll = rng.IntN(130)
	}
	switch {
	case mostlyValid && (a.IsComputed() && !a.IsOptional() || exclusiveAttributes[name] && rng.IntN(5) > 0):
		return tftypes.NewValue(typ, nil)
	case a.IsComputed() && !a.IsOptional():
		// Users cannot set these; only an invalid configuration does.
		if roll < 97 {
			return tftypes.NewValue(typ, nil)
		}
		return tftypes.NewValue(typ, tftypes.UnknownValue)
	case roll < 3:
		return tftypes.NewValue(typ, tftypes.UnknownValue)
	case roll < 45 && !a.IsRequired(), roll < 5:
		return tftypes.NewValue(typ, nil)
	}
	// Now and then one value of a mostly valid configuration is not, so
	// that single failures, nested ones too, are among the cases.
	valid := roll < 100 && rng.IntN(30) > 0
	switch a := a.(type) {
	case schema.SingleNestedAttribute:
		return tftypes.NewValue(typ, generateConfig(rng, a.Attributes, mostlyValid))
	case schema.SetAttribute, schema.ListAttribute:
		var elems []tftypes.Value
		for range 1 + rng.IntN(3) {
			switch element := rng.IntN(40); {
			case element == 0:
				elems = append(elems, tftypes.NewValue(tftypes.String, tftypes.UnknownValue))
			case element == 1 && !mostlyValid:
				elems = append(elems, tftypes.NewValue(tftypes.String, nil))
			default:
				elems = append(elems, tftypes.NewValue(tftypes.String, pickString(rng, name, valid)))
			}
		}
		if _, isList := a.(schema.ListAttribute); !isList {
			elems = uniqueValues(elems)
		}
		return tftypes.NewValue(typ, elems)
	case schema.MapAttribute:
		elems := map[string]tftypes.Value{}
		for range rng.IntN(3) {
			key := pickString(rng, "", valid)
			if valid {
				key = fmt.Sprintf("key%d", rng.IntN(5))
			}
			// A null value (tags = { a = var.unset }) and a value known only
			// after apply are both valid configurations.
			switch element := rng.IntN(10); element {
			case 0:
				elems[key] = tftypes.NewValue(tftypes.String, nil)
			case 1:
				elems[key] = tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
			default:
				elems[key] = tftypes.NewValue(tftypes.String, pickString(rng, "", rng.IntN(2) == 0))
			}
		}
		return tftypes.NewValue(typ, elems)
	}
	switch {
	case typ.Is(tftypes.Bool):
		return tftypes.NewValue(typ, rng.IntN(2) == 0)
	case typ.Is(tftypes.Number):
		n := []int64{15, 30, 2880}[rng.IntN(3)]
		if !valid {
			n = []int64{0, 7, 2895, -15}[rng.IntN(4)]
		}
		return tftypes.NewValue(typ, n)
	case typ.Is(tftypes.String):
		return tftypes.NewValue(typ, pickString(rng, name, valid))
	}
	panic(fmt.Sprintf("no generator for %s (%s)", name, typ))
}

// pickString picks a good value for the attribute, or a bad one.
func pickString(rng *rand.Rand, name string, valid bool) string {
	if good := goodStrings[name]; valid && len(good) > 0 {
		return good[rng.IntN(len(good))]
	}
	if valid {
		return fmt.Sprintf("value-%d", rng.IntN(10))
	}
	return badStrings[rng.IntN(len(badStrings))]
}

// uniqueValues drops repeated values, as a set holds each once.
func uniqueValues(values []tftypes.Value) []tftypes.Value {
	var unique []tftypes.Value
	for _, v := range values {
		seen := false
		for _, u := range unique {
			seen = seen || u.Equal(v)
		}
		if !seen {
			unique = append(unique, v)
		}
	}
	return unique
}

// rejectingType is a string type whose Validate refuses every value, and
// rejectingValue a string value whose ValidateAttribute does.
type (
	rejectingType  struct{ basetypes.StringType }
	rejectingValue struct{ basetypes.StringValue }
)

func (rejectingType) Validate(context.Context, tftypes.Value, path.Path) diag.Diagnostics {
	return diag.Diagnostics{diag.NewErrorDiagnostic("Refused", "by the type")}
}

func (rejectingValue) ValidateAttribute(_ context.Context, _ xattr.ValidateAttributeRequest, resp *xattr.ValidateAttributeResponse) {
	resp.Diagnostics.AddWarning("Refused", "by the value")
}

// TestValueValidates checks that the shortcut runs the validation that the
// framework runs while reading a value: the value's own, or else its
// type's, which collections use to validate their elements.
func TestValueValidates(t *testing.T) {
	ctx := context.Background()
	raw := tftypes.NewValue(tftypes.String, "x")
	plain := basetypes.NewStringValue("x")
	tests := []struct {
		name string
		typ  attr.Type
		v    attr.Value
		want bool
	}{
		{"plain string", basetypes.StringType{}, plain, true},
		{"type refuses", rejectingType{}, plain, false},
		{"value warns", basetypes.StringType{}, rejectingValue{plain}, false},
		{"list of strings", basetypes.ListType{ElemType: basetypes.StringType{}}, basetypes.NewListValueMust(basetypes.StringType{}, []attr.Value{plain}), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rawValue := raw
			if list, ok := tt.typ.(basetypes.ListType); ok {
				rawValue = tftypes.NewValue(list.TerraformType(ctx), []tftypes.Value{raw})
			}
			if got := valueValidates(ctx, tt.typ, tt.v, rawValue, path.Root("a")); got != tt.want {
				t.Errorf("valueValidates = %t, want %t", got, tt.want)
			}
		})
	}
}
