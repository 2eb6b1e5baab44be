package provider

import (
	"bytes"
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"
)

// TestServerPlanShortcut checks when the unchanged-plan shortcut answers,
// and that its answer is the framework's own.
func TestServerPlanShortcut(t *testing.T) {
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ACCESS_KEY_ID", "testing")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "testing")

	tests := []struct {
		name         string
		defaultTags  map[string]string
		change       map[string]tftypes.Value // applied to the prior state
		propose      map[string]tftypes.Value // applied to the proposed state only
		wantShortcut bool
		wantChange   bool // the framework must plan a change: the shortcut must decline
	}{
		{name: "nothing changes", wantShortcut: true},
		{name: "nothing changes, with what EC2 reports about the copy", wantShortcut: true, change: map[string]tftypes.Value{
			"usage_operation": str("RunInstances:0002"), "hypervisor": str("xen"), "platform": str("windows"),
			"public": tftypes.NewValue(tftypes.Bool, false), "root_snapshot_id": str("snap-0123456789abcdef0"),
		}},
		{name: "the description changes", propose: map[string]tftypes.Value{"description": str("new")}},
		{name: "a tag changes", propose: map[string]tftypes.Value{"tags": strMap(map[string]string{"Name": "other"})}},
		{name: "a defaulted attribute is not at its default", change: map[string]tftypes.Value{"delete_snapshots": tftypes.NewValue(tftypes.Bool, false)}},
		{name: "default tags already applied", defaultTags: map[string]string{"team": "a"},
			change: map[string]tftypes.Value{"tags_all": strMap(map[string]string{"Name": "x", "team": "a"})}, wantShortcut: true},
		{name: "a default tag not applied yet", defaultTags: map[string]string{"team": "a"}, wantChange: true},
		{name: "a default tag overridden by the resource's own", defaultTags: map[string]string{"Name": "y"}, wantShortcut: true},
		{name: "a default tag with an empty value not applied yet", defaultTags: map[string]string{"owner": ""}, wantChange: true},
		// Maps of one key, so that their encodings cannot differ in order.
		{name: "a default tag with an empty value applied", defaultTags: map[string]string{"owner": ""},
			change: map[string]tftypes.Value{"tags": {}, "tags_all": strMap(map[string]string{"owner": ""})}, wantShortcut: true},
		{name: "a default tag removed from the provider",
			change: map[string]tftypes.Value{"tags": {}, "tags_all": strMap(map[string]string{"owner": "a"})}, wantChange: true},
		{name: "a default tag removed, another kept", defaultTags: map[string]string{"team": "a"},
			change: map[string]tftypes.Value{"tags_all": strMap(map[string]string{"Name": "x", "team": "a", "owner": "a"})}, wantChange: true},
		{name: "a copy still pending", change: map[string]tftypes.Value{"state": str("pending")}, wantChange: true},
		{name: "a failed copy", change: map[string]tftypes.Value{"state": str("failed")}, wantChange: true},
	}
	// Terraform sorts map keys when it encodes a state, but the same value
	// may arrive as other bytes: the shortcut must decide on values.
	encodings := []struct {
		name   string
		encode func(*testing.T, *tfprotov6.DynamicValue) *tfprotov6.DynamicValue
	}{
		{"same encoding", func(_ *testing.T, dv *tfprotov6.DynamicValue) *tfprotov6.DynamicValue { return dv }},
		{"map entries in another order", reverseMapEntries},
	}
	for _, tt := range tests {
		for _, enc := range encodings {
			t.Run(tt.name+"/"+enc.name, func(t *testing.T) {
				ctx := context.Background()
				s, ok := NewServer("test")().(*server)
				if !ok {
					t.Fatal("NewServer did not return *server")
				}
				configureForTest(ctx, t, s, tt.defaultTags)

				imageType := s.imageObjectType(ctx)
				prior := imageState(t, imageType, tt.change)
				proposed := imageState(t, imageType, merge(tt.change, tt.propose))
				config := imageState(t, imageType, merge(merge(tt.change, tt.propose), computedOnlyNull))
				req := &tfprotov6.PlanResourceChangeRequest{
					TypeName:         "amicopy_image",
					PriorState:       dynamicValue(t, imageType, prior),
					ProposedNewState: enc.encode(t, dynamicValue(t, imageType, proposed)),
					Config:           dynamicValue(t, imageType, config),
				}

				if got := s.planIsUnchanged(ctx, req); got != tt.wantShortcut {
					t.Fatalf("planIsUnchanged = %v, want %v", got, tt.wantShortcut)
				}
				checkFrameworkAgrees(ctx, t, s, req, prior, tt.wantShortcut, tt.wantChange)
			})
		}
	}
}

