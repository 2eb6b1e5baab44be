package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"math/big"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/float64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
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
		private      string                   // prior private state
		edit         func(*tfprotov6.PlanResourceChangeRequest)
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
		// tags = { a = null }: no tag a, so tags_all has none either.
		{name: "a null tag value", wantShortcut: true, change: map[string]tftypes.Value{"tags": tagsWithNull(map[string]string{}, "a"), "tags_all": strMap(map[string]string{})}},
		{name: "a null tag value beside a default tag", defaultTags: map[string]string{"team": "a"}, wantShortcut: true,
			change: map[string]tftypes.Value{"tags": tagsWithNull(map[string]string{}, "a"), "tags_all": strMap(map[string]string{"team": "a"})}},
		{name: "a null tag value overriding nothing of a default tag", defaultTags: map[string]string{"a": "d"}, wantShortcut: true,
			change: map[string]tftypes.Value{"tags": tagsWithNull(map[string]string{}, "a"), "tags_all": strMap(map[string]string{"a": "d"})}},
		// The framework plans tags_all = {}: the shortcut once read the null
		// as "" and took this tags_all for applied.
		{name: "a null tag value that tags_all still holds", wantChange: true,
			change: map[string]tftypes.Value{"tags": tagsWithNull(map[string]string{}, "a"), "tags_all": strMap(map[string]string{"a": ""})}},
		{name: "a copy still pending", change: map[string]tftypes.Value{"state": str("pending")}, wantChange: true},
		{name: "a failed copy", change: map[string]tftypes.Value{"state": str("failed")}, wantChange: true},
		{name: "shared, nothing changes", wantShortcut: true, change: map[string]tftypes.Value{
			"launch_permission": launchPermissionValue(t, []string{"111122223333"}, nil),
		}},
		{name: "shared, the accounts change", change: map[string]tftypes.Value{
			"launch_permission": launchPermissionValue(t, []string{"111122223333"}, nil),
		}, propose: map[string]tftypes.Value{"launch_permission": launchPermissionValue(t, []string{"444455556666"}, nil)}},
		{name: "private state as Read leaves it", private: trackedCopyPrivate, wantShortcut: true},
		{name: "copied source tags kept", private: `{"copied_tag_keys":"WyJzcmMiXQ==","tracked_copy":"eyJpZCI6ImFtaS0wMTIzNDU2Nzg5YWJjZGVmMCJ9"}`,
			change: map[string]tftypes.Value{"tags": {}, "tags_all": strMap(map[string]string{"src": "copied"})}, wantShortcut: true},
		// What the shortcut does not model goes to the framework.
		{name: "adopting (import or moved)", private: `{"imported":"dHJ1ZQ=="}`},
		{name: "a deregistration cooldown running", private: `{"deregistration_cooldown":"ImRpc2FibGVkLXVudGlsIDI5OTktMDEtMDFUMDA6MDA6MDAuMDAwWiI="}`},
		{name: "a framework private-state key", private: `{".frameworkkey":"dHJ1ZQ=="}`},
		{name: "a private-state key of another version", private: `{"something_new":"dHJ1ZQ=="}`},
		{name: "private state in another key order", private: `{"tracked_copy":"eyJpZCI6ImFtaS0wMTIzNDU2Nzg5YWJjZGVmMCJ9","state_reason":"IngiIg=="}`},
		{name: "private state with an empty value", private: `{"state_reason":"","tracked_copy":"eyJpZCI6ImFtaS0wMTIzNDU2Nzg5YWJjZGVmMCJ9"}`},
		{name: "a prior identity", edit: func(req *tfprotov6.PlanResourceChangeRequest) {
			req.PriorIdentity = &tfprotov6.ResourceIdentityData{IdentityData: dynamicValue(t, tftypes.Object{}, tftypes.NewValue(tftypes.Object{}, map[string]tftypes.Value{}))}
		}},
		{name: "deferral allowed", edit: func(req *tfprotov6.PlanResourceChangeRequest) {
			req.ClientCapabilities = &tfprotov6.PlanResourceChangeClientCapabilities{DeferralAllowed: true}
		}},
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
					PriorPrivate:     []byte(tt.private),
				}
				if tt.edit != nil {
					tt.edit(req)
				}

				if got := s.planIsUnchanged(ctx, req); got != tt.wantShortcut {
					t.Fatalf("planIsUnchanged = %v, want %v", got, tt.wantShortcut)
				}
				checkFrameworkAgrees(ctx, t, s, req, prior, tt.wantShortcut, tt.wantChange)
			})
		}
	}
}

