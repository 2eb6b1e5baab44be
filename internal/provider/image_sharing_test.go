package provider_test

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/amicopy/terraform-provider-amicopy/internal/acctest"
	"github.com/amicopy/terraform-provider-amicopy/internal/ami"
)

// Principals the tests share copies with. motoAccount is the account moto
// runs every request in: the copies' owner.
const (
	shareAccountA = "111122223333"
	shareAccountB = "444455556666"
	shareAccountC = "777788889999"
	shareAccountD = "210987654321"
	motoAccount   = "123456789012"
	shareOrg      = "arn:aws:organizations::111122223333:organization/o-abcdefghij"
	shareOU       = "arn:aws:organizations::111122223333:ou/o-abcdefghij/ou-ab12-cdefgh34"
)

// TestAccImage_sharing shares a copy with accounts, an organization, an OU
// and the public, changes each in place sending only the difference,
// repairs drift made outside Terraform, and finally stops managing the
// permissions without removing them from EC2.
func TestAccImage_sharing(t *testing.T) {
	proxy := acctest.NewProxy(t)
	name := randomName()
	address := "amicopy_image.test"
	var image capturedImage
	config := func(sharing string) string {
		return acctest.ProviderBlock(proxy.URL()) + fmt.Sprintf(`
resource "amicopy_image" "test" {
  name            = %[1]q
  source_image_id = %[2]q
  source_region   = %[3]q
%[4]s
}
`, name, acctest.SourceImageID(), acctest.SourceRegion(), sharing)
	}
	first := config(fmt.Sprintf(`
  launch_permission = {
    account_ids       = [%q, %q]
    organization_arns = [%q]
  }
  snapshot_create_volume_permission_account_ids = [%q]`, shareAccountA, shareAccountB, shareOrg, shareAccountA))
	second := config(fmt.Sprintf(`
  launch_permission = {
    account_ids              = [%q, %q]
    organizational_unit_arns = [%q]
    public                   = true
  }
  snapshot_create_volume_permission_account_ids = [%q]`, shareAccountB, shareAccountC, shareOU, shareAccountB))
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkImagesDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: first,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("launch_permission").AtMapKey("account_ids"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact(shareAccountA), knownvalue.StringExact(shareAccountB)})),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("launch_permission").AtMapKey("organizational_unit_arns"), knownvalue.Null()),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("launch_permission").AtMapKey("public"), knownvalue.Null()),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("public"), knownvalue.Bool(false)),
				},
				Check: resource.ComposeTestCheckFunc(
					captureImage(address, &image),
					checkLaunchPermissions(t, address, ami.LaunchPermissions{AccountIDs: []string{shareAccountA, shareAccountB}, OrganizationARNs: []string{shareOrg}}),
					checkSnapshotPermissions(t, []string{shareAccountA}),
					checkSent(proxy, []string{
						"add UserId=" + shareAccountA, "add UserId=" + shareAccountB, "add OrganizationArn=" + shareOrg,
					}, []string{"add snapshot " + shareAccountA}),
				),
			},
			{
				// A refresh of a shared copy costs one read of the AMI's
				// launch permissions and one per snapshot.
				PreConfig: proxy.ResetCalls,
				Config:    first,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectEmptyPlan(),
						expectPermissionReads{proxy: proxy, actions: []string{"DescribeImageAttribute"}, want: 1},
						expectPermissionReads{proxy: proxy, actions: []string{"DescribeSnapshotAttribute"}, want: 1},
					},
				},
			},
			{
				PreConfig: proxy.ResetCalls,
				Config:    second,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				// public follows launch_permission.public in the same apply.
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("public"), knownvalue.Bool(true)),
				},
				Check: resource.ComposeTestCheckFunc(
					checkLaunchPermissions(t, address, ami.LaunchPermissions{AccountIDs: []string{shareAccountB, shareAccountC}, OrganizationalUnitARNs: []string{shareOU}, Public: true}),
					checkSnapshotPermissions(t, []string{shareAccountB}),
					// Only the difference: B stays, and is neither added nor removed.
					checkSent(proxy, []string{
						"add Group=all", "add OrganizationalUnitArn=" + shareOU, "add UserId=" + shareAccountC,
						"remove OrganizationArn=" + shareOrg, "remove UserId=" + shareAccountA,
					}, []string{"add snapshot " + shareAccountB, "remove snapshot " + shareAccountA}),
				),
			},
			{
				// Drift: someone adds D and removes B, on the AMI and on the snapshot.
				PreConfig: func() {
					changePermissionsOutside(t, image, []string{shareAccountD}, []string{shareAccountB})
					proxy.ResetCalls()
				},
				Config: second,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(
					checkLaunchPermissions(t, address, ami.LaunchPermissions{AccountIDs: []string{shareAccountB, shareAccountC}, OrganizationalUnitARNs: []string{shareOU}, Public: true}),
					checkSnapshotPermissions(t, []string{shareAccountB}),
					checkSent(proxy, []string{"add UserId=" + shareAccountB, "remove UserId=" + shareAccountD},
						[]string{"add snapshot " + shareAccountB, "remove snapshot " + shareAccountD}),
				),
			},
			{
				// Unset: the provider stops tracking the permissions and leaves them in EC2.
				PreConfig: proxy.ResetCalls,
				Config:    config(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(address, tfjsonpath.New("launch_permission"), knownvalue.Null()),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(
					checkLaunchPermissions(t, address, ami.LaunchPermissions{AccountIDs: []string{shareAccountB, shareAccountC}, OrganizationalUnitARNs: []string{shareOU}, Public: true}),
					checkSnapshotPermissions(t, []string{shareAccountB}),
					checkSent(proxy, nil, nil),
				),
			},
			{
				// Unset attributes cost a refresh nothing.
				PreConfig: proxy.ResetCalls,
				Config:    config(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectEmptyPlan(),
						expectPermissionReads{proxy: proxy, actions: []string{"DescribeImageAttribute", "DescribeSnapshotAttribute"}, want: 0},
					},
				},
			},
		},
	})
}

