package provider_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/amicopy/terraform-provider-amicopy/internal/acctest"
	"github.com/amicopy/terraform-provider-amicopy/internal/acctest/awsprovider"
)

// movedAcrossTypesVersion is the first Terraform that takes a moved block
// across resource types (aws_ami_copy to amicopy_image).
const movedAcrossTypesVersion = "1.8.0"

// cliTimeout bounds one terraform command of the CLI-driven tests; moto
// copies in about a second, so anything near it means a hang.
const cliTimeout = 3 * time.Minute

// TestAccImage_movedFromAWSAMICopy takes over an aws_ami_copy written by the
// AWS provider (v6 and v5 state shapes) with a moved block, through the real
// Terraform CLI: the plan has no changes, the AMI keeps its ID, nothing is
// copied again, and destroy removes the AMI.
func TestAccImage_movedFromAWSAMICopy(t *testing.T) {
	acctest.PreCheck(t)
	acctest.SkipBelowTerraform(t, movedAcrossTypesVersion, "a moved block from aws_ami_copy to amicopy_image (across resource types)")
	acctest.SkipOnRealAWS(t, "the stand-in AWS provider and the per-test proxy need moto")
	t.Parallel()
	amicopyDir := acctest.BuildProvider(t)

	tests := []struct {
		name  string
		shape awsprovider.Shape
	}{
		{name: "v6", shape: awsprovider.ShapeV6},
		{name: "v5", shape: awsprovider.ShapeV5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			proxy, wd := newMoveWorkdir(t, amicopyDir, tt.shape)

			name := randomName()
			// EC2 keeps deprecation times to the minute; a user writes them so.
			deprecation := time.Now().AddDate(1, 0, 0).UTC().Truncate(time.Minute).Format(time.RFC3339)
			// Every argument the local EC2 can take; kms_key_id and
			// destination_outpost_arn need a KMS key and an Outpost.
			body := fmt.Sprintf(`
  name             = %[1]q
  description      = "taken over from aws_ami_copy"
  deprecation_time = %[2]q
  encrypted        = true
  tags             = { Name = %[1]q, origin = "aws_ami_copy" }
`, name, deprecation)
			awsBlock := requiredProviders("amicopy/amicopy", "hashicorp/aws") + standInAWSProviderBlock(proxy.URL())
			wd.WriteFile(t, "main.tf", awsBlock+fmt.Sprintf(`
resource "aws_ami_copy" "x" {
  source_ami_id     = %[1]q
  source_ami_region = %[2]q
%[3]s
  timeouts {
    create = "45m"
    delete = "15m"
  }
}
`, acctest.SourceImageID(), acctest.SourceRegion(), body))
			mustTerraform(t, wd, "apply", "-auto-approve", "-input=false")
			original := shownResourceOf(t, wd, "aws_ami_copy.x")
			checkMigrationTableCovers(t, original.Values)
			imageID, _ := original.Values["id"].(string)
			if !amiIDPattern.MatchString(imageID) {
				t.Fatalf("aws_ami_copy.x has id %q, want an AMI ID", imageID)
			}
			t.Cleanup(func() { deregisterQuietly(t, acctest.Region(), imageID) })
			proxy.ResetCalls()

			// The user swaps the resource and keeps the AWS provider, which
			// Terraform still needs for the schema of the state it moves.
			wd.WriteFile(t, "main.tf", awsBlock+acctest.ProviderBlock(proxy.URL())+fmt.Sprintf(`
moved {
  from = aws_ami_copy.x
  to   = amicopy_image.x
}

resource "amicopy_image" "x" {
  source_image_id = %[1]q
  source_region   = %[2]q
%[3]s
  timeouts = { create = "45m", delete = "15m" }
}
`, acctest.SourceImageID(), acctest.SourceRegion(), body))

			out, code := runTerraform(t, wd, "plan", "-detailed-exitcode", "-input=false", "-out=move.tfplan")
			t.Logf("plan with the moved block exited %d", code)
			switch code {
			case 0:
			case 2:
				// Terraform counts a move as a change of its own; what matters
				// is that the AMI is neither replaced nor updated.
			default:
				t.Fatalf("plan with the moved block exited %d:\n%s", code, out)
			}
			change := plannedChangeOf(t, wd, "move.tfplan", "amicopy_image.x")
			if change.PreviousAddress != "aws_ami_copy.x" {
				t.Errorf("amicopy_image.x has previous_address %q, want aws_ami_copy.x", change.PreviousAddress)
			}
			if got := strings.Join(change.Change.Actions, ","); got != "no-op" {
				t.Errorf("the moved block plans %q for amicopy_image.x, want no-op:\n%s", got, out)
			}

			mustTerraform(t, wd, "apply", "-auto-approve", "-input=false", "move.tfplan")
			moved := shownResourceOf(t, wd, "amicopy_image.x")
			wantValues := map[string]any{
				"id":               imageID,
				"region":           acctest.Region(),
				"arn":              fmt.Sprintf("arn:aws:ec2:%s::image/%s", acctest.Region(), imageID),
				"name":             name,
				"description":      "taken over from aws_ami_copy",
				"deprecation_time": deprecation,
				"source_image_id":  acctest.SourceImageID(),
				"source_region":    acctest.SourceRegion(),
				"delete_snapshots": true,
				"skip_destroy":     false,
				"state":            "available",
				"tags":             map[string]any{"Name": name, "origin": "aws_ami_copy"},
				"encrypted":        true,
				"timeouts":         map[string]any{"create": "45m", "delete": "15m", "update": nil},
			}
			for key, want := range wantValues {
				if got := moved.Values[key]; !sameJSON(got, want) {
					t.Errorf("amicopy_image.x %s = %#v, want %#v", key, got, want)
				}
			}
			// Every attribute that aws_ami_copy reported, amicopy_image
			// reports too, as EC2 reports it: where aws_ami_copy stored a
			// value, the same one; where it stored "" for a field EC2
			// leaves out, null.
			img := describeImageByID(t, acctest.Region(), imageID)
			if err := compareWithEC2(moved.Values, img); err != nil {
				t.Errorf("after the move: %v", err)
			}
			for name, want := range ec2ReportedValues(img) {
				if name == "block_device_mappings" {
					continue // aws_ami_copy splits them into two sets
				}
				before, had := original.Values[name]
				if !had {
					t.Errorf("aws_ami_copy.x has no %s; the stand-in AWS provider lacks an attribute of aws_ami_copy", name)
					continue
				}
				if before == "" {
					before = nil
				}
				if !sameJSON(before, want) {
					t.Errorf("aws_ami_copy.x %s = %#v, EC2 reports %#v", name, before, want)
				}
			}
			if _, err := shownResource(t, wd, "aws_ami_copy.x"); err == nil {
				t.Errorf("aws_ami_copy.x is still in state after the move")
			}

			if out, code := runTerraform(t, wd, "plan", "-detailed-exitcode", "-input=false"); code != 0 {
				t.Errorf("plan after the move exited %d, want 0 (no changes):\n%s", code, out)
			}
			if n := proxy.CountCopies(); n != 0 {
				t.Errorf("the move made %d CopyImage calls, want none", n)
			}
			if n := proxy.Count("DeregisterImage"); n != 0 {
				t.Errorf("the move made %d DeregisterImage calls, want none", n)
			}
			img = describeImageByID(t, acctest.Region(), imageID)
			if got := tagValue(img.Tags, "origin"); got != "aws_ami_copy" {
				t.Errorf("EC2 tag origin of %s = %q, want aws_ami_copy", imageID, got)
			}

			var snapshotIDs []string
			if ids, ok := moved.Values["snapshot_ids"].([]any); ok {
				for _, id := range ids {
					if s, ok := id.(string); ok {
						snapshotIDs = append(snapshotIDs, s)
					}
				}
			}
			if len(snapshotIDs) == 0 {
				t.Errorf("amicopy_image.x has no snapshot_ids after the move; the refresh should fill them in")
			}

			mustTerraform(t, wd, "destroy", "-auto-approve", "-input=false")
			if err := checkImageGone(t, acctest.Region(), imageID, snapshotIDs); err != nil {
				t.Errorf("after destroy: %v", err)
			}
		})
	}
}

