package provider_test

import (
	"fmt"
	"testing"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/amicopy/terraform-provider-amicopy/internal/acctest"
)

// TestAccImage_protectionForcedReplacement replaces a protected copy in the
// ways that Terraform forces without asking the provider about the destroy
// (terraform apply -replace, a tainted copy), so the plan cannot refuse it.
// The apply fails when EC2 refuses to deregister the AMI, with an error that
// names deregistration_protection and the ways on, and the AMI stays in EC2
// and in state, untouched.
func TestAccImage_protectionForcedReplacement(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	tests := []struct {
		name string
		// force makes Terraform replace amicopy_image.x; it returns the
		// arguments of the apply that follows.
		force func(t *testing.T, wd *acctest.Workdir) []string
	}{
		{name: "replace", force: func(*testing.T, *acctest.Workdir) []string {
			return []string{"-replace=amicopy_image.x"}
		}},
		{name: "tainted", force: func(t *testing.T, wd *acctest.Workdir) []string {
			mustTerraform(t, wd, "taint", "amicopy_image.x")
			return nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wd := acctest.NewWorkdir(t, map[string]string{acctest.ProviderAddress: acctest.BuildProvider(t)})
			wd.WriteFile(t, "main.tf", requiredProviders("amicopy/amicopy")+providerConfig()+fmt.Sprintf(`
resource "amicopy_image" "x" {
  name                      = %[1]q
  source_image_id           = %[2]q
  source_region             = %[3]q
  deregistration_protection = "enabled"
}
`, randomName(), acctest.SourceImageID(), acctest.SourceRegion()))
			mustTerraform(t, wd, "apply", "-auto-approve", "-input=false")
			image := stateImage(t, wd, "amicopy_image.x")
			t.Cleanup(func() { removeKeptImage(t, image.region, image.id) })

			args := append([]string{"apply", "-auto-approve", "-input=false"}, tt.force(t, wd)...)
			out, code := runTerraform(t, wd, args...)
			if code == 0 {
				t.Fatalf("terraform %v replaced the protected copy %s:\n%s", args, image.id, out)
			}
			want := diagnosticPattern("Image Has Deregistration Protection",
				image.id, "deregistration_protection", "Nothing was deleted, and the AMI stays in state",
				"terraform apply -replace, replace_triggered_by, a tainted copy",
				`set deregistration_protection = "disabled" and apply`, "24 hours",
				"set skip_destroy = true and apply",
				"run terraform untaint on it", "run it without -replace")
			if !want.MatchString(out) {
				t.Errorf("the apply's error does not name deregistration_protection and the ways on; want %s in:\n%s", want, out)
			}
			if img := describeImageByID(t, image.region, image.id); img.State != ec2types.ImageStateAvailable {
				t.Errorf("the protected AMI %s is %s after the refused replacement, want available", image.id, img.State)
			}
			if after := stateImage(t, wd, "amicopy_image.x"); after.id != image.id {
				t.Errorf("after the refused replacement, state tracks %q, want %s", after.id, image.id)
			}
			if copies := ownImagesNamed(t, fmt.Sprint(shownResourceOf(t, wd, "amicopy_image.x").Values["name"])); len(copies) != 1 {
				t.Errorf("after the refused replacement, EC2 has %d AMIs with the copy's name (%v), want only %s", len(copies), imageIDs(copies), image.id)
			}
		})
	}
}
