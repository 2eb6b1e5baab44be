package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// transcodeTestType has every kind of type that transcodeState reads.
var transcodeTestType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
	"b":  tftypes.Bool,
	"l":  tftypes.List{ElementType: tftypes.String},
	"m":  tftypes.Map{ElementType: tftypes.String},
	"n":  tftypes.Number,
	"o":  tftypes.Object{AttributeTypes: map[string]tftypes.Type{"x": tftypes.String, "y": tftypes.List{ElementType: tftypes.Object{AttributeTypes: map[string]tftypes.Type{"z": tftypes.Bool}}}}},
	"s":  tftypes.String,
	"st": tftypes.Set{ElementType: tftypes.Number},
}}

// transcodeCases are JSON states and whether transcodeState reads them
// itself; those it does not, it leaves to tftypes.
var transcodeCases = []struct {
	name       string
	json       string
	transcodes bool
}{
	{"every attribute", `{"b":true,"l":["a","b"],"m":{"k":"v","j":"w"},"n":42,"o":{"x":"x","y":[{"z":false},{"z":null}]},"s":"text","st":[1,2.5]}`, true},
	{"whitespace everywhere", " {\n \"b\" : false ,\t\"l\" : [ \"a\" , \"b\" ] , \"m\" : { \"k\" : \"v\" } , \"n\" : 1 , \"o\" : { \"x\" : null } , \"s\" : \"\" , \"st\" : [ ] }\r\n", true},
	{"every attribute null", `{"b":null,"l":null,"m":null,"n":null,"o":null,"s":null,"st":null}`, true},
	{"empty object: every attribute missing", `{}`, true},
	{"some attributes missing", `{"l":[],"s":"x"}`, true},
	{"attributes the schema does not have", `{"a":{"deep":[1,{"x":"}"}],"q":"\"esc\""},"b":true,"c":[[],{}],"n":1,"p":null,"zz":"last"}`, true},
	{"a nested attribute the schema does not have", `{"o":{"w":[true],"x":"x","y":[{"unknown":1,"z":true}]}}`, true},
	{"empty collections", `{"l":[],"m":{},"o":{"y":[]},"st":[]}`, true},
	{"a string from a number and from bools", `{"l":[1.50,true,false,-0],"m":{"a":1e3},"s":12}`, true},
	{"a number from a string", `{"n":"12.5","st":["3","-7"]}`, true},
	{"numbers of every encoding", `{"st":[0,-0,-12,9223372036854775807,9223372036854775808,-9223372036854775809,1e3,1E+2,1.5,0.1,1e400,-1e400,123456789012345678901234567890,0.000001]}`, true},
	{"a number as a string with a sign and zeros", `{"n":"+007"}`, true},
	{"a number as a string with a binary exponent", `{"n":"1p10"}`, true},
	{"bools from strings and numbers", `{"o":{"y":[{"z":"true"},{"z":"1"},{"z":"false"},{"z":"0"},{"z":1},{"z":0}]}}`, true},
	{"escapes", `{"s":"line\nbreak \"quoted\" \\ \/ \u00e9 \ud83d\ude00 tab\t"}`, true},
	{"UTF-8 text", `{"s":"café – 日本"}`, true},
	{"a lone surrogate escape", `{"s":"\ud800"}`, true},
	{"a map key with escapes", `{"m":{"a\"b":"1","\u00e9":"2"}}`, true},
	{"the null state", `null`, true},
	{"invalid UTF-8, which both replace", "{\"s\":\"a\xffb\"}", true},

	{"a control character in a string", "{\"s\":\"a\x01b\"}", false},
	{"attributes out of order", `{"s":"x","b":true}`, false},
	{"an attribute twice", `{"b":true,"b":false}`, false},
	{"a map key twice", `{"m":{"k":"1","k":"2"}}`, false},
	{"an attribute name with an escape", `{"\u0062":true}`, false},
	{"a bool from another string", `{"b":"yes"}`, false},
	{"a bool from another number", `{"b":2}`, false},
	{"a number from a word", `{"n":"many"}`, false},
	{"a number with a huge exponent, left to tftypes", `{"n":"1e99999"}`, false},
	{"a number with a huge binary exponent, left to tftypes", `{"n":"1p99999"}`, false},
	{"a string from an object", `{"s":{}}`, false},
	{"a list from an object", `{"l":{}}`, false},
	{"an object from a list", `{"o":[]}`, false},
	{"a trailing comma in an object", `{"b":true,}`, false},
	{"a trailing comma in a list", `{"l":["a",]}`, false},
	{"a missing colon", `{"b" true}`, false},
	{"a number with a leading dot", `{"n":.5}`, false},
	{"a number with no exponent digits", `{"n":1e}`, false},
	{"text after the state", `{"b":true} {}`, false},
	{"a truncated state", `{"l":["a"`, false},
	{"an unterminated string", `{"s":"abc`, false},
	{"a misspelt literal", `{"b":ture}`, false},
	{"not an object", `[]`, false},
	{"nothing", ``, false},
}