// checkMigrationTableCovers fails for each attribute of an aws_ami_copy
// state, nested ones too, that the migration guide's table has no row for.
func checkMigrationTableCovers(t *testing.T, values map[string]any) {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "guides", "migrate-from-aws.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, table, found := strings.Cut(string(doc), "## What becomes of each argument and attribute")
	if !found {
		t.Fatal("docs/guides/migrate-from-aws.md has no migration table")
	}
	rows := map[string]bool{}
	for _, line := range strings.Split(table, "\n") {
		if first, ok := strings.CutPrefix(line, "| `"); ok {
			name, _, _ := strings.Cut(first, "`")
			rows[strings.Fields(name)[0]] = true
		}
	}
	for name, value := range values {
		if !rows[name] {
			t.Errorf("the migration table has no row for aws_ami_copy's %s", name)
		}
		blocks, _ := value.([]any)
		for _, block := range blocks {
			nested, _ := block.(map[string]any)
			for key := range nested {
				if !rows[name+"."+key] {
					t.Errorf("the migration table has no row for aws_ami_copy's %s.%s", name, key)
				}
			}
		}
	}
}

// TestAccImage_movedFromUnsupportedType refuses a moved block from a
// resource type that is not aws_ami_copy, with a diagnostic that says what
// to do instead.
func TestAccImage_movedFromUnsupportedType(t *testing.T) {
	acctest.PreCheck(t)
	acctest.SkipBelowTerraform(t, movedAcrossTypesVersion, "a moved block across resource types")
	t.Parallel()
	wd := acctest.NewWorkdir(t, map[string]string{acctest.ProviderAddress: acctest.BuildProvider(t)})
	wd.WriteFile(t, "main.tf", `
resource "terraform_data" "x" {
  input = "not an image"
}
`)
	mustTerraform(t, wd, "apply", "-auto-approve", "-input=false")

	wd.WriteFile(t, "main.tf", requiredProviders("amicopy/amicopy")+providerConfig()+fmt.Sprintf(`
moved {
  from = terraform_data.x
  to   = amicopy_image.x
}

resource "amicopy_image" "x" {
  name            = %[1]q
  source_image_id = %[2]q
  source_region   = %[3]q
}
`, randomName(), acctest.SourceImageID(), acctest.SourceRegion()))
	out, code := runTerraform(t, wd, "plan", "-input=false")
	if code == 0 {
		t.Fatalf("plan with a moved block from terraform_data succeeded:\n%s", out)
	}
	for _, want := range []string{"Move Not Supported", "terraform_data", "import block"} {
		if !strings.Contains(out, want) {
			t.Errorf("plan output lacks %q:\n%s", want, out)
		}
	}
	// The source stays where it was.
	if _, err := shownResource(t, wd, "terraform_data.x"); err != nil {
		t.Errorf("after the refused move: %v", err)
	}
}