// checkFrameworkAgrees checks that, where the shortcut answers, the
// framework would plan the prior state too, with no replacement and no
// diagnostics; and, where the shortcut steps aside for a change it must
// not hide (wantChange), that the framework plans that change.
func checkFrameworkAgrees(ctx context.Context, t *testing.T, s *server, req *tfprotov6.PlanResourceChangeRequest, prior tftypes.Value, shortcut, wantChange bool) {
	t.Helper()
	imageType := s.imageObjectType(ctx)
	if !shortcut && !wantChange {
		return
	}
	framework, err := s.ProviderServer.PlanResourceChange(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if !shortcut {
		if planned, err := framework.PlannedState.Unmarshal(imageType); err != nil || planned.Equal(prior) {
			t.Errorf("the framework plans the prior state (%v), want a change", err)
		}
		return
	}
	for _, d := range framework.Diagnostics {
		t.Errorf("framework diagnostic: %s: %s", d.Summary, d.Detail)
	}
	if len(framework.RequiresReplace) > 0 {
		t.Errorf("framework plans a replacement: %v", framework.RequiresReplace)
	}
	planned, err := framework.PlannedState.Unmarshal(imageType)
	if err != nil {
		t.Fatal(err)
	}
	if !planned.Equal(prior) {
		t.Errorf("the framework plans %v, but the shortcut would plan the prior state %v", planned, prior)
	}
}

// reverseMapEntries re-encodes a msgpack value with the entries of every map
// in reverse order: the same value in other bytes, as an encoder that
// iterates a Go map may write it.
func reverseMapEntries(t *testing.T, dv *tfprotov6.DynamicValue) *tfprotov6.DynamicValue {
	t.Helper()
	var out bytes.Buffer
	if err := copyReversingMaps(msgpack.NewDecoder(bytes.NewReader(dv.MsgPack)), &out); err != nil {
		t.Fatalf("re-encoding msgpack: %v", err)
	}
	if bytes.Equal(out.Bytes(), dv.MsgPack) {
		t.Fatal("re-encoding left the bytes as they were; the test needs a value with a map of two or more entries")
	}
	return &tfprotov6.DynamicValue{MsgPack: out.Bytes()}
}

// copyReversingMaps copies one msgpack value from d to w, reversing the
// order of the entries of every map in it.
func copyReversingMaps(d *msgpack.Decoder, w *bytes.Buffer) error {
	code, err := d.PeekCode()
	if err != nil {
		return err
	}
	e := msgpack.NewEncoder(w)
	switch {
	case msgpcode.IsFixedMap(code) || code == msgpcode.Map16 || code == msgpcode.Map32:
		n, err := d.DecodeMapLen()
		if err != nil {
			return err
		}
		entries := make([]bytes.Buffer, n)
		for i := range entries {
			// A key, then its value.
			for range 2 {
				if err := copyReversingMaps(d, &entries[i]); err != nil {
					return err
				}
			}
		}
		if err := e.EncodeMapLen(n); err != nil {
			return err
		}
		for i := n - 1; i >= 0; i-- {
			w.Write(entries[i].Bytes())
		}
	case msgpcode.IsFixedArray(code) || code == msgpcode.Array16 || code == msgpcode.Array32:
		n, err := d.DecodeArrayLen()
		if err != nil {
			return err
		}
		if err := e.EncodeArrayLen(n); err != nil {
			return err
		}
		for range n {
			if err := copyReversingMaps(d, w); err != nil {
				return err
			}
		}
	default:
		raw, err := d.DecodeRaw()
		if err != nil {
			return err
		}
		w.Write(raw)
	}
	return nil
}

// computedOnlyNull nulls, in a configuration, the attributes users cannot set.
var computedOnlyNull = func() map[string]tftypes.Value {
	m := map[string]tftypes.Value{}
	for _, name := range []string{"arn", "architecture", "boot_mode", "creation_date", "ena_support", "id", "owner_id",
		"platform_details", "root_device_name", "state", "tags_all", "virtualization_type", "snapshot_ids", "block_device_mappings",
		"hypervisor", "image_location", "image_owner_alias", "image_type", "imds_support", "kernel_id", "platform", "public",
		"ramdisk_id", "root_snapshot_id", "sriov_net_support", "tpm_support", "usage_operation"} {
		m[name] = tftypes.Value{} // replaced by a typed null in imageState
	}
	return m
}()

// configureForTest configures the provider with optional default tags.
func configureForTest(ctx context.Context, t *testing.T, s *server, defaultTags map[string]string) {
	t.Helper()
	schema, err := s.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	providerType := schema.Provider.ValueType()
	objectType, ok := providerType.(tftypes.Object)
	if !ok {
		t.Fatalf("provider schema type is %T", providerType)
	}
	attrs := map[string]tftypes.Value{}
	for name, typ := range objectType.AttributeTypes {
		attrs[name] = tftypes.NewValue(typ, nil)
	}
	if defaultTags != nil {
		blockType := objectType.AttributeTypes["default_tags"].(tftypes.Object) //nolint:forcetypeassert // the schema says so
		attrs["default_tags"] = tftypes.NewValue(blockType, map[string]tftypes.Value{"tags": strMap(defaultTags)})
	}
	resp, err := s.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{
		Config: dynamicValue(t, providerType, tftypes.NewValue(providerType, attrs)),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		t.Fatalf("ConfigureProvider: %s: %s", d.Summary, d.Detail)
	}
}

// imageState is a plausible amicopy_image state with the given changes.
func imageState(t *testing.T, imageType tftypes.Type, changes map[string]tftypes.Value) tftypes.Value {
	t.Helper()
	objectType, ok := imageType.(tftypes.Object)
	if !ok {
		t.Fatalf("image type is %T", imageType)
	}
	attrs := map[string]tftypes.Value{}
	for name, typ := range objectType.AttributeTypes {
		attrs[name] = tftypes.NewValue(typ, nil)
	}
	for name, v := range map[string]tftypes.Value{
		"id": str("ami-0123456789abcdef0"), "arn": str("arn:aws:ec2:us-east-1::image/ami-0123456789abcdef0"),
		"name": str("copy"), "source_image_id": str("ami-03cf127a"), "source_region": str("us-east-1"),
		"region": str("us-east-1"), "description": str("a copy"), "state": str("available"),
		"client_token": str("amicopy-0123"), "encrypted": tftypes.NewValue(tftypes.Bool, false),
		"tags": strMap(map[string]string{"Name": "x"}), "tags_all": strMap(map[string]string{"Name": "x"}),
	} {
		attrs[name] = v
	}
	for name, v := range imageDefaults {
		attrs[name] = v
	}
	for name, v := range changes {
		if v.Type() == nil {
			v = tftypes.NewValue(objectType.AttributeTypes[name], nil)
		}
		attrs[name] = v
	}
	return tftypes.NewValue(imageType, attrs)
}

func dynamicValue(t *testing.T, typ tftypes.Type, v tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	dv, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

func str(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

func strMap(m map[string]string) tftypes.Value {
	values := map[string]tftypes.Value{}
	for k, v := range m {
		values[k] = str(v)
	}
	return tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, values)
}

func merge(a, b map[string]tftypes.Value) map[string]tftypes.Value {
	out := map[string]tftypes.Value{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}