// TestAccImage_sharingImport imports a shared copy: import reads its
// permissions, and a configuration that leaves them unset only stops
// tracking them.
func TestAccImage_sharingImport(t *testing.T) {
	acctest.SkipOnRealAWS(t, "it makes an AMI public")
	name := randomName()
	region := acctest.AlternateRegion()
	imageID := copyOutsideTerraform(t, region, name, nil)
	client := ami.NewClient(ami.FromSDK(acctest.EC2Client(t, region)), region)
	if err := client.ModifyLaunchPermissions(context.Background(), imageID, ami.LaunchPermissions{AccountIDs: []string{shareAccountA}, Public: true}, ami.LaunchPermissions{}); err != nil {
		t.Fatal(err)
	}
	address := "amicopy_image.adopted"
	config := func(sharing string) string {
		return providerConfig() + fmt.Sprintf(`
import {
  to = amicopy_image.adopted
  id = "%[5]s@%[4]s"
}

resource "amicopy_image" "adopted" {
  region          = %[4]q
  name            = %[1]q
  source_image_id = %[2]q
  source_region   = %[3]q
%[6]s
}
`, name, acctest.SourceImageID(), acctest.SourceRegion(), region, imageID, sharing)
	}
	shared := config(fmt.Sprintf("  launch_permission = {\n    account_ids = [%q]\n    public      = true\n  }\n", shareAccountA))
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
				Config:                 shared,
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(address, plancheck.ResourceActionNoop),
						plancheck.ExpectKnownValue(address, tfjsonpath.New("launch_permission").AtMapKey("account_ids"),
							knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact(shareAccountA)})),
					},
				},
			},
			{
				Config: config(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(address, tfjsonpath.New("launch_permission"), knownvalue.Null()),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				// Stopping to track them removed nothing in EC2.
				Check: checkLaunchPermissions(t, address, ami.LaunchPermissions{AccountIDs: []string{shareAccountA}, Public: true}),
			},
		},
	})
}