// TestAccImage_skipDestroyWarns destroys a copy with skip_destroy = true
// through the real CLI: the AMI stays in EC2, and the output names it.
func TestAccImage_skipDestroyWarns(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	wd := acctest.NewWorkdir(t, map[string]string{acctest.ProviderAddress: acctest.BuildProvider(t)})
	wd.WriteFile(t, "main.tf", requiredProviders("amicopy/amicopy")+providerConfig()+fmt.Sprintf(`
resource "amicopy_image" "x" {
  name            = %[1]q
  source_image_id = %[2]q
  source_region   = %[3]q
  skip_destroy    = true
}
`, randomName(), acctest.SourceImageID(), acctest.SourceRegion()))
	mustTerraform(t, wd, "apply", "-auto-approve", "-input=false")
	imageID, _ := shownResourceOf(t, wd, "amicopy_image.x").Values["id"].(string)
	t.Cleanup(func() { deregisterQuietly(t, acctest.Region(), imageID) })

	out := mustTerraform(t, wd, "destroy", "-auto-approve", "-input=false")
	for _, want := range []string{"Image Kept", imageID} {
		if !strings.Contains(out, want) {
			t.Errorf("destroy output lacks %q:\n%s", want, out)
		}
	}
	if img := describeImageByID(t, acctest.Region(), imageID); img.State != ec2types.ImageStateAvailable {
		t.Errorf("kept AMI %s is %s, want available", imageID, img.State)
	}
	if _, err := shownResource(t, wd, "amicopy_image.x"); err == nil {
		t.Errorf("amicopy_image.x is still in state after destroy")
	}
}

// TestAccImage_skipDestroyKeepsReplaced replaces a copy with skip_destroy =
// true (a new name forces a new copy): the old AMI stays in EC2, and so does
// the new one after the test's destroy.
func TestAccImage_skipDestroyKeepsReplaced(t *testing.T) {
	name := randomName()
	address := "amicopy_image.test"
	kept := &keptImages{t: t}
	var first, second capturedImage
	config := func(suffix string) string {
		return providerConfig() + fmt.Sprintf(`
resource "amicopy_image" "test" {
  name            = "%[1]s-%[4]s"
  source_image_id = %[2]q
  source_region   = %[3]q
  skip_destroy    = true
}
`, name, acctest.SourceImageID(), acctest.SourceRegion(), suffix)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             kept.checkStillThere,
		Steps: []resource.TestStep{
			{
				Config: config("a"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("skip_destroy"), knownvalue.Bool(true)),
				},
				Check: resource.ComposeTestCheckFunc(captureImage(address, &first), kept.add(&first)),
			},
			{
				Config: config("b"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				Check: resource.ComposeTestCheckFunc(
					captureImage(address, &second),
					kept.add(&second),
					func(*terraform.State) error {
						if first.id == second.id {
							return fmt.Errorf("the rename did not replace %s", first.id)
						}
						return kept.checkStillThere(nil)
					},
				),
			},
		},
	})
}

