package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"os/exec"
	"reflect"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

// The shortcuts in server.go, server_validate.go and server_upgrade.go
// answer protocol calls in place of the framework, by doing what the
// framework does. They were verified, by reading the framework's code and
// by the differential tests, against these versions and this schema.
const (
	// verifiedFrameworkVersion is the terraform-plugin-framework version
	// whose PlanResourceChange, ValidateResourceConfig and
	// UpgradeResourceState the shortcuts reproduce.
	verifiedFrameworkVersion = "v1.19.0"
	// verifiedPluginGoVersion is the terraform-plugin-go version whose
	// tftypes decoding the shortcuts read values with (how a null element
	// of a map decodes, for one).
	verifiedPluginGoVersion = "v0.31.0"
	// verifiedImageSchemaFingerprint is imageSchemaFingerprint of the
	// amicopy_image schema.
	verifiedImageSchemaFingerprint = "2a8e958d90409d1dd79ae0a71e68e9bb0ebdf84845b0f0c2964983e807cc6d2d"
)

// reverifyShortcuts says what to check again when a pin fails.
const reverifyShortcuts = `Re-verify the shortcuts against it:
  - server.go (planIsUnchanged): the framework still plans an unchanged resource by applying defaults, running the plan modifiers only where the plan differs from the state, and calling ModifyPlan, whose early return is nothingToPlan; readImageSchema still models every default;
  - server_validate.go (configIsValid): the framework still runs the same checks in the same order, and validationUnmodelled still names what the shortcut does not run;
  - server_upgrade.go: the framework still answers a current-version state as upgradeCurrentVersion does.
Run TestServerPlanShortcut, TestServerPlanShortcutMatchesFramework, TestServerValidateShortcutMatchesFramework and TestServerUpgradeMatchesFramework, read the framework's changelog for changes to those paths, and only then update the pin.`

// TestServerShortcutsPinned fails when a dependency that the shortcuts
// reproduce, or the schema they read, changes without the shortcuts being
// verified again. Dependency updates land often and the differential
// tests sample only the cases they generate; this test makes sure someone
// looks.
func TestServerShortcutsPinned(t *testing.T) {
	for _, pin := range []struct{ module, verified, constant string }{
		{"github.com/hashicorp/terraform-plugin-framework", verifiedFrameworkVersion, "verifiedFrameworkVersion"},
		{"github.com/hashicorp/terraform-plugin-go", verifiedPluginGoVersion, "verifiedPluginGoVersion"},
	} {
		got := moduleVersion(t, pin.module)
		if got != pin.verified {
			t.Errorf("%s is %s, but the shortcuts were verified against %s.\n%s\nThen set %s in server_pin_test.go to %q.",
				pin.module, got, pin.verified, reverifyShortcuts, pin.constant, got)
		}
	}

	description := describeSchema(imageSchemaForTest())
	if got := imageSchemaFingerprint(description); got != verifiedImageSchemaFingerprint {
		t.Errorf("the amicopy_image schema changed: its fingerprint is %s, the shortcuts were verified against %s.\n%s\n"+
			"Then set verifiedImageSchemaFingerprint in server_pin_test.go to %q. The schema as fingerprinted:\n%s",
			got, verifiedImageSchemaFingerprint, reverifyShortcuts, got, description)
	}
}

// TestImageSchemaFingerprint checks that the fingerprint notices each kind
// of change the shortcuts depend on.
func TestImageSchemaFingerprint(t *testing.T) {
	base := describeSchema(imageSchemaForTest())
	changes := []struct {
		name string
		edit func(*schema.Schema)
	}{
		{"an attribute added", func(s *schema.Schema) {
			s.Attributes["zz_new"] = schema.StringAttribute{Optional: true}
		}},
		{"an attribute made computed", func(s *schema.Schema) {
			a := s.Attributes["description"].(schema.StringAttribute) //nolint:forcetypeassert // the schema says so
			a.Computed = !a.Computed
			s.Attributes["description"] = a
		}},
		{"a type changed", func(s *schema.Schema) {
			s.Attributes["tags"] = schema.ListAttribute{ElementType: s.Attributes["tags"].(schema.MapAttribute).ElementType, Optional: true} //nolint:forcetypeassert // the schema says so
		}},
		{"a default removed", func(s *schema.Schema) {
			a := s.Attributes["delete_snapshots"].(schema.BoolAttribute) //nolint:forcetypeassert // the schema says so
			a.Default = nil
			s.Attributes["delete_snapshots"] = a
		}},
		{"a plan modifier removed", func(s *schema.Schema) {
			a := s.Attributes["source_image_id"].(schema.StringAttribute) //nolint:forcetypeassert // the schema says so
			a.PlanModifiers = a.PlanModifiers[:len(a.PlanModifiers)-1]
			s.Attributes["source_image_id"] = a
		}},
		{"a validator removed", func(s *schema.Schema) {
			a := s.Attributes["name"].(schema.StringAttribute) //nolint:forcetypeassert // the schema says so
			a.Validators = a.Validators[:len(a.Validators)-1]
			s.Attributes["name"] = a
		}},
		{"a nested attribute changed", func(s *schema.Schema) {
			a := s.Attributes["launch_permission"].(schema.SingleNestedAttribute) //nolint:forcetypeassert // the schema says so
			a.Attributes = maps.Clone(a.Attributes)
			a.Attributes["zz_new"] = schema.BoolAttribute{Optional: true}
			s.Attributes["launch_permission"] = a
		}},
		{"the version", func(s *schema.Schema) { s.Version++ }},
	}
	for _, tt := range changes {
		t.Run(tt.name, func(t *testing.T) {
			s := imageSchemaForTest()
			tt.edit(&s)
			if describeSchema(s) == base {
				t.Errorf("the schema's description does not change when %s", tt.name)
			}
		})
	}
	if describeSchema(imageSchemaForTest()) != base {
		t.Error("the schema's description differs from one call to the next")
	}
}

