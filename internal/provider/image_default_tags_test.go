package provider_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/amicopy/terraform-provider-amicopy/internal/acctest"
)

// defaultTagsProvider is the provider block for the shared endpoint with the
// given default_tags map, or none when it is "".
func defaultTagsProvider(endpoint, defaultTags string) string {
	if defaultTags == "" {
		return acctest.ProviderBlock(endpoint)
	}
	return fmt.Sprintf(`
provider "amicopy" {
  endpoints {
    ec2 = %[1]q
  }
  default_tags {
    tags = %[2]s
  }
}
`, endpoint, defaultTags)
}

// TestAccImage_defaultTagEmptyValue adds a default tag with an empty value
// to the provider of an existing copy. A missing key is not a key with an
// empty value: the plan updates tags_all (and only tags_all), the apply puts
// the tag on the AMI and its snapshots, and the next plan is empty.
func TestAccImage_defaultTagEmptyValue(t *testing.T) {
	name := randomName()
	address := "amicopy_image.test"
	var image, updated capturedImage
	config := func(defaultTags string) string {
		return defaultTagsProvider(acctest.Endpoint(), defaultTags) + fmt.Sprintf(`
resource "amicopy_image" "test" {
  name            = %[1]q
  source_image_id = %[2]q
  source_region   = %[3]q
  tags            = { Name = %[1]q }
}
`, name, acctest.SourceImageID(), acctest.SourceRegion())
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkImagesDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: config(""),
				Check:  resource.ComposeTestCheckFunc(captureImage(address, &image), checkImageTagAbsent(t, address, "owner")),
			},
			{
				Config: config(`{ owner = "" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate),
						expectTagsUnchanged(address),
						plancheck.ExpectKnownValue(address, tfjsonpath.New("tags_all"), knownvalue.MapExact(map[string]knownvalue.Check{
							"Name": knownvalue.StringExact(name), "owner": knownvalue.StringExact(""),
						})),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(
					captureImage(address, &updated),
					sameImage(&image, &updated),
					checkImageTagged(t, address, "owner", ""),
					checkSnapshotsTagged(t, address, "owner", ""),
				),
			},
		},
	})
}

// TestAccImage_defaultTagRemoved removes a key from the provider's
// default_tags, planned both without a refresh (-refresh=false, so the plan
// works from the configuration and the state alone) and with one. Either
// way the plan changes tags_all only (tags, never set, stays null), the
// apply removes the tag from the AMI and its snapshots, and the next plan
// is empty.
func TestAccImage_defaultTagRemoved(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	tests := []struct {
		name string
		// planArgs are the extra arguments of the plan that removes the tag.
		planArgs []string
		// remaining is the default_tags left after the removal ("" for no
		// default_tags block at all).
		remaining string
	}{
		{name: "without refresh", planArgs: []string{"-refresh=false"}, remaining: `{ team = "images" }`},
		{name: "with refresh", remaining: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wd := acctest.NewWorkdir(t, map[string]string{acctest.ProviderAddress: acctest.BuildProvider(t)})
			resourceBlock := fmt.Sprintf(`
resource "amicopy_image" "x" {
  name            = %[1]q
  source_image_id = %[2]q
  source_region   = %[3]q
}
`, randomName(), acctest.SourceImageID(), acctest.SourceRegion())
			wd.WriteFile(t, "main.tf", requiredProviders("amicopy/amicopy")+
				defaultTagsProvider(acctest.Endpoint(), `{ team = "images", owner = "alice" }`)+resourceBlock)
			mustTerraform(t, wd, "apply", "-auto-approve", "-input=false")
			image := stateImage(t, wd, "amicopy_image.x")
			t.Cleanup(func() { deregisterQuietly(t, image.region, image.id) })
			if got := imageTags(t, image)["owner"]; got != "alice" {
				t.Fatalf("after create, EC2 tag owner of %s = %q, want alice", image.id, got)
			}
			if tagged := snapshotsWithTag(t, image, "owner"); len(tagged) != len(image.snapshotIDs) || len(tagged) == 0 {
				t.Fatalf("after create, snapshots %v of %s carry owner: %v, want all", image.snapshotIDs, image.id, tagged)
			}

			wd.WriteFile(t, "main.tf", requiredProviders("amicopy/amicopy")+defaultTagsProvider(acctest.Endpoint(), tt.remaining)+resourceBlock)
			out, code := runTerraform(t, wd, append([]string{"plan", "-input=false", "-detailed-exitcode", "-out=remove.tfplan"}, tt.planArgs...)...)
			if code != 2 {
				t.Fatalf("plan after removing owner from default_tags exited %d, want 2 (changes):\n%s", code, out)
			}
			change := plannedValuesOf(t, wd, "remove.tfplan", "amicopy_image.x")
			if got := fmt.Sprint(change.Actions); got != "[update]" {
				t.Errorf("the plan %s for amicopy_image.x, want [update]:\n%s", got, out)
			}
			if change.Before["tags"] != nil || change.After["tags"] != nil {
				t.Errorf("the plan changes tags from %v to %v, want null to null: the user never set tags", change.Before["tags"], change.After["tags"])
			}
			wantAfter := map[string]any{}
			if tt.remaining != "" {
				wantAfter["team"] = "images"
			}
			if !sameJSON(change.After["tags_all"], wantAfter) {
				t.Errorf("the plan makes tags_all %v, want %v", change.After["tags_all"], wantAfter)
			}
			if before, _ := change.Before["tags_all"].(map[string]any); before["owner"] != "alice" {
				t.Errorf("the plan's prior tags_all is %v, want it to hold owner = alice", change.Before["tags_all"])
			}

			mustTerraform(t, wd, "apply", "-auto-approve", "-input=false", "remove.tfplan")
			if tags := imageTags(t, image); hasTag(tags, "owner") || (tt.remaining != "" && tags["team"] != "images") {
				t.Errorf("after the apply, EC2 reports tags %v for %s, want owner gone and the remaining default tags kept", tags, image.id)
			}
			if tagged := snapshotsWithTag(t, image, "owner"); len(tagged) > 0 {
				t.Errorf("after the apply, snapshots %v of %s still carry owner", tagged, image.id)
			}
			if out, code := runTerraform(t, wd, "plan", "-input=false", "-detailed-exitcode"); code != 0 {
				t.Errorf("plan after the apply exited %d, want 0 (no changes):\n%s", code, out)
			}
			if after := stateImage(t, wd, "amicopy_image.x"); after.id != image.id {
				t.Errorf("the apply replaced %s with %s", image.id, after.id)
			}
		})
	}
}

// expectTagsUnchanged is a plan check that the resource's tags are the same
// before and after the change: a change of default_tags shows in tags_all.
func expectTagsUnchanged(address string) plancheck.PlanCheck {
	return tagsUnchanged{address: address}
}

// tagsUnchanged implements expectTagsUnchanged.
type tagsUnchanged struct{ address string }

func (c tagsUnchanged) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != c.address || rc.Change == nil {
			continue
		}
		before, _ := rc.Change.Before.(map[string]any)
		after, _ := rc.Change.After.(map[string]any)
		if !sameJSON(before["tags"], after["tags"]) {
			resp.Error = fmt.Errorf("%s: the plan changes tags from %v to %v; a default_tags change belongs in tags_all", c.address, before["tags"], after["tags"])
		}
		return
	}
	resp.Error = fmt.Errorf("%s has no planned change", c.address)
}

// plannedValues is a resource's planned change, with its values, in
// `terraform show -json PLAN`.
type plannedValues struct {
	Actions []string
	Before  map[string]any
	After   map[string]any
}

// plannedValuesOf returns the planned change of a resource in a saved plan.
func plannedValuesOf(t *testing.T, wd *acctest.Workdir, planFile, address string) plannedValues {
	t.Helper()
	out := mustTerraformStdout(t, wd, "show", "-json", planFile)
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				Actions []string       `json:"actions"`
				Before  map[string]any `json:"before"`
				After   map[string]any `json:"after"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(out), &plan); err != nil {
		t.Fatalf("decoding terraform show -json %s: %v\n%s", planFile, err, out)
	}
	for _, c := range plan.ResourceChanges {
		if c.Address == address {
			return plannedValues{Actions: c.Change.Actions, Before: c.Change.Before, After: c.Change.After}
		}
	}
	t.Fatalf("%s has no planned change in:\n%s", address, out)
	return plannedValues{}
}

// imageTags reads an image's tags straight from EC2.
func imageTags(t *testing.T, image capturedImage) map[string]string {
	t.Helper()
	tags := map[string]string{}
	for _, tag := range describeImageByID(t, image.region, image.id).Tags {
		tags[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
	}
	return tags
}

// hasTag reports whether tags has the key, whatever its value.
func hasTag(tags map[string]string, key string) bool {
	_, ok := tags[key]
	return ok
}

// snapshotsWithTag asks EC2 which of the image's snapshots carry the key.
func snapshotsWithTag(t *testing.T, image capturedImage, key string) []string {
	t.Helper()
	if len(image.snapshotIDs) == 0 {
		t.Fatalf("%s has no snapshots in state", image.id)
	}
	out, err := acctest.EC2Client(t, image.region).DescribeSnapshots(context.Background(), &ec2.DescribeSnapshotsInput{SnapshotIds: image.snapshotIDs})
	if err != nil {
		t.Fatalf("DescribeSnapshots %v: %v", image.snapshotIDs, err)
	}
	var tagged []string
	for _, snap := range out.Snapshots {
		if containsTagKey(snap.Tags, key) {
			tagged = append(tagged, aws.ToString(snap.SnapshotId))
		}
	}
	return tagged
}

// containsTagKey reports whether the EC2 tags hold the key.
func containsTagKey(tags []ec2types.Tag, key string) bool {
	for _, tag := range tags {
		if aws.ToString(tag.Key) == key {
			return true
		}
	}
	return false
}