// TestAccImage_deprecationTime sets a deprecation time with seconds (EC2
// keeps minutes; the plan stays empty), moves it in place to a time written
// with seconds and an offset, and removes it, which cancels the deprecation
// in EC2.
func TestAccImage_deprecationTime(t *testing.T) {
	name := randomName()
	address := "amicopy_image.test"
	first := time.Now().AddDate(1, 0, 0).UTC().Truncate(time.Minute).Add(37 * time.Second)
	later := first.AddDate(0, 1, 0).Add(-25 * time.Second) // seconds 12
	laterWithOffset := later.In(time.FixedZone("UTC+2", 2*60*60)).Format(time.RFC3339)
	var image, updated capturedImage
	config := func(deprecation string) string {
		return providerConfig() + fmt.Sprintf(`
resource "amicopy_image" "test" {
  name            = %[1]q
  source_image_id = %[2]q
  source_region   = %[3]q
%[4]s}
`, name, acctest.SourceImageID(), acctest.SourceRegion(), deprecation)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkImagesDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: config(fmt.Sprintf("  deprecation_time = %q\n", first.Format(time.RFC3339))),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					// Kept as written, so the configuration causes no diff.
					statecheck.ExpectKnownValue(address, tfjsonpath.New("deprecation_time"), knownvalue.StringExact(first.Format(time.RFC3339))),
				},
				Check: resource.ComposeTestCheckFunc(captureImage(address, &image), checkDeprecation(t, &image, first)),
			},
			{
				Config: config(fmt.Sprintf("  deprecation_time = %q\n", laterWithOffset)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("deprecation_time"), knownvalue.StringExact(laterWithOffset)),
				},
				Check: resource.ComposeTestCheckFunc(captureImage(address, &updated), sameImage(&image, &updated), checkDeprecation(t, &updated, later)),
			},
			{
				Config: config(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("deprecation_time"), knownvalue.Null()),
				},
				Check: resource.ComposeTestCheckFunc(captureImage(address, &updated), sameImage(&image, &updated), checkDeprecation(t, &updated, time.Time{})),
			},
		},
	})
}

// TestAccImage_deprecationTimeImported adopts, with an import block, a copy
// whose deprecation was scheduled outside Terraform. EC2 reports the time
// in its own spelling ("...T10:20:00.000Z"); a configuration that writes
// the same minute as users do ("...T10:20:00Z") plans no change.
func TestAccImage_deprecationTimeImported(t *testing.T) {
	name := randomName()
	region := acctest.Region()
	imageID := copyOutsideTerraform(t, region, name, nil)
	deprecation := time.Now().AddDate(2, 0, 0).UTC().Truncate(time.Minute)
	_, err := acctest.EC2Client(t, region).EnableImageDeprecation(context.Background(), &ec2.EnableImageDeprecationInput{
		ImageId: aws.String(imageID), DeprecateAt: aws.Time(deprecation),
	})
	if err != nil {
		t.Fatalf("scheduling the deprecation of %s by hand: %v", imageID, err)
	}
	address := "amicopy_image.adopted"
	config := providerConfig() + fmt.Sprintf(`
import {
  to = amicopy_image.adopted
  id = %[4]q
}

resource "amicopy_image" "adopted" {
  name             = %[1]q
  description      = "copied by hand"
  source_image_id  = %[2]q
  source_region    = %[3]q
  deprecation_time = %[5]q
}
`, name, acctest.SourceImageID(), acctest.SourceRegion(), imageID, deprecation.Format(time.RFC3339))
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkImagesDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionNoop)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("id"), knownvalue.StringExact(imageID)),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("deprecation_time"), knownvalue.StringExact(deprecation.Format(time.RFC3339))),
				},
			},
		},
	})
}