// trackedCopyPrivate is private state as Read leaves it for an available
// copy.
const trackedCopyPrivate = `{"tracked_copy":"eyJpZCI6ImFtaS0wMTIzNDU2Nzg5YWJjZGVmMCIsIm5hbWUiOiJjb3B5Iiwic2tpcF9kZXN0cm95IjpmYWxzZX0="}`

// launchPermissionValue is a launch_permission object.
func launchPermissionValue(t *testing.T, accountIDs []string, public *bool) tftypes.Value {
	t.Helper()
	imageType := readImageSchema(context.Background(), imageSchemaForTest()).objectType.(tftypes.Object) //nolint:forcetypeassert // the schema says so
	launchType := imageType.AttributeTypes["launch_permission"].(tftypes.Object)                         //nolint:forcetypeassert // the schema says so
	attrs := map[string]tftypes.Value{}
	for name, typ := range launchType.AttributeTypes {
		attrs[name] = tftypes.NewValue(typ, nil)
	}
	ids := make([]tftypes.Value, len(accountIDs))
	for i, id := range accountIDs {
		ids[i] = str(id)
	}
	attrs["account_ids"] = tftypes.NewValue(launchType.AttributeTypes["account_ids"], ids)
	if public != nil {
		attrs["public"] = tftypes.NewValue(tftypes.Bool, *public)
	}
	return tftypes.NewValue(launchType, attrs)
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
	if !bytes.Equal(framework.PlannedPrivate, req.PriorPrivate) {
		t.Errorf("the framework plans private state %q, the shortcut %q", framework.PlannedPrivate, req.PriorPrivate)
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
func configureForTest(ctx context.Context, t testing.TB, s *server, defaultTags map[string]string) {
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
func imageState(t testing.TB, imageType tftypes.Type, changes map[string]tftypes.Value) tftypes.Value {
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
	for name, v := range readImageSchema(context.Background(), imageSchemaForTest()).defaults {
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

func dynamicValue(t testing.TB, typ tftypes.Type, v tftypes.Value) *tfprotov6.DynamicValue {
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

// BenchmarkServerUnchangedResource drives the calls Terraform makes for one
// unchanged amicopy_image in `plan -refresh=false`: ValidateResourceConfig,
// UpgradeResourceState (Terraform upgrades every instance's stored state)
// and PlanResourceChange, through the framework alone and through the
// server.
func BenchmarkServerUnchangedResource(b *testing.B) {
	b.Setenv("AWS_REGION", "us-east-1")
	b.Setenv("AWS_ACCESS_KEY_ID", "testing")
	b.Setenv("AWS_SECRET_ACCESS_KEY", "testing")
	ctx := context.Background()
	s, ok := NewServer("test")().(*server)
	if !ok {
		b.Fatal("NewServer did not return *server")
	}
	configureForTest(ctx, b, s, nil)
	imageType := s.imageObjectType(ctx)
	prior := imageState(b, imageType, realisticChanges(imageType))
	rawJSON, err := json.Marshal(valueToJSON(b, prior))
	if err != nil {
		b.Fatal(err)
	}
	upgrade := &tfprotov6.UpgradeResourceStateRequest{TypeName: "amicopy_image", RawState: &tfprotov6.RawState{JSON: rawJSON}}
	plan := &tfprotov6.PlanResourceChangeRequest{
		TypeName:         "amicopy_image",
		PriorState:       dynamicValue(b, imageType, prior),
		ProposedNewState: dynamicValue(b, imageType, prior),
		Config:           dynamicValue(b, imageType, imageState(b, imageType, merge(realisticChanges(imageType), computedOnlyNull))),
		PriorPrivate:     []byte(trackedCopyPrivate),
	}
	validate := &tfprotov6.ValidateResourceConfigRequest{TypeName: "amicopy_image", Config: plan.Config}
	for _, bm := range []struct {
		name string
		call func() error
	}{
		{"ValidateResourceConfig/framework", func() error { _, err := s.ProviderServer.ValidateResourceConfig(ctx, validate); return err }},
		{"ValidateResourceConfig/server", func() error { _, err := s.ValidateResourceConfig(ctx, validate); return err }},
		{"UpgradeResourceState/framework", func() error { _, err := s.ProviderServer.UpgradeResourceState(ctx, upgrade); return err }},
		{"UpgradeResourceState/server", func() error { _, err := s.UpgradeResourceState(ctx, upgrade); return err }},
		{"PlanResourceChange/framework", func() error { _, err := s.ProviderServer.PlanResourceChange(ctx, plan); return err }},
		{"PlanResourceChange/server", func() error { _, err := s.PlanResourceChange(ctx, plan); return err }},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := bm.call(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// realisticChanges fills in what EC2 reports about a copy, as a refresh
// leaves it in state.
func realisticChanges(imageType tftypes.Type) map[string]tftypes.Value {
	attrs := imageType.(tftypes.Object).AttributeTypes                                    //nolint:forcetypeassert // the schema says so
	bdmType := attrs["block_device_mappings"].(tftypes.List).ElementType.(tftypes.Object) //nolint:forcetypeassert // the schema says so
	bdm := map[string]tftypes.Value{}
	for name, typ := range bdmType.AttributeTypes {
		bdm[name] = tftypes.NewValue(typ, nil)
	}
	bdm["device_name"] = str("/dev/xvda")
	bdm["snapshot_id"] = str("snap-0123456789abcdef0")
	bdm["volume_type"] = str("gp3")
	bdm["volume_size"] = tftypes.NewValue(tftypes.Number, 8)
	bdm["encrypted"] = tftypes.NewValue(tftypes.Bool, false)
	bdm["delete_on_termination"] = tftypes.NewValue(tftypes.Bool, true)
	return map[string]tftypes.Value{
		"architecture": str("x86_64"), "boot_mode": str("uefi"), "creation_date": str("2024-01-01T00:00:00.000Z"),
		"ena_support": tftypes.NewValue(tftypes.Bool, true), "owner_id": str("123456789012"), "platform_details": str("Linux/UNIX"),
		"root_device_name": str("/dev/xvda"), "virtualization_type": str("hvm"), "hypervisor": str("xen"),
		"image_location": str("123456789012/copy"), "image_type": str("machine"), "public": tftypes.NewValue(tftypes.Bool, false),
		"root_snapshot_id": str("snap-0123456789abcdef0"), "sriov_net_support": str("simple"), "usage_operation": str("RunInstances"),
		"snapshot_ids":          tftypes.NewValue(attrs["snapshot_ids"], []tftypes.Value{str("snap-0123456789abcdef0")}),
		"block_device_mappings": tftypes.NewValue(attrs["block_device_mappings"], []tftypes.Value{tftypes.NewValue(bdmType, bdm)}),
	}
}

// valueToJSON is v as Terraform writes it in a state file.
func valueToJSON(t testing.TB, v tftypes.Value) any {
	t.Helper()
	if v.IsNull() {
		return nil
	}
	switch typ := v.Type().(type) {
	case tftypes.Object:
		var attrs map[string]tftypes.Value
		_ = v.As(&attrs)
		out := map[string]any{}
		for k, e := range attrs {
			out[k] = valueToJSON(t, e)
		}
		return out
	case tftypes.Map:
		var elems map[string]tftypes.Value
		_ = v.As(&elems)
		out := map[string]any{}
		for k, e := range elems {
			out[k] = valueToJSON(t, e)
		}
		return out
	case tftypes.List, tftypes.Set:
		var elems []tftypes.Value
		_ = v.As(&elems)
		out := []any{}
		for _, e := range elems {
			out = append(out, valueToJSON(t, e))
		}
		return out
	default:
		switch {
		case typ.Is(tftypes.String):
			var s string
			_ = v.As(&s)
			return s
		case typ.Is(tftypes.Bool):
			var b bool
			_ = v.As(&b)
			return b
		case typ.Is(tftypes.Number):
			var f big.Float
			_ = v.As(&f)
			return json.Number(f.Text('g', -1))
		}
	}
	t.Fatalf("no JSON for %s", v.Type())
	return nil
}

// imageSchemaForTest is the amicopy_image schema.
func imageSchemaForTest() schema.Schema {
	var resp resource.SchemaResponse
	(&imageResource{}).Schema(context.Background(), resource.SchemaRequest{}, &resp)
	return resp.Schema
}

// TestServerPlanShortcutMatchesFramework generates prior states and private
// states, plans each as Terraform plans an unchanged configuration, and
// checks that whenever the shortcut answers, the framework answers the same:
// the prior state, the same private state, no replacement, no diagnostics.
// It also checks that the shortcut both answers and declines, so that it
// cannot pass by declining everything.
//
// The generated states reach what ModifyPlan reads before its early
// return: deprecation times that have passed, null tag values, timeouts and
// every private-state key. A mutation shows that this test can fail: add to
// ModifyPlan, before its early return, a warning on any one of them, such as
//
//	var st imageResourceModel
//	_ = req.State.Get(ctx, &st)
//	if t, err := time.Parse(time.RFC3339, st.DeprecationTime.ValueString()); err == nil && t.Before(time.Now()) {
//		resp.Diagnostics.AddWarning("Deprecated", "")
//	}
//
// (or on !st.Timeouts.IsNull(), a null element of tags, or any key of
// req.Private), and this test fails with "framework diagnostic" for the
// plans the shortcut answers without it. Each of these was tried.
func TestServerPlanShortcutMatchesFramework(t *testing.T) {
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ACCESS_KEY_ID", "testing")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "testing")
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(11, 13)) //nolint:gosec // reproducible test data, not secrets
	answered, declined := 0, 0
	for _, defaultTags := range []map[string]string{nil, {"team": "a"}, {"Name": "y", "owner": ""}} {
		s, ok := NewServer("test")().(*server)
		if !ok {
			t.Fatal("NewServer did not return *server")
		}
		configureForTest(ctx, t, s, defaultTags)
		imageType := s.imageObjectType(ctx)
		for i := range 400 {
			gen := generatePlanCase(t, rng, imageType, defaultTags)
			name := fmt.Sprintf("default_tags=%v/%d", defaultTags, i)
			if !s.planIsUnchanged(ctx, gen.req) {
				declined++
				continue
			}
			answered++
			framework, err := s.ProviderServer.PlanResourceChange(ctx, gen.req)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range framework.Diagnostics {
				t.Errorf("%s: framework diagnostic: %s: %s\n%s", name, d.Summary, d.Detail, gen)
			}
			if len(framework.RequiresReplace) > 0 || framework.Deferred != nil || framework.PlannedIdentity != nil {
				t.Errorf("%s: framework plans a replacement %v, a deferral %v or an identity %v\n%s", name, framework.RequiresReplace, framework.Deferred, framework.PlannedIdentity, gen)
			}
			if planned, err := framework.PlannedState.Unmarshal(imageType); err != nil || !planned.Equal(gen.prior) {
				t.Errorf("%s: the framework plans %v (%v), the shortcut the prior state\n%s", name, planned, err, gen)
			}
			if !bytes.Equal(framework.PlannedPrivate, gen.req.PriorPrivate) {
				t.Errorf("%s: the framework plans private state %q, the shortcut %q\n%s", name, framework.PlannedPrivate, gen.req.PriorPrivate, gen)
			}
		}
	}
	t.Logf("the shortcut answered %d plans and declined %d", answered, declined)
	if answered < 50 || declined < 50 {
		t.Errorf("the generated cases must exercise both answers: answered %d, declined %d", answered, declined)
	}
}

// planCase is one generated unchanged plan.
type planCase struct {
	prior   tftypes.Value
	private string
	req     *tfprotov6.PlanResourceChangeRequest
}

func (c planCase) String() string {
	return fmt.Sprintf("prior: %v\nprivate: %s", c.prior, c.private)
}

// generatePlanCase makes a prior state from random choices for the
// attributes that steer the plan, and the request Terraform sends for an
// unchanged configuration: the proposed new state is the prior state, and
// the configuration is the prior state without what only the provider sets
// (computed-only attributes, and optional computed ones left unset).
func generatePlanCase(t *testing.T, rng *rand.Rand, imageType tftypes.Type, defaultTags map[string]string) planCase {
	t.Helper()
	attrs := imageType.(tftypes.Object).AttributeTypes //nolint:forcetypeassert // the schema says so
	pick := func(values ...tftypes.Value) tftypes.Value { return values[rng.IntN(len(values))] }
	// mostly picks the first value, under which the shortcut may answer,
	// four times in five, so that both answers are common.
	mostly := func(usual tftypes.Value, others ...tftypes.Value) tftypes.Value {
		if rng.IntN(5) > 0 {
			return usual
		}
		return pick(others...)
	}
	null := func(name string) tftypes.Value { return tftypes.NewValue(attrs[name], nil) }
	boolean := func(b bool) tftypes.Value { return tftypes.NewValue(tftypes.Bool, b) }
	accounts := func(ids ...string) tftypes.Value {
		values := make([]tftypes.Value, len(ids))
		for i, id := range ids {
			values[i] = str(id)
		}
		return tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, values)
	}

	raw := generatePrivate(rng)
	// A null element (tags = { a = var.unset }) is no tag: tags_all leaves
	// it out. Reading it as "" instead is the misreading whose tags_all
	// ("null read as empty" below) must not pass for applied.
	tags := pick(null("tags"), strMap(map[string]string{}), strMap(map[string]string{"Name": "x"}), strMap(map[string]string{"a": "1", "b": "2", "c": ""}),
		tagsWithNull(map[string]string{}, "a"), tagsWithNull(map[string]string{"Name": "x"}, "a"))
	applied := mergeTags(defaultTags, knownTags(tags, false))
	if bytes.Contains(raw, []byte(privateCopiedTagKeys)) && rng.IntN(2) == 0 {
		// The source tag that copy_image_tags brought, which tags_all keeps.
		applied = mergeTags(map[string]string{"src": "copied"}, applied)
	}
	tagsAll := mostly(strMap(applied), strMap(mergeTags(applied, map[string]string{"stale": "1"})),
		strMap(knownTags(tags, false)), strMap(mergeTags(applied, map[string]string{"src": "copied"})))
	if misread := mergeTags(applied, knownTags(tags, true)); !maps.Equal(misread, applied) && rng.IntN(2) == 0 {
		tagsAll = strMap(misread) // the null read as ""
	}
	timeoutsType := attrs["timeouts"].(tftypes.Object) //nolint:forcetypeassert // the schema says so
	timeoutsValue := func(create, update, del tftypes.Value) tftypes.Value {
		return tftypes.NewValue(timeoutsType, map[string]tftypes.Value{"create": create, "update": update, "delete": del})
	}
	nullString := tftypes.NewValue(tftypes.String, nil)
	launchType := attrs["launch_permission"].(tftypes.Object) //nolint:forcetypeassert // the schema says so
	launch := func(accountIDs, public tftypes.Value) tftypes.Value {
		v := map[string]tftypes.Value{}
		for name, typ := range launchType.AttributeTypes {
			v[name] = tftypes.NewValue(typ, nil)
		}
		v["account_ids"], v["public"] = accountIDs, public
		return tftypes.NewValue(launchType, v)
	}
	changes := merge(realisticChanges(imageType), map[string]tftypes.Value{
		"tags": tags, "tags_all": tagsAll,
		"state":                     mostly(str("available"), str("pending"), str("failed"), str("error"), str("deregistered")),
		"copy_image_tags":           mostly(boolean(false), boolean(true)),
		"wait_for_available":        mostly(boolean(true), boolean(false), null("wait_for_available")),
		"delete_snapshots":          mostly(boolean(true), boolean(false)),
		"skip_destroy":              mostly(boolean(false), boolean(true)),
		"deregistration_protection": mostly(str(protectionDisabled), str(protectionEnabled), str(protectionEnabledWithCooldown)),
		"description":               pick(null("description"), str("a copy"), str("")),
		"encrypted":                 pick(null("encrypted"), boolean(false), boolean(true)),
		"kms_key_id":                pick(null("kms_key_id"), str("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")),
		// A deprecation time that has passed since it was planned keeps its
		// empty plan (deprecationTimeRefusal).
		"deprecation_time": pick(null("deprecation_time"), str("2030-01-01T00:00:00Z"), str("2001-01-01T00:00:00Z"),
			str(time.Now().Add(-time.Minute).UTC().Format(time.RFC3339))),
		"snapshot_tags": pick(null("snapshot_tags"), tagsWithNull(map[string]string{}, "Owner"), tagsWithNull(map[string]string{"Name": "x"}, "Owner")),
		"timeouts": pick(null("timeouts"), timeoutsValue(str("60m"), nullString, nullString),
			timeoutsValue(str("1s"), str("2h"), str("30s")), timeoutsValue(nullString, nullString, nullString)),
		"public": pick(boolean(false), boolean(true), null("public")),
		"launch_permission": pick(null("launch_permission"), launch(accounts("111122223333", "444455556666"), tftypes.NewValue(tftypes.Bool, nil)),
			launch(tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, nil), boolean(true))),
		"snapshot_create_volume_permission_account_ids": pick(null("snapshot_create_volume_permission_account_ids"), accounts("111122223333")),
	})
	prior := imageState(t, imageType, changes)

	// Configuration: computed-only attributes are null; optional computed
	// ones hold their value or were left unset.
	configChanges := map[string]tftypes.Value{}
	for name, a := range imageSchemaForTest().Attributes {
		if a.IsComputed() && (!a.IsOptional() || rng.IntN(2) == 0) {
			configChanges[name] = tftypes.Value{}
		}
	}
	config := imageState(t, imageType, merge(changes, configChanges))

	proposed := dynamicValue(t, imageType, prior)
	if rng.IntN(3) == 0 {
		if reordered, ok := reorderedMaps(proposed); ok {
			proposed = reordered
		}
	}
	req := &tfprotov6.PlanResourceChangeRequest{
		TypeName:         "amicopy_image",
		PriorState:       dynamicValue(t, imageType, prior),
		ProposedNewState: proposed,
		Config:           dynamicValue(t, imageType, config),
		PriorPrivate:     raw,
	}
	switch rng.IntN(12) {
	case 0:
		req.ClientCapabilities = &tfprotov6.PlanResourceChangeClientCapabilities{DeferralAllowed: true}
	case 1:
		req.PriorIdentity = &tfprotov6.ResourceIdentityData{IdentityData: dynamicValue(t, tftypes.Object{}, tftypes.NewValue(tftypes.Object{}, map[string]tftypes.Value{}))}
	}
	return planCase{prior: prior, private: string(raw), req: req}
}

// generatePrivate is private state as Terraform hands it back: usually what
// the framework wrote (a JSON object of base64 values, keys sorted), with
// the keys Read and Create write, and sometimes what a shortcut must not
// take for that: another key order, an empty or invalid value, the
// framework's own keys, keys this provider does not write.
func generatePrivate(rng *rand.Rand) []byte {
	values := map[string]string{
		privateTrackedCopy:            `{"id":"ami-0123456789abcdef0","name":"copy","skip_destroy":false}`,
		privateCopiedTagKeys:          `["src"]`,
		privateCopyStarted:            `"2024-01-01T00:00:00Z"`,
		privateStateReason:            `"Client.Error: gone"`,
		privateImported:               pick2(rng, `true`, adoptingAfterRead),
		privateDeregistrationCooldown: pick2(rng, `"disabled-until 2999-01-01T00:00:00.000Z"`, `"disabled-until 2001-01-01T00:00:00.000Z"`),
		privateSettingsPending:        `true`,
		".framework_key":              `{"a":1}`,
		"unheard_of":                  `1`,
	}
	keys := generatedPrivateKeys
	switch rng.IntN(10) {
	case 0:
		return nil
	case 1:
		return []byte(pick2(rng, "{}", `{"tracked_copy":""}`))
	case 2:
		return []byte(`{"tracked_copy":"bm90IGpzb24="}`) // "not json"
	}
	chosen := map[string][]byte{privateTrackedCopy: []byte(values[privateTrackedCopy])}
	for _, k := range keys[1:] {
		if rng.IntN(7) == 0 {
			chosen[k] = []byte(values[k])
		}
	}
	raw, _ := json.Marshal(chosen) // Sorted keys, as the framework writes them.
	if rng.IntN(8) == 0 && len(chosen) > 1 {
		// The same object with its keys in reverse order.
		var parts []string
		for k, v := range chosen {
			part, _ := json.Marshal(map[string][]byte{k: v})
			parts = append(parts, strings.TrimSuffix(strings.TrimPrefix(string(part), "{"), "}"))
		}
		slices.Sort(parts)
		slices.Reverse(parts)
		raw = []byte("{" + strings.Join(parts, ",") + "}")
	}
	return raw
}

// generatedPrivateKeys are the private-state keys generatePrivate writes:
// privateTrackedCopy first, which it always writes, then every other key
// the provider writes (TestServerPlanGeneratorCoversPrivateKeys checks
// that none is missing), then keys a shortcut must not take for its own.
var generatedPrivateKeys = []string{privateTrackedCopy, privateCopiedTagKeys, privateCopyStarted, privateStateReason,
	privateImported, privateDeregistrationCooldown, privateSettingsPending, ".framework_key", "unheard_of"}

// tagsWithNull is a map of tags plus a key whose value is null.
func tagsWithNull(tags map[string]string, nullKey string) tftypes.Value {
	values := map[string]tftypes.Value{nullKey: tftypes.NewValue(tftypes.String, nil)}
	for k, v := range tags {
		values[k] = str(v)
	}
	return tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, values)
}

// knownTags reads a generated map of tags, leaving out null values, or,
// with nullAsEmpty, reading them as "".
func knownTags(v tftypes.Value, nullAsEmpty bool) map[string]string {
	out := map[string]string{}
	var elements map[string]tftypes.Value
	if v.IsNull() || v.As(&elements) != nil {
		return out
	}
	for k, e := range elements {
		var s string
		if e.IsNull() && !nullAsEmpty {
			continue
		}
		_ = e.As(&s)
		out[k] = s
	}
	return out
}

func pick2(rng *rand.Rand, a, b string) string {
	if rng.IntN(2) == 0 {
		return a
	}
	return b
}

// reorderedMaps is reverseMapEntries without failing on a value whose maps
// have no two entries to reverse.
func reorderedMaps(dv *tfprotov6.DynamicValue) (*tfprotov6.DynamicValue, bool) {
	var out bytes.Buffer
	if err := copyReversingMaps(msgpack.NewDecoder(bytes.NewReader(dv.MsgPack)), &out); err != nil || bytes.Equal(out.Bytes(), dv.MsgPack) {
		return nil, false
	}
	return &tfprotov6.DynamicValue{MsgPack: out.Bytes()}, true
}

// TestServerPlanGeneratorCoversPrivateKeys checks that generatePrivate
// writes every private-state key the provider declares (the privateXxx
// constants), so that a new key is planned both ways by
// TestServerPlanShortcutMatchesFramework before the shortcut may take it
// for one that changes nothing.
func TestServerPlanGeneratorCoversPrivateKeys(t *testing.T) {
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	declared := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			gen, ok := decl.(*ast.GenDecl)
			if !ok || gen.Tok != token.CONST {
				continue
			}
			for _, spec := range gen.Specs {
				vs := spec.(*ast.ValueSpec) //nolint:forcetypeassert // a const declaration holds value specs
				for i, ident := range vs.Names {
					if !strings.HasPrefix(ident.Name, "private") || i >= len(vs.Values) {
						continue
					}
					lit, ok := vs.Values[i].(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						continue
					}
					key, err := strconv.Unquote(lit.Value)
					if err != nil {
						t.Fatal(err)
					}
					declared++
					if !slices.Contains(generatedPrivateKeys, key) {
						t.Errorf("%s (%s, %q) is a private-state key that generatePrivate never writes: add it to generatedPrivateKeys, "+
							"and to unchangedPlanKeys only if an unchanged plan ignores it", ident.Name, fset.Position(ident.Pos()), key)
					}
				}
			}
		}
	}
	if declared < 6 {
		t.Errorf("found %d private-state key constants, want at least the 6 of image_resource.go: has their naming changed?", declared)
	}
}

// TestServerUpgradeMatchesFramework checks that the UpgradeResourceState
// shortcut answers exactly what the framework answers, for generated
// states stored at the current version, and leaves everything else to it.
func TestServerUpgradeMatchesFramework(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(17, 19)) //nolint:gosec // reproducible test data, not secrets
	s, ok := NewServer("test")().(*server)
	if !ok {
		t.Fatal("NewServer did not return *server")
	}
	imageType := s.imageObjectType(ctx)
	stateJSON := func(v tftypes.Value, edit func(map[string]any)) []byte {
		m := valueToJSON(t, v).(map[string]any) //nolint:forcetypeassert // an object
		edit(m)
		raw, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	type upgradeCase struct {
		name         string
		req          *tfprotov6.UpgradeResourceStateRequest
		wantShortcut bool
	}
	var cases []upgradeCase
	for i := range 100 {
		prior := generatePlanCase(t, rng, imageType, nil).prior
		cases = append(cases, upgradeCase{fmt.Sprintf("generated %d", i), &tfprotov6.UpgradeResourceStateRequest{
			TypeName: "amicopy_image", RawState: &tfprotov6.RawState{JSON: stateJSON(prior, func(map[string]any) {})},
		}, true})
	}
	prior := generatePlanCase(t, rng, imageType, nil).prior
	cases = append(cases, []upgradeCase{
		{"an attribute the schema no longer has", &tfprotov6.UpgradeResourceStateRequest{TypeName: "amicopy_image",
			RawState: &tfprotov6.RawState{JSON: stateJSON(prior, func(m map[string]any) { m["retired"] = "x" })}}, true},
		{"an attribute missing", &tfprotov6.UpgradeResourceStateRequest{TypeName: "amicopy_image",
			RawState: &tfprotov6.RawState{JSON: stateJSON(prior, func(m map[string]any) { delete(m, "tpm_support") })}}, true},
		{"a value of the wrong type", &tfprotov6.UpgradeResourceStateRequest{TypeName: "amicopy_image",
			RawState: &tfprotov6.RawState{JSON: stateJSON(prior, func(m map[string]any) { m["skip_destroy"] = "maybe" })}}, false},
		{"an older version", &tfprotov6.UpgradeResourceStateRequest{TypeName: "amicopy_image", Version: -1,
			RawState: &tfprotov6.RawState{JSON: stateJSON(prior, func(map[string]any) {})}}, false},
		{"a flatmap state", &tfprotov6.UpgradeResourceStateRequest{TypeName: "amicopy_image",
			RawState: &tfprotov6.RawState{Flatmap: map[string]string{"id": "ami-0123456789abcdef0"}}}, false},
		{"no state", &tfprotov6.UpgradeResourceStateRequest{TypeName: "amicopy_image"}, false},
	}...)
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			upgraded, stored := s.upgradeCurrentVersion(ctx, tt.req)
			if got := upgraded != nil; got != tt.wantShortcut {
				t.Fatalf("upgradeCurrentVersion answers: %v, want %v", got, tt.wantShortcut)
			}
			if want := decodeStoredCopy(tt.req.RawState); stored != want {
				t.Errorf("stored copy %+v, decoded alone %+v", stored, want)
			}
			if tt.wantShortcut {
				// Every state Terraform writes takes the one-pass route.
				if _, err := transcodeState(tt.req.RawState.JSON, s.imageSchemaFacts(ctx).stateShape, nil); err != nil {
					t.Errorf("transcodeState: %v", err)
				}
			}
			got, err := s.UpgradeResourceState(ctx, tt.req)
			if err != nil {
				t.Fatal(err)
			}
			want, err := s.ProviderServer.UpgradeResourceState(ctx, tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Diagnostics) != len(want.Diagnostics) {
				t.Errorf("diagnostics: %d, the framework's: %d", len(got.Diagnostics), len(want.Diagnostics))
			}
			if (got.UpgradedState == nil) != (want.UpgradedState == nil) {
				t.Fatalf("upgraded state %v, the framework's %v", got.UpgradedState, want.UpgradedState)
			}
			if want.UpgradedState == nil {
				return
			}
			// Values, not bytes: msgpack writes a map's entries in Go's map
			// order, which differs from one encoding to the next.
			gotValue, gotErr := got.UpgradedState.Unmarshal(imageType)
			wantValue, wantErr := want.UpgradedState.Unmarshal(imageType)
			if gotErr != nil || wantErr != nil || !gotValue.Equal(wantValue) {
				t.Errorf("upgraded state %v (%v), the framework's %v (%v)", gotValue, gotErr, wantValue, wantErr)
			}
		})
	}
}

