package provider_test

import (
	"context"
	"encoding/json"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/amicopy/terraform-provider-amicopy/internal/acctest"
	"github.com/amicopy/terraform-provider-amicopy/internal/ami"
)

// nullOwnerVariable declares var.owner, null unless set: the usual way a
// tag value ends up null.
const nullOwnerVariable = `
variable "owner" {
  type    = string
  default = null
}
`

// TestAccImage_nullTagValue applies tags and snapshot_tags whose Owner
// value is a null variable, as a create, as an in-place update, and under
// a default tag of the same key. A null value means "no such tag": the
// apply must not wait for EC2 to show a tag that the write rightly left
// out (the wait would run its whole ami.PropagationTimeout and warn
// "Change Not Visible Yet"), state must hold what EC2 holds, and the next
// plan must be empty.
func TestAccImage_nullTagValue(t *testing.T) {
	t.Parallel()
	p, wd, name := newImageWorkdir(t, "")
	steps := []struct {
		name, provider, tags string
		wantTags             map[string]string // in state: tags and snapshot_tags, less the null value
		wantEC2              map[string]string // on the AMI and its snapshots, and in tags_all
	}{
		{"create", "", `{ Owner = var.owner, Name = "x" }`, map[string]string{"Name": "x"}, map[string]string{"Name": "x"}},
		{"in-place update", "", `{ Owner = var.owner, Name = "y", Team = "a" }`,
			map[string]string{"Name": "y", "Team": "a"}, map[string]string{"Name": "y", "Team": "a"}},
		{"a default tag under the null value", `default_tags { tags = { Owner = "platform" } }`, `{ Owner = var.owner, Name = "y", Team = "a" }`,
			map[string]string{"Name": "y", "Team": "a"}, map[string]string{"Owner": "platform", "Name": "y", "Team": "a"}},
	}
	for _, step := range steps {
		wd.WriteFile(t, "main.tf", cliConfig(p, step.provider)+nullOwnerVariable+reliabilityImage(name,
			"tags          = "+step.tags+"\n  snapshot_tags = "+step.tags))
		started := time.Now()
		out := terraformCLIOK(t, wd, "apply", "-auto-approve", "-input=false")
		// Without the null value the apply takes seconds; waiting for it
		// takes the whole PropagationTimeout.
		if took := time.Since(started); took > ami.PropagationTimeout*3/4 || strings.Contains(out, "Change Not Visible Yet") {
			t.Errorf("%s: the apply took %s (the wait for EC2 gives up after %s):\n%s", step.name, took, ami.PropagationTimeout, out)
		}
		tracked := stateResource(t, wd, "amicopy_image.test")
		if tracked == nil {
			t.Fatalf("%s: amicopy_image.test is not in state", step.name)
		}
		image := tracked.image()
		if got := imageTags(t, image); !maps.Equal(got, step.wantEC2) {
			t.Errorf("%s: EC2 holds tags %v on %s, want %v", step.name, got, image.id, step.wantEC2)
		}
		for snapshot, tags := range snapshotTagsInEC2(t, image) {
			if !maps.Equal(tags, step.wantEC2) {
				t.Errorf("%s: EC2 holds tags %v on snapshot %s, want %v", step.name, tags, snapshot, step.wantEC2)
			}
		}
		for _, attribute := range []string{"tags", "snapshot_tags"} {
			if got := nonNullTags(tracked.Values[attribute]); !maps.Equal(got, step.wantTags) {
				t.Errorf("%s: state holds %s %v, want %v", step.name, attribute, tracked.Values[attribute], step.wantTags)
			}
		}
		if got := nonNullTags(tracked.Values["tags_all"]); !maps.Equal(got, step.wantEC2) {
			t.Errorf("%s: state holds tags_all %v, want %v, what EC2 holds", step.name, tracked.Values["tags_all"], step.wantEC2)
		}
		if actions, out := plannedActions(t, wd); actions != "no-op" {
			t.Errorf("%s: the next plan is %q, want no-op:\n%s", step.name, actions, out)
		}
	}
	destroyAndCheckGone(t, wd, name)
}

