package provider_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/amicopy/terraform-provider-amicopy/internal/acctest"
	"github.com/amicopy/terraform-provider-amicopy/internal/acctest/awsprovider"
	"github.com/amicopy/terraform-provider-amicopy/internal/ami"
)

// The route matrix drives the Terraform CLI through every route a user can
// take with a copy (create, in-place update, replacement by configuration,
// -replace, taint, a timed-out create resumed after untaint, terraform
// import, an import block, destroy), with and without -refresh=false, each
// with the settings that have an apply step of their own: tags with
// copy_image_tags, snapshot tags, deprecation, deregistration protection,
// launch and snapshot permissions, and a pinned client_token. After every
// apply it checks the same invariants (checkRoute): state equals what EC2
// reports, the next plan is empty with and without a refresh, no CopyImage
// was sent that the route did not call for, and no AMI of the route's name
// is left that state does not hold.

const (
	routeAddress      = "amicopy_image.test"
	routeShareAccount = "111122223333"
	routeOtherAccount = "444455556666"
)

// routeSettings are the values of one configuration of amicopy_image.test.
type routeSettings struct {
	name, clientToken, description string
	tags                           map[string]string
	deprecation                    time.Time
	protection                     string
	launchAccounts                 []string
	snapshotAccounts               []string
	copyImageTags                  bool
	createTimeout                  string
}

// routeBase is the configuration every route starts from.
func routeBase(name string) routeSettings {
	return routeSettings{
		name:             name,
		clientToken:      name + "-token-1",
		description:      "route matrix copy",
		tags:             map[string]string{"Name": name, "team": "images"},
		deprecation:      time.Now().UTC().Add(90 * 24 * time.Hour).Truncate(time.Minute),
		protection:       "disabled",
		launchAccounts:   []string{routeShareAccount},
		snapshotAccounts: []string{routeShareAccount},
		copyImageTags:    true,
	}
}

// hcl renders the settings as the resource block.
func (s routeSettings) hcl(sourceImageID string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "resource \"amicopy_image\" \"test\" {\n  name = %q\n  source_image_id = %q\n  source_region = %q\n", s.name, sourceImageID, acctest.Region())
	if s.clientToken != "" {
		fmt.Fprintf(&b, "  client_token = %q\n", s.clientToken)
	}
	fmt.Fprintf(&b, "  description = %q\n  copy_image_tags = %t\n", s.description, s.copyImageTags)
	b.WriteString("  tags = {\n")
	for _, k := range slices.Sorted(maps.Keys(s.tags)) {
		fmt.Fprintf(&b, "    %q = %q\n", k, s.tags[k])
	}
	b.WriteString("  }\n  snapshot_tags = { team = \"images\" }\n")
	if !s.deprecation.IsZero() {
		fmt.Fprintf(&b, "  deprecation_time = %q\n", s.deprecation.Format(time.RFC3339))
	}
	fmt.Fprintf(&b, "  deregistration_protection = %q\n", s.protection)
	if s.launchAccounts != nil {
		fmt.Fprintf(&b, "  launch_permission = { account_ids = %s }\n", hclStrings(s.launchAccounts))
	}
	if s.snapshotAccounts != nil {
		fmt.Fprintf(&b, "  snapshot_create_volume_permission_account_ids = %s\n", hclStrings(s.snapshotAccounts))
	}
	if s.createTimeout != "" {
		fmt.Fprintf(&b, "  timeouts = { create = %q }\n", s.createTimeout)
	}
	b.WriteString("}\n")
	return b.String()
}

