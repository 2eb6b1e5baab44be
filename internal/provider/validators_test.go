package provider

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/amicopy/terraform-provider-amicopy/internal/ami"
)

const (
	testKMSKeyARN  = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	testOutpostARN = "arn:aws:outposts:us-west-2:111122223333:outpost/op-0123456789abcdef0"
)

// wantDiag is an expected diagnostic: its path, its summary and a fragment of
// its detail.
type wantDiag struct {
	attribute string
	summary   string
	detail    string
}

// assertDiags checks that diags are exactly the expected errors, in order.
func assertDiags(t *testing.T, diags diag.Diagnostics, want []wantDiag) {
	t.Helper()
	if len(diags) != len(want) {
		t.Fatalf("got %d diagnostics, want %d: %v", len(diags), len(want), diags)
	}
	for i, w := range want {
		d := diags[i]
		if d.Severity() != diag.SeverityError {
			t.Errorf("diagnostic %d is not an error: %v", i, d)
		}
		withPath, ok := d.(diag.DiagnosticWithPath)
		if !ok {
			t.Fatalf("diagnostic %d has no attribute path: %v", i, d)
		}
		if !withPath.Path().Equal(path.Root(w.attribute)) {
			t.Errorf("diagnostic %d is on %s, want %s", i, withPath.Path(), w.attribute)
		}
		if d.Summary() != w.summary {
			t.Errorf("diagnostic %d summary %q, want %q", i, d.Summary(), w.summary)
		}
		if !strings.Contains(d.Detail(), w.detail) {
			t.Errorf("diagnostic %d detail %q does not contain %q", i, d.Detail(), w.detail)
		}
	}
}

// validateString runs string validators as the framework does for
// attribute, in a configuration where every other attribute is null.
func validateString(t *testing.T, validators []validator.String, attribute string, value types.String) diag.Diagnostics {
	t.Helper()
	values := map[string]any{}
	switch {
	case value.IsUnknown():
		values[attribute] = unknown{}
	case !value.IsNull():
		values[attribute] = value.ValueString()
	}
	config := placementConfig(t, values)
	var diags diag.Diagnostics
	for _, v := range validators {
		req := validator.StringRequest{Path: path.Root(attribute), PathExpression: path.MatchRoot(attribute), ConfigValue: value, Config: config}
		resp := &validator.StringResponse{}
		v.ValidateString(t.Context(), req, resp)
		diags.Append(resp.Diagnostics...)
	}
	return diags
}

// validateAttributeRules runs the validators of the attributes that carry a
// cross-attribute rule on a configuration, as the framework does.
func validateAttributeRules(t *testing.T, values map[string]any) diag.Diagnostics {
	t.Helper()
	config := placementConfig(t, values)
	var diags diag.Diagnostics
	for attribute, validators := range map[string][]validator.String{
		"destination_availability_zone":    {localZoneNameValidator()},
		"destination_availability_zone_id": {localZoneIDValidator()},
	} {
		var value types.String
		diags.Append(config.GetAttribute(t.Context(), path.Root(attribute), &value)...)
		for _, v := range validators {
			req := validator.StringRequest{Path: path.Root(attribute), PathExpression: path.MatchRoot(attribute), ConfigValue: value, Config: config}
			resp := &validator.StringResponse{}
			v.ValidateString(t.Context(), req, resp)
			diags.Append(resp.Diagnostics...)
		}
	}
	const minutes = "snapshot_copy_completion_duration_minutes"
	var value types.Int64
	diags.Append(config.GetAttribute(t.Context(), path.Root(minutes), &value)...)
	for _, v := range snapshotCopyMinutesValidators() {
		req := validator.Int64Request{Path: path.Root(minutes), PathExpression: path.MatchRoot(minutes), ConfigValue: value, Config: config}
		resp := &validator.Int64Response{}
		v.ValidateInt64(t.Context(), req, resp)
		diags.Append(resp.Diagnostics...)
	}
	return diags
}

// sortedByPath orders diagnostics by attribute, then detail, so that
// validators run from a map compare in a stable order.
func sortedByPath(diags diag.Diagnostics) diag.Diagnostics {
	key := func(d diag.Diagnostic) string {
		if withPath, ok := d.(diag.DiagnosticWithPath); ok {
			return withPath.Path().String() + "\x00" + d.Detail()
		}
		return d.Detail()
	}
	out := slices.Clone(diags)
	slices.SortFunc(out, func(a, b diag.Diagnostic) int { return strings.Compare(key(a), key(b)) })
	return out
}

