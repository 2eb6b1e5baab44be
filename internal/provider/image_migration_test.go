package provider_test

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/amicopy/terraform-provider-amicopy/internal/acctest"
	"github.com/amicopy/terraform-provider-amicopy/internal/acctest/awsprovider"
	"github.com/amicopy/terraform-provider-amicopy/internal/ami"
)

// The migration guide's routes (templates/guides/migrate-from-aws.md.tmpl),
// through the Terraform CLI: what the AWS provider managed is taken over
// without copying the AMI again and without a moment in which a grant is
// missing.

// removedBlockVersion is the first Terraform that takes a removed block.
const removedBlockVersion = "1.7.0"

// TestAccImage_migratedWithSharing starts from aws_ami_copy with
// aws_ami_launch_permission (an account, an organization, an OU and the
// public group) and aws_snapshot_create_volume_permission, then applies the
// guide's migration: a moved block for the copy, removed blocks with
// destroy = false for the permissions, and the same grants on
// launch_permission and snapshot_create_volume_permission_account_ids.
// With or without a refresh, nothing is copied, the AMI keeps its ID, no
// grant is ever revoked (no
// ModifyImageAttribute or ModifySnapshotAttribute removes one), EC2 holds
// the grants, and the next plans, refreshing and not, are empty.
func TestAccImage_migratedWithSharing(t *testing.T) {
	acctest.PreCheck(t)
	acctest.SkipOnRealAWS(t, "the stand-in AWS provider and the per-test proxy need moto")
	acctest.SkipBelowTerraform(t, movedAcrossTypesVersion, "a moved block from aws_ami_copy to amicopy_image (across resource types)")
	acctest.SkipBelowTerraform(t, removedBlockVersion, "a removed block")
	t.Parallel()
	amicopyDir := acctest.BuildProvider(t)
	for _, tt := range []struct {
		shape awsprovider.Shape
		flags []string
	}{{shape: awsprovider.ShapeV6}, {shape: awsprovider.ShapeV5}, {shape: awsprovider.ShapeV6, flags: []string{"-refresh=false"}}} {
		t.Run(strings.TrimSpace(string(tt.shape)+" "+strings.Join(tt.flags, " ")), func(t *testing.T) {
			t.Parallel()
			proxy, wd := newMoveWorkdir(t, amicopyDir, tt.shape)
			name := randomName()
			awsBlock := requiredProviders("amicopy/amicopy", "hashicorp/aws") + standInAWSProviderBlock(proxy.URL())
			wd.WriteFile(t, "main.tf", awsBlock+fmt.Sprintf(`
resource "aws_ami_copy" "x" {
  name              = %[1]q
  description       = "shared by the AWS provider"
  source_ami_id     = %[2]q
  source_ami_region = %[3]q
}

`, name, acctest.SourceImageID(), acctest.SourceRegion())+awsprovider.PermissionResources(shareAccountA, shareOrg, shareOU))
			mustTerraform(t, wd, "apply", "-auto-approve", "-input=false")
			copied := shownResourceOf(t, wd, "aws_ami_copy.x").Values
			imageID, _ := copied["id"].(string)
			t.Cleanup(func() { deregisterQuietly(t, acctest.Region(), imageID) })
			rootSnapshotID, _ := copied["root_snapshot_id"].(string)
			image := capturedImage{id: imageID, region: acctest.Region(), snapshotIDs: []string{rootSnapshotID}}
			wantLaunch := ami.LaunchPermissions{AccountIDs: []string{shareAccountA}, OrganizationARNs: []string{shareOrg},
				OrganizationalUnitARNs: []string{shareOU}, Public: true}
			launchPermissionsAre(wantLaunch)(t, image)
			proxy.ResetCalls()

			var removed strings.Builder
			for _, address := range awsprovider.PermissionAddresses {
				fmt.Fprintf(&removed, "removed {\n  from = %s\n  lifecycle {\n    destroy = false\n  }\n}\n\n", address)
			}
			wd.WriteFile(t, "main.tf", awsBlock+acctest.ProviderBlock(proxy.URL())+removed.String()+fmt.Sprintf(`
moved {
  from = aws_ami_copy.x
  to   = amicopy_image.test
}

resource "amicopy_image" "test" {
  name            = %[1]q
  description     = "shared by the AWS provider"
  source_image_id = %[2]q
  source_region   = %[3]q

  launch_permission = {
    account_ids              = [%[4]q]
    organization_arns        = [%[5]q]
    organizational_unit_arns = [%[6]q]
    public                   = true
  }
  snapshot_create_volume_permission_account_ids = [%[4]q]
}
`, name, acctest.SourceImageID(), acctest.SourceRegion(), shareAccountA, shareOrg, shareOU))

			out := mustTerraform(t, wd, append([]string{"plan", "-input=false", "-out=migrate.tfplan"}, tt.flags...)...)
			if regexp.MustCompile(`Warning: .*Will Be Removed`).MatchString(out) {
				t.Errorf("the migration's plan warns that grants will be removed:\n%s", out)
			}
			change := plannedChangeOf(t, wd, "migrate.tfplan", sharedImage)
			if change.PreviousAddress != "aws_ami_copy.x" {
				t.Errorf("%s has previous_address %q, want aws_ami_copy.x", sharedImage, change.PreviousAddress)
			}
			// The adopting refresh reads the grants, so the plan has nothing
			// to change; without a refresh, the update adds what EC2 lacks,
			// which is nothing.
			if got := strings.Join(change.Change.Actions, ","); got != "no-op" && got != "update" {
				t.Errorf("the migration plans %q for %s, want no-op or update (in place):\n%s", got, sharedImage, out)
			}
			for _, address := range awsprovider.PermissionAddresses {
				if got := strings.Join(plannedChangeOf(t, wd, "migrate.tfplan", address).Change.Actions, ","); got != "forget" {
					t.Errorf("the migration plans %q for %s, want forget (removed, not destroyed)", got, address)
				}
			}
			mustTerraform(t, wd, "apply", "-input=false", "migrate.tfplan")

			if id := shownResourceOf(t, wd, sharedImage).Values["id"]; id != imageID {
				t.Errorf("%s tracks %v after the migration, want %s", sharedImage, id, imageID)
			}
			if n := proxy.CountCopies(); n != 0 {
				t.Errorf("the migration made %d CopyImage calls, want none", n)
			}
			for _, c := range proxy.Calls() {
				if revokes(c.Action, c.Params) {
					t.Errorf("the migration revoked a grant at %s: %s %v", c.Time.Format("15:04:05.000"), c.Action, c.Params)
				}
			}
			launchPermissionsAre(wantLaunch)(t, image)
			snapshotAccountsAre(t, image, []string{shareAccountA})
			checkStateMatchesEC2(t, wd)
			expectEmptyCLIPlan(t, wd)
			if out, code := runTerraform(t, wd, "plan", "-detailed-exitcode", "-input=false", "-refresh=false"); code != 0 {
				t.Errorf("the next plan with -refresh=false exited %d, want 0 (empty):\n%s", code, out)
			}
			if n := proxy.CountCopies(); n != 0 {
				t.Errorf("the plans after the migration made %d CopyImage calls, want none", n)
			}
			destroyAndCheckGone(t, wd, name)
		})
	}
}