// TestAccImage_sharingPlanRefusals checks each plan-time refusal, and that
// none of them lets a CopyImage through.
func TestAccImage_sharingPlanRefusals(t *testing.T) {
	// A public copy may be deprecated at most 2 years after its creation,
	// now for a new copy; a day either side of that limit is well inside
	// the 10-year limit of every copy, so only the public one decides.
	publicLimit := time.Now().UTC().AddDate(ami.MaxPublicDeprecationYears, 0, 0)
	publicDeprecatedAt := func(offset time.Duration) string {
		return fmt.Sprintf("deprecation_time = %q\nlaunch_permission = { public = true }", publicLimit.Add(offset).Truncate(time.Minute).Format(time.RFC3339))
	}
	tests := []struct {
		name       string
		attributes string
		// want is the refusal, or empty for a plan that must go through.
		want string
	}{
		{
			name:       "malformed account",
			attributes: `launch_permission = { account_ids = ["12345"] }`,
			want:       `Invalid AWS Account ID(.|\n)*12 digits`,
		},
		{
			name:       "malformed organization",
			attributes: `launch_permission = { organization_arns = ["o-abcdefghij"] }`,
			want:       `Invalid Organization ARN`,
		},
		{
			name:       "organization given as OU",
			attributes: fmt.Sprintf("launch_permission = { organizational_unit_arns = [%q] }", shareOrg),
			want:       `Invalid Organizational Unit ARN`,
		},
		{
			name:       "encrypted and public",
			attributes: "encrypted = true\nlaunch_permission = { public = true }",
			want:       `Encrypted Copy Cannot Be Public`,
		},
		{
			name:       "shared through alias/aws/ebs",
			attributes: fmt.Sprintf("encrypted = true\nkms_key_id = \"alias/aws/ebs\"\nlaunch_permission = { organizational_unit_arns = [%q] }", shareOU),
			want:       `Encrypted Copy Cannot Be Shared With the AWS Managed Key(.|\n)*customer managed key`,
		},
		{
			name:       "shared through the EBS default key",
			attributes: fmt.Sprintf("encrypted = true\nlaunch_permission = { account_ids = [%q] }", shareAccountA),
			want:       `Encrypted Copy Cannot Be Shared With the AWS Managed Key(.|\n)*EBS default key`,
		},
		{
			name:       "public deprecated a day past 2 years",
			attributes: publicDeprecatedAt(24 * time.Hour),
			want:       `Deprecation Time Too Late for a Public Copy`,
		},
		{
			name:       "public deprecated a day inside 2 years",
			attributes: publicDeprecatedAt(-24 * time.Hour),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			proxy := acctest.NewProxy(t)
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps:                    []resource.TestStep{planStep(imageConfig(acctest.ProviderBlock(proxy.URL()), tt.attributes), tt.want)},
			})
			if n := proxy.CountCopies(); n != 0 {
				t.Errorf("the plan sent %d CopyImage calls, want none", n)
			}
		})
	}
}

// planStep plans config without applying it: the plan must be refused
// with want, or, when want is empty, go through with a change to make.
func planStep(config, want string) resource.TestStep {
	if want == "" {
		return resource.TestStep{Config: config, PlanOnly: true, ExpectNonEmptyPlan: true}
	}
	return resource.TestStep{Config: config, ExpectError: regexp.MustCompile(want)}
}

// TestAccImage_sharingEBSDefaultKey shares an encrypted copy that leaves
// kms_key_id unset: refused while the Region's EBS default key is aws/ebs,
// and made once the default is a customer managed key.
func TestAccImage_sharingEBSDefaultKey(t *testing.T) {
	acctest.SkipOnRealAWS(t, "it changes the account's EBS default KMS key")
	const region = "ca-central-1" // The EBS default key is per Region; no other test changes this one's.
	address := "amicopy_image.test"
	config := acctest.ProviderBlock(acctest.Endpoint()) + fmt.Sprintf(`
resource "amicopy_image" "test" {
  region            = %[4]q
  name              = %[1]q
  source_image_id   = %[2]q
  source_region     = %[3]q
  encrypted         = true
  launch_permission = { account_ids = [%[5]q] }
}
`, randomName(), acctest.SourceImageID(), acctest.SourceRegion(), region, shareAccountA)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkImagesDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config:      config,
				ExpectError: regexp.MustCompile(`Encrypted Copy Cannot Be Shared With the AWS Managed Key(.|\n)*EBS default key of ` + region),
			},
			{
				PreConfig: func() { setEBSDefaultKeyToCustomerKey(t, region) },
				Config:    config,
				Check:     checkLaunchPermissions(t, address, ami.LaunchPermissions{AccountIDs: []string{shareAccountA}}),
			},
		},
	})
}

