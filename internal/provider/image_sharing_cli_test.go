package provider_test

import (
	"context"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/amicopy/terraform-provider-amicopy/internal/acctest"
	"github.com/amicopy/terraform-provider-amicopy/internal/ami"
)

// Sharing through the Terraform CLI: the routes where what the plan shows,
// what the apply does and what EC2 accepts must agree.

const sharedImage = "amicopy_image.test"

// TestAccImage_sharingTakeOverShowsRemovals sets a sharing attribute on a
// copy that others shared while the attribute was unset, first on a copy
// that never had it and then after unsetting it ("stop managing"). The
// prior value in the plan is null, so the diff shows only additions: the
// plan must name every grant that the apply removes. The apply then leaves
// exactly the configured grants, state equals EC2, the next plan is empty,
// and that unchanged plan reads the grants only to refresh them.
func TestAccImage_sharingTakeOverShowsRemovals(t *testing.T) {
	tests := []struct {
		name       string
		configured string
		// outside are the grants made with the SDK before each round.
		outside [2]func(t *testing.T, image capturedImage)
		// warnings are what each round's plan must say, in order.
		warnings [2]*regexp.Regexp
		// applied checks EC2 after each apply that sets the attribute.
		applied func(t *testing.T, image capturedImage)
		// A refresh reads the AMI's launch permissions when launch_permission
		// is set, and each snapshot's when the snapshot attribute is.
		readsImage, readsSnapshots bool
		// settings are the provider's.
		settings []string
	}{
		{
			name:       "launch_permission",
			configured: fmt.Sprintf("launch_permission = { account_ids = [%q] }", shareAccountA),
			outside: [2]func(*testing.T, capturedImage){
				func(t *testing.T, image capturedImage) {
					grantLaunchOutside(t, image, ami.LaunchPermissions{AccountIDs: []string{shareAccountB}, OrganizationARNs: []string{shareOrg}})
				},
				func(t *testing.T, image capturedImage) {
					grantLaunchOutside(t, image, ami.LaunchPermissions{AccountIDs: []string{shareAccountC}, OrganizationalUnitARNs: []string{shareOU}})
				},
			},
			warnings: [2]*regexp.Regexp{
				warningPattern("Launch Permissions Granted Outside Terraform Will Be Removed", "account "+shareAccountB, "organization "+shareOrg),
				warningPattern("Launch Permissions Granted Outside Terraform Will Be Removed", "account "+shareAccountC, "organizational unit "+shareOU),
			},
			applied:    launchPermissionsAre(ami.LaunchPermissions{AccountIDs: []string{shareAccountA}}),
			readsImage: true,
		},
		{
			name:       "snapshot_create_volume_permission_account_ids",
			configured: fmt.Sprintf("snapshot_create_volume_permission_account_ids = [%q]", shareAccountA),
			outside: [2]func(*testing.T, capturedImage){
				func(t *testing.T, image capturedImage) {
					changePermissionsOutside(t, image, []string{shareAccountB}, nil)
				},
				func(t *testing.T, image capturedImage) {
					changePermissionsOutside(t, image, []string{shareAccountC}, nil)
				},
			},
			warnings: [2]*regexp.Regexp{
				warningPattern("Snapshot Permissions Granted Outside Terraform Will Be Removed", "account "+shareAccountB),
				warningPattern("Snapshot Permissions Granted Outside Terraform Will Be Removed", "account "+shareAccountC),
			},
			applied: func(t *testing.T, image capturedImage) {
				t.Helper()
				for _, id := range image.snapshotIDs {
					got, err := sharingClient(t, image.region).SnapshotCreateVolumePermissions(context.Background(), id)
					if err != nil || !slices.Equal(got, []string{shareAccountA}) {
						t.Errorf("accounts that may create volumes from %s = %v, %v; want [%s]", id, got, err, shareAccountA)
					}
				}
			},
			readsSnapshots: true,
		},
		{
			// The plan asks AWS nothing, so it cannot name the grants; it says so.
			name:       "launch_permission with skip_preflight",
			configured: fmt.Sprintf("launch_permission = { account_ids = [%q] }", shareAccountA),
			outside: [2]func(*testing.T, capturedImage){
				func(t *testing.T, image capturedImage) {
					grantLaunchOutside(t, image, ami.LaunchPermissions{AccountIDs: []string{shareAccountB}})
				},
				func(t *testing.T, image capturedImage) {
					grantLaunchOutside(t, image, ami.LaunchPermissions{OrganizationARNs: []string{shareOrg}})
				},
			},
			warnings: [2]*regexp.Regexp{
				warningPattern("Grants Made Outside Terraform May Be Removed", "launch_permission was unset", "skip_preflight kept this plan from reading"),
				warningPattern("Grants Made Outside Terraform May Be Removed", "launch_permission was unset", "skip_preflight kept this plan from reading"),
			},
			applied:    launchPermissionsAre(ami.LaunchPermissions{AccountIDs: []string{shareAccountA}}),
			readsImage: true,
			settings:   []string{"skip_preflight = true"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, wd, name := newImageWorkdir(t, "", tt.settings...)
			terraformCLIOK(t, wd, "apply", "-auto-approve", "-input=false")
			image := stateImage(t, wd, sharedImage)
			for round, route := range []string{"initially unset", "unset, then set again"} {
				if round == 1 {
					wd.WriteFile(t, "main.tf", cliConfig(p, tt.settings...)+reliabilityImage(name, ""))
					terraformCLIOK(t, wd, "apply", "-auto-approve", "-input=false")
					tt.applied(t, image) // Unsetting removes nothing.
				}
				tt.outside[round](t, image)
				wd.WriteFile(t, "main.tf", cliConfig(p, tt.settings...)+reliabilityImage(name, tt.configured))
				out := terraformCLIOK(t, wd, "plan", "-input=false", "-out=take.tfplan")
				if !tt.warnings[round].MatchString(out) {
					t.Errorf("%s: the plan does not name the grants the apply removes (want %s):\n%s", route, tt.warnings[round], out)
				}
				if actions := strings.Join(plannedChangeOf(t, wd, "take.tfplan", sharedImage).Change.Actions, ","); actions != "update" {
					t.Errorf("%s: planned %s, want update", route, actions)
				}
				terraformCLIOK(t, wd, "apply", "-input=false", "take.tfplan")
				tt.applied(t, image)
				checkStateMatchesEC2(t, wd)
				expectEmptyCLIPlan(t, wd)
			}
			p.ResetCalls()
			expectEmptyCLIPlan(t, wd)
			wantReads := map[string]int{"DescribeImageAttribute": 0, "DescribeSnapshotAttribute": 0}
			if tt.readsImage {
				wantReads["DescribeImageAttribute"] = 1
			}
			if tt.readsSnapshots {
				wantReads["DescribeSnapshotAttribute"] = len(image.snapshotIDs)
			}
			for action, want := range wantReads {
				if got := p.Count(action); got != want {
					t.Errorf("an unchanged plan made %d %s calls, want %d (the refresh's)", got, action, want)
				}
			}
			destroyAndCheckGone(t, wd, name)
		})
	}
}