// revokes reports whether an EC2 call removes a launch or create-volume
// permission, in either form of the call.
func revokes(action string, params url.Values) bool {
	switch action {
	case "ModifyImageAttribute":
		if strings.EqualFold(params.Get("OperationType"), "remove") {
			return true
		}
	case "ModifySnapshotAttribute":
		if strings.EqualFold(params.Get("OperationType"), "remove") {
			return true
		}
	default:
		return false
	}
	for key := range params {
		if strings.Contains(key, ".Remove.") {
			return true
		}
	}
	return false
}

// snapshotAccountsAre checks, asking EC2, who may create volumes from each
// of the copy's snapshots.
func snapshotAccountsAre(t *testing.T, image capturedImage, want []string) {
	t.Helper()
	for _, id := range image.snapshotIDs {
		got, err := sharingClient(t, image.region).SnapshotCreateVolumePermissions(t.Context(), id)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("accounts that may create volumes from %s = %v, %v; want %v", id, got, err, want)
		}
	}
}

// TestAccImage_migratedKMSKeyAlias moves an aws_ami_copy encrypted with a
// key given by ARN (the only form aws_ami_copy accepts) to amicopy_image
// naming the same key by its alias: the plan keeps the copy and records the
// alias in place, nothing is copied, and the next plans are empty.
func TestAccImage_migratedKMSKeyAlias(t *testing.T) {
	acctest.PreCheck(t)
	acctest.SkipOnRealAWS(t, "creates KMS keys in moto")
	acctest.SkipBelowTerraform(t, movedAcrossTypesVersion, "a moved block from aws_ami_copy to amicopy_image (across resource types)")
	t.Parallel()
	key, alias := createMotoKey(t, motoKMSClient(), kmstypes.KeySpecSymmetricDefault)
	proxy, wd := newMoveWorkdir(t, acctest.BuildProvider(t), awsprovider.ShapeV6)
	name := randomName()
	awsBlock := requiredProviders("amicopy/amicopy", "hashicorp/aws") + standInAWSProviderBlock(proxy.URL())
	wd.WriteFile(t, "main.tf", awsBlock+fmt.Sprintf(`
resource "aws_ami_copy" "x" {
  name              = %[1]q
  description       = "encrypted by the AWS provider"
  source_ami_id     = %[2]q
  source_ami_region = %[3]q
  encrypted         = true
  kms_key_id        = %[4]q
}
`, name, acctest.SourceImageID(), acctest.SourceRegion(), *key.Arn))
	mustTerraform(t, wd, "apply", "-auto-approve", "-input=false")
	imageID, _ := shownResourceOf(t, wd, "aws_ami_copy.x").Values["id"].(string)
	t.Cleanup(func() { deregisterQuietly(t, acctest.Region(), imageID) })
	proxy.ResetCalls()

	wd.WriteFile(t, "main.tf", awsBlock+acctest.ProviderBlock(proxy.URL())+fmt.Sprintf(`
moved {
  from = aws_ami_copy.x
  to   = amicopy_image.test
}

resource "amicopy_image" "test" {
  name            = %[1]q
  description     = "encrypted by the AWS provider"
  source_image_id = %[2]q
  source_region   = %[3]q
  encrypted       = true
  kms_key_id      = %[4]q
}
`, name, acctest.SourceImageID(), acctest.SourceRegion(), alias))
	out := mustTerraform(t, wd, "plan", "-input=false", "-out=migrate.tfplan")
	if got := strings.Join(plannedChangeOf(t, wd, "migrate.tfplan", sharedImage).Change.Actions, ","); got != "update" {
		t.Errorf("moving with kms_key_id given by alias plans %q, want update (in place):\n%s", got, out)
	}
	mustTerraform(t, wd, "apply", "-input=false", "migrate.tfplan")
	moved := shownResourceOf(t, wd, sharedImage).Values
	if moved["id"] != imageID || moved["kms_key_id"] != alias {
		t.Errorf("after the move %s has id %v and kms_key_id %v, want %s and %s", sharedImage, moved["id"], moved["kms_key_id"], imageID, alias)
	}
	if n := proxy.CountCopies(); n != 0 {
		t.Errorf("the move made %d CopyImage calls, want none", n)
	}
	expectEmptyCLIPlan(t, wd)
	if out, code := runTerraform(t, wd, "plan", "-detailed-exitcode", "-input=false", "-refresh=false"); code != 0 {
		t.Errorf("the next plan with -refresh=false exited %d, want 0 (empty):\n%s", code, out)
	}
	destroyAndCheckGone(t, wd, name)
}