// TestAccImage_sharingBlockPublicAccess makes a copy public: refused while
// the account blocks public access to AMIs in the Region, made once it
// does not.
func TestAccImage_sharingBlockPublicAccess(t *testing.T) {
	acctest.SkipOnRealAWS(t, "it changes the account's image block public access and makes an AMI public")
	const region = "ap-northeast-1" // Block public access is per Region; no other test changes this one's.
	client := acctest.EC2Client(t, region)
	if _, err := client.EnableImageBlockPublicAccess(context.Background(), &ec2.EnableImageBlockPublicAccessInput{
		ImageBlockPublicAccessState: ec2types.ImageBlockPublicAccessEnabledStateBlockNewSharing,
	}); err != nil {
		t.Fatal(err)
	}
	address := "amicopy_image.test"
	config := acctest.ProviderBlock(acctest.Endpoint()) + fmt.Sprintf(`
resource "amicopy_image" "test" {
  region            = %[4]q
  name              = %[1]q
  source_image_id   = %[2]q
  source_region     = %[3]q
  launch_permission = { public = true }
}
`, randomName(), acctest.SourceImageID(), acctest.SourceRegion(), region)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkImagesDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config:      config,
				ExpectError: regexp.MustCompile(`Block Public Access for AMIs Is On(.|\n)*` + region),
			},
			{
				PreConfig: func() {
					if _, err := client.DisableImageBlockPublicAccess(context.Background(), &ec2.DisableImageBlockPublicAccessInput{}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				Check:  checkLaunchPermissions(t, address, ami.LaunchPermissions{Public: true}),
			},
		},
	})
}