func TestAttributeConflicts(t *testing.T) {
	t.Parallel()

	const singleDestination = "A copy has a single destination: set destination_outpost_arn to copy to an Outpost"
	tests := []struct {
		name   string
		values map[string]any
		want   []wantDiag
	}{
		{"nothing set", map[string]any{}, nil},
		{"one destination", map[string]any{"destination_availability_zone_id": "usw2-lax1-az1"}, nil},
		{"outpost and local zone", map[string]any{"destination_outpost_arn": testOutpostARN, "destination_availability_zone": "us-west-2-lax-1a"}, []wantDiag{{
			"destination_availability_zone", "Invalid Attribute Combination",
			`Attribute "destination_outpost_arn" cannot be specified when "destination_availability_zone" is specified. ` + singleDestination,
		}}},
		{"zone and zone ID", map[string]any{"destination_availability_zone": "us-west-2-lax-1a", "destination_availability_zone_id": "usw2-lax1-az1"}, []wantDiag{{
			"destination_availability_zone_id", "Invalid Attribute Combination",
			`Attribute "destination_availability_zone" cannot be specified when "destination_availability_zone_id" is specified. ` + singleDestination,
		}}},
		{"all three destinations", map[string]any{
			"destination_outpost_arn": testOutpostARN, "destination_availability_zone": "us-west-2-lax-1a", "destination_availability_zone_id": "usw2-lax1-az1",
		}, []wantDiag{
			{"destination_availability_zone", "Invalid Attribute Combination", `Attribute "destination_outpost_arn" cannot be specified when "destination_availability_zone" is specified.`},
			{"destination_availability_zone_id", "Invalid Attribute Combination", `Attribute "destination_availability_zone" cannot be specified`},
			{"destination_availability_zone_id", "Invalid Attribute Combination", `Attribute "destination_outpost_arn" cannot be specified`},
		}},
		{"zone and unknown zone ID", map[string]any{"destination_availability_zone": "us-west-2-lax-1a", "destination_availability_zone_id": unknown{}}, nil},
		{"timed copy to the Region", map[string]any{"snapshot_copy_completion_duration_minutes": 60}, nil},
		{"timed copy unknown to a local zone", map[string]any{"snapshot_copy_completion_duration_minutes": unknown{}, "destination_availability_zone_id": "usw2-lax1-az1"}, nil},
		{"timed copy to a local zone", map[string]any{"snapshot_copy_completion_duration_minutes": 60, "destination_availability_zone_id": "usw2-lax1-az1"}, []wantDiag{{
			"snapshot_copy_completion_duration_minutes", "Invalid Attribute Combination",
			`Attribute "destination_availability_zone_id" cannot be specified when "snapshot_copy_completion_duration_minutes" is specified. ` +
				"EC2 makes time-based snapshot copies only from Region to Region, not to an Outpost or to or from a Local Zone: " +
				"remove snapshot_copy_completion_duration_minutes, or remove the destination to copy to the Region.",
		}}},
		{"timed copy to an outpost", map[string]any{"snapshot_copy_completion_duration_minutes": 60, "destination_outpost_arn": testOutpostARN}, []wantDiag{{
			"snapshot_copy_completion_duration_minutes", "Invalid Attribute Combination", `Attribute "destination_outpost_arn" cannot be specified`,
		}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assertDiags(t, sortedByPath(validateAttributeRules(t, tc.values)), tc.want)
		})
	}
}