// TestAccImage_sharingRefusedAtApply makes copies public where EC2 refuses
// it, with skip_preflight set so that the plan does not ask AWS: the apply
// meets EC2's refusal, says what to do, and state stays true to EC2.
func TestAccImage_sharingRefusedAtApply(t *testing.T) {
	acctest.SkipOnRealAWS(t, "it changes account settings for AMIs in a Region")
	tests := []struct {
		name string
		// region is the test's own: the setting it changes is per Region.
		region  string
		prepare func(t *testing.T, client *ec2.Client)
		// createPublic makes the copy public as it is created, the only
		// route where the plan cannot know the copy will be encrypted;
		// otherwise a private copy is made public by an update.
		createPublic bool
		want         *regexp.Regexp
	}{
		{
			name:   "block public access is on",
			region: "ap-northeast-2",
			prepare: func(t *testing.T, client *ec2.Client) {
				if _, err := client.EnableImageBlockPublicAccess(context.Background(), &ec2.EnableImageBlockPublicAccessInput{
					ImageBlockPublicAccessState: ec2types.ImageBlockPublicAccessEnabledStateBlockNewSharing,
				}); err != nil {
					t.Fatal(err)
				}
			},
			want: diagnosticPattern("Unable to Share Image", "OperationNotPermitted", "block public access for AMIs is enabled", "apply again"),
		},
		{
			name:   "encrypted by default",
			region: "eu-central-2",
			prepare: func(t *testing.T, client *ec2.Client) {
				if _, err := client.EnableEbsEncryptionByDefault(context.Background(), &ec2.EnableEbsEncryptionByDefaultInput{}); err != nil {
					t.Fatal(err)
				}
			},
			createPublic: true,
			want:         diagnosticPattern("Unable to Share Image", "UnsupportedOperation", "Encrypted snapshots can't be shared publicly", "tainted"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.prepare(t, acctest.EC2Client(t, tt.region))
			region := fmt.Sprintf("region = %q\n", tt.region)
			public := region + "launch_permission = { public = true }"
			first := region
			if tt.createPublic {
				first = public
			}
			p, wd, name := newImageWorkdir(t, first, "skip_preflight = true")
			out, err := terraformCLI(t, wd, "apply", "-auto-approve", "-input=false")
			if !tt.createPublic {
				if err != nil {
					t.Fatalf("creating the private copy: %v\n%s", err, out)
				}
				wd.WriteFile(t, "main.tf", cliConfig(p, "skip_preflight = true")+reliabilityImage(name, public))
				out, err = terraformCLI(t, wd, "apply", "-auto-approve", "-input=false")
			}
			if err == nil || !tt.want.MatchString(out) {
				t.Fatalf("making the copy public: err %v, want %s in:\n%s", err, tt.want, out)
			}
			image := stateImage(t, wd, sharedImage)
			if perms, err := sharingClient(t, tt.region).LaunchPermissions(context.Background(), image.id); err != nil || perms.Public {
				t.Errorf("after the refusal EC2 reports public=%v (%v); want private", perms.Public, err)
			}
			if tt.createPublic {
				// A failed create records the plan until the next refresh.
				terraformCLIOK(t, wd, "apply", "-refresh-only", "-auto-approve", "-input=false")
			}
			checkStateMatchesEC2(t, wd)
			destroyAndCheckGone(t, wd, name)
		})
	}
}