// TestStateShapeMatchesTftypes checks transcodeState against tftypes,
// which the framework decodes and encodes states with: every JSON state
// it reads, it writes as the msgpack of the value tftypes decodes, and
// what it does not read is left to tftypes.
func TestStateShapeMatchesTftypes(t *testing.T) {
	shape, err := compileStateShape(transcodeTestType)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range transcodeCases {
		t.Run(tt.name, func(t *testing.T) {
			got, err := transcodeState([]byte(tt.json), shape, nil)
			if (err == nil) != tt.transcodes {
				t.Fatalf("transcodes: %v (%v), want %v", err == nil, err, tt.transcodes)
			}
			if err != nil {
				return
			}
			checkSameAsTftypes(t, []byte(tt.json), got)
		})
	}
}

// checkSameAsTftypes fails unless msgpack, transcodeState's answer for
// raw, holds the value tftypes decodes from raw.
func checkSameAsTftypes(t *testing.T, raw, msgpack []byte) {
	t.Helper()
	want, err := tftypes.ValueFromJSONWithOpts(raw, transcodeTestType, tftypes.ValueFromJSONOpts{IgnoreUndefinedAttributes: true}) //nolint:staticcheck // what the framework decodes with
	if err != nil {
		t.Fatalf("transcoded %q, which tftypes refuses: %v", raw, err)
	}
	got, err := tftypes.ValueFromMsgPack(msgpack, transcodeTestType) //nolint:staticcheck // what the framework decodes with
	if err != nil {
		t.Fatalf("transcoded %q into msgpack that does not decode: %v", raw, err)
	}
	if !got.Equal(want) {
		t.Fatalf("transcoded %q into\n%v\nwant\n%v", raw, got, want)
	}
	// Without maps of more than one entry, whose order tftypes takes from
	// Go's map, the bytes are tftypes's too.
	if !strings.Contains(string(raw), `"m":{"`) {
		wantBytes, err := want.MarshalMsgPack(transcodeTestType) //nolint:staticcheck // what the framework encodes with
		if err != nil {
			t.Fatal(err)
		}
		if string(wantBytes) != string(msgpack) {
			t.Fatalf("transcoded %q into %x, tftypes writes %x", raw, msgpack, wantBytes)
		}
	}
}

// FuzzTranscodeState checks, for any input, that whatever transcodeState
// reads, tftypes reads as the same value.
func FuzzTranscodeState(f *testing.F) {
	for _, tt := range transcodeCases {
		f.Add([]byte(tt.json))
	}
	shape, err := compileStateShape(transcodeTestType)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		got, err := transcodeState(raw, shape, nil)
		if err != nil {
			return
		}
		checkSameAsTftypes(t, raw, got)
	})
}

// TestCompileStateShapeRefuses checks that types transcodeState does not
// read are refused when the shape is compiled, so their states go to the
// framework.
func TestCompileStateShapeRefuses(t *testing.T) {
	for _, typ := range []tftypes.Type{
		tftypes.DynamicPseudoType,
		tftypes.Tuple{ElementTypes: []tftypes.Type{tftypes.String}},
		tftypes.Object{AttributeTypes: map[string]tftypes.Type{"a": tftypes.List{ElementType: tftypes.DynamicPseudoType}}},
		tftypes.Object{AttributeTypes: map[string]tftypes.Type{"a": tftypes.String}, OptionalAttributes: map[string]struct{}{"a": {}}},
	} {
		if _, err := compileStateShape(typ); err == nil {
			t.Errorf("compileStateShape(%s) compiled", typ)
		}
	}
}
