package ami

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestValidateImageName(t *testing.T) {
	t.Parallel()

	tests := []struct{ input, want string }{
		{"abc", ""},
		{"My server (copy) [v1.2] /a-b 'x' @home_1", ""},
		{strings.Repeat("a", 128), ""},
		{"ab", "has 2 characters; an AMI name has 3 to 128"},
		{"", "has 0 characters"},
		{strings.Repeat("a", 129), "has 129 characters"},
		{"my image!", `contains '!', which an AMI name cannot contain`},
		{"image:1", `contains ':'`},
		{"imágé", `contains 'á'`},
		{"tab\tname", `contains '\t'`},
	}
	for _, tc := range tests {
		t.Run(tc.input, func(t *testing.T) {
			t.Parallel()
			err := ValidateImageName(tc.input)
			assertError(t, err, tc.want)
			assertQuotesValue(t, err, tc.input)
		})
	}
}

func TestValidateDescription(t *testing.T) {
	t.Parallel()

	tests := []struct{ input, want string }{
		{"", ""},
		{strings.Repeat("d", 255), ""},
		{strings.Repeat("é", 255), ""},
		{strings.Repeat("d", 256), "has 256 characters; an AMI description has at most 255"},
	}
	for _, tc := range tests {
		assertError(t, ValidateDescription(tc.input), tc.want)
	}
}

func TestValidateClientToken(t *testing.T) {
	t.Parallel()

	tests := []struct{ input, want string }{
		{"a", ""},
		{"550e8400-e29b-41d4-a716-446655440000", ""},
		{"token with spaces ~!@#$%^&*()", ""},
		{strings.Repeat("t", 64), ""},
		{"", "not a client token"},
		{strings.Repeat("t", 65), "has 65 bytes; it has at most 64 ASCII characters"},
		{"tökén", "only printable ASCII"},
		{"line\nbreak", "only printable ASCII"},
	}
	for _, tc := range tests {
		t.Run(tc.input, func(t *testing.T) {
			t.Parallel()
			assertError(t, ValidateClientToken(tc.input), tc.want)
		})
	}
}

func TestValidateSnapshotCopyMinutes(t *testing.T) {
	t.Parallel()

	tests := []struct {
		input int64
		want  string
	}{
		{15, ""},
		{30, ""},
		{1440, ""},
		{2880, ""},
		{0, "0 minutes is not a completion duration: use a multiple of 15 from 15 to 2880"},
		{-15, "-15 minutes"},
		{7, "(48 hours), such as 15"},
		{20, "such as 15 or 30"},
		{2870, "such as 2865 or 2880"},
		{2895, "from 15 to 2880 (48 hours)"},
	}
	for _, tc := range tests {
		t.Run(strconv.FormatInt(tc.input, 10), func(t *testing.T) {
			t.Parallel()
			err := ValidateSnapshotCopyMinutes(tc.input)
			assertError(t, err, tc.want)
			if tc.input == 2895 && strings.Contains(err.Error(), "such as") {
				t.Fatalf("no nearest value above the maximum: %v", err)
			}
		})
	}
}

func TestCheckDeprecationTime(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	created := now.AddDate(-1, 0, 0)
	tests := []struct {
		name    string
		at      time.Time
		public  bool
		created time.Time
		// wantPast and wantLimit describe the refusal; neither means accepted.
		wantPast  bool
		wantLimit time.Time
		wantText  string
	}{
		{name: "a minute ahead", at: now.Add(time.Minute)},
		{name: "exactly 10 years ahead", at: now.AddDate(10, 0, 0)},
		{name: "now is not the future", at: now, wantPast: true, wantText: "2026-03-01T12:00:00Z is in the past"},
		{name: "yesterday", at: now.AddDate(0, 0, -1), wantPast: true},
		{name: "a minute past 10 years", at: now.AddDate(10, 0, 0).Add(time.Minute), wantLimit: now.AddDate(10, 0, 0),
			wantText: "more than 10 years from now; EC2 deprecates an AMI at most 10 years ahead, by 2036-03-01T12:00:00Z"},
		{name: "public within 2 years of creation", at: created.AddDate(2, 0, 0), public: true, created: created},
		{name: "public past 2 years of creation", at: created.AddDate(2, 0, 1), public: true, created: created, wantLimit: created.AddDate(2, 0, 0),
			wantText: "more than 2 years after the AMI was created"},
		{name: "public new copy counts from now", at: now.AddDate(2, 0, 1), public: true, wantLimit: now.AddDate(2, 0, 0)},
		{name: "public in the past", at: now.Add(-time.Minute), public: true, created: created, wantPast: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := CheckDeprecationTime(tt.at, now, tt.public, tt.created)
			var refused *DeprecationTimeError
			if !tt.wantPast && tt.wantLimit.IsZero() {
				if err != nil {
					t.Fatalf("CheckDeprecationTime(%s) = %v, want accepted", tt.at, err)
				}
				return
			}
			if !errors.As(err, &refused) {
				t.Fatalf("CheckDeprecationTime(%s) = %v, want a *DeprecationTimeError", tt.at, err)
			}
			if refused.Past != tt.wantPast || !refused.Limit.Equal(tt.wantLimit) || refused.Public != (tt.public && !tt.wantPast) {
				t.Errorf("refusal = %+v, want past %v, limit %s, public %v", refused, tt.wantPast, tt.wantLimit, tt.public)
			}
			if !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("message %q does not say %q", err, tt.wantText)
			}
		})
	}
}

// TestPatternsCompile compiles every pattern the package compiles on first
// use, so that a bad one fails here and not in a user's plan.
func TestPatternsCompile(t *testing.T) {
	for _, pattern := range []func() *regexp.Regexp{
		sourceImageIDRegexp, availabilityZoneNameRegexp, localZoneNameRegexp, availabilityZoneIDRegexp, localZoneIDRegexp,
		kmsKeyUUIDRegexp, kmsMultiRegionKeyRegexp, kmsAliasRegexp, outpostIDRegexp, imageNameRegexp, clientTokenRegexp,
		regionRegexp, accountIDRegexp, organizationARNPattern, organizationalUnitPattern,
	} {
		if pattern() == nil {
			t.Error("a pattern compiled to nil")
		}
	}
}
