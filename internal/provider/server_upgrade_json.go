package provider

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"
)

// JSON state to msgpack in one pass.
//
// Why: Terraform upgrades every instance's stored state in every plan, and
// the JSON decoder that terraform-plugin-go uses for it reads one token at
// a time through encoding/json's Decoder, re-reading every value once per
// level it is nested in. Over a plan of many unchanged copies that decode
// was a fifth of the provider's CPU time. A state shape compiled from the
// schema's type once reads the JSON state in one pass and writes the
// msgpack that tftypes would write for the value it would decode:
// the same conversions (a number or a bool where a string is expected, a
// string where a number or a bool is), the same number encoding, the same
// handling of attributes the schema no longer has (ignored) and of
// attributes the state lacks (null). Whatever it does not read exactly as
// tftypes does (an escaped object key, a key out of Terraform's sorted
// order, a duplicate key, a value of a type that does not convert, any
// malformed JSON) is an error, and the caller hands the state to the
// framework, whose answer and diagnostics then stand.
// TestStateShapeMatchesTftypes checks both answers.

// stateShape is one Terraform type, compiled for transcodeState.
type stateShape struct {
	kind stateKind
	// element is a list's, a set's or a map's element.
	element *stateShape
	// names are an object's attribute names, sorted as tftypes writes
	// them, and attributes their shapes, in the same order.
	names      []string
	attributes []*stateShape
}

type stateKind int

const (
	stateString stateKind = iota
	stateNumber
	stateBool
	stateList
	stateSet
	stateMap
	stateObject
)

// compileStateShape compiles typ, or fails for a type transcodeState does
// not read (dynamic values, tuples).
func compileStateShape(typ tftypes.Type) (*stateShape, error) {
	switch {
	case typ.Is(tftypes.String):
		return &stateShape{kind: stateString}, nil
	case typ.Is(tftypes.Number):
		return &stateShape{kind: stateNumber}, nil
	case typ.Is(tftypes.Bool):
		return &stateShape{kind: stateBool}, nil
	}
	switch t := typ.(type) {
	case tftypes.List:
		return compileCollectionShape(stateList, t.ElementType)
	case tftypes.Set:
		return compileCollectionShape(stateSet, t.ElementType)
	case tftypes.Map:
		return compileCollectionShape(stateMap, t.ElementType)
	case tftypes.Object:
		if len(t.OptionalAttributes) > 0 {
			return nil, fmt.Errorf("object with optional attributes")
		}
		shape := &stateShape{kind: stateObject}
		for name := range t.AttributeTypes {
			shape.names = append(shape.names, name)
		}
		slices.Sort(shape.names)
		for _, name := range shape.names {
			attribute, err := compileStateShape(t.AttributeTypes[name])
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			shape.attributes = append(shape.attributes, attribute)
		}
		return shape, nil
	}
	return nil, fmt.Errorf("type %s", typ)
}

func compileCollectionShape(kind stateKind, element tftypes.Type) (*stateShape, error) {
	e, err := compileStateShape(element)
	if err != nil {
		return nil, err
	}
	return &stateShape{kind: kind, element: e}, nil
}

// errNotTranscoded is any JSON that transcodeState leaves to tftypes.
var errNotTranscoded = errors.New("state not transcoded")

// transcodeState reads raw, a state as Terraform stores it, with shape and
// returns it as msgpack. It hands each top-level string attribute that the
// state holds as a JSON string to onString, when that is not nil, so that
// a caller needs no second decode for the few it reads.
func transcodeState(raw []byte, shape *stateShape, onString func(name, value string)) ([]byte, error) {
	var out bytes.Buffer
	out.Grow(len(raw))
	t := transcoder{in: raw, enc: msgpack.NewEncoder(&out), onString: onString}
	if err := t.value(shape); err != nil {
		return nil, err
	}
	t.space()
	if t.pos != len(t.in) {
		return nil, errNotTranscoded
	}
	return out.Bytes(), nil
}

// transcoder reads JSON from in at pos and writes msgpack to enc.
type transcoder struct {
	in  []byte
	pos int
	enc *msgpack.Encoder
	// onString is transcodeState's; depth counts the objects that enclose
	// pos, so that 1 is within the state's own.
	onString func(name, value string)
	depth    int
}