// TestAccImage_kmsKeyRespelled changes the kms_key_id of a copy that
// Terraform made: from the key's ARN to its alias, an in-place update that
// copies nothing; then to another key, a replacement. With skip_preflight
// the plan cannot ask KMS, so the same respelling replaces, and a warning
// says why and what to do.
func TestAccImage_kmsKeyRespelled(t *testing.T) {
	acctest.PreCheck(t)
	acctest.SkipOnRealAWS(t, "creates KMS keys in moto")
	client := motoKMSClient()
	key, alias := createMotoKey(t, client, kmstypes.KeySpecSymmetricDefault)
	other, _ := createMotoKey(t, client, kmstypes.KeySpecSymmetricDefault)
	encryptedWith := func(keyID string) string {
		return fmt.Sprintf("encrypted  = true\n  kms_key_id = %q", keyID)
	}
	for _, tt := range []struct {
		name     string
		settings []string
	}{{name: "preflight"}, {name: "skip_preflight", settings: []string{"skip_preflight = true"}}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, wd, name := newImageWorkdir(t, encryptedWith(*key.Arn), tt.settings...)
			terraformCLIOK(t, wd, "apply", "-auto-approve", "-input=false")
			imageID := stateImage(t, wd, sharedImage).id
			p.ResetCalls()

			if tt.settings == nil {
				// KMS cannot say whether an alias that does not exist names
				// the same key: the plan replaces, warns why, and the new
				// copy's preflight refuses the key.
				missing := "alias/" + randomName()
				wd.WriteFile(t, "main.tf", cliConfig(p, tt.settings...)+reliabilityImage(name, encryptedWith(missing)))
				out, err := terraformCLI(t, wd, "plan", "-input=false")
				for _, want := range []*regexp.Regexp{
					warningPattern("KMS Key Change Replaces the Copy", "kms:DescribeKey for \""+missing+"\"", "set kms_key_id back to"),
					diagnosticPattern("KMS Key Not Found", missing),
				} {
					if err == nil || !want.MatchString(out) {
						t.Errorf("a key KMS does not know: the plan (err %v) does not say %s:\n%s", err, want, out)
					}
				}
			}

			wd.WriteFile(t, "main.tf", cliConfig(p, tt.settings...)+reliabilityImage(name, encryptedWith(alias)))
			out := terraformCLIOK(t, wd, "plan", "-input=false", "-out=alias.tfplan")
			actions := strings.Join(plannedChangeOf(t, wd, "alias.tfplan", sharedImage).Change.Actions, ",")
			warning := warningPattern("KMS Key Change Replaces the Copy", "skip_preflight keeps the plan from asking KMS", "kms:DescribeKey")
			if tt.settings != nil {
				if actions != "delete,create" && actions != "create,delete" {
					t.Errorf("with skip_preflight, the alias of the same key plans %q, want a replacement", actions)
				}
				if !warning.MatchString(out) {
					t.Errorf("the plan does not say why it replaces (want %s):\n%s", warning, out)
				}
				destroyAndCheckGone(t, wd, name)
				return
			}
			if actions != "update" {
				t.Errorf("the alias of the same key plans %q, want update (in place):\n%s", actions, out)
			}
			terraformCLIOK(t, wd, "apply", "-input=false", "alias.tfplan")
			after := stateResource(t, wd, sharedImage)
			if after == nil || after.Values["id"] != imageID || after.Values["kms_key_id"] != alias {
				t.Fatalf("after the update state holds %v, want %s with kms_key_id %s", after, imageID, alias)
			}
			if n := p.CountCopies(); n != 0 {
				t.Errorf("the update made %d CopyImage calls, want none", n)
			}
			expectEmptyCLIPlan(t, wd)
			if out, code := runTerraform(t, wd, "plan", "-detailed-exitcode", "-input=false", "-refresh=false"); code != 0 {
				t.Errorf("the next plan with -refresh=false exited %d, want 0 (empty):\n%s", code, out)
			}

			// The alias now names another key: the key the copy's snapshots
			// use decides, not what the spelling in state names today. The
			// first key's ARN is the same key again (in place); the alias
			// would be another (a replacement).
			if _, err := client.UpdateAlias(t.Context(), &kms.UpdateAliasInput{AliasName: aws.String(alias), TargetKeyId: other.KeyId}); err != nil {
				t.Fatalf("pointing %s at another key: %v", alias, err)
			}
			wd.WriteFile(t, "main.tf", cliConfig(p, tt.settings...)+reliabilityImage(name, encryptedWith(*key.Arn)))
			terraformCLIOK(t, wd, "plan", "-input=false", "-out=back.tfplan")
			if actions := strings.Join(plannedChangeOf(t, wd, "back.tfplan", sharedImage).Change.Actions, ","); actions != "update" {
				t.Errorf("the ARN of the key the snapshots use, after the alias in state was pointed elsewhere, plans %q, want update", actions)
			}
			terraformCLIOK(t, wd, "apply", "-input=false", "back.tfplan")
			wd.WriteFile(t, "main.tf", cliConfig(p, tt.settings...)+reliabilityImage(name, encryptedWith(alias)))
			terraformCLIOK(t, wd, "plan", "-input=false", "-out=moved-alias.tfplan")
			if actions := strings.Join(plannedChangeOf(t, wd, "moved-alias.tfplan", sharedImage).Change.Actions, ","); actions != "delete,create" && actions != "create,delete" {
				t.Errorf("an alias that now names another key plans %q, want a replacement", actions)
			}
			if _, err := client.UpdateAlias(t.Context(), &kms.UpdateAliasInput{AliasName: aws.String(alias), TargetKeyId: key.KeyId}); err != nil {
				t.Fatalf("pointing %s back: %v", alias, err)
			}

			wd.WriteFile(t, "main.tf", cliConfig(p, tt.settings...)+reliabilityImage(name, encryptedWith(*other.Arn)))
			terraformCLIOK(t, wd, "plan", "-input=false", "-out=other.tfplan")
			if actions := strings.Join(plannedChangeOf(t, wd, "other.tfplan", sharedImage).Change.Actions, ","); actions != "delete,create" && actions != "create,delete" {
				t.Errorf("another key plans %q, want a replacement", actions)
			}
			wd.WriteFile(t, "main.tf", cliConfig(p, tt.settings...)+reliabilityImage(name, encryptedWith(alias)))
			destroyAndCheckGone(t, wd, name)
		})
	}
}

