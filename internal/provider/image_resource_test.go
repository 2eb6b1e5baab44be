package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/amicopy/terraform-provider-amicopy/internal/acctest"
)

var amiIDPattern = regexp.MustCompile(`^ami-[0-9a-f]{8,17}$`)

// TestAccImage_basic copies one image into two Regions (the provider's and
// one set per resource), checks that a second plan is empty, and imports
// the second copy by ID@Region.
func TestAccImage_basic(t *testing.T) {
	name := randomName()
	primary, secondary := "amicopy_image.primary", "amicopy_image.secondary"
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkImagesDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: providerConfig() + fmt.Sprintf(`
resource "amicopy_image" "primary" {
  name            = "%[1]s-a"
  source_image_id = %[2]q
  source_region   = %[3]q
  description     = "first copy"
  tags            = { Name = "%[1]s-a" }
  snapshot_tags   = { Team = "images" }
}

resource "amicopy_image" "secondary" {
  region          = %[4]q
  name            = "%[1]s-b"
  source_image_id = %[2]q
  source_region   = %[3]q
}
`, name, acctest.SourceImageID(), acctest.SourceRegion(), acctest.AlternateRegion()),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(primary, plancheck.ResourceActionCreate),
						plancheck.ExpectKnownValue(primary, tfjsonpath.New("region"), knownvalue.StringExact(acctest.Region())),
						plancheck.ExpectKnownValue(secondary, tfjsonpath.New("region"), knownvalue.StringExact(acctest.AlternateRegion())),
						plancheck.ExpectKnownValue(primary, tfjsonpath.New("tags_all"), knownvalue.MapExact(map[string]knownvalue.Check{
							"Name": knownvalue.StringExact(name + "-a"),
						})),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(primary, tfjsonpath.New("id"), knownvalue.StringRegexp(amiIDPattern)),
					statecheck.ExpectKnownValue(primary, tfjsonpath.New("state"), knownvalue.StringExact("available")),
					statecheck.ExpectKnownValue(primary, tfjsonpath.New("region"), knownvalue.StringExact(acctest.Region())),
					statecheck.ExpectKnownValue(primary, tfjsonpath.New("description"), knownvalue.StringExact("first copy")),
					statecheck.ExpectKnownValue(primary, tfjsonpath.New("arn"), knownvalue.StringRegexp(regexp.MustCompile(`^arn:aws:ec2:`+acctest.Region()+`::image/ami-`))),
					statecheck.ExpectKnownValue(primary, tfjsonpath.New("delete_snapshots"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(primary, tfjsonpath.New("client_token"), knownvalue.StringRegexp(regexp.MustCompile(`^amicopy-[0-9a-f]{32}$`))),
					statecheck.ExpectKnownValue(primary, tfjsonpath.New("snapshot_ids"), knownvalue.ListSizeExact(1)),
					statecheck.ExpectKnownValue(primary, tfjsonpath.New("snapshot_tags"), knownvalue.MapExact(map[string]knownvalue.Check{
						"Team": knownvalue.StringExact("images"),
					})),
					statecheck.ExpectKnownValue(primary, tfjsonpath.New("block_device_mappings").AtSliceIndex(0).AtMapKey("snapshot_id"), knownvalue.StringRegexp(regexp.MustCompile(`^snap-`))),
					statecheck.ExpectKnownValue(primary, tfjsonpath.New("architecture"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(secondary, tfjsonpath.New("id"), knownvalue.StringRegexp(amiIDPattern)),
					statecheck.ExpectKnownValue(secondary, tfjsonpath.New("region"), knownvalue.StringExact(acctest.AlternateRegion())),
					statecheck.ExpectKnownValue(secondary, tfjsonpath.New("source_image_id"), knownvalue.StringExact(acctest.SourceImageID())),
				},
				Check: resource.ComposeTestCheckFunc(
					checkImageTagged(t, primary, "Name", name+"-a"),
					checkImageDescription(t, primary, "first copy"),
				),
			},
			{
				ResourceName:            secondary,
				ImportState:             true,
				ImportStateIdFunc:       importIDWithRegion(secondary),
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"client_token", "timeouts"},
			},
		},
	})
}