// space skips JSON whitespace.
func (t *transcoder) space() {
	for t.pos < len(t.in) {
		switch t.in[t.pos] {
		case ' ', '\t', '\n', '\r':
			t.pos++
		default:
			return
		}
	}
}

// peek returns the next byte that is not whitespace, or 0 at the end.
func (t *transcoder) peek() byte {
	t.space()
	if t.pos == len(t.in) {
		return 0
	}
	return t.in[t.pos]
}

// literal consumes word (true, false or null) if it is next.
func (t *transcoder) literal(word string) bool {
	if !bytes.HasPrefix(t.in[t.pos:], []byte(word)) {
		return false
	}
	t.pos += len(word)
	return true
}

// value transcodes the next JSON value as shape.
func (t *transcoder) value(shape *stateShape) error {
	if t.peek() == 'n' {
		if !t.literal("null") {
			return errNotTranscoded
		}
		return t.enc.EncodeNil()
	}
	switch shape.kind {
	case stateString:
		return t.stringValue()
	case stateNumber:
		return t.numberValue()
	case stateBool:
		return t.boolValue()
	case stateList, stateSet:
		return t.array(shape.element)
	case stateMap:
		return t.mapValue(shape.element)
	case stateObject:
		return t.object(shape)
	}
	return errNotTranscoded
}

// stringValue transcodes a string, or a number or a bool as its JSON text,
// as tftypes converts them.
func (t *transcoder) stringValue() error {
	switch t.peek() {
	case '"':
		s, err := t.str()
		if err != nil {
			return err
		}
		return t.enc.EncodeString(s)
	case 't':
		if t.literal("true") {
			return t.enc.EncodeString("true")
		}
	case 'f':
		if t.literal("false") {
			return t.enc.EncodeString("false")
		}
	default:
		number, err := t.number()
		if err != nil {
			return err
		}
		return t.enc.EncodeString(number)
	}
	return errNotTranscoded
}

// numberValue transcodes a number, or a string holding one, and encodes it
// as tftypes does: an integer that fits in 64 bits as an integer, a
// fraction that a float64 holds exactly as a float64, any other as its
// decimal text.
func (t *transcoder) numberValue() error {
	var text string
	var err error
	if t.peek() == '"' {
		text, err = t.str()
	} else {
		text, err = t.number()
	}
	if err != nil {
		return err
	}
	if i, err := strconv.ParseInt(text, 10, 64); err == nil {
		return t.enc.EncodeInt(i) // what big.Float.Int64 gives for these digits, exactly
	}
	if hugeExponent(text) {
		// Such a number's decimal text can run to millions of digits;
		// tftypes writes it, slowly, and so it is left to tftypes.
		return errNotTranscoded
	}
	n, _, err := big.ParseFloat(text, 10, 512, big.ToNearestEven)
	if err != nil {
		return errNotTranscoded
	}
	if n.IsInf() {
		return t.enc.EncodeFloat64(math.Inf(n.Sign()))
	}
	if i, accuracy := n.Int64(); accuracy == big.Exact {
		return t.enc.EncodeInt(i)
	}
	if f, accuracy := n.Float64(); accuracy == big.Exact && !n.IsInt() {
		return t.enc.EncodeFloat64(f)
	}
	return t.enc.EncodeString(n.Text('f', -1))
}

// boolValue transcodes a bool, or the strings and numbers tftypes reads as
// one ("true", "1", 1; "false", "0", 0).
func (t *transcoder) boolValue() error {
	var text string
	switch t.peek() {
	case 't':
		if t.literal("true") {
			return t.enc.EncodeBool(true)
		}
		return errNotTranscoded
	case 'f':
		if t.literal("false") {
			return t.enc.EncodeBool(false)
		}
		return errNotTranscoded
	case '"':
		s, err := t.str()
		if err != nil {
			return err
		}
		text = s
	default:
		number, err := t.number()
		if err != nil || (number != "1" && number != "0") {
			return errNotTranscoded
		}
		text = number
	}
	switch text {
	case "true", "1":
		return t.enc.EncodeBool(true)
	case "false", "0":
		return t.enc.EncodeBool(false)
	}
	return errNotTranscoded
}