// TestAccImage_nullTagValuePlan plans tags = { a = null } on an existing
// copy. The framework plans tags_all without a. The unchanged-plan
// shortcut once read the null as "" and so took a state whose tags_all
// still held a (as a provider before the null-value fix could leave it)
// for settled, answering "no changes" where the framework plans
// tags_all = {}: the last step plans such a state with -refresh=false, the
// route on which the plan sees the state as stored.
func TestAccImage_nullTagValuePlan(t *testing.T) {
	t.Parallel()
	p, wd, name := newImageWorkdir(t, "")
	terraformCLIOK(t, wd, "apply", "-auto-approve", "-input=false")
	wd.WriteFile(t, "main.tf", cliConfig(p)+reliabilityImage(name, "tags = { a = null }"))

	checkPlan := func(step, wantActions string, args ...string) {
		t.Helper()
		out := terraformCLIOK(t, wd, append([]string{"plan", "-input=false", "-out=next.tfplan"}, args...)...)
		planned := plannedValuesOf(t, wd, "next.tfplan", "amicopy_image.test")
		after := planned.After
		if actions := strings.Join(planned.Actions, ","); actions != wantActions {
			t.Fatalf("%s: the plan is %q, want %q:\n%s", step, actions, wantActions, out)
		}
		if tagsAll, ok := after["tags_all"].(map[string]any); !ok || len(tagsAll) != 0 {
			t.Fatalf("%s: the plan's tags_all is %v, want {}:\n%s", step, after["tags_all"], out)
		}
	}
	checkPlan("a null value added to no tags", "update")
	terraformCLIOK(t, wd, "apply", "-input=false", "next.tfplan")
	checkPlan("planned again", "no-op")

	// The state that the shortcut misread: tags = { a = null } with a
	// tags_all that still holds a.
	stored := mustTerraformStdout(t, wd, "state", "pull")
	var state map[string]any
	if err := json.Unmarshal([]byte(stored), &state); err != nil {
		t.Fatalf("decoding terraform state pull: %v", err)
	}
	state["serial"] = state["serial"].(float64) + 1 //nolint:forcetypeassert // a state always has a serial
	for _, r := range state["resources"].([]any) {  //nolint:forcetypeassert // and resources
		for _, instance := range r.(map[string]any)["instances"].([]any) { //nolint:forcetypeassert // each with instances
			instance.(map[string]any)["attributes"].(map[string]any)["tags_all"] = map[string]any{"a": ""} //nolint:forcetypeassert // with attributes
		}
	}
	wd.WriteFile(t, "edited.tfstate", mustJSON(t, state))
	terraformCLIOK(t, wd, "state", "push", "edited.tfstate")
	checkPlan("tags_all still holding a, without a refresh", "update", "-refresh=false")
	terraformCLIOK(t, wd, "apply", "-input=false", "next.tfplan")
	checkPlan("after that apply", "no-op")

	destroyAndCheckGone(t, wd, name)
}

// nonNullTags reads a map of tags from `terraform show -json`, leaving out
// the keys whose value is null, which EC2 never holds.
func nonNullTags(v any) map[string]string {
	out := map[string]string{}
	m, _ := v.(map[string]any)
	for k, value := range m {
		if s, ok := value.(string); ok {
			out[k] = s
		}
	}
	return out
}

// snapshotTagsInEC2 asks EC2 for the tags of each of the image's
// snapshots.
func snapshotTagsInEC2(t *testing.T, image capturedImage) map[string]map[string]string {
	t.Helper()
	out, err := acctest.EC2Client(t, image.region).DescribeSnapshots(context.Background(), &ec2.DescribeSnapshotsInput{SnapshotIds: image.snapshotIDs})
	if err != nil {
		t.Fatalf("DescribeSnapshots %v: %v", image.snapshotIDs, err)
	}
	tags := map[string]map[string]string{}
	for _, s := range out.Snapshots {
		tags[aws.ToString(s.SnapshotId)] = ami.TagMap(s.Tags)
	}
	if len(tags) == 0 {
		t.Fatalf("EC2 reports none of the snapshots %v of %s", image.snapshotIDs, image.id)
	}
	return tags
}

// mustJSON encodes v, failing the test when it cannot.
func mustJSON(t *testing.T, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}