func TestStringValidators(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name       string
		validators []validator.String
		attribute  string
		value      types.String
		want       []wantDiag
	}{
		// kms_key_id
		{"kms key ID", []validator.String{kmsKeyIDValidator()}, "kms_key_id", types.StringValue("1234abcd-12ab-34cd-56ef-1234567890ab"), nil},
		{"kms mrk key ID", []validator.String{kmsKeyIDValidator()}, "kms_key_id", types.StringValue("mrk-1234abcd12ab34cd56ef1234567890ab"), nil},
		{"kms alias", []validator.String{kmsKeyIDValidator()}, "kms_key_id", types.StringValue("alias/aws/ebs"), nil},
		{"kms key ARN", []validator.String{kmsKeyIDValidator()}, "kms_key_id", types.StringValue(testKMSKeyARN), nil},
		{"kms null", []validator.String{kmsKeyIDValidator()}, "kms_key_id", types.StringNull(), nil},
		{"kms unknown", []validator.String{kmsKeyIDValidator()}, "kms_key_id", types.StringUnknown(), nil},
		{"kms malformed", []validator.String{kmsKeyIDValidator()}, "kms_key_id", types.StringValue("my-key"), []wantDiag{{
			"kms_key_id", "Invalid KMS Key ID", `The kms_key_id value "my-key" is not a KMS key identifier; use a key ID`,
		}}},
		{"kms other service's managed key", []validator.String{kmsKeyIDValidator()}, "kms_key_id", types.StringValue("alias/aws/s3"), []wantDiag{{
			"kms_key_id", "Invalid KMS Key ID", `The kms_key_id value "alias/aws/s3" is not a key EBS can use: aliases under alias/aws/ name AWS managed keys of other services; ` +
				"use alias/aws/ebs (the AWS managed key for EBS) or a customer managed key, or leave kms_key_id unset for the default key.",
		}}},
		{"kms partition mismatch", []validator.String{kmsKeyIDValidator()}, "kms_key_id",
			types.StringValue("arn:aws:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"), []wantDiag{{
				"kms_key_id", "Invalid KMS Key ID", "which is in partition aws-cn, not aws",
			}}},

		// destination_outpost_arn
		{"outpost", []validator.String{outpostARNValidator()}, "destination_outpost_arn", types.StringValue(testOutpostARN), nil},
		{"outpost unknown", []validator.String{outpostARNValidator()}, "destination_outpost_arn", types.StringUnknown(), nil},
		{"outpost malformed", []validator.String{outpostARNValidator()}, "destination_outpost_arn", types.StringValue("op-0123456789abcdef0"), []wantDiag{{
			"destination_outpost_arn", "Invalid Outpost ARN", `The destination_outpost_arn value "op-0123456789abcdef0" is not an Outpost ARN`,
		}}},

		// region and source_region
		{"region", []validator.String{regionNameValidator()}, "region", types.StringValue("eusc-de-east-1"), nil},
		{"region null", []validator.String{regionNameValidator()}, "region", types.StringNull(), nil},
		{"source region is an AZ", []validator.String{regionNameValidator()}, "source_region", types.StringValue("us-east-1a"), []wantDiag{{
			"source_region", "Invalid Region Name", `The source_region value "us-east-1a" is an Availability Zone, not a Region; use the Region "us-east-1".`,
		}}},

		// destination_availability_zone and _id
		{"local zone", []validator.String{localZoneNameValidator()}, "destination_availability_zone", types.StringValue("us-west-2-lax-1a"), nil},
		{"local zone unknown", []validator.String{localZoneNameValidator()}, "destination_availability_zone", types.StringUnknown(), nil},
		{"plain availability zone", []validator.String{localZoneNameValidator()}, "destination_availability_zone", types.StringValue("us-west-2a"), []wantDiag{{
			"destination_availability_zone", "Invalid Local Zone Name", `The destination_availability_zone value "us-west-2a" is an Availability Zone of Region us-west-2, not a Local Zone: ` +
				"an AMI copied to a Region is usable in all its Availability Zones, so leave destination_availability_zone unset to copy to us-west-2.",
		}}},
		{"local zone ID", []validator.String{localZoneIDValidator()}, "destination_availability_zone_id", types.StringValue("usw2-lax1-az1"), nil},
		{"plain availability zone ID", []validator.String{localZoneIDValidator()}, "destination_availability_zone_id", types.StringValue("usw2-az1"), []wantDiag{{
			"destination_availability_zone_id", "Invalid Local Zone ID", `The destination_availability_zone_id value "usw2-az1" is the ID of an Availability Zone, not a Local Zone: ` +
				"an AMI copied to a Region is usable in all its Availability Zones, so leave destination_availability_zone_id unset to copy to the Region.",
		}}},

		// name
		{"name", imageNameValidators(), "name", types.StringValue("web (copy) [v1.2]"), nil},
		{"name unknown", imageNameValidators(), "name", types.StringUnknown(), nil},
		{"name too short", imageNameValidators(), "name", types.StringValue("ab"), []wantDiag{{
			"name", "Invalid Attribute Value Length", "string length must be between 3 and 128, got: 2",
		}}},
		{"name bad character", imageNameValidators(), "name", types.StringValue("web!"), []wantDiag{{
			"name", "Invalid Attribute Value Match", "must contain only letters, digits, spaces and ( ) [ ] . / - ' @ _, got: web!",
		}}},
		{"name too long and bad", imageNameValidators(), "name", types.StringValue(strings.Repeat("!", 129)), []wantDiag{
			{"name", "Invalid Attribute Value Length", "between 3 and 128"},
			{"name", "Invalid Attribute Value Match", "must contain only"},
		}},

		// source_image_id
		{"image ID", []validator.String{sourceImageIDValidator()}, "source_image_id", types.StringValue("ami-0123456789abcdef0"), nil},
		{"short image ID", []validator.String{sourceImageIDValidator()}, "source_image_id", types.StringValue("ami-5731123e"), nil},
		{"image ID unknown", []validator.String{sourceImageIDValidator()}, "source_image_id", types.StringUnknown(), nil},
		{"image ID uppercase", []validator.String{sourceImageIDValidator()}, "source_image_id", types.StringValue("ami-0123456789ABCDEF0"), []wantDiag{{
			"source_image_id", "Invalid Attribute Value Match", `must be "ami-" and 8 or 17 lowercase hexadecimal digits, such as ami-0123456789abcdef0, got: ami-0123456789ABCDEF0`,
		}}},

		// client_token
		{"client token", clientTokenValidators(), "client_token", types.StringValue("amicopy-0123"), nil},
		{"client token empty", clientTokenValidators(), "client_token", types.StringValue(""), []wantDiag{{
			"client_token", "Invalid Attribute Value Length", "between 1 and 64",
		}}},
		{"client token too long", clientTokenValidators(), "client_token", types.StringValue(strings.Repeat("t", 65)), []wantDiag{{
			"client_token", "Invalid Attribute Value Length", "between 1 and 64, got: 65",
		}}},
		{"client token non-ASCII", clientTokenValidators(), "client_token", types.StringValue("tökén"), []wantDiag{{
			"client_token", "Invalid Attribute Value Match", "must contain only printable ASCII characters, got: tökén",
		}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assertDiags(t, validateString(t, tc.validators, tc.attribute, tc.value), tc.want)
		})
	}
}