// array transcodes a list or a set: msgpack needs the count first, so the
// elements are counted, then transcoded.
func (t *transcoder) array(element *stateShape) error {
	t.peek()
	start := t.pos
	count, err := t.countElements('[', ']', false)
	if err != nil {
		return err
	}
	if err := t.enc.EncodeArrayLen(count); err != nil {
		return err
	}
	t.pos = start + 1
	for i := range count {
		if i > 0 {
			t.peek()
			t.pos++ // the comma countElements saw
		}
		if err := t.value(element); err != nil {
			return err
		}
	}
	t.peek()
	t.pos++ // the closing bracket
	return nil
}

// mapValue transcodes a map, its entries in the order of the JSON (tftypes
// writes Go's map order, so no order is the one; Terraform reads either).
func (t *transcoder) mapValue(element *stateShape) error {
	t.peek()
	start := t.pos
	count, err := t.countElements('{', '}', true)
	if err != nil {
		return err
	}
	if err := t.enc.EncodeMapLen(count); err != nil {
		return err
	}
	t.pos = start + 1
	for i := range count {
		if i > 0 {
			t.peek()
			t.pos++
		}
		t.peek()
		key, err := t.str()
		if err != nil {
			return err
		}
		if err := t.colon(); err != nil {
			return err
		}
		if err := t.enc.EncodeString(key); err != nil {
			return err
		}
		if err := t.value(element); err != nil {
			return err
		}
	}
	t.peek()
	t.pos++
	return nil
}

// countElements checks the array or map (object) that starts at pos,
// whose values it skips, and counts its elements. A map with a key twice is
// not transcoded: tftypes keeps the last, and writes fewer entries.
func (t *transcoder) countElements(open, closing byte, keyed bool) (int, error) {
	if t.peek() != open {
		return 0, errNotTranscoded
	}
	t.pos++
	var keys []string
	count := 0
	for {
		next := t.peek()
		if next == closing && count == 0 {
			t.pos++
			return 0, nil
		}
		if keyed {
			if next != '"' {
				return 0, errNotTranscoded
			}
			key, err := t.str()
			if err != nil {
				return 0, err
			}
			if slices.Contains(keys, key) {
				return 0, errNotTranscoded
			}
			keys = append(keys, key)
			if err := t.colon(); err != nil {
				return 0, err
			}
		}
		if err := t.skip(); err != nil {
			return 0, err
		}
		count++
		switch t.peek() {
		case ',':
			t.pos++
		case closing:
			t.pos++
			return count, nil
		default:
			return 0, errNotTranscoded
		}
	}
}

// object transcodes an object with shape's attributes, in their sorted
// order. Terraform writes a state's attributes sorted, so one pass meets
// them in that order; a key the schema does not have is skipped, and one
// the state lacks is null. A key out of order is not transcoded.
func (t *transcoder) object(shape *stateShape) error {
	if t.peek() != '{' {
		return errNotTranscoded
	}
	t.pos++
	t.depth++
	defer func() { t.depth-- }()
	if err := t.enc.EncodeMapLen(len(shape.names)); err != nil {
		return err
	}
	next := 0 // shape.names[next] is the next attribute to write
	first := true
	for {
		c := t.peek()
		if c == '}' && first {
			t.pos++
			break
		}
		if c != '"' {
			return errNotTranscoded
		}
		key, err := t.rawKey()
		if err != nil {
			return err
		}
		if err := t.colon(); err != nil {
			return err
		}
		at, known := slices.BinarySearch(shape.names, key)
		switch {
		case !known:
			if err := t.skip(); err != nil {
				return err
			}
		case at < next:
			return errNotTranscoded // out of order, or twice
		default:
			for ; next < at; next++ {
				if err := t.nullAttribute(shape.names[next]); err != nil {
					return err
				}
			}
			if err := t.enc.EncodeString(key); err != nil {
				return err
			}
			if err := t.attribute(key, shape.attributes[at]); err != nil {
				return err
			}
			next++
		}
		first = false
		switch t.peek() {
		case ',':
			t.pos++
			continue
		case '}':
			t.pos++
		default:
			return errNotTranscoded
		}
		break
	}
	for ; next < len(shape.names); next++ {
		if err := t.nullAttribute(shape.names[next]); err != nil {
			return err
		}
	}
	return nil
}

// attribute transcodes the value of the attribute name, and hands a
// top-level string to onString.
func (t *transcoder) attribute(name string, shape *stateShape) error {
	if t.onString == nil || t.depth != 1 || shape.kind != stateString || t.peek() != '"' {
		return t.value(shape)
	}
	s, err := t.str()
	if err != nil {
		return err
	}
	t.onString(name, s)
	return t.enc.EncodeString(s)
}