// TestAccImage_deprecationFollowsPublicity changes whether a copy is
// public together with its deprecation time, in the orders EC2 accepts:
// EC2 gives a public AMI without a deprecation time one 2 years after its
// creation, keeps a public AMI's within 2 years of it, and lets only a
// private AMI's be cancelled or moved later, which a plan that keeps the
// copy public is refused.
func TestAccImage_deprecationFollowsPublicity(t *testing.T) {
	t.Parallel()
	inYears := func(years, months int) string {
		return time.Now().UTC().AddDate(years, months, 0).Truncate(time.Minute).Format(time.RFC3339)
	}
	steps := []struct {
		name       string
		attributes string
		// refused is the plan's error when EC2 would refuse the change.
		refused *regexp.Regexp
	}{
		{name: "public without deprecation_time", attributes: "launch_permission = { public = true }"},
		{name: "private, deprecated past the public limit", attributes: fmt.Sprintf("launch_permission = { public = false }\ndeprecation_time = %q", inYears(5, 0))},
		{name: "public again, deprecated earlier", attributes: fmt.Sprintf("launch_permission = { public = true }\ndeprecation_time = %q", inYears(0, 6))},
		{name: "public, deprecation cancelled", attributes: "launch_permission = { public = true }",
			refused: diagnosticPattern("Deprecation of a Public Copy Cannot Be Cancelled or Moved Later", "cancels", "launch_permission.public = false")},
		{name: "public, deprecated later", attributes: fmt.Sprintf("launch_permission = { public = true }\ndeprecation_time = %q", inYears(1, 0)),
			refused: diagnosticPattern("Deprecation of a Public Copy Cannot Be Cancelled or Moved Later", "moves later")},
		{name: "private without deprecation_time", attributes: "launch_permission = { public = false }"},
	}
	p := acctest.NewProxy(t)
	name := randomName()
	wd := newReliabilityWorkdir(t, p)
	for _, step := range steps {
		wd.WriteFile(t, "main.tf", cliConfig(p)+reliabilityImage(name, step.attributes))
		if step.refused != nil {
			if out, code := runTerraform(t, wd, "plan", "-input=false"); code == 0 || !step.refused.MatchString(out) {
				t.Errorf("%s: the plan exited %d, want %s in:\n%s", step.name, code, step.refused, out)
			}
			continue
		}
		started := time.Now()
		out := terraformCLIOK(t, wd, "apply", "-auto-approve", "-input=false")
		if strings.Contains(out, "Change Not Visible Yet") {
			t.Errorf("%s: the apply waited for a change EC2 never shows (%s):\n%s", step.name, time.Since(started).Round(time.Second), out)
		}
		checkStateMatchesEC2(t, wd)
		expectEmptyCLIPlan(t, wd)
	}
	destroyAndCheckGone(t, wd, name)
}