// TestAccImage_protection turns deregistration protection on: removing or
// replacing the copy then fails at plan time, naming the setting, and the
// AMI stays; once protection is off, destroy works. The apply-time error of
// a deregistration that EC2 refuses has the same summary, so the steps look
// for the plan's own wording ("The plan would destroy"), which only the
// plan-time refusal uses.
func TestAccImage_protection(t *testing.T) {
	name := randomName()
	address := "amicopy_image.test"
	var image, after capturedImage
	config := func(suffix, protection string) string {
		return providerConfig() + fmt.Sprintf(`
resource "amicopy_image" "test" {
  name                      = "%[1]s-%[4]s"
  source_image_id           = %[2]q
  source_region             = %[3]q
  deregistration_protection = %[5]q
}
`, name, acctest.SourceImageID(), acctest.SourceRegion(), suffix, protection)
	}
	refusedAtPlan := func(action string) *regexp.Regexp {
		return diagnosticPattern("Image Has Deregistration Protection", "The plan would "+action+" amicopy_image ami-",
			`but its deregistration_protection is "enabled", so EC2 would refuse to deregister it`)
	}
	// A refusal at plan time leaves the copy as it was, and makes no other.
	untouched := func() {
		if err := resource.ComposeTestCheckFunc(checkOnlyImageNamed(t, name, &image), checkProtection(t, &image, "enabled-without-cooldown"))(nil); err != nil {
			t.Errorf("after a refused plan: %v", err)
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkImagesDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: config("a", "enabled"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("deregistration_protection"), knownvalue.StringExact("enabled")),
				},
				Check: resource.ComposeTestCheckFunc(
					captureImage(address, &image),
					removeWhenDone(t, &image), // should a refused step leave it protected
					checkProtection(t, &image, "enabled-without-cooldown"),
				),
			},
			{
				// The user removes the resource from the configuration.
				Config:      providerConfig(),
				ExpectError: refusedAtPlan("destroy"),
			},
			{
				// A new name needs a new copy, which would deregister this one.
				PreConfig:   untouched,
				Config:      config("b", "enabled"),
				ExpectError: refusedAtPlan("replace"),
			},
			{
				PreConfig: untouched,
				Config:    config("a", "disabled"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(captureImage(address, &after), sameImage(&image, &after), checkProtection(t, &after, "disabled")),
			},
		},
	})
}

// TestAccImage_protectionCooldownSkipDestroy destroys a copy protected with
// a cooldown but kept by skip_destroy: the plan allows it, and the AMI stays
// in EC2, still protected.
func TestAccImage_protectionCooldownSkipDestroy(t *testing.T) {
	address := "amicopy_image.test"
	kept := &keptImages{t: t}
	var image capturedImage
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			if err := kept.checkStillThere(s); err != nil {
				return err
			}
			return checkProtection(t, &image, "enabled-with-cooldown")(s)
		},
		Steps: []resource.TestStep{
			{
				Config: providerConfig() + fmt.Sprintf(`
resource "amicopy_image" "test" {
  name                      = %[1]q
  source_image_id           = %[2]q
  source_region             = %[3]q
  deregistration_protection = "enabled-with-cooldown"
  skip_destroy              = true
}
`, randomName(), acctest.SourceImageID(), acctest.SourceRegion()),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(captureImage(address, &image), kept.add(&image), checkProtection(t, &image, "enabled-with-cooldown")),
			},
		},
	})
}

// TestAccImage_protectionCooldownAfterDisable turns a protection with
// cooldown off. EC2 keeps the AMI protected for 24 hours after that, so
// destroying it must still fail at plan time, not halfway through an apply
// with advice to do what the user just did; skip_destroy then lets it go.
func TestAccImage_protectionCooldownAfterDisable(t *testing.T) {
	address := "amicopy_image.test"
	name := randomName()
	kept := &keptImages{t: t}
	var image capturedImage
	config := func(protection string, skipDestroy bool) string {
		return providerConfig() + fmt.Sprintf(`
resource "amicopy_image" "test" {
  name                      = %[1]q
  source_image_id           = %[2]q
  source_region             = %[3]q
  deregistration_protection = %[4]q
  skip_destroy              = %[5]t
}
`, name, acctest.SourceImageID(), acctest.SourceRegion(), protection, skipDestroy)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             kept.checkStillThere,
		Steps: []resource.TestStep{
			{
				Config: config("enabled-with-cooldown", false),
				Check:  resource.ComposeTestCheckFunc(captureImage(address, &image), kept.add(&image)),
			},
			{
				Config: config("disabled", false),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("deregistration_protection"), knownvalue.StringExact("disabled")),
				},
				Check: checkProtection(t, &image, "disabled-until "),
			},
			{
				Config:      providerConfig(),
				ExpectError: regexp.MustCompile(`(?s)Image Has Deregistration Protection.*24 hours`),
			},
			{
				Config: config("disabled", true),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// TestAccImage_unknownTagsWithDefaultTags sets tags from a value known only
// after apply, next to the provider's default_tags, on create and on update:
// the apply is consistent with the plan, and the next plan is empty.
func TestAccImage_unknownTagsWithDefaultTags(t *testing.T) {
	name := randomName()
	address := "amicopy_image.test"
	var image, updated capturedImage
	config := func(owner string) string {
		return fmt.Sprintf(`
provider "amicopy" {
  endpoints {
    ec2 = %[1]q
  }
  default_tags {
    tags = { team = "platform" }
  }
}

resource "terraform_data" "owner" {
  input = %[5]q
}

resource "amicopy_image" "test" {
  name            = %[2]q
  source_image_id = %[3]q
  source_region   = %[4]q
  tags            = { owner = terraform_data.owner.output }
}
`, acctest.Endpoint(), name, acctest.SourceImageID(), acctest.SourceRegion(), owner)
	}
	tagsAll := func(owner string) knownvalue.Check {
		return knownvalue.MapExact(map[string]knownvalue.Check{"owner": knownvalue.StringExact(owner), "team": knownvalue.StringExact("platform")})
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkImagesDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: config("alice"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("tags"), knownvalue.MapExact(map[string]knownvalue.Check{"owner": knownvalue.StringExact("alice")})),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("tags_all"), tagsAll("alice")),
				},
				Check: resource.ComposeTestCheckFunc(
					captureImage(address, &image),
					checkImageTagged(t, address, "owner", "alice"),
					checkImageTagged(t, address, "team", "platform"),
				),
			},
			{
				// A new input makes the output unknown again, now on update.
				Config: config("bob"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("tags_all"), tagsAll("bob")),
				},
				Check: resource.ComposeTestCheckFunc(
					captureImage(address, &updated),
					sameImage(&image, &updated),
					checkImageTagged(t, address, "owner", "bob"),
					checkImageTagged(t, address, "team", "platform"),
				),
			},
		},
	})
}