// nullAttribute writes an attribute the state lacks, which tftypes makes
// null.
func (t *transcoder) nullAttribute(name string) error {
	if err := t.enc.EncodeString(name); err != nil {
		return err
	}
	return t.enc.EncodeNil()
}

// colon consumes the colon after an object key.
func (t *transcoder) colon() error {
	if t.peek() != ':' {
		return errNotTranscoded
	}
	t.pos++
	return nil
}

// rawKey reads an object key that has no escapes and no control
// characters, as Terraform writes attribute names.
func (t *transcoder) rawKey() (string, error) {
	end := bytes.IndexByte(t.in[t.pos+1:], '"')
	if end < 0 {
		return "", errNotTranscoded
	}
	key := t.in[t.pos+1 : t.pos+1+end]
	for _, c := range key {
		if c == '\\' || c < 0x20 {
			return "", errNotTranscoded
		}
	}
	t.pos += end + 2
	return string(key), nil
}

// str reads a JSON string at pos. Plain text is taken as it is; anything
// with an escape, a control character or bytes that are not UTF-8 is
// decoded by encoding/json, as tftypes's decoder does it.
func (t *transcoder) str() (string, error) {
	start := t.pos
	if start >= len(t.in) || t.in[start] != '"' {
		return "", errNotTranscoded
	}
	plain := true
	i := start + 1
	for ; i < len(t.in); i++ {
		c := t.in[i]
		if c == '"' {
			break
		}
		if c == '\\' {
			plain = false
			i++ // the escaped byte cannot end the string
			continue
		}
		if c < 0x20 || c >= utf8.RuneSelf {
			plain = false
		}
	}
	if i >= len(t.in) {
		return "", errNotTranscoded
	}
	t.pos = i + 1
	if plain {
		return string(t.in[start+1 : i]), nil
	}
	var s string
	if err := json.Unmarshal(t.in[start:t.pos], &s); err != nil {
		return "", errNotTranscoded
	}
	return s, nil
}

// number reads a JSON number at pos and returns its text.
func (t *transcoder) number() (string, error) {
	start := t.pos
	i := start
	if i < len(t.in) && t.in[i] == '-' {
		i++
	}
	switch {
	case i < len(t.in) && t.in[i] == '0':
		i++
	case i < len(t.in) && t.in[i] >= '1' && t.in[i] <= '9':
		i = digits(t.in, i)
	default:
		return "", errNotTranscoded
	}
	if i < len(t.in) && t.in[i] == '.' {
		if i+1 >= len(t.in) || !isDigit(t.in[i+1]) {
			return "", errNotTranscoded
		}
		i = digits(t.in, i+1)
	}
	if i < len(t.in) && (t.in[i] == 'e' || t.in[i] == 'E') {
		i++
		if i < len(t.in) && (t.in[i] == '+' || t.in[i] == '-') {
			i++
		}
		if i >= len(t.in) || !isDigit(t.in[i]) {
			return "", errNotTranscoded
		}
		i = digits(t.in, i)
	}
	t.pos = i
	return string(t.in[start:i]), nil
}

// hugeExponent reports whether number text has an exponent of more than
// three digits (big.ParseFloat reads a binary exponent after p, too).
func hugeExponent(text string) bool {
	e := strings.IndexAny(text, "eEpP")
	if e < 0 {
		return false
	}
	exponent := strings.TrimLeft(text[e+1:], "+-")
	return len(strings.TrimLeft(exponent, "0")) > 3
}

func digits(in []byte, i int) int {
	for i < len(in) && isDigit(in[i]) {
		i++
	}
	return i
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// skip checks and skips the next JSON value, of any type.
func (t *transcoder) skip() error {
	switch t.peek() {
	case '"':
		_, err := t.str()
		return err
	case '{':
		_, err := t.countElements('{', '}', true)
		return err
	case '[':
		_, err := t.countElements('[', ']', false)
		return err
	case 't':
		if t.literal("true") {
			return nil
		}
	case 'f':
		if t.literal("false") {
			return nil
		}
	case 'n':
		if t.literal("null") {
			return nil
		}
	default:
		_, err := t.number()
		return err
	}
	return errNotTranscoded
}
