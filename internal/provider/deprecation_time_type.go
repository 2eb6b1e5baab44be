package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// deprecateAtType is the type of deprecation_time: a string in RFC 3339
// whose semantic equality is EC2's rounding to the minute. EC2 rounds the
// time it is given and answers in its own spelling
// ("2030-01-01T00:00:00.000Z"), so the framework keeps the spelling that the
// configuration or the prior state has whenever EC2's answer means the same
// minute: on refresh (new state against prior state) and after Create and
// Update (new state against plan).
type deprecateAtType struct {
	basetypes.StringType
}

var _ basetypes.StringTypable = deprecateAtType{}

func (t deprecateAtType) Equal(o attr.Type) bool {
	other, ok := o.(deprecateAtType)
	return ok && t.StringType.Equal(other.StringType)
}

func (t deprecateAtType) String() string { return "deprecateAtType" }

func (t deprecateAtType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return deprecateAt{StringValue: in}, nil
}

func (t deprecateAtType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	value, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	stringValue, ok := value.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type of %T", value)
	}
	return deprecateAt{StringValue: stringValue}, nil
}

func (t deprecateAtType) ValueType(context.Context) attr.Value { return deprecateAt{} }

// deprecateAt is a value of deprecateAtType, named after EC2's DeprecateAt
// parameter.
type deprecateAt struct {
	basetypes.StringValue
}

var _ basetypes.StringValuableWithSemanticEquals = deprecateAt{}

func deprecateAtNull() deprecateAt { return deprecateAt{StringValue: basetypes.NewStringNull()} }

func deprecateAtOf(value string) deprecateAt {
	return deprecateAt{StringValue: basetypes.NewStringValue(value)}
}

// deprecateAtFromEC2 records the deprecation time EC2 reports
// ("2030-01-01T00:00:00.000Z"), or its absence, in the spelling users write:
// RFC 3339 without fractional seconds, in UTC. State that no configuration
// or prior state spelled (an import, a move from aws_ami_copy) then causes
// no diff against a configuration such as "2030-01-01T00:00:00Z". A value
// that does not parse is kept as it is.
func deprecateAtFromEC2(reported string) deprecateAt {
	if reported == "" {
		return deprecateAtNull()
	}
	t, err := time.Parse(time.RFC3339, reported)
	if err != nil {
		return deprecateAtOf(reported)
	}
	return deprecateAtOf(t.UTC().Format(time.RFC3339))
}

func (v deprecateAt) Type(context.Context) attr.Type { return deprecateAtType{} }

func (v deprecateAt) Equal(o attr.Value) bool {
	other, ok := o.(deprecateAt)
	return ok && v.StringValue.Equal(other.StringValue)
}

// StringSemanticEquals reports whether both values mean the same minute once
// EC2's rounding is applied. The EnableImageDeprecation API reference says
// EC2 "rounds the seconds to the nearest minute", while endpoints have been
// seen to drop them (the test harness does too), so both count: "10:00:37"
// is the same as "10:00:00" and as "10:01:00". Values that do not parse are
// equal only when spelled alike.
func (v deprecateAt) StringSemanticEquals(_ context.Context, prior basetypes.StringValuable) (bool, diag.Diagnostics) {
	other, ok := prior.(deprecateAt)
	if !ok {
		return false, nil
	}
	return v.sameMinute(other), nil
}

// sameMinute is StringSemanticEquals for callers outside the framework; a
// null or unknown value is the same only as another null or unknown one.
func (v deprecateAt) sameMinute(other deprecateAt) bool {
	if v.IsNull() || v.IsUnknown() || other.IsNull() || other.IsUnknown() {
		return v.IsNull() == other.IsNull() && v.IsUnknown() == other.IsUnknown()
	}
	a, errA := time.Parse(time.RFC3339, v.ValueString())
	b, errB := time.Parse(time.RFC3339, other.ValueString())
	if errA != nil || errB != nil {
		return v.ValueString() == other.ValueString()
	}
	return a.Truncate(time.Minute).Equal(b.Truncate(time.Minute)) || a.Round(time.Minute).Equal(b.Round(time.Minute))
}