// TestAccImage_sharingEncryptionByDefault copies an unencrypted source into
// a Region where the account encrypts by default, so the copy is encrypted
// though nothing asks for it: making it public, or sharing it through the
// Region's default key aws/ebs, is refused at plan with no copy made. A
// copy that keeps encrypted = false is still encrypted there, and making
// it public later is refused too. With encryption by default off, a public
// copy is made.
func TestAccImage_sharingEncryptionByDefault(t *testing.T) {
	acctest.SkipOnRealAWS(t, "it changes the account's EBS encryption by default and makes an AMI public")
	const region = "ap-southeast-1" // Encryption by default is per Region; no other test changes this one's.
	client := acctest.EC2Client(t, region)
	if _, err := client.EnableEbsEncryptionByDefault(context.Background(), &ec2.EnableEbsEncryptionByDefaultInput{}); err != nil {
		t.Fatal(err)
	}
	// Off again even when a step fails before the last one turns it off.
	t.Cleanup(func() {
		if _, err := client.DisableEbsEncryptionByDefault(context.Background(), &ec2.DisableEbsEncryptionByDefaultInput{}); err != nil {
			t.Errorf("DisableEbsEncryptionByDefault: %v", err)
		}
	})
	name := randomName()
	configNamed := func(name, attributes string) string {
		return acctest.ProviderBlock(acctest.Endpoint()) + fmt.Sprintf(`
resource "amicopy_image" "test" {
  region          = %[4]q
  name            = %[1]q
  source_image_id = %[2]q
  source_region   = %[3]q
  %[5]s
}
`, name, acctest.SourceImageID(), acctest.SourceRegion(), region, attributes)
	}
	config := func(attributes string) string { return configNamed(name, attributes) }
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkImagesDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config:      config("launch_permission = { public = true }"),
				ExpectError: regexp.MustCompile(`Encrypted Copy Cannot Be Public(.|\n)*EBS\s+encryption\s+by\s+default\s+is\s+on\s+in\s+` + region),
			},
			{
				Config:      config(fmt.Sprintf("launch_permission = { account_ids = [%q] }", shareAccountA)),
				ExpectError: regexp.MustCompile(`Encrypted Copy Cannot Be Shared With the AWS Managed Key(.|\n)*EBS default key of ` + region),
			},
			{
				PreConfig: func() { checkNoImageNamed(t, client, name) },
				Config:    config("encrypted = false"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("amicopy_image.test", tfjsonpath.New("encrypted"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("amicopy_image.test", tfjsonpath.New("block_device_mappings").AtSliceIndex(0).AtMapKey("encrypted"), knownvalue.Bool(true)),
				},
			},
			{
				Config:      config("encrypted = false\n  launch_permission = { public = true }"),
				ExpectError: regexp.MustCompile(`Encrypted Copy Cannot Be Public`),
			},
			{
				// With encryption by default off, a new name replaces the
				// encrypted copy with an unencrypted one, which may be
				// public: the plan judges the new copy, not the old.
				PreConfig: func() {
					if _, err := client.DisableEbsEncryptionByDefault(context.Background(), &ec2.DisableEbsEncryptionByDefaultInput{}); err != nil {
						t.Fatal(err)
					}
				},
				Config: configNamed(name+"-v2", "encrypted = false\n  launch_permission = { public = true }"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("amicopy_image.test", plancheck.ResourceActionDestroyBeforeCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("amicopy_image.test", tfjsonpath.New("block_device_mappings").AtSliceIndex(0).AtMapKey("encrypted"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("amicopy_image.test", tfjsonpath.New("public"), knownvalue.Bool(true)),
				},
				Check: checkLaunchPermissions(t, "amicopy_image.test", ami.LaunchPermissions{Public: true}),
			},
		},
	})
}

// checkNoImageNamed fails the test when the account has an image of that
// name: a refused plan must not have copied anything.
func checkNoImageNamed(t *testing.T, client *ec2.Client, name string) {
	t.Helper()
	out, err := client.DescribeImages(context.Background(), &ec2.DescribeImagesInput{
		Owners:  []string{"self"},
		Filters: []ec2types.Filter{{Name: aws.String("name"), Values: []string{name}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Images) != 0 {
		t.Errorf("a refused plan made %d copies named %s, want none", len(out.Images), name)
	}
}

// setEBSDefaultKeyToCustomerKey makes a new customer managed key the EBS
// default key of region.
func setEBSDefaultKeyToCustomerKey(t *testing.T, region string) {
	t.Helper()
	keyARN := createKMSKey(t, region)
	if _, err := acctest.EC2Client(t, region).ModifyEbsDefaultKmsKeyId(context.Background(), &ec2.ModifyEbsDefaultKmsKeyIdInput{KmsKeyId: aws.String(keyARN)}); err != nil {
		t.Fatalf("ModifyEbsDefaultKmsKeyId: %v", err)
	}
}

// sharingClient is an ami.Client on the shared endpoint, for checks.
func sharingClient(t *testing.T, region string) *ami.Client {
	return ami.NewClient(ami.FromSDK(acctest.EC2Client(t, region)), region)
}

// checkLaunchPermissions asks EC2 who may launch the copy.
func checkLaunchPermissions(t *testing.T, address string, want ami.LaunchPermissions) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[address]
		if !ok {
			return fmt.Errorf("%s not in state", address)
		}
		got, err := sharingClient(t, rs.Primary.Attributes["region"]).LaunchPermissions(context.Background(), rs.Primary.ID)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got, want) {
			return fmt.Errorf("EC2 launch permissions of %s = %+v, want %+v", rs.Primary.ID, got, want)
		}
		return nil
	}
}

// checkSnapshotPermissions asks EC2 who may create volumes from each of
// the copy's snapshots.
func checkSnapshotPermissions(t *testing.T, want []string) resource.TestCheckFunc {
	const address = "amicopy_image.test"
	return func(s *terraform.State) error {
		var image capturedImage
		if err := captureImage(address, &image)(s); err != nil {
			return err
		}
		if len(image.snapshotIDs) == 0 {
			return fmt.Errorf("%s has no snapshots", address)
		}
		for _, id := range image.snapshotIDs {
			got, err := sharingClient(t, image.region).SnapshotCreateVolumePermissions(context.Background(), id)
			if err != nil {
				return err
			}
			if !slices.Equal(got, want) {
				return fmt.Errorf("accounts that may create volumes from %s = %v, want %v", id, got, want)
			}
		}
		return nil
	}
}

// changePermissionsOutside adds and removes accounts on the copy and its
// snapshots, as someone outside Terraform would.
func changePermissionsOutside(t *testing.T, image capturedImage, add, remove []string) {
	t.Helper()
	client := sharingClient(t, image.region)
	ctx := context.Background()
	if err := client.ModifyLaunchPermissions(ctx, image.id, ami.LaunchPermissions{AccountIDs: add}, ami.LaunchPermissions{AccountIDs: remove}); err != nil {
		t.Fatal(err)
	}
	for _, id := range image.snapshotIDs {
		if err := client.ModifySnapshotCreateVolumePermissions(ctx, id, add, remove); err != nil {
			t.Fatal(err)
		}
	}
}

// launchParamPattern picks the direction and kind out of a
// LaunchPermission parameter ("LaunchPermission.Add.1.UserId").
var launchParamPattern = regexp.MustCompile(`^LaunchPermission\.(Add|Remove)\.[0-9]+\.(UserId|Group|OrganizationArn|OrganizationalUnitArn)$`)

// checkSent checks which permission changes the proxy saw, as sorted
// "add UserId=..." lines for the AMI and "add snapshot ..." lines for the
// snapshots: what proves that only the difference was sent.
func checkSent(proxy *acctest.Proxy, wantImage, wantSnapshot []string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		var image, snapshot []string
		for _, c := range proxy.Calls() {
			switch c.Action {
			case "ModifyImageAttribute":
				for key, values := range c.Params {
					if m := launchParamPattern.FindStringSubmatch(key); m != nil {
						image = append(image, strings.ToLower(m[1])+" "+m[2]+"="+values[0])
					}
				}
			case "ModifySnapshotAttribute":
				for key, values := range c.Params {
					if strings.HasPrefix(key, "UserId.") {
						snapshot = append(snapshot, c.Params.Get("OperationType")+" snapshot "+values[0])
					}
				}
			}
		}
		sort.Strings(image)
		sort.Strings(snapshot)
		slices.Sort(wantImage)
		slices.Sort(wantSnapshot)
		if !slices.Equal(image, wantImage) || !slices.Equal(snapshot, wantSnapshot) {
			return fmt.Errorf("sent image changes %q and snapshot changes %q, want %q and %q", image, snapshot, wantImage, wantSnapshot)
		}
		return nil
	}
}

// createKMSKey creates a customer managed key in moto in region and
// returns its ARN.
func createKMSKey(t *testing.T, region string) string {
	t.Helper()
	client := kms.New(kms.Options{
		Region:       region,
		BaseEndpoint: aws.String(acctest.MotoURL()),
		Credentials:  credentials.NewStaticCredentialsProvider(os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY"), ""),
	})
	out, err := client.CreateKey(context.Background(), &kms.CreateKeyInput{Description: aws.String("amicopy acceptance test " + t.Name())})
	if err != nil {
		t.Fatalf("creating a KMS key in moto: %v", err)
	}
	return aws.ToString(out.KeyMetadata.Arn)
}

// expectPermissionReads is a plan check that counts the calls of some actions the
// proxy saw since it was last reset: what the refresh before the plan cost.
type expectPermissionReads struct {
	proxy   *acctest.Proxy
	actions []string
	want    int
}

// CheckPlan counts the calls.
func (e expectPermissionReads) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	n := 0
	for _, action := range e.actions {
		n += e.proxy.Count(action)
	}
	if n != e.want {
		resp.Error = fmt.Errorf("%d %s calls, want %d", n, strings.Join(e.actions, "/"), e.want)
	}
}