// hclStrings renders a list of strings.
func hclStrings(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = fmt.Sprintf("%q", v)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

// route is one route's working folder, its own proxy (so its calls can be
// counted), and its tagged source image.
type route struct {
	t      *testing.T
	p      *acctest.Proxy
	wd     *acctest.Workdir
	name   string
	source string
	// preamble starts every configuration: the providers and their blocks.
	preamble string
}

// newRoute makes a route's folder and a source AMI of this account that
// carries a tag, so that copy_image_tags has something to copy.
func newRoute(t *testing.T) *route {
	t.Helper()
	acctest.SkipOnRealAWS(t, "the routes count CopyImage calls at the test proxy")
	p := acctest.NewProxy(t)
	r := &route{t: t, p: p, wd: newReliabilityWorkdir(t, p), name: randomName(), preamble: cliConfig(p)}
	r.source = makeTaggedSource(t, r.name+"-source", map[string]string{"origin": "build-7"})
	return r
}

// newMoveRoute is newRoute with the stand-in AWS provider of the given
// shape beside this one, for the moved block from aws_ami_copy.
func newMoveRoute(t *testing.T, shape awsprovider.Shape) *route {
	t.Helper()
	acctest.SkipOnRealAWS(t, "the stand-in AWS provider needs the local EC2")
	p, wd := newMoveWorkdir(t, acctest.BuildProvider(t), shape)
	r := &route{t: t, p: p, wd: wd, name: randomName(),
		preamble: requiredProviders("amicopy/amicopy", "hashicorp/aws") + standInAWSProviderBlock(p.URL()) + acctest.ProviderBlock(p.URL())}
	r.source = makeTaggedSource(t, r.name+"-source", map[string]string{"origin": "build-7"})
	return r
}

// makeTaggedSource copies the test's source image into an AMI of this
// account named name, with tags, and deregisters it when the test ends.
func makeTaggedSource(t *testing.T, name string, tags map[string]string) string {
	t.Helper()
	client := acctest.EC2Client(t, acctest.Region())
	var ec2Tags []ec2types.Tag
	for k, v := range tags {
		ec2Tags = append(ec2Tags, ec2types.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	out, err := client.CopyImage(context.Background(), &ec2.CopyImageInput{
		Name: aws.String(name), SourceImageId: aws.String(acctest.SourceImageID()), SourceRegion: aws.String(acctest.SourceRegion()),
		TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeImage, Tags: ec2Tags}},
	})
	if err != nil {
		t.Fatalf("making the source image %s: %v", name, err)
	}
	id := aws.ToString(out.ImageId)
	t.Cleanup(func() { deregisterQuietly(t, acctest.Region(), id) })
	return id
}

// write writes the configuration.
func (r *route) write(s routeSettings, extra ...string) {
	r.t.Helper()
	r.wd.WriteFile(r.t, "main.tf", r.preamble+s.hcl(r.source)+strings.Join(extra, "\n"))
}

// tf runs a terraform command that must succeed.
func (r *route) tf(args ...string) string {
	r.t.Helper()
	return terraformCLIOK(r.t, r.wd, noInput(args)...)
}

// noInput adds -input=false after the commands that take it.
func noInput(args []string) []string {
	switch args[0] {
	case "plan", "apply", "destroy", "import":
		return append([]string{args[0], "-input=false"}, args[1:]...)
	}
	return args
}

// apply plans with the extra flags into a saved plan and applies it, as a
// reviewed change is applied, and checks that the apply removed from EC2
// only what the plan showed going: AMIs, tags, and launch and snapshot
// grants.
func (r *route) apply(flags ...string) {
	r.t.Helper()
	r.tf(append([]string{"plan", "-out=route.tfplan"}, flags...)...)
	shown := planRemovals(r.t, r.wd, "route.tfplan")
	before := r.ec2Facts()
	r.tf("apply", "route.tfplan")
	after := r.ec2Facts()
	for fact := range before {
		if !after[fact] && !shown[fact] {
			r.t.Errorf("the apply removed %s, which its plan did not show going", fact)
		}
	}
}

// ec2Facts lists what EC2 holds for the route's copies (not its source),
// each as one string: "ami ID", "tag ID k=v", "launch ID account",
// "volume SNAPSHOT account".
func (r *route) ec2Facts() map[string]bool {
	r.t.Helper()
	facts := map[string]bool{}
	client := acctest.EC2Client(r.t, acctest.Region())
	for _, img := range ownImagesNamed(r.t, r.name) {
		id := aws.ToString(img.ImageId)
		if id == r.source {
			continue
		}
		facts["ami "+id] = true
		for k, v := range ami.TagMap(img.Tags) {
			facts[fmt.Sprintf("tag %s %s=%s", id, k, v)] = true
		}
		for _, account := range imageLaunchAccounts(r.t, client, id) {
			facts[fmt.Sprintf("launch %s %s", id, account)] = true
		}
		for _, snapshot := range ami.SnapshotIDs(img) {
			for _, account := range snapshotVolumeAccounts(r.t, client, snapshot) {
				facts[fmt.Sprintf("volume %s %s", snapshot, account)] = true
			}
		}
	}
	return facts
}

// planRemovals lists, as ec2Facts spells them, what a saved plan shows
// going: a deleted or replaced copy whole, and the tags and grants that its
// prior value holds and its planned value does not (an unknown planned
// value shows everything going).
func planRemovals(t *testing.T, wd *acctest.Workdir, planFile string) map[string]bool {
	t.Helper()
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				Actions      []string       `json:"actions"`
				Before       map[string]any `json:"before"`
				After        map[string]any `json:"after"`
				AfterUnknown map[string]any `json:"after_unknown"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	out := mustTerraformStdout(t, wd, "show", "-json", planFile)
	if err := json.Unmarshal([]byte(out), &plan); err != nil {
		t.Fatalf("decoding terraform show -json %s: %v", planFile, err)
	}
	shown := map[string]bool{}
	for _, rc := range plan.ResourceChanges {
		before := rc.Change.Before
		id, _ := before["id"].(string)
		if id == "" {
			continue
		}
		deleted := slices.Contains(rc.Change.Actions, "delete")
		after := rc.Change.After
		if deleted || after == nil {
			after = map[string]any{}
		}
		going := func(attribute string, facts func(values map[string]any) []string) {
			if unknown, _ := rc.Change.AfterUnknown[attribute].(bool); unknown && !deleted {
				for _, fact := range facts(before) {
					shown[fact] = true
				}
				return
			}
			kept := facts(after)
			for _, fact := range facts(before) {
				if !slices.Contains(kept, fact) {
					shown[fact] = true
				}
			}
		}
		if deleted {
			shown["ami "+id] = true
		}
		going("tags_all", func(values map[string]any) []string {
			var facts []string
			for k, v := range jsonStringMap(values["tags_all"]) {
				facts = append(facts, fmt.Sprintf("tag %s %s=%s", id, k, v))
			}
			return facts
		})
		going("launch_permission", func(values map[string]any) []string {
			var facts []string
			lp, _ := values["launch_permission"].(map[string]any)
			for _, account := range stateStrings(lp["account_ids"]) {
				facts = append(facts, fmt.Sprintf("launch %s %s", id, account))
			}
			return facts
		})
		going("snapshot_create_volume_permission_account_ids", func(values map[string]any) []string {
			var facts []string
			for _, snapshot := range stateStrings(before["snapshot_ids"]) {
				for _, account := range stateStrings(values["snapshot_create_volume_permission_account_ids"]) {
					facts = append(facts, fmt.Sprintf("volume %s %s", snapshot, account))
				}
			}
			return facts
		})
	}
	return shown
}

// imageLaunchAccounts lists the accounts EC2 lets launch an image.
func imageLaunchAccounts(t *testing.T, client *ec2.Client, imageID string) []string {
	t.Helper()
	attr, err := client.DescribeImageAttribute(context.Background(), &ec2.DescribeImageAttributeInput{ImageId: aws.String(imageID), Attribute: ec2types.ImageAttributeNameLaunchPermission})
	if err != nil {
		t.Fatalf("DescribeImageAttribute %s: %v", imageID, err)
	}
	var accounts []string
	for _, perm := range attr.LaunchPermissions {
		if perm.UserId != nil {
			accounts = append(accounts, aws.ToString(perm.UserId))
		}
	}
	return accounts
}

// snapshotVolumeAccounts lists the accounts EC2 lets create volumes from a
// snapshot.
func snapshotVolumeAccounts(t *testing.T, client *ec2.Client, snapshotID string) []string {
	t.Helper()
	attr, err := client.DescribeSnapshotAttribute(context.Background(), &ec2.DescribeSnapshotAttributeInput{SnapshotId: aws.String(snapshotID), Attribute: ec2types.SnapshotAttributeNameCreateVolumePermission})
	if err != nil {
		t.Fatalf("DescribeSnapshotAttribute %s: %v", snapshotID, err)
	}
	var accounts []string
	for _, perm := range attr.CreateVolumePermissions {
		accounts = append(accounts, aws.ToString(perm.UserId))
	}
	return accounts
}

// refused runs a plan that must fail with the diagnostic, and checks that
// the copy in state is untouched.
func (r *route) refused(pattern string, details []string, args ...string) {
	r.t.Helper()
	before := stateImage(r.t, r.wd, routeAddress)
	r.refused0(pattern, details, args...)
	if after := stateImage(r.t, r.wd, routeAddress); after.id != before.id {
		r.t.Fatalf("the refused run changed the copy in state from %s to %s", before.id, after.id)
	}
	describeImageByID(r.t, acctest.Region(), before.id) // still there
}

// refused0 runs a command that must fail with the diagnostic.
func (r *route) refused0(pattern string, details []string, args ...string) {
	r.t.Helper()
	out, err := terraformCLI(r.t, r.wd, noInput(args)...)
	if err == nil || !diagnosticPattern(pattern, details...).MatchString(out) {
		r.t.Fatalf("terraform %s: want the error %q (err %v):\n%s", strings.Join(args, " "), pattern, err, out)
	}
}

// checkRoute checks the invariants after an apply: one copy in state,
// available and untainted, equal to what EC2 reports; empty plans with and
// without a refresh; copies CopyImage calls that made an AMI; and no other
// AMI of the route's name.
func (r *route) checkRoute(step string, copies int) string {
	r.t.Helper()
	t := r.t
	st := stateResource(t, r.wd, routeAddress)
	if st == nil {
		t.Fatalf("%s: %s is not in state", step, routeAddress)
	}
	id, _ := st.Values["id"].(string)
	if st.Tainted || st.Values["state"] != "available" {
		t.Fatalf("%s: state holds %s tainted=%t state=%v; want it available, not tainted", step, id, st.Tainted, st.Values["state"])
	}
	img := describeImageByID(t, acctest.Region(), id)
	var problems []string
	if err := compareWithEC2(st.Values, img); err != nil {
		problems = append(problems, err.Error())
	}
	problems = append(problems, settingsDifferFromEC2(t, st.Values, img)...)
	if len(problems) > 0 {
		t.Errorf("%s: state differs from EC2:\n  %s", step, strings.Join(problems, "\n  "))
	}
	for _, flags := range [][]string{nil, {"-refresh=false"}} {
		out := r.tf(append([]string{"plan", "-detailed-exitcode"}, flags...)...)
		if !strings.Contains(out, "No changes.") {
			t.Errorf("%s: the next plan %v is not empty:\n%s", step, flags, out)
		}
	}
	if n := r.p.CountCopies(); n != copies {
		t.Errorf("%s: EC2 made %d copies through CopyImage, want %d", step, n, copies)
	}
	if images := ownImagesNamed(t, r.name); len(images) != 1 || aws.ToString(images[0].ImageId) != id {
		var ids []string
		for _, img := range images {
			if aws.ToString(img.Name) != r.name+"-source" {
				ids = append(ids, aws.ToString(img.ImageId))
			}
		}
		if len(ids) != 1 || ids[0] != id {
			t.Errorf("%s: EC2 holds %v named %s*, want only %s: a copy was orphaned", step, ids, r.name, id)
		}
	}
	return id
}

// settingsDifferFromEC2 compares what state says of the settings that have
// an apply step of their own with what EC2 reports.
func settingsDifferFromEC2(t *testing.T, values map[string]any, img ec2types.Image) []string {
	t.Helper()
	var problems []string
	id := aws.ToString(img.ImageId)
	if got, want := jsonStringMap(values["tags_all"]), ami.TagMap(img.Tags); !maps.Equal(got, want) {
		problems = append(problems, fmt.Sprintf("tags_all = %v, the AMI has %v", got, want))
	}
	if got, want := values["description"], aws.ToString(img.Description); got != want {
		problems = append(problems, fmt.Sprintf("description = %v, EC2 reports %q", got, want))
	}
	if got, want := values["deregistration_protection"], string(ami.ProtectionOf(aws.ToString(img.DeregistrationProtection))); got != want {
		problems = append(problems, fmt.Sprintf("deregistration_protection = %v, EC2 reports %q", got, want))
	}
	stateTime, _ := values["deprecation_time"].(string)
	if !sameMinute(stateTime, aws.ToString(img.DeprecationTime)) {
		problems = append(problems, fmt.Sprintf("deprecation_time = %q, EC2 reports %q", stateTime, aws.ToString(img.DeprecationTime)))
	}
	client := acctest.EC2Client(t, acctest.Region())
	if lp, ok := values["launch_permission"].(map[string]any); ok {
		accounts := imageLaunchAccounts(t, client, id)
		if got := stateStrings(lp["account_ids"]); !sameSet(got, accounts) {
			problems = append(problems, fmt.Sprintf("launch_permission.account_ids = %v, EC2 grants %v", got, accounts))
		}
	}
	if want, ok := values["snapshot_create_volume_permission_account_ids"].([]any); ok {
		for _, snapshot := range ami.SnapshotIDs(img) {
			accounts := snapshotVolumeAccounts(t, client, snapshot)
			if got := stateStrings(want); !sameSet(got, accounts) {
				problems = append(problems, fmt.Sprintf("snapshot_create_volume_permission_account_ids = %v, snapshot %s grants %v", got, snapshot, accounts))
			}
		}
	}
	if tags, ok := values["snapshot_tags"].(map[string]any); ok {
		snapshotTags, err := client.DescribeSnapshots(context.Background(), &ec2.DescribeSnapshotsInput{SnapshotIds: ami.SnapshotIDs(img)})
		if err != nil {
			t.Fatalf("DescribeSnapshots %v: %v", ami.SnapshotIDs(img), err)
		}
		for _, snapshot := range snapshotTags.Snapshots {
			have := ami.TagMap(snapshot.Tags)
			for k, v := range tags {
				if have[k] != v {
					problems = append(problems, fmt.Sprintf("snapshot_tags[%s] = %v, snapshot %s has %q", k, v, aws.ToString(snapshot.SnapshotId), have[k]))
				}
			}
		}
	}
	return problems
}

// sameMinute is sameMinuteRFC3339, where two empty times (no deprecation)
// are the same too.
func sameMinute(a, b string) bool {
	if a == "" || b == "" {
		return a == b
	}
	return sameMinuteRFC3339(a, b)
}

// jsonStringMap reads a map of strings from terraform show -json.
func jsonStringMap(v any) map[string]string {
	out := map[string]string{}
	if m, ok := v.(map[string]any); ok {
		for k, value := range m {
			out[k], _ = value.(string)
		}
	}
	return out
}

// sameSet reports whether two string lists hold the same strings.
func sameSet(a, b []string) bool {
	a, b = slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b))
	return slices.Equal(a, b)
}

// TestAccImageRoutes walks every route of the matrix, each in parallel
// with its own proxy and folder, against the one local EC2.
func TestAccImageRoutes(t *testing.T) {
	t.Parallel()
	routes := []struct {
		name string
		walk func(r *route, base routeSettings)
	}{
		{"create", func(r *route, base routeSettings) {
			r.write(base)
			r.apply()
			r.checkRoute("create", 1)
		}},
		{"update in place", func(r *route, base routeSettings) { walkUpdate(r, base) }},
		{"update in place, -refresh=false", func(r *route, base routeSettings) { walkUpdate(r, base, "-refresh=false") }},
		{"replacement by configuration", func(r *route, base routeSettings) { walkReplaceByConfig(r, base) }},
		{"replacement by configuration, -refresh=false", func(r *route, base routeSettings) { walkReplaceByConfig(r, base, "-refresh=false") }},
		{"-replace", func(r *route, base routeSettings) {
			walkForcedReplacement(r, base, func(flags ...string) {
				r.apply(append([]string{"-replace=" + routeAddress}, flags...)...)
			}, "-replace="+routeAddress)
		}},
		{"-replace, -refresh=false", func(r *route, base routeSettings) {
			walkForcedReplacement(r, base, func(flags ...string) {
				r.apply(append([]string{"-replace=" + routeAddress, "-refresh=false"}, flags...)...)
			}, "-replace="+routeAddress, "-refresh=false")
		}},
		{"taint", func(r *route, base routeSettings) {
			walkForcedReplacement(r, base, func(flags ...string) {
				r.tf("taint", routeAddress)
				r.apply(flags...)
			})
		}},
		{"taint, -refresh=false", func(r *route, base routeSettings) {
			walkForcedReplacement(r, base, func(flags ...string) {
				r.tf("taint", routeAddress)
				r.apply(append([]string{"-refresh=false"}, flags...)...)
			}, "-refresh=false")
		}},
		{"timeout, untaint, apply", func(r *route, base routeSettings) { walkResume(r, base, false) }},
		{"timeout, untaint, apply -refresh=false", func(r *route, base routeSettings) { walkResume(r, base, false, "-refresh=false") }},
		{"timeout, untaint, apply, snapshots listed once available", func(r *route, base routeSettings) { walkResume(r, base, true) }},
		{"timeout, untaint, apply -refresh=false, snapshots listed once available", func(r *route, base routeSettings) {
			walkResume(r, base, true, "-refresh=false")
		}},
		{"terraform import", func(r *route, base routeSettings) { walkImport(r, base, false) }},
		{"import block", func(r *route, base routeSettings) { walkImport(r, base, true) }},
		{"destroy", func(r *route, base routeSettings) { walkDestroy(r, base) }},
		{"destroy -refresh=false", func(r *route, base routeSettings) { walkDestroy(r, base, "-refresh=false") }},
	}
	for _, tc := range routes {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newRoute(t)
			tc.walk(r, routeBase(r.name))
		})
	}
	for _, shape := range []struct {
		name  string
		shape awsprovider.Shape
	}{{"v5", awsprovider.ShapeV5}, {"v6", awsprovider.ShapeV6}} {
		for _, flags := range [][]string{nil, {"-refresh=false"}} {
			t.Run(strings.TrimSpace("moved from aws_ami_copy "+shape.name+" "+strings.Join(flags, " ")), func(t *testing.T) {
				acctest.SkipBelowTerraform(t, movedAcrossTypesVersion, "a moved block from aws_ami_copy to amicopy_image (across resource types)")
				t.Parallel()
				r := newMoveRoute(t, shape.shape)
				walkMoved(r, routeBase(r.name), flags...)
			})
		}
	}
}

// walkUpdate changes every in-place setting at once.
func walkUpdate(r *route, base routeSettings, flags ...string) {
	r.write(base)
	r.apply()
	first := r.checkRoute("create", 1)
	changed := base
	changed.description = "route matrix copy, updated"
	changed.tags = map[string]string{"Name": base.name, "stage": "prod"}
	changed.deprecation = base.deprecation.Add(24 * time.Hour)
	changed.protection = "enabled"
	changed.launchAccounts = []string{routeShareAccount, routeOtherAccount}
	changed.snapshotAccounts = []string{routeOtherAccount}
	r.write(changed)
	r.apply(flags...)
	if id := r.checkRoute("update", 1); id != first {
		r.t.Fatalf("the update replaced %s with %s", first, id)
	}
	// Protection off again, so the test can clean up.
	changed.protection = "disabled"
	r.write(changed)
	r.apply(flags...)
	r.checkRoute("protection off", 1)
	r.tf("destroy", "-auto-approve")
}

// walkReplaceByConfig renames the copy: with the pinned token the plan is
// refused and the copy kept; with a new token it is replaced.
func walkReplaceByConfig(r *route, base routeSettings, flags ...string) {
	r.write(base)
	r.apply()
	first := r.checkRoute("create", 1)
	renamed := base
	renamed.name = base.name + "-b"
	r.write(renamed)
	r.refused("Client Token Already Used", []string{first, "Set a new client_token"}, append([]string{"plan"}, flags...)...)
	renamed.clientToken = base.name + "-token-2"
	r.write(renamed)
	r.apply(flags...)
	if id := r.checkRoute("replace", 2); id == first {
		r.t.Fatalf("the rename kept %s", first)
	}
	r.tf("destroy", "-auto-approve")
}

// walkForcedReplacement replaces the copy by a means that changes no
// configuration (-replace, taint): refused at plan while the token is
// pinned, done once client_token is removed (a token is then generated).
func walkForcedReplacement(r *route, base routeSettings, replace func(flags ...string), planFlags ...string) {
	r.write(base)
	r.apply()
	first := r.checkRoute("create", 1)
	if strings.Contains(strings.Join(planFlags, " "), "-replace") {
		r.refused("Client Token Already Used", []string{first}, append([]string{"plan"}, planFlags...)...)
	} else {
		r.tf("taint", routeAddress)
		r.refused("Client Token Already Used", []string{first}, append([]string{"plan"}, planFlags...)...)
		r.tf("untaint", routeAddress)
	}
	unpinned := base
	unpinned.clientToken = ""
	r.write(unpinned)
	replace()
	if id := r.checkRoute("replaced", 2); id == first {
		r.t.Fatalf("the forced replacement kept %s", first)
	}
	r.tf("destroy", "-auto-approve")
}

// walkResume lets a create run out of time while EC2 still copies, keeps the
// copy with untaint, and lets the next apply finish it: every setting is
// applied, the copied source tags stay, and no second copy is made. With
// withoutSnapshots, EC2 lists the copy's snapshots only once it is
// available, so the snapshot settings cannot come from a refresh.
func walkResume(r *route, base routeSettings, withoutSnapshots bool, flags ...string) {
	slow := base
	slow.createTimeout = "20s"
	r.write(slow)
	r.p.SetFaults(acctest.Faults{PendingPolls: 1000, PendingWithoutSnapshots: withoutSnapshots})
	if out, err := terraformCLI(r.t, r.wd, "apply", "-auto-approve", "-input=false"); err == nil {
		r.t.Fatalf("the create of a copy that stays pending succeeded:\n%s", out)
	}
	tracked := stateResource(r.t, r.wd, routeAddress)
	if tracked == nil || !tracked.Tainted {
		r.t.Fatalf("after the timeout, state holds %+v; want the copy, tainted", tracked)
	}
	copied, _ := tracked.Values["id"].(string)
	r.p.Reset()
	r.tf("untaint", routeAddress)
	r.p.SettleCopy(copied, 2, nil)
	r.write(base)
	r.apply(flags...)
	if id := r.checkRoute("resumed", 1); id != copied {
		r.t.Fatalf("the resumed apply tracks %s, want the copy %s it waited for", id, copied)
	}
	if tags := ami.TagMap(describeImageByID(r.t, acctest.Region(), copied).Tags); tags["origin"] != "build-7" {
		r.t.Errorf("the tag copied from the source is gone after the resumed apply: %v", tags)
	}
	r.tf("destroy", "-auto-approve")
}

// walkImport adopts a copy made outside Terraform, with terraform import or
// an import block, and applies the settings to it in place.
func walkImport(r *route, base routeSettings, importBlock bool) {
	out, err := acctest.EC2Client(r.t, acctest.Region()).CopyImage(context.Background(), &ec2.CopyImageInput{
		Name: aws.String(base.name), SourceImageId: aws.String(r.source), SourceRegion: aws.String(acctest.Region()),
		Description: aws.String(base.description), CopyImageTags: aws.Bool(true),
		TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeImage, Tags: []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String(base.name)}}}},
	})
	if err != nil {
		r.t.Fatalf("copying outside Terraform: %v", err)
	}
	imageID := aws.ToString(out.ImageId)
	// An adopted copy's tags are its own: the configuration names them all.
	adopted := base
	adopted.tags = map[string]string{"Name": base.name, "origin": "build-7", "team": "images"}
	if !importBlock {
		// terraform import ends adoption at the first refresh, so the
		// create-time inputs that EC2 does not report stay unset: set, they
		// would replace the copy (with a warning that says so).
		adopted.clientToken, adopted.copyImageTags = "", false
	}
	if importBlock {
		r.write(adopted, fmt.Sprintf("import {\n  to = %s\n  id = %q\n}\n", routeAddress, imageID))
	} else {
		r.write(adopted)
		r.tf("import", routeAddress, imageID)
	}
	r.apply()
	if id := r.checkRoute("adopted", 0); id != imageID {
		r.t.Fatalf("state tracks %s, want the adopted %s", id, imageID)
	}
	r.tf("destroy", "-auto-approve")
}

// walkDestroy destroys the copy: the AMI and its snapshots are gone.
func walkDestroy(r *route, base routeSettings, flags ...string) {
	r.write(base)
	r.apply()
	r.checkRoute("create", 1)
	image := stateImage(r.t, r.wd, routeAddress)
	r.tf(append([]string{"destroy", "-auto-approve"}, flags...)...)
	if err := checkImageGone(r.t, acctest.Region(), image.id, image.snapshotIDs); err != nil {
		r.t.Errorf("after destroy: %v", err)
	}
	if stateResource(r.t, r.wd, routeAddress) != nil {
		r.t.Errorf("%s is still in state after destroy", routeAddress)
	}
}

// walkMoved makes the copy with aws_ami_copy, then moves it to
// amicopy_image with every setting: the moving apply takes the settings in
// place and copies nothing.
func walkMoved(r *route, base routeSettings, flags ...string) {
	r.wd.WriteFile(r.t, "main.tf", r.preamble+fmt.Sprintf(`
resource "aws_ami_copy" "test" {
  name              = %q
  description       = %q
  source_ami_id     = %q
  source_ami_region = %q
  deprecation_time  = %q
  tags              = { Name = %q, team = "images" }
}
`, base.name, base.description, r.source, acctest.Region(), base.deprecation.Format(time.RFC3339), base.name))
	r.tf("apply", "-auto-approve")
	made := shownResourceOf(r.t, r.wd, "aws_ami_copy.test").Values["id"]
	r.write(base, "moved {\n  from = aws_ami_copy.test\n  to   = "+routeAddress+"\n}\n")
	r.apply(flags...)
	if id := r.checkRoute("moved", 1); id != made {
		r.t.Fatalf("state tracks %s after the move, want %v, the copy aws_ami_copy made", id, made)
	}
	r.tf("destroy", "-auto-approve")
}

// TestAccImage_clientTokenShared shares a pinned client_token between
// resources. Two new copies of one plan: refused at plan, as EC2 would
// answer both with one AMI, which both resources would then track. A copy
// whose token another resource's copy spent, unseen by a -target plan: the
// apply refuses it without taking that copy into its state.
func TestAccImage_clientTokenShared(t *testing.T) {
	t.Parallel()
	r := newRoute(t)
	token := r.name + "-shared"
	image := func(address, name, token string) string {
		return fmt.Sprintf("resource \"amicopy_image\" %q {\n  name = %q\n  source_image_id = %q\n  source_region = %q\n  client_token = %q\n}\n",
			address, name, acctest.SourceImageID(), acctest.SourceRegion(), token)
	}
	write := func(blocks ...string) { r.wd.WriteFile(t, "main.tf", r.preamble+strings.Join(blocks, "")) }

	write(image("a", r.name+"-a", token), image("b", r.name+"-b", token))
	r.refused0("Client Token Used Twice in This Plan", []string{token, "Give each copy its own token"}, "plan")
	if n := r.p.CountCopies(); n != 0 {
		t.Fatalf("the refused plan let %d copies through", n)
	}
	// One token each: two copies.
	write(image("a", r.name+"-a", token+"-a"), image("b", r.name+"-b", token+"-b"))
	r.tf("apply", "-auto-approve")
	first := stateImage(t, r.wd, "amicopy_image.a")
	if b := stateImage(t, r.wd, "amicopy_image.b"); first.id == b.id || r.p.CountCopies() != 2 {
		t.Errorf("a tracks %s and b %s after %d copies; want two copies", first.id, b.id, r.p.CountCopies())
	}

	// c takes a's name and token, a moves to new ones: EC2 answers c's
	// CopyImage, the same request, with a's copy. -target plans c alone, so
	// the plan cannot see that a's copy holds the token; the apply can, by
	// the copy's age.
	time.Sleep(ami.EarlierCopyMargin + 2*time.Second)
	write(image("a", r.name+"-a2", token+"-a2"), image("b", r.name+"-b", token+"-b"), image("c", r.name+"-a", token+"-a"))
	out, err := terraformCLI(t, r.wd, "apply", "-input=false", "-auto-approve", "-target=amicopy_image.c")
	if err == nil || !diagnosticPattern("Client Token Already Used", fmt.Sprintf("answered client_token %q with %s", token+"-a", first.id),
		"not taken into this resource's state").MatchString(out) {
		t.Fatalf("the targeted apply did not refuse a's copy for c (err %v):\n%s", err, out)
	}
	if stateResource(t, r.wd, "amicopy_image.c") != nil {
		t.Fatal("c tracks a's copy")
	}
	r.refused0("Client Token Already Used", []string{token + "-a", first.id, "which state holds"}, "plan")
	if img := describeImageByID(t, acctest.Region(), first.id); img.State != ec2types.ImageStateAvailable {
		t.Errorf("a's copy %s is %s, want available", first.id, img.State)
	}
	write(image("a", r.name+"-a", token+"-a"), image("b", r.name+"-b", token+"-b"))
	r.tf("destroy", "-auto-approve")
}
