package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/amicopy/terraform-provider-amicopy/internal/acctest"
)

// These tests change the process environment, so they cannot run in
// parallel; Go runs them before the parallel tests resume.

// TestAccProvider_missingRegion: with no Region anywhere, the plan says
// where to set one.
func TestAccProvider_missingRegion(t *testing.T) {
	acctest.SkipOnRealAWS(t, "changes the credential and Region environment")
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig() + fmt.Sprintf(`
resource "amicopy_image" "test" {
  name            = "no-region"
  source_image_id = %[1]q
  source_region   = %[2]q
}
`, acctest.SourceImageID(), acctest.SourceRegion()),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Missing AWS Region.*AWS_REGION`),
		}},
	})
}

// TestAccProvider_missingCredentials: with no credentials anywhere, the
// plan lists the ways to give some.
func TestAccProvider_missingCredentials(t *testing.T) {
	acctest.SkipOnRealAWS(t, "changes the credential and Region environment")
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig() + fmt.Sprintf(`
resource "amicopy_image" "test" {
  name            = "no-credentials"
  source_image_id = %[1]q
  source_region   = %[2]q
}
`, acctest.SourceImageID(), acctest.SourceRegion()),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)No Valid AWS Credentials.*AWS_ACCESS_KEY_ID`),
		}},
	})
}

// TestAccProvider_assumeRoleNeedsARN: an assume_role block without a role
// ARN is refused with a message that says what to add.
func TestAccProvider_assumeRoleNeedsARN(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
provider "amicopy" {
  assume_role {
    session_name = "x"
  }
}
` + fmt.Sprintf(`
resource "amicopy_image" "test" {
  name            = "assume-role"
  source_image_id = %[1]q
  source_region   = %[2]q
}
`, acctest.SourceImageID(), acctest.SourceRegion()),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`Missing Role ARN`),
		}},
	})
}