// launchPermissionsAre checks who may launch the copy, asking EC2.
func launchPermissionsAre(want ami.LaunchPermissions) func(t *testing.T, image capturedImage) {
	return func(t *testing.T, image capturedImage) {
		t.Helper()
		got, err := sharingClient(t, image.region).LaunchPermissions(context.Background(), image.id)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("EC2 launch permissions = %+v, %v; want %+v", got, err, want)
		}
	}
}

// grantLaunchOutside grants launch permissions with the SDK, as someone
// outside Terraform would.
func grantLaunchOutside(t *testing.T, image capturedImage, grants ami.LaunchPermissions) {
	t.Helper()
	if err := sharingClient(t, image.region).ModifyLaunchPermissions(context.Background(), image.id, grants, ami.LaunchPermissions{}); err != nil {
		t.Fatal(err)
	}
}

// warningPattern matches a warning diagnostic with the summary whose
// detail holds the given texts in order.
func warningPattern(summary string, details ...string) *regexp.Regexp {
	return regexp.MustCompile(strings.Replace(diagnosticPattern(summary, details...).String(), "Error: ", "Warning: ", 1))
}

// expectEmptyCLIPlan runs a plan that must find nothing to do.
func expectEmptyCLIPlan(t *testing.T, wd *acctest.Workdir) {
	t.Helper()
	if out, code := runTerraform(t, wd, "plan", "-detailed-exitcode", "-input=false"); code != 0 {
		t.Errorf("the next plan exited %d, want 0 (empty):\n%s", code, out)
	}
}

// expectEmptyCLIPlanWithoutRefresh runs plan -refresh=false, which must
// find nothing to do.
func expectEmptyCLIPlanWithoutRefresh(t *testing.T, wd *acctest.Workdir) {
	t.Helper()
	if out, code := runTerraform(t, wd, "plan", "-refresh=false", "-detailed-exitcode", "-input=false"); code != 0 {
		t.Errorf("plan -refresh=false exited %d, want 0 (empty):\n%s", code, out)
	}
}

// checkStateMatchesEC2 compares what state records of sharing and
// deprecation with what EC2 reports for amicopy_image.test. A sharing
// attribute that state leaves null is not tracked, so only the set ones
// are compared; a null deprecation_time of a public copy matches EC2's
// default, 2 years after its creation.
func checkStateMatchesEC2(t *testing.T, wd *acctest.Workdir) {
	t.Helper()
	r := stateResource(t, wd, sharedImage)
	if r == nil {
		t.Fatalf("%s is not in state", sharedImage)
	}
	image := r.image()
	client := sharingClient(t, image.region)
	ctx := context.Background()
	perms, err := client.LaunchPermissions(ctx, image.id)
	if err != nil {
		t.Fatal(err)
	}
	if public, _ := r.Values["public"].(bool); public != perms.Public {
		t.Errorf("state public = %v, EC2 %v", public, perms.Public)
	}
	if lp, ok := r.Values["launch_permission"].(map[string]any); ok {
		recorded := ami.LaunchPermissions{
			AccountIDs: stateStrings(lp["account_ids"]), OrganizationARNs: stateStrings(lp["organization_arns"]),
			OrganizationalUnitARNs: stateStrings(lp["organizational_unit_arns"]), Public: lp["public"] == true,
		}
		if !reflect.DeepEqual(recorded, perms) {
			t.Errorf("state launch_permission = %+v, EC2 %+v", recorded, perms)
		}
	}
	if accounts, ok := r.Values["snapshot_create_volume_permission_account_ids"].([]any); ok {
		for _, id := range image.snapshotIDs {
			got, err := client.SnapshotCreateVolumePermissions(ctx, id)
			if err != nil || !slices.Equal(got, stateStrings(accounts)) {
				t.Errorf("state snapshot accounts = %v, EC2 %v (%v) for %s", stateStrings(accounts), got, err, id)
			}
		}
	}
	img := describeImageByID(t, image.region, image.id)
	reported := aws.ToString(img.DeprecationTime)
	recorded, _ := r.Values["deprecation_time"].(string)
	switch {
	case recorded != "":
		if !sameMinuteRFC3339(recorded, reported) {
			t.Errorf("state deprecation_time = %q, EC2 %q", recorded, reported)
		}
	case reported == "":
	case aws.ToBool(img.Public):
		created, _ := time.Parse(time.RFC3339, aws.ToString(img.CreationDate))
		if publicDefault := created.AddDate(2, 0, 0).Format(time.RFC3339); !sameMinuteRFC3339(publicDefault, reported) {
			t.Errorf("state has no deprecation_time, EC2 %q, which is not the public default %q", reported, publicDefault)
		}
	default:
		t.Errorf("state has no deprecation_time, EC2 %q", reported)
	}
}