// TestReadImageSchema checks that the shortcut reads its defaults from a
// schema, and stands aside for every plan when the schema has what it does
// not model.
func TestReadImageSchema(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name           string
		schema         schema.Schema
		wantDefaults   map[string]tftypes.Value
		wantUnmodelled bool
	}{
		{name: "the amicopy_image schema", schema: imageSchemaForTest(), wantDefaults: map[string]tftypes.Value{
			"copy_image_tags": tftypes.NewValue(tftypes.Bool, false), "delete_snapshots": tftypes.NewValue(tftypes.Bool, true),
			"deregistration_protection": str(protectionDisabled), "skip_destroy": tftypes.NewValue(tftypes.Bool, false),
		}},
		{name: "defaults of every kind it computes", schema: schema.Schema{Attributes: map[string]schema.Attribute{
			"b": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(true)},
			"s": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("x")},
			"i": schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(3)},
			"n": schema.StringAttribute{Optional: true},
		}}, wantDefaults: map[string]tftypes.Value{
			"b": tftypes.NewValue(tftypes.Bool, true), "s": str("x"), "i": tftypes.NewValue(tftypes.Number, 3),
		}},
		{name: "a default of another kind", schema: schema.Schema{Attributes: map[string]schema.Attribute{
			"f": schema.Float64Attribute{Optional: true, Computed: true, Default: float64default.StaticFloat64(1.5)},
		}}, wantUnmodelled: true},
		{name: "a default in a nested attribute", schema: schema.Schema{Attributes: map[string]schema.Attribute{
			"o": schema.SingleNestedAttribute{Optional: true, Attributes: map[string]schema.Attribute{
				"b": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(true)},
			}},
		}}, wantUnmodelled: true},
		{name: "a default in a list of objects", schema: schema.Schema{Attributes: map[string]schema.Attribute{
			"l": schema.ListNestedAttribute{Optional: true, NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"s": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("x")},
			}}},
		}}, wantUnmodelled: true},
		{name: "a block", schema: schema.Schema{Blocks: map[string]schema.Block{"b": schema.SingleNestedBlock{}}}, wantDefaults: map[string]tftypes.Value{}, wantUnmodelled: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			facts := readImageSchema(ctx, tt.schema)
			if got := facts.unmodelled != ""; got != tt.wantUnmodelled {
				t.Fatalf("unmodelled = %q, want unmodelled %v", facts.unmodelled, tt.wantUnmodelled)
			}
			if tt.wantUnmodelled {
				return
			}
			if len(facts.defaults) != len(tt.wantDefaults) {
				t.Errorf("defaults = %v, want %v", facts.defaults, tt.wantDefaults)
			}
			for name, want := range tt.wantDefaults {
				if !facts.defaults[name].Equal(want) {
					t.Errorf("default of %s = %v, want %v", name, facts.defaults[name], want)
				}
			}
		})
	}
}