// TestRevokes checks the call-log reading that TestAccImage_migratedWithSharing
// relies on, for each form in which EC2 takes a removal.
func TestRevokes(t *testing.T) {
	tests := []struct {
		action string
		params url.Values
		want   bool
	}{
		{"ModifyImageAttribute", url.Values{"LaunchPermission.Remove.1.UserId": {"111122223333"}}, true},
		{"ModifyImageAttribute", url.Values{"LaunchPermission.Remove.1.Group": {"all"}}, true},
		{"ModifyImageAttribute", url.Values{"OperationType": {"remove"}, "UserId.1": {"111122223333"}}, true},
		{"ModifyImageAttribute", url.Values{"LaunchPermission.Add.1.UserId": {"111122223333"}}, false},
		{"ModifyImageAttribute", url.Values{"Description.Value": {"x"}}, false},
		{"ModifySnapshotAttribute", url.Values{"OperationType": {"remove"}, "UserId.1": {"111122223333"}}, true},
		{"ModifySnapshotAttribute", url.Values{"CreateVolumePermission.Remove.1.UserId": {"111122223333"}}, true},
		{"ModifySnapshotAttribute", url.Values{"OperationType": {"add"}, "UserId.1": {"111122223333"}}, false},
		{"DeleteTags", url.Values{"Tag.Remove.1": {"x"}}, false},
	}
	for _, tt := range tests {
		if got := revokes(tt.action, tt.params); got != tt.want {
			t.Errorf("revokes(%s, %v) = %v, want %v", tt.action, tt.params, got, tt.want)
		}
	}
}