func TestSnapshotCopyMinutesValidators(t *testing.T) {
	t.Parallel()

	const attribute = "snapshot_copy_completion_duration_minutes"
	tests := []struct {
		name  string
		value types.Int64
		want  []wantDiag
	}{
		{"minimum", types.Int64Value(15), nil},
		{"maximum", types.Int64Value(2880), nil},
		{"null", types.Int64Null(), nil},
		{"unknown", types.Int64Unknown(), nil},
		{"not a multiple of 15", types.Int64Value(20), []wantDiag{{
			attribute, "Invalid Snapshot Copy Duration",
			"The snapshot_copy_completion_duration_minutes value 20 minutes is not a completion duration: use a multiple of 15 from 15 to 2880 (48 hours), such as 15 or 30.",
		}}},
		// Out of range is reported once, by the range check alone.
		{"below the range", types.Int64Value(7), []wantDiag{{attribute, "Invalid Attribute Value", "must be between 15 and 2880, got: 7"}}},
		{"above the range", types.Int64Value(2895), []wantDiag{{attribute, "Invalid Attribute Value", "must be between 15 and 2880, got: 2895"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			values := map[string]any{}
			switch {
			case tc.value.IsUnknown():
				values[attribute] = unknown{}
			case !tc.value.IsNull():
				values[attribute] = tc.value.ValueInt64()
			}
			config := placementConfig(t, values)
			var diags diag.Diagnostics
			for _, v := range snapshotCopyMinutesValidators() {
				req := validator.Int64Request{Path: path.Root(attribute), PathExpression: path.MatchRoot(attribute), ConfigValue: tc.value, Config: config}
				resp := &validator.Int64Response{}
				v.ValidateInt64(t.Context(), req, resp)
				diags.Append(resp.Diagnostics...)
			}
			assertDiags(t, diags, tc.want)
		})
	}
}

func TestValidatorDescriptions(t *testing.T) {
	t.Parallel()

	ctx := t.Context()
	for _, v := range []validator.String{
		regionNameValidator(), kmsKeyIDValidator(), outpostARNValidator(), localZoneNameValidator(), localZoneIDValidator(), sourceImageIDValidator(),
	} {
		if v.Description(ctx) == "" || v.MarkdownDescription(ctx) != v.Description(ctx) {
			t.Errorf("%T: description %q, markdown %q", v, v.Description(ctx), v.MarkdownDescription(ctx))
		}
	}
	for _, v := range snapshotCopyMinutesValidators() {
		if v.Description(ctx) == "" || v.MarkdownDescription(ctx) == "" {
			t.Errorf("%T has no description", v)
		}
	}
	for _, v := range imageConfigValidators() {
		if v.Description(ctx) == "" || v.MarkdownDescription(ctx) != v.Description(ctx) {
			t.Errorf("%T: description %q, markdown %q", v, v.Description(ctx), v.MarkdownDescription(ctx))
		}
	}
}

// placementSchema is amicopy_image's schema, so that test configurations
// read as the resource's do.
var placementSchema = func() schema.Schema {
	resp := &resource.SchemaResponse{}
	NewImageResource().Schema(context.Background(), resource.SchemaRequest{}, resp)
	return resp.Schema
}()

// unknown marks a configuration value that is known only at apply.
type unknown struct{}

// placementConfig builds a configuration from attribute values: a string,
// bool or int, unknown{} for an unknown value; absent attributes are null.
func placementConfig(t *testing.T, values map[string]any) tfsdk.Config {
	t.Helper()
	objectType, ok := placementSchema.Type().TerraformType(t.Context()).(tftypes.Object)
	if !ok {
		t.Fatal("placementSchema is not an object")
	}
	raw := map[string]tftypes.Value{}
	for name, typ := range objectType.AttributeTypes {
		v, set := values[name]
		switch {
		case !set:
			raw[name] = tftypes.NewValue(typ, nil)
		case v == unknown{}:
			raw[name] = tftypes.NewValue(typ, tftypes.UnknownValue)
		default:
			if i, isInt := v.(int); isInt {
				v = int64(i)
			}
			raw[name] = tftypes.NewValue(typ, v)
		}
	}
	for name := range values {
		if _, ok := objectType.AttributeTypes[name]; !ok {
			t.Fatalf("placementSchema has no attribute %q", name)
		}
	}
	return tfsdk.Config{Schema: placementSchema, Raw: tftypes.NewValue(objectType, raw)}
}

func TestImageConfigValidators(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name   string
		values map[string]any
		want   []wantDiag
	}{
		{"minimal", map[string]any{"source_region": "us-east-1"}, nil},
		{"encrypted with a key", map[string]any{"kms_key_id": "alias/k", "encrypted": true}, nil},
		{"key with encrypted unknown", map[string]any{"kms_key_id": "alias/k", "encrypted": unknown{}}, nil},
		{"key unknown without encrypted", map[string]any{"kms_key_id": unknown{}}, nil},
		{"key without encrypted", map[string]any{"kms_key_id": "alias/k"}, []wantDiag{{
			"kms_key_id", "KMS Key Requires Encryption", `kms_key_id is "alias/k" but encrypted is not set.`,
		}}},
		{"key with encrypted false", map[string]any{"kms_key_id": "alias/k", "encrypted": false}, []wantDiag{{
			"kms_key_id", "KMS Key Requires Encryption", "but encrypted = false",
		}}},
		{"outpost with encrypted unset", map[string]any{"destination_outpost_arn": testOutpostARN}, nil},
		{"outpost unknown with encrypted false", map[string]any{"destination_outpost_arn": unknown{}, "encrypted": false}, nil},
		{"outpost with encrypted false", map[string]any{"destination_outpost_arn": testOutpostARN, "encrypted": false}, []wantDiag{{
			"encrypted", "Outpost Copies Must Be Encrypted", "Outposts do not support unencrypted snapshots",
		}}},
		{"region mismatches are left to the plan", map[string]any{"region": "us-east-1", "source_region": "eu-west-1", "kms_key_id": testKMSKeyARN, "encrypted": true}, nil},
		{"every rule at once", map[string]any{
			"kms_key_id": "alias/k", "encrypted": false, "destination_outpost_arn": testOutpostARN,
			"destination_availability_zone_id": "usw2-lax1-az1", "snapshot_copy_completion_duration_minutes": 30,
		}, []wantDiag{
			{"kms_key_id", "KMS Key Requires Encryption", "encrypted = false"},
			{"encrypted", "Outpost Copies Must Be Encrypted", "encrypted = false cannot be used with destination_outpost_arn"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := resource.ValidateConfigRequest{Config: placementConfig(t, tc.values)}
			var diags diag.Diagnostics
			for _, v := range imageConfigValidators() {
				resp := &resource.ValidateConfigResponse{}
				v.ValidateResource(t.Context(), req, resp)
				diags.Append(resp.Diagnostics...)
			}
			assertDiags(t, diags, tc.want)
		})
	}
}

// configModel reads a configuration into the resource's model, as the
// configuration validators and ModifyPlan do.
func configModel(t *testing.T, values map[string]any) imageResourceModel {
	t.Helper()
	var model imageResourceModel
	if diags := placementConfig(t, values).Get(t.Context(), &model); diags.HasError() {
		t.Fatalf("reading the configuration: %v", diags)
	}
	return model
}

func TestPlacementInput(t *testing.T) {
	t.Parallel()

	config := configModel(t, map[string]any{
		"region": "us-west-2", "source_region": unknown{}, "kms_key_id": "alias/k", "encrypted": unknown{},
		"destination_availability_zone": "us-west-2-lax-1a", "snapshot_copy_completion_duration_minutes": 45,
	})
	want := ami.PlacementInput{
		Region: "us-west-2", KMSKeyID: "alias/k", EncryptedUnknown: true, DestinationAvailabilityZone: "us-west-2-lax-1a",
	}
	if in := placementInput(config, config); in.Encrypted != nil || in != want {
		t.Fatalf("placementInput = %+v, want %+v", in, want)
	}

	config = configModel(t, map[string]any{"encrypted": true})
	if in := placementInput(config, config); in.Encrypted == nil || !*in.Encrypted || in.EncryptedUnknown {
		t.Fatalf("encrypted = true read as %v, unknown %v", in.Encrypted, in.EncryptedUnknown)
	}

	// ModifyPlan passes a plan whose Region is the provider's and whose
	// encrypted is filled in: the Regions come from the plan, and encrypted
	// from the configuration.
	config = configModel(t, map[string]any{"source_region": "us-east-1", "destination_outpost_arn": testOutpostARN})
	plan := config
	plan.Region = types.StringValue("us-west-2")
	plan.Encrypted = types.BoolValue(true)
	want = ami.PlacementInput{Region: "us-west-2", SourceRegion: "us-east-1", DestinationOutpostARN: testOutpostARN}
	if in := placementInput(plan, config); in.Encrypted != nil || in != want {
		t.Fatalf("placementInput(plan, config) = %+v, want %+v", in, want)
	}
}

func TestPlacementRuleValidatorSchemaMismatch(t *testing.T) {
	t.Parallel()

	// A schema without the attributes is a programming error, reported as such.
	bare := tfsdk.Config{Schema: schema.Schema{}, Raw: tftypes.NewValue(tftypes.Object{}, map[string]tftypes.Value{})}
	resp := &resource.ValidateConfigResponse{}
	imageConfigValidators()[0].ValidateResource(t.Context(), resource.ValidateConfigRequest{Config: bare}, resp)
	if !resp.Diagnostics.HasError() {
		t.Fatal("expected errors reading attributes missing from the schema")
	}
}

func TestAddPlacementDiagnostics(t *testing.T) {
	t.Parallel()

	encrypted := true
	tests := []struct {
		name         string
		in           ami.PlacementInput
		fromProvider bool
		want         []wantDiag
	}{
		{"nothing placed", ami.PlacementInput{Region: "us-west-2", SourceRegion: "us-east-1"}, false, nil},
		{"region unknown", ami.PlacementInput{KMSKeyID: testKMSKeyARN, Encrypted: &encrypted}, false, nil},
		{"all in one region", ami.PlacementInput{
			Region: "us-west-2", SourceRegion: "us-west-2", KMSKeyID: testKMSKeyARN, Encrypted: &encrypted, DestinationOutpostARN: testOutpostARN,
		}, false, nil},
		// Region-free rules belong to the config validators and are not repeated.
		{"region-free rule", ami.PlacementInput{Region: "us-west-2", KMSKeyID: "alias/k"}, false, nil},
		{"key in another region", ami.PlacementInput{Region: "eu-west-1", KMSKeyID: testKMSKeyARN, Encrypted: &encrypted}, true, []wantDiag{{
			"kms_key_id", "KMS Key Not in Destination Region",
			`is a key in Region us-west-2, but the image is copied to Region eu-west-1 (the provider's region)`,
		}}},
		{"outpost from another region", ami.PlacementInput{Region: "us-west-2", SourceRegion: "us-east-1", DestinationOutpostARN: testOutpostARN}, false, []wantDiag{{
			"source_region", "Source Region Not the Outpost's Region", "cannot copy from an Outpost, between Outposts or within one Outpost",
		}}},
		{"local zone of another region", ami.PlacementInput{Region: "us-east-1", SourceRegion: "us-east-1", DestinationAvailabilityZone: "us-west-2-lax-1a"}, false, []wantDiag{
			{"destination_availability_zone", "Local Zone Not in Destination Region", `set region = "us-west-2"`},
			{"source_region", "Source Region Not the Local Zone's Parent Region", "belongs to Region us-west-2"},
		}},
		{"local zone ID of another region", ami.PlacementInput{Region: "us-east-1", DestinationAvailabilityZoneID: "usw2-lax1-az1"}, false, []wantDiag{{
			"destination_availability_zone_id", "Local Zone Not in Destination Region", `whose zone IDs start with "use1-"`,
		}}},
		// The full wording, moved here from the ami package's rule tests.
		{"key ARN in another region, region set", ami.PlacementInput{Region: "eu-west-1", KMSKeyID: testKMSKeyARN}, false, []wantDiag{{
			"kms_key_id", "KMS Key Not in Destination Region",
			`kms_key_id "` + testKMSKeyARN + `" is a key in Region us-west-2, but the image is copied to Region eu-west-1 (region). ` +
				`EC2 needs the KMS key to exist in the destination Region: use a key (or a multi-Region replica key) in eu-west-1, or set region = "us-west-2".`,
		}}},
		{"outpost of another region", ami.PlacementInput{Region: "us-east-1", SourceRegion: "us-west-2", DestinationOutpostARN: testOutpostARN}, false, []wantDiag{{
			"destination_outpost_arn", "Outpost Not in Destination Region",
			`destination_outpost_arn "` + testOutpostARN + `" is an Outpost of Region us-west-2, but the image is copied to Region us-east-1 (region). ` +
				`A copy to an Outpost is made in the Outpost's parent Region: set region = "us-west-2", or choose an Outpost of us-east-1.`,
		}}},
		{"source region is not the outpost's", ami.PlacementInput{Region: "us-west-2", SourceRegion: "us-east-1", DestinationOutpostARN: testOutpostARN}, false, []wantDiag{{
			"source_region", "Source Region Not the Outpost's Region",
			`source_region is "us-east-1", but the Outpost in destination_outpost_arn belongs to Region us-west-2. ` +
				`EC2 copies an AMI to an Outpost only from the Outpost's parent Region, and cannot copy from an Outpost, between Outposts or within one Outpost: ` +
				`copy the AMI to us-west-2 first (for example with another amicopy_image), then set source_region = "us-west-2" and use that copy as source_image_id.`,
		}}},
		{"local zone of another region, from a non-parent source", ami.PlacementInput{Region: "us-west-2", SourceRegion: "us-west-2", DestinationAvailabilityZone: "us-east-1-bos-1a"}, false, []wantDiag{
			{"destination_availability_zone", "Local Zone Not in Destination Region",
				`destination_availability_zone "us-east-1-bos-1a" is a Local Zone of Region us-east-1, but the image is copied to Region us-west-2 (region). ` +
					`A copy to a Local Zone is made in its parent Region: set region = "us-east-1", or choose a Local Zone of us-west-2 (its name starts with "us-west-2-").`},
			{"source_region", "Source Region Not the Local Zone's Parent Region",
				`source_region is "us-west-2", but the Local Zone in destination_availability_zone ("us-east-1-bos-1a") belongs to Region us-east-1. ` +
					`EC2 copies an AMI to a Local Zone only from its parent Region or another Local Zone of it: copy the AMI to the parent Region first, then copy that image to the Local Zone.`},
		}},
		{"local zone ID of another region, from the provider", ami.PlacementInput{Region: "us-east-1", DestinationAvailabilityZoneID: "usw2-lax1-az1"}, true, []wantDiag{{
			"destination_availability_zone_id", "Local Zone Not in Destination Region",
			`destination_availability_zone_id "usw2-lax1-az1" is a Local Zone of the Region with code usw2, but the image is copied to Region us-east-1 (the provider's region), whose zone IDs start with "use1-". ` +
				`A copy to a Local Zone is made in its parent Region: set the Region to the zone's parent, or choose a Local Zone of us-east-1.`,
		}}},
		{"local zone ID from a non-parent source region", ami.PlacementInput{Region: "us-west-2", SourceRegion: "us-east-1", DestinationAvailabilityZoneID: "usw2-lax1-az1"}, false, []wantDiag{{
			"source_region", "Source Region Not the Local Zone's Parent Region",
			`source_region is "us-east-1", but the Local Zone in destination_availability_zone_id ("usw2-lax1-az1") belongs to the Region with code usw2.`,
		}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var diags diag.Diagnostics
			addPlacementDiagnostics(&diags, tc.in, tc.fromProvider)
			assertDiags(t, diags, tc.want)
		})
	}
}

func TestViolationDiagnosticCoversEveryRule(t *testing.T) {
	t.Parallel()

	for rule := ami.RuleKMSKeyRequiresEncryption; rule <= ami.RuleSourceNotLocalZoneParent; rule++ {
		d := violationDiagnostic(ami.Violation{Rule: rule, Field: ami.FieldSourceRegion, Value: "v", ValueRegion: "us-west-2", Region: "us-east-1"}, false)
		if d.Summary() == "Invalid Placement" || !strings.HasSuffix(d.Detail(), ".") {
			t.Errorf("rule %d has no message of its own: %s: %s", rule, d.Summary(), d.Detail())
		}
	}
	for field, attribute := range fieldAttributes {
		if field < ami.FieldRegion || field > ami.FieldDestinationAvailabilityZoneID || attribute == "" {
			t.Errorf("field %d maps to %q", field, attribute)
		}
		if _, ok := placementSchema.Attributes[attribute]; !ok {
			t.Errorf("field %d maps to %q, which amicopy_image does not have", field, attribute)
		}
	}
	if len(fieldAttributes) != int(ami.FieldDestinationAvailabilityZoneID) {
		t.Errorf("fieldAttributes maps %d fields, want %d", len(fieldAttributes), ami.FieldDestinationAvailabilityZoneID)
	}
}

// TestReadPlacementAttributesMatchesGetAttribute checks that the placement
// rules' direct read of the configuration gives what GetAttribute gives,
// for known, null and unknown values and for a configuration that is
// unknown as a whole.
func TestReadPlacementAttributesMatchesGetAttribute(t *testing.T) {
	ctx := context.Background()
	sch := imageSchemaForTest()
	imageType := sch.Type().TerraformType(ctx)
	unknownString := tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	for name, raw := range map[string]tftypes.Value{
		"known": imageState(t, imageType, map[string]tftypes.Value{
			"kms_key_id": str("arn:aws:kms:us-west-2:123456789012:key/k"), "encrypted": tftypes.NewValue(tftypes.Bool, true),
			"destination_outpost_arn":       str("arn:aws:outposts:us-west-2:123456789012:outpost/op-0123456789abcdef0"),
			"destination_availability_zone": str("us-west-2-lax-1a"), "destination_availability_zone_id": str("usw2-lax1-az1"),
		}),
		"null":                  imageState(t, imageType, map[string]tftypes.Value{"region": {}, "source_region": {}, "encrypted": {}}),
		"unknown":               imageState(t, imageType, map[string]tftypes.Value{"region": unknownString, "kms_key_id": unknownString, "encrypted": tftypes.NewValue(tftypes.Bool, tftypes.UnknownValue)}),
		"unknown configuration": tftypes.NewValue(imageType, tftypes.UnknownValue),
	} {
		t.Run(name, func(t *testing.T) {
			config := tfsdk.Config{Raw: raw, Schema: sch}
			got, gotDiags := readPlacementAttributes(ctx, config)
			var want imageResourceModel
			var wantDiags diag.Diagnostics
			for attribute, target := range map[string]any{
				"region": &want.Region, "source_region": &want.SourceRegion, "kms_key_id": &want.KMSKeyID, "encrypted": &want.Encrypted,
				"destination_outpost_arn": &want.DestinationOutpostARN, "destination_availability_zone": &want.DestinationAvailabilityZone,
				"destination_availability_zone_id": &want.DestinationAvailabilityZoneID,
			} {
				wantDiags.Append(config.GetAttribute(ctx, path.Root(attribute), target)...)
			}
			if !gotDiags.Equal(wantDiags) {
				t.Fatalf("diagnostics %v, GetAttribute's %v", gotDiags, wantDiags)
			}
			if !reflect.DeepEqual(placementInput(got, got), placementInput(want, want)) || !got.Encrypted.Equal(want.Encrypted) || !got.Region.Equal(want.Region) || !got.KMSKeyID.Equal(want.KMSKeyID) {
				t.Fatalf("read %+v, GetAttribute reads %+v", placementInput(got, got), placementInput(want, want))
			}
		})
	}
}