// TestAccImage_update changes the description and the tags in place.
func TestAccImage_update(t *testing.T) {
	name := randomName()
	address := "amicopy_image.test"
	var before, after capturedImage
	config := func(description, tags string) string {
		return providerConfig() + fmt.Sprintf(`
resource "amicopy_image" "test" {
  name            = %[1]q
  source_image_id = %[2]q
  source_region   = %[3]q
  description     = %[4]q
  tags            = %[5]s
}
`, name, acctest.SourceImageID(), acctest.SourceRegion(), description, tags)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkImagesDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: config("one", `{ env = "dev", keep = "yes" }`),
				Check:  captureImage(address, &before),
			},
			{
				Config: config("two", `{ env = "prod", owner = "team-a" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(address, tfjsonpath.New("tags_all"), knownvalue.MapExact(map[string]knownvalue.Check{
							"env": knownvalue.StringExact("prod"), "owner": knownvalue.StringExact("team-a"),
						})),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("description"), knownvalue.StringExact("two")),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("tags"), knownvalue.MapExact(map[string]knownvalue.Check{
						"env": knownvalue.StringExact("prod"), "owner": knownvalue.StringExact("team-a"),
					})),
				},
				Check: resource.ComposeTestCheckFunc(
					captureImage(address, &after),
					func(*terraform.State) error {
						if before.id != after.id {
							return fmt.Errorf("the update replaced %s with %s", before.id, after.id)
						}
						return nil
					},
					checkImageDescription(t, address, "two"),
					checkImageTagged(t, address, "env", "prod"),
					checkImageTagAbsent(t, address, "keep"),
				),
			},
		},
	})
}

// TestAccImage_disappears deregisters the copy behind Terraform's back; the
// next plan must create it again.
func TestAccImage_disappears(t *testing.T) {
	name := randomName()
	address := "amicopy_image.test"
	var first capturedImage
	config := providerConfig() + fmt.Sprintf(`
resource "amicopy_image" "test" {
  name            = %[1]q
  source_image_id = %[2]q
  source_region   = %[3]q
}
`, name, acctest.SourceImageID(), acctest.SourceRegion())
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkImagesDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check:  captureImage(address, &first),
			},
			{
				PreConfig: func() { deregisterImage(t, first) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("state"), knownvalue.StringExact("available")),
				},
				Check: func(s *terraform.State) error {
					if s.RootModule().Resources[address].Primary.ID == first.id {
						return fmt.Errorf("expected a new copy, still %s", first.id)
					}
					return nil
				},
			},
		},
	})
}

// TestAccImage_tagDrift changes a tag behind Terraform's back; the plan
// must show it and the apply must put it back.
func TestAccImage_tagDrift(t *testing.T) {
	name := randomName()
	address := "amicopy_image.test"
	var image capturedImage
	config := providerConfig() + fmt.Sprintf(`
resource "amicopy_image" "test" {
  name            = %[1]q
  source_image_id = %[2]q
  source_region   = %[3]q
  tags            = { env = "dev" }
}
`, name, acctest.SourceImageID(), acctest.SourceRegion())
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkImagesDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check:  captureImage(address, &image),
			},
			{
				PreConfig: func() { tagImage(t, image, "env", "prod") },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(address, tfjsonpath.New("tags"), knownvalue.MapExact(map[string]knownvalue.Check{"env": knownvalue.StringExact("dev")})),
					},
				},
				Check: checkImageTagged(t, address, "env", "dev"),
			},
		},
	})
}

// TestAccImage_importExisting adopts a copy made outside Terraform with an
// import block; the plan with a matching configuration has no changes, and
// destroy removes the adopted AMI and its snapshots.
func TestAccImage_importExisting(t *testing.T) {
	name := randomName()
	region := acctest.AlternateRegion()
	imageID := copyOutsideTerraform(t, region, name, map[string]string{"origin": "by-hand"})
	address := "amicopy_image.adopted"
	config := providerConfig() + fmt.Sprintf(`
import {
  to = amicopy_image.adopted
  id = "%[5]s@%[4]s"
}

resource "amicopy_image" "adopted" {
  region          = %[4]q
  name            = %[1]q
  description     = "copied by hand"
  source_image_id = %[2]q
  source_region   = %[3]q
  tags            = { origin = "by-hand" }
}
`, name, acctest.SourceImageID(), acctest.SourceRegion(), region, imageID)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
		CheckDestroy:             checkImagesDestroyed(t),
		Steps: []resource.TestStep{
			{
				ResourceName:           address,
				ImportState:            true,
				ImportStateKind:        resource.ImportBlockWithID,
				ImportStateId:          imageID + "@" + region,
				ImportStateConfigExact: true,
				Config:                 config,
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(address, plancheck.ResourceActionNoop),
						plancheck.ExpectKnownValue(address, tfjsonpath.New("id"), knownvalue.StringExact(imageID)),
					},
				},
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionNoop)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("id"), knownvalue.StringExact(imageID)),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("delete_snapshots"), knownvalue.Bool(true)),
				},
			},
		},
	})
}

// TestAccImage_importBadID rejects an import ID that is not an AMI ID.
func TestAccImage_importBadID(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: providerConfig() + fmt.Sprintf(`
resource "amicopy_image" "test" {
  name            = "whatever"
  source_image_id = %[1]q
  source_region   = %[2]q
}
`, acctest.SourceImageID(), acctest.SourceRegion()),
				ResourceName:  "amicopy_image.test",
				ImportState:   true,
				ImportStateId: "snap-0123456789abcdef0",
				ExpectError:   regexp.MustCompile(`Invalid Import ID`),
			},
		},
	})
}

// importIDWithRegion builds "ami-...@region" from state.
func importIDWithRegion(address string) resource.ImportStateIdFunc {
	return func(s *terraform.State) (string, error) {
		rs, ok := s.RootModule().Resources[address]
		if !ok {
			return "", fmt.Errorf("%s not in state", address)
		}
		return rs.Primary.ID + "@" + rs.Primary.Attributes["region"], nil
	}
}

// describeImage reads an image straight from EC2.
func describeImage(t *testing.T, s *terraform.State, address string) (ec2types.Image, error) {
	rs, ok := s.RootModule().Resources[address]
	if !ok {
		return ec2types.Image{}, fmt.Errorf("%s not in state", address)
	}
	out, err := acctest.EC2Client(t, rs.Primary.Attributes["region"]).DescribeImages(context.Background(), &ec2.DescribeImagesInput{ImageIds: []string{rs.Primary.ID}})
	if err != nil {
		return ec2types.Image{}, err
	}
	if len(out.Images) != 1 {
		return ec2types.Image{}, fmt.Errorf("DescribeImages %s returned %d images", rs.Primary.ID, len(out.Images))
	}
	return out.Images[0], nil
}

// checkImageTagged asks EC2 whether the image carries the tag.
func checkImageTagged(t *testing.T, address, key, value string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		img, err := describeImage(t, s, address)
		if err != nil {
			return err
		}
		for _, tag := range img.Tags {
			if aws.ToString(tag.Key) == key {
				if aws.ToString(tag.Value) != value {
					return fmt.Errorf("tag %s of %s is %q in EC2, want %q", key, aws.ToString(img.ImageId), aws.ToString(tag.Value), value)
				}
				return nil
			}
		}
		return fmt.Errorf("image %s has no tag %s in EC2", aws.ToString(img.ImageId), key)
	}
}

// checkImageTagAbsent asks EC2 whether the image lacks the tag.
func checkImageTagAbsent(t *testing.T, address, key string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		img, err := describeImage(t, s, address)
		if err != nil {
			return err
		}
		for _, tag := range img.Tags {
			if aws.ToString(tag.Key) == key {
				return fmt.Errorf("image %s still has tag %s in EC2", aws.ToString(img.ImageId), key)
			}
		}
		return nil
	}
}

// checkImageDescription asks EC2 for the image's description.
func checkImageDescription(t *testing.T, address, want string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		img, err := describeImage(t, s, address)
		if err != nil {
			return err
		}
		if got := aws.ToString(img.Description); got != want {
			return fmt.Errorf("description of %s is %q in EC2, want %q", aws.ToString(img.ImageId), got, want)
		}
		return nil
	}
}

// deregisterImage removes an image behind Terraform's back.
func deregisterImage(t *testing.T, image capturedImage) {
	t.Helper()
	_, err := acctest.EC2Client(t, image.region).DeregisterImage(context.Background(), &ec2.DeregisterImageInput{
		ImageId: aws.String(image.id), DeleteAssociatedSnapshots: aws.Bool(true),
	})
	if err != nil {
		t.Fatalf("deregistering %s out of band: %v", image.id, err)
	}
}

// tagImage changes a tag behind Terraform's back.
func tagImage(t *testing.T, image capturedImage, key, value string) {
	t.Helper()
	_, err := acctest.EC2Client(t, image.region).CreateTags(context.Background(), &ec2.CreateTagsInput{
		Resources: []string{image.id}, Tags: []ec2types.Tag{{Key: aws.String(key), Value: aws.String(value)}},
	})
	if err != nil {
		t.Fatalf("tagging %s out of band: %v", image.id, err)
	}
}

// TestAccImage_defaultTagsChange changes only the provider's default_tags
// (a changed value, then an added key); no resource's configuration
// changes, yet every copy must be retagged.
func TestAccImage_defaultTagsChange(t *testing.T) {
	name := randomName()
	address := "amicopy_image.test"
	config := func(defaultTags string) string {
		return fmt.Sprintf(`
provider "amicopy" {
  default_tags {
    tags = %[4]s
  }
}

resource "amicopy_image" "test" {
  name            = %[1]q
  source_image_id = %[2]q
  source_region   = %[3]q
  tags            = { Name = %[1]q }
}
`, name, acctest.SourceImageID(), acctest.SourceRegion(), defaultTags)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkImagesDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: config(`{ team = "a" }`),
				Check:  checkImageTagged(t, address, "team", "a"),
			},
			{
				Config: config(`{ team = "b" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(address, tfjsonpath.New("tags_all"), knownvalue.MapExact(map[string]knownvalue.Check{
							"Name": knownvalue.StringExact(name), "team": knownvalue.StringExact("b"),
						})),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(
					checkImageTagged(t, address, "team", "b"),
					checkSnapshotsTagged(t, address, "team", "b"),
				),
			},
			{
				Config: config(`{ team = "b", env = "prod" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkImageTagged(t, address, "env", "prod"),
			},
		},
	})
}

// TestAccImage_importAdoptsCreateInputs imports a hand-made copy with a
// configuration that sets create-time inputs EC2 does not report
// (copy_image_tags, client_token): they are taken in place, never by
// replacing the adopted AMI.
func TestAccImage_importAdoptsCreateInputs(t *testing.T) {
	name := randomName()
	region := acctest.AlternateRegion()
	imageID := copyOutsideTerraform(t, region, name, nil)
	address := "amicopy_image.adopted"
	config := providerConfig() + fmt.Sprintf(`
import {
  to = amicopy_image.adopted
  id = "%[5]s@%[4]s"
}

resource "amicopy_image" "adopted" {
  region          = %[4]q
  name            = %[1]q
  source_image_id = %[2]q
  source_region   = %[3]q
  copy_image_tags = true
  client_token    = "made-by-hand"
}
`, name, acctest.SourceImageID(), acctest.SourceRegion(), region, imageID)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkImagesDestroyed(t),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(address, tfjsonpath.New("id"), knownvalue.StringExact(imageID)),
				statecheck.ExpectKnownValue(address, tfjsonpath.New("copy_image_tags"), knownvalue.Bool(true)),
			},
		}},
	})
}

// checkSnapshotsTagged asks EC2 whether every snapshot of the image carries
// the tag.
func checkSnapshotsTagged(t *testing.T, address, key, value string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		img, err := describeImage(t, s, address)
		if err != nil {
			return err
		}
		var ids []string
		for _, m := range img.BlockDeviceMappings {
			if m.Ebs != nil && m.Ebs.SnapshotId != nil {
				ids = append(ids, aws.ToString(m.Ebs.SnapshotId))
			}
		}
		out, err := acctest.EC2Client(t, s.RootModule().Resources[address].Primary.Attributes["region"]).DescribeSnapshots(context.Background(),
			&ec2.DescribeSnapshotsInput{SnapshotIds: ids})
		if err != nil {
			return err
		}
		for _, snap := range out.Snapshots {
			found := false
			for _, tag := range snap.Tags {
				if aws.ToString(tag.Key) == key && aws.ToString(tag.Value) == value {
					found = true
				}
			}
			if !found {
				return fmt.Errorf("snapshot %s of %s lacks tag %s=%s in EC2", aws.ToString(snap.SnapshotId), aws.ToString(img.ImageId), key, value)
			}
		}
		return nil
	}
}
