package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/amicopy/terraform-provider-amicopy/internal/acctest"
	"github.com/amicopy/terraform-provider-amicopy/internal/acctest/awsprovider"
)

// createTimeInputChanges are edits of create-time inputs that EC2 does not
// report. Made after adoption has ended, each must replace the AMI, as it
// does for a copy that Terraform made.
var createTimeInputChanges = []struct {
	attribute, value string
}{
	{attribute: "client_token", value: `"set-after-adoption"`},
	{attribute: "copy_image_tags", value: "true"},
	{attribute: "snapshot_copy_completion_duration_minutes", value: "15"},
}

// TestAccImage_adoptionEnds adopts a copy by each route Terraform offers
// (terraform import, an import block with -generate-config-out, a moved
// block from aws_ami_copy), applies the first plan, which changes nothing,
// and then changes each create-time input in turn: every change must plan a
// replacement. While adoption lasted forever, each planned an in-place
// update, and state then described an AMI that does not exist.
func TestAccImage_adoptionEnds(t *testing.T) {
	acctest.PreCheck(t)
	acctest.SkipOnRealAWS(t, "the stand-in AWS provider and the per-test proxy need moto")
	t.Parallel()
	amicopyDir := acctest.BuildProvider(t)
	address := "amicopy_image.x"

	// adopted returns the resource block for the adopted copy with the
	// extra attribute lines.
	adopted := func(name, extra string) string {
		return fmt.Sprintf(`
resource "amicopy_image" "x" {
  name            = %[1]q
  description     = "copied by hand"
  source_image_id = %[2]q
  source_region   = %[3]q
%[4]s}
`, name, acctest.SourceImageID(), acctest.SourceRegion(), extra)
	}

	tests := []struct {
		name string
		// adopt brings a copy under amicopy_image.x and applies the first
		// plan, which must change nothing. It returns the configuration for
		// a given edit of the resource block.
		adopt func(t *testing.T, wd *acctest.Workdir, proxy *acctest.Proxy) (configWith func(extra string) map[string]string)
	}{
		{
			name: "terraform import",
			adopt: func(t *testing.T, wd *acctest.Workdir, proxy *acctest.Proxy) func(string) map[string]string {
				name := randomName()
				imageID := copyOutsideTerraform(t, acctest.Region(), name, nil)
				configWith := func(extra string) map[string]string {
					return map[string]string{"main.tf": requiredProviders("amicopy/amicopy") + acctest.ProviderBlock(proxy.URL()) + adopted(name, extra)}
				}
				writeFiles(t, wd, configWith(""))
				mustTerraform(t, wd, "import", "-input=false", address, imageID)
				if out := mustTerraform(t, wd, "apply", "-auto-approve", "-input=false"); !strings.Contains(out, "0 added, 0 changed, 0 destroyed") {
					t.Fatalf("the first apply after terraform import changed something:\n%s", out)
				}
				return configWith
			},
		},
		{
			name: "import block with generated configuration",
			adopt: func(t *testing.T, wd *acctest.Workdir, proxy *acctest.Proxy) func(string) map[string]string {
				name := randomName()
				imageID := copyOutsideTerraform(t, acctest.Region(), name, nil)
				main := requiredProviders("amicopy/amicopy") + acctest.ProviderBlock(proxy.URL()) +
					fmt.Sprintf("import {\n  to = %s\n  id = %q\n}\n", address, imageID)
				writeFiles(t, wd, map[string]string{"main.tf": main})
				mustTerraform(t, wd, "plan", "-input=false", "-generate-config-out=generated.tf", "-out=import.tfplan")
				if got := strings.Join(plannedChangeOf(t, wd, "import.tfplan", address).Change.Actions, ","); got != "no-op" {
					t.Fatalf("the import plan with generated configuration plans %q, want no-op", got)
				}
				generated, err := os.ReadFile(filepath.Join(wd.Dir, "generated.tf"))
				if err != nil {
					t.Fatal(err)
				}
				configWith := func(extra string) map[string]string {
					edited := string(generated)
					if attribute, value, ok := strings.Cut(strings.TrimSpace(extra), "="); ok {
						line := regexp.MustCompile(`(?m)^(\s*` + strings.TrimSpace(attribute) + `\s*=\s*).*$`)
						if !line.MatchString(edited) {
							t.Fatalf("generated.tf sets no %s:\n%s", attribute, edited)
						}
						edited = line.ReplaceAllString(edited, "${1}"+strings.TrimSpace(value))
					}
					return map[string]string{"main.tf": main, "generated.tf": edited}
				}
				expectAdoptedInPlace(t, wd, configWith)
				writeFiles(t, wd, configWith(""))
				mustTerraform(t, wd, "apply", "-input=false", "import.tfplan")
				return configWith
			},
		},
		{
			name: "moved from aws_ami_copy",
			adopt: func(t *testing.T, wd *acctest.Workdir, proxy *acctest.Proxy) func(string) map[string]string {
				acctest.SkipBelowTerraform(t, movedAcrossTypesVersion, "a moved block from aws_ami_copy to amicopy_image (across resource types)")
				name := randomName()
				awsBlock := requiredProviders("amicopy/amicopy", "hashicorp/aws") + standInAWSProviderBlock(proxy.URL())
				writeFiles(t, wd, map[string]string{"main.tf": awsBlock + fmt.Sprintf(`
resource "aws_ami_copy" "x" {
  name              = %[1]q
  description       = "copied by hand"
  source_ami_id     = %[2]q
  source_ami_region = %[3]q
}
`, name, acctest.SourceImageID(), acctest.SourceRegion())})
				mustTerraform(t, wd, "apply", "-auto-approve", "-input=false")
				imageID, _ := shownResourceOf(t, wd, "aws_ami_copy.x").Values["id"].(string)
				t.Cleanup(func() { deregisterQuietly(t, acctest.Region(), imageID) })
				configWith := func(extra string) map[string]string {
					return map[string]string{"main.tf": awsBlock + acctest.ProviderBlock(proxy.URL()) +
						"moved {\n  from = aws_ami_copy.x\n  to   = amicopy_image.x\n}\n" + adopted(name, extra)}
				}
				expectAdoptedInPlace(t, wd, configWith)
				writeFiles(t, wd, configWith(""))
				mustTerraform(t, wd, "plan", "-input=false", "-out=move.tfplan")
				if got := strings.Join(plannedChangeOf(t, wd, "move.tfplan", address).Change.Actions, ","); got != "no-op" {
					t.Fatalf("the moved block plans %q, want no-op", got)
				}
				mustTerraform(t, wd, "apply", "-input=false", "move.tfplan")
				return configWith
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			proxy, wd := newMoveWorkdir(t, amicopyDir, awsprovider.ShapeV6)
			configWith := tt.adopt(t, wd, proxy)
			adoptedID, _ := shownResourceOf(t, wd, address).Values["id"].(string)

			for _, change := range createTimeInputChanges {
				writeFiles(t, wd, configWith(fmt.Sprintf("  %s = %s\n", change.attribute, change.value)))
				out := mustTerraform(t, wd, "plan", "-input=false", "-out=change.tfplan")
				if got := strings.Join(plannedChangeOf(t, wd, "change.tfplan", address).Change.Actions, ","); got != "delete,create" {
					t.Errorf("after adopting %s and a first apply, setting %s = %s plans %q, want delete,create (a replacement):\n%s",
						adoptedID, change.attribute, change.value, got, out)
				}
				// An input that was unset in state gets a warning that says
				// why the copy is replaced and how to keep it.
				if change.attribute != "copy_image_tags" && !strings.Contains(out, "Warning: Create-Time Input Set on an Adopted Copy") {
					t.Errorf("setting %s = %s after adopting %s plans no warning about it:\n%s", change.attribute, change.value, adoptedID, out)
				}
			}
			writeFiles(t, wd, configWith(""))
			mustTerraform(t, wd, "destroy", "-auto-approve", "-input=false")
		})
	}
}

// expectAdoptedInPlace checks that the plan that adopts a copy takes each
// create-time input from the configuration in place.
func expectAdoptedInPlace(t *testing.T, wd *acctest.Workdir, configWith func(extra string) map[string]string) {
	t.Helper()
	for _, change := range createTimeInputChanges {
		writeFiles(t, wd, configWith(fmt.Sprintf("  %s = %s\n", change.attribute, change.value)))
		out := mustTerraform(t, wd, "plan", "-input=false", "-out=adopt.tfplan")
		if got := strings.Join(plannedChangeOf(t, wd, "adopt.tfplan", "amicopy_image.x").Change.Actions, ","); got != "update" {
			t.Errorf("the plan that adopts the copy with %s = %s plans %q, want update (in place):\n%s", change.attribute, change.value, got, out)
		}
	}
}

// writeFiles writes the configuration files into the working folder.
func writeFiles(t *testing.T, wd *acctest.Workdir, files map[string]string) {
	t.Helper()
	for name, content := range files {
		wd.WriteFile(t, name, content)
	}
}