// stateStrings reads a set of strings from `terraform show -json`, sorted,
// or nil when empty, as ami reports them.
func stateStrings(v any) []string {
	var out []string
	for _, e := range asSlice(v) {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

// asSlice is v as a JSON list, or nil.
func asSlice(v any) []any {
	list, _ := v.([]any)
	return list
}

// sameMinuteRFC3339 reports whether two times name the same minute.
func sameMinuteRFC3339(a, b string) bool {
	ta, errA := time.Parse(time.RFC3339, a)
	tb, errB := time.Parse(time.RFC3339, b)
	return errA == nil && errB == nil && ta.Truncate(time.Minute).Equal(tb.Truncate(time.Minute))
}

// TestAccImage_sharingWithOwnerAccount grants the copy's own account, as
// the AWS provider's own launch-permission test does: EC2 accepts and lists
// the grant, so the plan only warns that it does nothing, the apply makes
// it, state equals EC2 and the next plans, refreshing and not, are empty.
func TestAccImage_sharingWithOwnerAccount(t *testing.T) {
	acctest.SkipOnRealAWS(t, "the owner account of the local EC2 is moto's")
	t.Parallel()
	sharing := fmt.Sprintf("launch_permission = { account_ids = [%q, %q] }\n  snapshot_create_volume_permission_account_ids = [%q]",
		shareAccountA, motoAccount, motoAccount)
	_, wd, name := newImageWorkdir(t, sharing)
	out := terraformCLIOK(t, wd, "plan", "-input=false", "-out=owner.tfplan")
	for _, want := range []*regexp.Regexp{
		warningPattern("Copy Shared With Its Own Account", "launch_permission.account_ids lists "+motoAccount, "does nothing", "remove "+motoAccount+" from launch_permission.account_ids"),
		warningPattern("Snapshots Shared With Their Own Account", "snapshot_create_volume_permission_account_ids lists "+motoAccount),
	} {
		if !want.MatchString(out) {
			t.Errorf("the plan does not warn about the grant to the owner (want %s):\n%s", want, out)
		}
	}
	terraformCLIOK(t, wd, "apply", "-input=false", "owner.tfplan")
	image := stateImage(t, wd, sharedImage)
	launchPermissionsAre(ami.LaunchPermissions{AccountIDs: []string{shareAccountA, motoAccount}})(t, image)
	for _, id := range image.snapshotIDs {
		got, err := sharingClient(t, image.region).SnapshotCreateVolumePermissions(context.Background(), id)
		if err != nil || !slices.Equal(got, []string{motoAccount}) {
			t.Errorf("accounts that may create volumes from %s = %v, %v; want [%s]", id, got, err, motoAccount)
		}
	}
	checkStateMatchesEC2(t, wd)
	expectEmptyCLIPlan(t, wd)
	if out, code := runTerraform(t, wd, "plan", "-detailed-exitcode", "-input=false", "-refresh=false"); code != 0 {
		t.Errorf("the next plan with -refresh=false exited %d, want 0 (empty):\n%s", code, out)
	}
	destroyAndCheckGone(t, wd, name)
}