// moduleVersion is the version of module that the build uses (a replace
// directive's version wins). It reads the binary's build information; a
// test binary carries none for its dependencies, so then it asks the go
// command, which reads go.mod (and go.work) as the build did.
func moduleVersion(t *testing.T, module string) string {
	t.Helper()
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == module && dep.Replace != nil {
				return dep.Replace.Version
			}
			if dep.Path == module {
				return dep.Version
			}
		}
	}
	out, err := exec.Command("go", "list", "-m", "-json", module).Output()
	if err != nil {
		t.Fatalf("go list -m %s: %v", module, err)
	}
	var listed struct {
		Version string
		Replace *struct{ Version string }
	}
	if err := json.Unmarshal(out, &listed); err != nil {
		t.Fatalf("decoding go list -m %s: %v\n%s", module, err, out)
	}
	if listed.Replace != nil {
		return listed.Replace.Version
	}
	return listed.Version
}

// imageSchemaFingerprint is a stable hash of a schema's description.
func imageSchemaFingerprint(description string) string {
	sum := sha256.Sum256([]byte(description))
	return hex.EncodeToString(sum[:])
}

// describeSchema writes a canonical description of what the shortcuts
// read in a schema: its version and blocks, and for every attribute (nested
// ones too), in name order, its Go type, Terraform type, flags, custom
// type, default, plan modifiers and validators, each by its Go type and
// its description.
func describeSchema(s schema.Schema) string {
	ctx := context.Background()
	var b strings.Builder
	fmt.Fprintf(&b, "version %d\n", s.Version)
	for _, name := range slices.Sorted(maps.Keys(s.Blocks)) {
		fmt.Fprintf(&b, "block %s %T\n", name, s.Blocks[name])
	}
	describeAttributes(ctx, &b, "", s.Attributes)
	return b.String()
}

// describeAttributes describes attributes under prefix, in name order.
func describeAttributes(ctx context.Context, b *strings.Builder, prefix string, attributes map[string]schema.Attribute) {
	for _, name := range slices.Sorted(maps.Keys(attributes)) {
		a := attributes[name]
		p := prefix + name
		fmt.Fprintf(b, "%s %T %s required=%t optional=%t computed=%t sensitive=%t writeonly=%t deprecated=%q\n",
			p, a, a.GetType().TerraformType(ctx), a.IsRequired(), a.IsOptional(), a.IsComputed(), a.IsSensitive(), a.IsWriteOnly(), a.GetDeprecationMessage())
		v := reflect.ValueOf(a)
		for _, field := range []string{"CustomType", "Default"} {
			if f := v.FieldByName(field); f.IsValid() && !f.IsNil() {
				fmt.Fprintf(b, "%s %s %s\n", p, field, describeBehaviour(ctx, f.Interface()))
			}
		}
		for _, field := range []string{"PlanModifiers", "Validators"} {
			if f := v.FieldByName(field); f.IsValid() {
				for i := range f.Len() {
					fmt.Fprintf(b, "%s %s[%d] %s\n", p, field, i, describeBehaviour(ctx, f.Index(i).Interface()))
				}
			}
		}
		switch n := a.(type) {
		case schema.SingleNestedAttribute:
			describeAttributes(ctx, b, p+".", n.Attributes)
		case schema.ListNestedAttribute:
			describeAttributes(ctx, b, p+"[].", n.NestedObject.Attributes)
		case schema.SetNestedAttribute:
			describeAttributes(ctx, b, p+"[].", n.NestedObject.Attributes)
		case schema.MapNestedAttribute:
			describeAttributes(ctx, b, p+"{}.", n.NestedObject.Attributes)
		}
	}
}

// describeBehaviour names a default, plan modifier, validator or custom
// type by its Go type and, where it has one, its description, which for
// the framework's own (stringdefault.StaticString("x"), a RegexMatches
// validator) includes their arguments.
func describeBehaviour(ctx context.Context, v any) string {
	if d, ok := v.(interface {
		Description(context.Context) string
	}); ok {
		return fmt.Sprintf("%T %q", v, d.Description(ctx))
	}
	return fmt.Sprintf("%T", v)
}
