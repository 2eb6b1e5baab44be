package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// TestSameDeprecationMinute is deprecation_time's semantic equality: the
// framework keeps the prior (or planned) spelling when it returns true.
func TestSameDeprecationMinute(t *testing.T) {
	unknown := deprecateAt{StringValue: types.StringUnknown()}
	tests := []struct {
		name            string
		proposed, prior deprecateAt
		want            bool
	}{
		{"EC2's spelling", deprecateAtOf("2030-01-01T10:00:00.000Z"), deprecateAtOf("2030-01-01T10:00:00Z"), true},
		{"EC2 dropped the seconds", deprecateAtOf("2030-01-01T10:00:00.000Z"), deprecateAtOf("2030-01-01T10:00:37Z"), true},
		{"EC2 rounded to the nearest minute", deprecateAtOf("2030-01-01T10:01:00.000Z"), deprecateAtOf("2030-01-01T10:00:37Z"), true},
		{"offset", deprecateAtOf("2030-01-01T10:00:00.000Z"), deprecateAtOf("2030-01-01T12:00:00+02:00"), true},
		{"two minutes apart", deprecateAtOf("2030-01-01T10:00:00.000Z"), deprecateAtOf("2030-01-01T10:02:00Z"), false},
		{"another year", deprecateAtOf("2030-01-01T10:00:00.000Z"), deprecateAtOf("2031-01-01T10:00:00Z"), false},
		{"not a time, spelled alike", deprecateAtOf("not a time"), deprecateAtOf("not a time"), true},
		{"not a time against a time", deprecateAtOf("2030-01-01T10:00:00.000Z"), deprecateAtOf("not a time"), false},
		{"cancelled", deprecateAtNull(), deprecateAtOf("2030-01-01T10:00:00Z"), false},
		{"both null", deprecateAtNull(), deprecateAtNull(), true},
		{"unknown", unknown, deprecateAtOf("2030-01-01T10:00:00Z"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, diags := tt.proposed.StringSemanticEquals(t.Context(), tt.prior)
			if diags.HasError() || got != tt.want {
				t.Errorf("%s.StringSemanticEquals(%s) = %v, %v; want %v", tt.proposed, tt.prior, got, diags, tt.want)
			}
			if back := tt.prior.sameMinute(tt.proposed); back != tt.want {
				t.Errorf("not symmetric: %s.sameMinute(%s) = %v", tt.prior, tt.proposed, back)
			}
		})
	}
	if same, _ := deprecateAtOf("x").StringSemanticEquals(t.Context(), types.StringValue("x")); same {
		t.Error("a plain string is not a deprecation time")
	}
}

// TestRefreshedDeprecationTime covers what a refresh records: EC2's minute
// in the spelling users write, so that state no configuration spelled (an
// import, a move from aws_ami_copy) causes no diff.
func TestRefreshedDeprecationTime(t *testing.T) {
	tests := []struct {
		reported string
		want     deprecateAt
	}{
		{"2030-01-01T10:00:00.000Z", deprecateAtOf("2030-01-01T10:00:00Z")},
		{"2030-01-01T12:00:00+02:00", deprecateAtOf("2030-01-01T10:00:00Z")},
		{"", deprecateAtNull()},
		{"not a time", deprecateAtOf("not a time")},
	}
	for _, tt := range tests {
		if got := deprecateAtFromEC2(tt.reported); !got.Equal(tt.want) {
			t.Errorf("deprecateAtFromEC2(%q) = %s, want %s", tt.reported, got, tt.want)
		}
	}
}

// TestDeprecateAtType checks that values the framework reads from Terraform
// are deprecateAt, so that its semantic equality applies to them.
func TestDeprecateAtType(t *testing.T) {
	ctx := t.Context()
	value, err := deprecateAtType{}.ValueFromTerraform(ctx, tftypes.NewValue(tftypes.String, "2030-01-01T10:00:37Z"))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := value.(basetypes.StringValuableWithSemanticEquals); !ok {
		t.Fatalf("ValueFromTerraform = %T, want a value with semantic equality", value)
	}
	if !value.Equal(deprecateAtOf("2030-01-01T10:00:37Z")) || value.Equal(types.StringValue("2030-01-01T10:00:37Z")) {
		t.Errorf("Equal: %s must equal only a deprecateAt of the same spelling", value)
	}
	if !value.Type(ctx).Equal(deprecateAtType{}) || (deprecateAtType{}).Equal(types.StringType) {
		t.Error("Type: deprecateAtType must equal only itself")
	}
	if got := (deprecateAtType{}).TerraformType(ctx); !got.Is(tftypes.String) {
		t.Errorf("TerraformType = %s, want a string in state", got)
	}
}
