package provider

import (
	"context"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/amicopy/terraform-provider-amicopy/internal/ami"
)

// TestRefreshKeepsNullTagValues checks how a refresh maps EC2's tags onto
// tags whose configuration holds a null value (tags = { Owner = var.owner }
// with a null variable): the null stays, since Terraform holds the
// resource to it, and it means no tag, so it neither hides a tag that EC2
// holds nor stops a default tag from being taken for the default.
func TestRefreshKeepsNullTagValues(t *testing.T) {
	null := types.StringNull()
	x := types.StringValue("x")
	tags := func(elements map[string]attr.Value) types.Map {
		return types.MapValueMust(types.StringType, elements)
	}
	tests := []struct {
		name        string
		prior       types.Map
		priorAll    map[string]string
		defaultTags map[string]string
		ec2         map[string]string
		want        types.Map
	}{
		{"a null value beside a tag", tags(map[string]attr.Value{"Owner": null, "Name": x}), map[string]string{"Name": "x"}, nil,
			map[string]string{"Name": "x"}, tags(map[string]attr.Value{"Owner": null, "Name": x})},
		{"only a null value", tags(map[string]attr.Value{"Owner": null}), map[string]string{}, nil,
			map[string]string{}, tags(map[string]attr.Value{"Owner": null})},
		{"a null value over a default tag", tags(map[string]attr.Value{"Owner": null}), map[string]string{"Owner": "team"}, map[string]string{"Owner": "team"},
			map[string]string{"Owner": "team"}, tags(map[string]attr.Value{"Owner": null})},
		{"a tag set outside Terraform under a null value shows", tags(map[string]attr.Value{"Owner": null}), map[string]string{}, nil,
			map[string]string{"Owner": "someone"}, tags(map[string]attr.Value{"Owner": types.StringValue("someone")})},
		{"no tags configured (an import)", types.MapNull(types.StringType), nil, nil,
			map[string]string{"Name": "x"}, tags(map[string]attr.Value{"Name": x})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := imageResourceModel{Region: types.StringValue("us-east-1"), Tags: tt.prior, TagsAll: stringMap(tt.priorAll)}
			m.refreshFrom(ec2types.Image{ImageId: aws.String("ami-0123456789abcdef0"), Tags: ami.EC2Tags(tt.ec2)}, tt.defaultTags, nil)
			if !m.Tags.Equal(tt.want) {
				t.Errorf("tags = %v, want %v", m.Tags, tt.want)
			}
		})
	}
}

// TestWithNullElementsOf checks which null elements a map read from EC2
// takes from the configuration's.
func TestWithNullElementsOf(t *testing.T) {
	null := types.StringNull()
	tests := []struct {
		name             string
		refreshed, prior types.Map
		want             types.Map
	}{
		{"a null element EC2 lacks is kept", stringMap(map[string]string{"a": "1"}), types.MapValueMust(types.StringType, map[string]attr.Value{"b": null}),
			types.MapValueMust(types.StringType, map[string]attr.Value{"a": types.StringValue("1"), "b": null})},
		{"EC2's value wins over a null", stringMap(map[string]string{"b": "2"}), types.MapValueMust(types.StringType, map[string]attr.Value{"b": null}),
			stringMap(map[string]string{"b": "2"})},
		{"known elements are EC2's to report", stringMap(map[string]string{}), stringMap(map[string]string{"a": "1"}), stringMap(map[string]string{})},
		{"into a null map", types.MapNull(types.StringType), types.MapValueMust(types.StringType, map[string]attr.Value{"b": null}),
			types.MapValueMust(types.StringType, map[string]attr.Value{"b": null})},
		{"from a null map", stringMap(map[string]string{"a": "1"}), types.MapNull(types.StringType), stringMap(map[string]string{"a": "1"})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := withNullElementsOf(tt.refreshed, tt.prior); !got.Equal(tt.want) {
				t.Errorf("withNullElementsOf(%v, %v) = %v, want %v", tt.refreshed, tt.prior, got, tt.want)
			}
		})
	}
}

// TestStateAttributeMatchesGetAttribute checks that stateAttribute and
// configAttribute read what GetAttribute reads, diagnostics included, for
// known, null and unknown strings, bools and maps (with a null element),
// for a state or configuration that is null or unknown as a whole, and for
// a target type they leave to GetAttribute.
func TestStateAttributeMatchesGetAttribute(t *testing.T) {
	ctx := context.Background()
	sch := imageSchemaForTest()
	imageType := sch.Type().TerraformType(ctx)
	stringMapType := tftypes.Map{ElementType: tftypes.String}
	objects := map[string]tftypes.Value{
		"known": imageState(t, imageType, map[string]tftypes.Value{
			"tags": tftypes.NewValue(stringMapType, map[string]tftypes.Value{"a": str("1"), "b": tftypes.NewValue(tftypes.String, nil)}),
		}),
		"null attributes": imageState(t, imageType, map[string]tftypes.Value{"tags": {}, "state": {}, "encrypted": {}}),
		"unknown attributes": imageState(t, imageType, map[string]tftypes.Value{
			"tags":      tftypes.NewValue(stringMapType, tftypes.UnknownValue),
			"tags_all":  tftypes.NewValue(stringMapType, map[string]tftypes.Value{"a": tftypes.NewValue(tftypes.String, tftypes.UnknownValue)}),
			"state":     tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
			"encrypted": tftypes.NewValue(tftypes.Bool, tftypes.UnknownValue),
		}),
		"null object":    tftypes.NewValue(imageType, nil),
		"unknown object": tftypes.NewValue(imageType, tftypes.UnknownValue),
	}
	for objectName, object := range objects {
		for _, name := range []string{"tags", "tags_all", "state", "encrypted", "region", "snapshot_ids", "no_such_attribute"} {
			t.Run(objectName+"/"+name, func(t *testing.T) {
				targets := func() (any, any) {
					switch name {
					case "tags", "tags_all":
						return new(types.Map), new(types.Map)
					case "encrypted":
						return new(types.Bool), new(types.Bool)
					case "snapshot_ids":
						return new(types.List), new(types.List)
					}
					return new(types.String), new(types.String)
				}
				got, want := targets()
				gotDiags := stateAttribute(ctx, tfsdk.State{Raw: object, Schema: sch}, name, got)
				wantDiags := tfsdk.State{Raw: object, Schema: sch}.GetAttribute(ctx, path.Root(name), want)
				if !gotDiags.Equal(wantDiags) || !reflect.DeepEqual(got, want) {
					t.Errorf("state: read %v (%v), GetAttribute reads %v (%v)", got, gotDiags, want, wantDiags)
				}
				got, want = targets()
				gotDiags = configAttribute(ctx, tfsdk.Config{Raw: object, Schema: sch}, name, got)
				wantDiags = tfsdk.Config{Raw: object, Schema: sch}.GetAttribute(ctx, path.Root(name), want)
				if !gotDiags.Equal(wantDiags) || !reflect.DeepEqual(got, want) {
					t.Errorf("config: read %v (%v), GetAttribute reads %v (%v)", got, gotDiags, want, wantDiags)
				}
			})
		}
	}
}