// TestAccImage_unknownDescriptionAndDeprecation takes the description and
// the deprecation time (with seconds) from values known only after apply, on
// create and on update.
func TestAccImage_unknownDescriptionAndDeprecation(t *testing.T) {
	name := randomName()
	address := "amicopy_image.test"
	first := time.Now().AddDate(1, 0, 0).UTC().Truncate(time.Minute).Add(37 * time.Second)
	later := first.AddDate(0, 2, 0)
	var image, updated capturedImage
	config := func(description string, deprecation time.Time) string {
		return providerConfig() + fmt.Sprintf(`
resource "terraform_data" "settings" {
  input = {
    description = %[4]q
    deprecation = %[5]q
  }
}

resource "amicopy_image" "test" {
  name             = %[1]q
  source_image_id  = %[2]q
  source_region    = %[3]q
  description      = terraform_data.settings.output.description
  deprecation_time = terraform_data.settings.output.deprecation
}
`, name, acctest.SourceImageID(), acctest.SourceRegion(), description, deprecation.Format(time.RFC3339))
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkImagesDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: config("first", first),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectUnknownValue(address, tfjsonpath.New("deprecation_time"))},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("description"), knownvalue.StringExact("first")),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("deprecation_time"), knownvalue.StringExact(first.Format(time.RFC3339))),
				},
				Check: resource.ComposeTestCheckFunc(
					captureImage(address, &image),
					checkImageDescription(t, address, "first"),
					checkDeprecation(t, &image, first),
				),
			},
			{
				Config: config("second", later),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(address, tfjsonpath.New("description")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(
					captureImage(address, &updated),
					sameImage(&image, &updated),
					checkImageDescription(t, address, "second"),
					checkDeprecation(t, &updated, later),
				),
			},
		},
	})
}

// newMoveWorkdir is a working folder with this provider and the stand-in
// AWS provider, both sending EC2 calls to a proxy of the test's own, so its
// call log holds only this test's calls.
func newMoveWorkdir(t *testing.T, amicopyDir string, shape awsprovider.Shape) (*acctest.Proxy, *acctest.Workdir) {
	t.Helper()
	proxy := acctest.NewProxy(t)
	wd := acctest.NewWorkdir(t, map[string]string{
		acctest.ProviderAddress:     amicopyDir,
		awsprovider.ProviderAddress: awsprovider.BuildShape(t, shape),
	}, "AWS_ENDPOINT_URL_EC2="+proxy.URL())
	return proxy, wd
}

// requiredProviders names the providers' sources ("amicopy/amicopy"), as a
// user's module does; without it Terraform looks for hashicorp/amicopy.
func requiredProviders(sources ...string) string {
	var b strings.Builder
	b.WriteString("terraform {\n  required_providers {\n")
	for _, source := range sources {
		_, name, _ := strings.Cut(source, "/")
		fmt.Fprintf(&b, "    %s = { source = %q }\n", name, source)
	}
	b.WriteString("  }\n}\n")
	return b.String()
}

// standInAWSProviderBlock configures the stand-in AWS provider as a user of
// a local EC2 API would configure the real one.
func standInAWSProviderBlock(endpoint string) string {
	return fmt.Sprintf(`
provider "aws" {
  region                      = %[1]q
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true

  endpoints {
    ec2 = %[2]q
  }
}
`, acctest.Region(), endpoint)
}

// runTerraform runs a terraform command and returns its combined output and
// exit code; it fails the test only when terraform cannot run at all.
func runTerraform(t *testing.T, wd *acctest.Workdir, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cliTimeout)
	defer cancel()
	stdout, stderr, err := wd.Terraform(ctx, args...)
	out := stdout + stderr
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return out, 0
	case errors.As(err, &exitErr) && ctx.Err() == nil:
		return out, exitErr.ExitCode()
	default:
		t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
		return "", -1
	}
}

