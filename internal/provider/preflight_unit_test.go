package provider

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

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

// TestNameInUseWarning warns about every AMI that holds a new copy's name
// except the resource's own prior copy, with the import block for one that
// no resource in state tracks, and never refuses.
func TestNameInUseWarning(t *testing.T) {
	const region, name, source = "us-east-1", "web", "ami-0source0000000000"
	holder := func(id string) ec2types.Image {
		return ec2types.Image{ImageId: aws.String(id), State: ec2types.ImageStateAvailable, CreationDate: aws.String("2030-01-01T00:00:00.000Z")}
	}
	const own, other, outside, outside2 = "ami-0own000000000000", "ami-0other0000000000", "ami-0outside00000000", "ami-0outside20000000"
	inState := map[string]copyInState{
		own:   {ID: own, Name: name, SourceImageID: source},
		other: {ID: other, Name: name, SourceImageID: "ami-0elsewhere000000"},
	}
	lookup := func(r, id string) (copyInState, bool) {
		c, ok := inState[id]
		return c, ok && r == region
	}
	replaced := &trackedCopy{ID: own, Name: name}
	keptBySkipDestroy := &trackedCopy{ID: own, Name: name, SkipDestroy: true}
	importBlock := func(id string) string {
		return "import {\n  to = amicopy_image.NAME # this resource's address\n  id = \"" + id + "@" + region + "\"\n}"
	}
	tests := []struct {
		name     string
		holders  []string
		replaced *trackedCopy
		want     []string // phrases of the one warning; nil for none
		notWant  []string
	}{
		{name: "name free"},
		{name: "an AMI outside Terraform", holders: []string{outside},
			want: []string{`This account already has an AMI named "web" in us-east-1: ` + outside + " (available, created 2030-01-01T00:00:00.000Z).",
				"EC2 accepts a copy whose name is in use, so the plan makes the copy", importBlock(outside)}},
		{name: "the own prior copy, deregistered first", holders: []string{own}, replaced: replaced},
		{name: "the own prior copy, kept by skip_destroy", holders: []string{own}, replaced: keptBySkipDestroy},
		{name: "a tainted copy's replacement, without private state", holders: []string{own}},
		{name: "another resource's copy, in a replacement", holders: []string{own, other}, replaced: replaced,
			want: []string{other + " (available, created 2030-01-01T00:00:00.000Z), which an amicopy_image in this state tracks"}, notWant: []string{own, "import {"}},
		{name: "another resource's copy of another source, in a new copy", holders: []string{other},
			want: []string{other + " (available", "which an amicopy_image in this state tracks"}, notWant: []string{"import {"}},
		{name: "another resource's copy of the same source, in a replacement", holders: []string{own}, replaced: &trackedCopy{ID: "ami-0previous00000000", Name: name},
			want: []string{own + " (available", "which an amicopy_image in this state tracks"}},
		{name: "several holders", holders: []string{own, outside, outside2}, replaced: replaced,
			want: []string{"This account already has AMIs named", outside + " (available", outside2 + " (available", importBlock(outside)}, notWant: []string{own}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var holders []ec2types.Image
			for _, id := range tt.holders {
				holders = append(holders, holder(id))
			}
			diags := nameInUseWarning(region, name, source, holders, tt.replaced, lookup)
			if tt.want == nil {
				if len(diags) != 0 {
					t.Fatalf("got %v, want no diagnostics", diags)
				}
				return
			}
			assertOneNameWarning(t, diags, "Image Name Already in Use", tt.want, tt.notWant)
		})
	}
}

// TestClaimName warns, never refuses, when a second new copy of the plan
// takes a name in the same Region.
func TestClaimName(t *testing.T) {
	copyNamed := func(name, region string) imageResourceModel {
		return imageResourceModel{Name: types.StringValue(name), Region: types.StringValue(region)}
	}
	d := &providerData{}
	for _, first := range []imageResourceModel{copyNamed("web", "us-east-1"), copyNamed("web", "eu-west-1"), copyNamed("db", "us-east-1"),
		{Name: types.StringUnknown(), Region: types.StringValue("us-east-1")}} {
		if diags := d.claimName(first); len(diags) != 0 {
			t.Fatalf("the first claim of %v: %v", first, diags)
		}
	}
	assertOneNameWarning(t, d.claimName(copyNamed("web", "us-east-1")), "Image Name Used Twice in This Plan",
		[]string{`Another amicopy_image in this plan also makes a copy named "web" in us-east-1. EC2 accepts both`}, nil)
}

// assertOneNameWarning checks that diags is one warning at name, with
// summary, saying each of want and none of notWant.
func assertOneNameWarning(t *testing.T, diags diag.Diagnostics, summary string, want, notWant []string) {
	t.Helper()
	if len(diags) != 1 || diags[0].Severity() != diag.SeverityWarning || diags[0].Summary() != summary {
		t.Fatalf("got %v, want one warning %q", diags, summary)
	}
	if withPath, ok := diags[0].(diag.DiagnosticWithPath); !ok || !withPath.Path().Equal(path.Root("name")) {
		t.Errorf("warning %v is not at name", diags[0])
	}
	for _, w := range want {
		if !strings.Contains(diags[0].Detail(), w) {
			t.Errorf("detail %q does not say %q", diags[0].Detail(), w)
		}
	}
	for _, w := range notWant {
		if strings.Contains(diags[0].Detail(), w) {
			t.Errorf("detail %q says %q", diags[0].Detail(), w)
		}
	}
}

// TestUpgradeTracksCopyInState records the copy of every state that
// Terraform upgrades, which it does with -refresh=false too, so that the
// plan of a tainted copy's replacement knows the copy it replaces; an
// attempt without an ID holds no AMI.
func TestUpgradeTracksCopyInState(t *testing.T) {
	ctx := t.Context()
	s, ok := NewServer("test")().(*server)
	if !ok {
		t.Fatal("NewServer did not return *server")
	}
	configureForTest(ctx, t, s, nil)
	imageType := s.imageObjectType(ctx)
	upgrade := func(changes map[string]tftypes.Value) {
		raw, err := json.Marshal(valueToJSON(t, imageState(t, imageType, changes)))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := s.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{TypeName: "amicopy_image", RawState: &tfprotov6.RawState{JSON: raw}})
		if err != nil || len(resp.Diagnostics) != 0 {
			t.Fatalf("UpgradeResourceState: %v %v", err, resp.Diagnostics)
		}
	}
	upgrade(map[string]tftypes.Value{"id": str("ami-0tracked000000000"), "name": str("web"), "region": str("eu-west-1"), "source_image_id": str("ami-0source0000000000")})
	upgrade(map[string]tftypes.Value{"id": {}, "name": str("attempt")})

	got, tracked := s.provider.data.preflight.copyInState("eu-west-1", "ami-0tracked000000000")
	if want := (copyInState{ID: "ami-0tracked000000000", Name: "web", SourceImageID: "ami-0source0000000000"}); !tracked || got != want {
		t.Errorf("copy in state = %+v, %v; want %+v", got, tracked, want)
	}
	if n := len(s.provider.data.preflight.inState); n != 1 {
		t.Errorf("%d copies in state, want 1: %+v", n, s.provider.data.preflight.inState)
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
