package provider

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/amicopy/terraform-provider-amicopy/internal/ami"
)

func TestDeprecationTimeRefusal(t *testing.T) {
	now := time.Now().UTC()
	past := now.Add(-time.Hour).Format(time.RFC3339)
	otherPast := now.Add(-2 * time.Hour).Format(time.RFC3339)
	soon := now.Add(time.Hour).Format(time.RFC3339)
	tooFar := now.AddDate(10, 0, 2).Format(time.RFC3339)
	tests := []struct {
		name     string
		planned  deprecateAt
		prior    deprecateAt
		creating bool
		public   bool
		want     string // a phrase of the error; "" for none
	}{
		{name: "new copy, future", planned: deprecateAtOf(soon), prior: deprecateAtNull(), creating: true},
		{name: "new copy, past", planned: deprecateAtOf(past), prior: deprecateAtNull(), creating: true, want: "is in the past"},
		{name: "new copy, beyond 10 years", planned: deprecateAtOf(tooFar), prior: deprecateAtNull(), creating: true, want: "Set a time no later than"},
		{name: "new public copy, beyond 2 years", planned: deprecateAtOf(now.AddDate(2, 1, 0).Format(time.RFC3339)), prior: deprecateAtNull(),
			creating: true, public: true, want: "more than 2 years after the AMI was created"},
		{name: "passed since it was set", planned: deprecateAtOf(past), prior: deprecateAtOf(past)},
		{name: "passed, EC2's spelling in state", planned: deprecateAtOf(past), prior: deprecateAtOf(strings.TrimSuffix(past, "Z") + ".000Z")},
		{name: "changed to another past time", planned: deprecateAtOf(otherPast), prior: deprecateAtOf(past), want: "is in the past"},
		{name: "set on an existing copy, past", planned: deprecateAtOf(past), prior: deprecateAtNull(), want: "is in the past"},
		{name: "replacement of a copy whose time passed", planned: deprecateAtOf(past), prior: deprecateAtNull(), creating: true, want: "is in the past"},
		{name: "removed", planned: deprecateAtNull(), prior: deprecateAtOf(past)},
		{name: "unknown", planned: deprecateAt{StringValue: types.StringUnknown()}, prior: deprecateAtOf(past)},
		{name: "not RFC 3339 (the validator's to report)", planned: deprecateAtOf("tomorrow"), prior: deprecateAtNull(), creating: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			diags := deprecationTimeRefusal(tt.planned, tt.prior, tt.creating, tt.public, time.Time{})
			assertOneAttributeError(t, diags, "deprecation_time", tt.want)
		})
	}
}

func TestReplacedNameKept(t *testing.T) {
	kept := &trackedCopy{ID: "ami-0123456789abcdef0", Name: "web", SkipDestroy: true}
	deregistered := &trackedCopy{ID: "ami-0123456789abcdef0", Name: "web"}
	tests := []struct {
		name     string
		planned  types.String
		replaced *trackedCopy
		want     string
	}{
		{name: "not a replacement", planned: types.StringValue("web")},
		{name: "skip_destroy keeps the name", planned: types.StringValue("web"), replaced: kept,
			want: `The plan makes a new copy named "web", but the copy ami-0123456789abcdef0 has that name`},
		{name: "renamed", planned: types.StringValue("web-2"), replaced: kept},
		{name: "old copy deregistered first", planned: types.StringValue("web"), replaced: deregistered},
		{name: "name unknown", planned: types.StringUnknown(), replaced: kept},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertOneAttributeError(t, replacedNameKept(imageResourceModel{Name: tt.planned}, tt.replaced), "name", tt.want)
		})
	}
}

func TestTrackedCopyPrivateValue(t *testing.T) {
	m := imageResourceModel{ID: types.StringValue("ami-0123456789abcdef0"), Name: types.StringValue("web"), SkipDestroy: types.BoolValue(true)}
	got := trackedCopyFrom(t.Context(), fakePrivate{privateTrackedCopy: string(trackedCopyValue(m))})
	if got == nil || *got != (trackedCopy{ID: "ami-0123456789abcdef0", Name: "web", SkipDestroy: true}) {
		t.Errorf("round trip = %+v", got)
	}
	if v := trackedCopyValue(imageResourceModel{ID: types.StringNull()}); v != nil {
		t.Errorf("a copy without an ID records %s, want nothing", v)
	}
	if got := trackedCopyFrom(t.Context(), fakePrivate{}); got != nil {
		t.Errorf("nothing recorded reads as %+v", got)
	}
}

func TestSpentTokenDiagnostic(t *testing.T) {
	const id, region, token = "ami-0123456789abcdef0", "us-east-1", "release-1"
	tests := []struct {
		name    string
		err     error
		summary string
		want    []string
	}{
		{name: "listed as deregistered", err: &ami.DeregisteredImageError{ImageID: id}, summary: "Client Token Already Used",
			want: []string{`answered client_token "release-1" with ami-0123456789abcdef0, which EC2 lists as deregistered`, `Set a new client_token (for example "release-1-2")`}},
		{name: "never listed", err: &ami.NeverListedError{ImageID: id, Waited: 5 * time.Minute}, summary: "Client Token Probably Already Used",
			want: []string{"still did not list that AMI 5m0s later", "The likely cause is that the token was spent on ami-0123456789abcdef0"}},
		{name: "failed copy", err: &ami.CopyFailedError{ImageID: id, State: "failed", Code: "Client.InternalError"}, summary: "Image Copy Failed",
			want: []string{"as failed. State reason: Client.InternalError: (no message)", `client_token "release-1" is set in the configuration and is now spent`}},
		{name: "timeout is not about the token", err: fmt.Errorf("waiting: %w", errTimeoutForTest)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, spent := spentTokenDiagnostic(id, region, token, tt.err)
			if spent != (tt.summary != "") {
				t.Fatalf("spent = %v, want %v", spent, tt.summary != "")
			}
			if !spent {
				return
			}
			withPath, ok := d.(diag.DiagnosticWithPath)
			if d.Summary() != tt.summary || !ok || !withPath.Path().Equal(path.Root("client_token")) {
				t.Errorf("diagnostic %q at %v, want %q at client_token", d.Summary(), d, tt.summary)
			}
			for _, w := range tt.want {
				if !strings.Contains(d.Detail(), w) {
					t.Errorf("detail %q does not say %q", d.Detail(), w)
				}
			}
		})
	}
}

// errTimeoutForTest stands for an error that has nothing to do with the token.
var errTimeoutForTest = fmt.Errorf("context deadline exceeded")

// assertOneAttributeError checks that diags is one error at attribute whose
// detail holds want, or nothing when want is "".
func assertOneAttributeError(t *testing.T, diags diag.Diagnostics, attribute, want string) {
	t.Helper()
	if want == "" {
		if len(diags) != 0 {
			t.Errorf("got %v, want no diagnostics", diags)
		}
		return
	}
	if len(diags) != 1 || !diags.HasError() {
		t.Fatalf("got %v, want one error", diags)
	}
	withPath, ok := diags[0].(diag.DiagnosticWithPath)
	if !ok || !withPath.Path().Equal(path.Root(attribute)) {
		t.Errorf("error %v is not at %s", diags[0], attribute)
	}
	if !strings.Contains(diags[0].Detail(), want) {
		t.Errorf("detail %q does not say %q", diags[0].Detail(), want)
	}
}