// mustTerraform runs a terraform command that must succeed and returns its
// output.
func mustTerraform(t *testing.T, wd *acctest.Workdir, args ...string) string {
	t.Helper()
	out, code := runTerraform(t, wd, args...)
	if code != 0 {
		t.Fatalf("terraform %s exited %d:\n%s", strings.Join(args, " "), code, out)
	}
	return out
}

// shownState is the part of `terraform show -json` these tests read.
type shownState struct {
	Values struct {
		RootModule struct {
			Resources []shownStateResource `json:"resources"`
		} `json:"root_module"`
	} `json:"values"`
}

// shownStateResource is one resource in `terraform show -json`.
type shownStateResource struct {
	Address      string         `json:"address"`
	ProviderName string         `json:"provider_name"`
	Values       map[string]any `json:"values"`
}

// shownResource returns a resource from the working folder's state, or an
// error when the state does not hold it.
func shownResource(t *testing.T, wd *acctest.Workdir, address string) (shownStateResource, error) {
	t.Helper()
	out := mustTerraformStdout(t, wd, "show", "-json")
	var shown shownState
	if err := json.Unmarshal([]byte(out), &shown); err != nil {
		t.Fatalf("decoding terraform show -json: %v\n%s", err, out)
	}
	for _, r := range shown.Values.RootModule.Resources {
		if r.Address == address {
			return r, nil
		}
	}
	return shownStateResource{}, fmt.Errorf("%s is not in state", address)
}

// shownResourceOf is shownResource for a resource that must be in state.
func shownResourceOf(t *testing.T, wd *acctest.Workdir, address string) shownStateResource {
	t.Helper()
	r, err := shownResource(t, wd, address)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// plannedChange is one entry of resource_changes in `terraform show -json
// PLAN`.
type plannedChange struct {
	Address         string `json:"address"`
	PreviousAddress string `json:"previous_address"`
	Change          struct {
		Actions []string       `json:"actions"`
		After   map[string]any `json:"after"`
	} `json:"change"`
}

// plannedChangeOf returns the planned change of a resource in a saved plan.
func plannedChangeOf(t *testing.T, wd *acctest.Workdir, planFile, address string) plannedChange {
	t.Helper()
	out := mustTerraformStdout(t, wd, "show", "-json", planFile)
	var plan struct {
		ResourceChanges []plannedChange `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(out), &plan); err != nil {
		t.Fatalf("decoding terraform show -json %s: %v\n%s", planFile, err, out)
	}
	for _, c := range plan.ResourceChanges {
		if c.Address == address {
			return c
		}
	}
	t.Fatalf("%s has no planned change in:\n%s", address, out)
	return plannedChange{}
}

// mustTerraformStdout runs a terraform command that must succeed and
// returns its stdout alone, for JSON output.
func mustTerraformStdout(t *testing.T, wd *acctest.Workdir, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cliTimeout)
	defer cancel()
	stdout, stderr, err := wd.Terraform(ctx, args...)
	if err != nil {
		t.Fatalf("terraform %s: %v\n%s%s", strings.Join(args, " "), err, stdout, stderr)
	}
	return stdout
}

// sameJSON compares two values by their JSON encoding, as state holds them.
func sameJSON(a, b any) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && string(ja) == string(jb)
}

// describeImageByID reads an image straight from EC2 and fails the test
// when EC2 does not report it.
func describeImageByID(t *testing.T, region, imageID string) ec2types.Image {
	t.Helper()
	out, err := acctest.EC2Client(t, region).DescribeImages(context.Background(), &ec2.DescribeImagesInput{
		ImageIds: []string{imageID}, IncludeDeprecated: aws.Bool(true), IncludeDisabled: aws.Bool(true),
	})
	if err != nil {
		t.Fatalf("DescribeImages %s in %s: %v", imageID, region, err)
	}
	if len(out.Images) != 1 {
		t.Fatalf("DescribeImages %s in %s returned %d images", imageID, region, len(out.Images))
	}
	return out.Images[0]
}

// tagValue returns the value of a tag, or "" when the tag is absent.
func tagValue(tags []ec2types.Tag, key string) string {
	for _, tag := range tags {
		if aws.ToString(tag.Key) == key {
			return aws.ToString(tag.Value)
		}
	}
	return ""
}

// sameImage fails when an update replaced the image instead.
func sameImage(before, after *capturedImage) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if before.id != after.id {
			return fmt.Errorf("the update replaced %s with %s", before.id, after.id)
		}
		return nil
	}
}

// checkDeprecation asks EC2 for the image's deprecation time; a zero want
// means none. EC2 keeps minutes, rounding or truncating the seconds.
func checkDeprecation(t *testing.T, image *capturedImage, want time.Time) resource.TestCheckFunc {
	return func(*terraform.State) error {
		reported := aws.ToString(describeImageByID(t, image.region, image.id).DeprecationTime)
		if want.IsZero() {
			if reported != "" {
				return fmt.Errorf("EC2 still deprecates %s at %s", image.id, reported)
			}
			return nil
		}
		got, err := time.Parse(time.RFC3339, reported)
		if err != nil {
			return fmt.Errorf("EC2 reports deprecation time %q for %s: %w", reported, image.id, err)
		}
		if !got.Equal(want.Truncate(time.Minute)) && !got.Equal(want.Round(time.Minute)) {
			return fmt.Errorf("EC2 deprecates %s at %s, want the minute of %s", image.id, reported, want.Format(time.RFC3339))
		}
		return nil
	}
}

// checkProtection asks EC2 for the image's deregistration protection, which
// must start with want ("disabled-until " carries a time).
func checkProtection(t *testing.T, image *capturedImage, want string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got := aws.ToString(describeImageByID(t, image.region, image.id).DeregistrationProtection)
		if got == "" {
			got = "disabled" // EC2 may leave the field out when it is off
		}
		prefixMatch := strings.HasSuffix(want, " ") && strings.HasPrefix(got, want)
		if got != want && !prefixMatch {
			return fmt.Errorf("EC2 reports deregistration protection %q for %s, want %q", got, image.id, want)
		}
		return nil
	}
}

// keptImages tracks AMIs that skip_destroy leaves in EC2: the test checks
// they are still there after destroy, then removes them.
type keptImages struct {
	t      *testing.T
	mu     sync.Mutex
	images []*capturedImage
}

// add remembers a captured image, once, and removes it when the test ends.
func (k *keptImages) add(image *capturedImage) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		k.mu.Lock()
		defer k.mu.Unlock()
		for _, known := range k.images {
			if known == image {
				return nil
			}
		}
		k.images = append(k.images, image)
		return removeWhenDone(k.t, image)(s)
	}
}

// checkStillThere fails unless every kept image is still available in EC2.
func (k *keptImages) checkStillThere(*terraform.State) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.images) == 0 {
		return errors.New("no image was captured")
	}
	for _, image := range k.images {
		if state := describeImageByID(k.t, image.region, image.id).State; state != ec2types.ImageStateAvailable {
			return fmt.Errorf("kept AMI %s is %s, want available", image.id, state)
		}
	}
	return nil
}

// removeWhenDone removes a captured image when the test ends, if it is still
// there, whatever protection it has then.
func removeWhenDone(t *testing.T, image *capturedImage) resource.TestCheckFunc {
	var once sync.Once
	return func(*terraform.State) error {
		once.Do(func() { t.Cleanup(func() { removeKeptImage(t, image.region, image.id) }) })
		return nil
	}
}

// removeKeptImage lifts any deregistration protection and deregisters an
// image. A protection with cooldown would keep the image for 24 hours after
// it is disabled; the test proxy ends a cooldown when protection is enabled
// again without one, so enabling and disabling first frees the image. Where
// that does not work (real EC2), the image is left and logged; against moto
// it goes away with the moto of this test run.
func removeKeptImage(t *testing.T, region, imageID string) {
	if imageID == "" {
		return
	}
	ctx := context.Background()
	client := acctest.EC2Client(t, region)
	_, _ = client.EnableImageDeregistrationProtection(ctx, &ec2.EnableImageDeregistrationProtectionInput{ImageId: aws.String(imageID), WithCooldown: aws.Bool(false)})
	_, _ = client.DisableImageDeregistrationProtection(ctx, &ec2.DisableImageDeregistrationProtectionInput{ImageId: aws.String(imageID)})
	_, err := client.DeregisterImage(ctx, &ec2.DeregisterImageInput{ImageId: aws.String(imageID), DeleteAssociatedSnapshots: aws.Bool(true)})
	if err != nil && !strings.Contains(err.Error(), "NotFound") {
		t.Logf("could not remove the kept AMI %s in %s: %v", imageID, region, err)
	}
}

// deregisterQuietly removes an image a CLI test made, if a failure left it
// behind; an image already gone is fine.
func deregisterQuietly(t *testing.T, region, imageID string) {
	if imageID == "" {
		return
	}
	_, _ = acctest.EC2Client(t, region).DeregisterImage(context.Background(), &ec2.DeregisterImageInput{
		ImageId: aws.String(imageID), DeleteAssociatedSnapshots: aws.Bool(true),
	})
}
