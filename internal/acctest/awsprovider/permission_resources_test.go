package awsprovider

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// Principals the permission tests grant.
const (
	permAccount = "111122223333"
	permOrg     = "arn:aws:organizations::111122223333:organization/o-abcdefghij"
	permOU      = "arn:aws:organizations::111122223333:ou/o-abcdefghij/ou-ab12-cdefgh34"
)

// TestPermissionsAgainstMoto applies aws_ami_launch_permission (each kind
// of principal) and aws_snapshot_create_volume_permission on a copy, for
// each shape: EC2 lists every grant, the IDs have the real provider's
// form, the next plan is empty, a grant revoked outside Terraform is
// planned again, and destroy revokes them.
func TestPermissionsAgainstMoto(t *testing.T) {
	requireTools(t, "terraform", "moto_server")
	endpoint := startMoto(t)
	for _, shape := range []Shape{ShapeV6, ShapeV5} {
		t.Run(string(shape), func(t *testing.T) {
			tf := newTerraform(t, sharedBuild(t, shape), "")
			tf.writeConfig(t, providerConfig(endpoint)+fmt.Sprintf(`
resource "aws_ami_copy" "x" {
  name              = "permissions-%[1]s"
  description       = "shared by the stand-in"
  source_ami_id     = %[2]q
  source_ami_region = %[3]q
}

`, shape, motoPublicAMI, testRegion)+PermissionResources(permAccount, permOrg, permOU))
			tf.mustRun(t, "apply", "-auto-approve", "-input=false", "-no-color")

			copied := tf.showResource(t, "aws_ami_copy.x").Values
			imageID, _ := copied["id"].(string)
			snapshotID, _ := copied["root_snapshot_id"].(string)
			wantIDs := map[string]string{
				"aws_ami_launch_permission.account":       permAccount + "/" + imageID,
				"aws_ami_launch_permission.org":           permOrg + "/" + imageID,
				"aws_ami_launch_permission.ou":            permOU + "/" + imageID,
				"aws_ami_launch_permission.public":        "all/" + imageID,
				"aws_snapshot_create_volume_permission.x": snapshotID + "-" + permAccount,
			}
			for address, want := range wantIDs {
				values := tf.showResource(t, address).Values
				if got := values["id"]; got != want {
					t.Errorf("%s id = %v, want %s", address, got, want)
				}
				if region, has := values["region"]; (shape == ShapeV6) != has || (has && region != testRegion) {
					t.Errorf("%s region = %v (present %t) in shape %s", address, region, has, shape)
				}
			}

			conn := testClient(t, endpoint)
			want := []string{"account " + permAccount, "group all", "org " + permOrg, "ou " + permOU}
			if got := launchGrants(t, conn, imageID); !slices.Equal(got, want) {
				t.Errorf("EC2 launch permissions = %v, want %v", got, want)
			}
			if got := snapshotGrants(t, conn, snapshotID); !slices.Equal(got, []string{permAccount}) {
				t.Errorf("EC2 create-volume permissions = %v, want [%s]", got, permAccount)
			}
			if code := tf.planExitCode(t, ""); code != 0 {
				t.Errorf("plan after apply exited %d, want 0 (no changes)", code)
			}

			// Revoked outside Terraform: the refresh drops it and the plan
			// grants it again.
			if _, err := conn.ModifyImageAttribute(t.Context(), &ec2.ModifyImageAttributeInput{
				ImageId: aws.String(imageID), LaunchPermission: &ec2types.LaunchPermissionModifications{
					Remove: []ec2types.LaunchPermission{{OrganizationArn: aws.String(permOrg)}},
				},
			}); err != nil {
				t.Fatal(err)
			}
			if code := tf.planExitCode(t, ""); code != 2 {
				t.Errorf("plan after revoking the organization's grant exited %d, want 2 (changes)", code)
			}

			tf.mustRun(t, "destroy", "-auto-approve", "-input=false", "-no-color", "-target=aws_ami_launch_permission.account",
				"-target=aws_snapshot_create_volume_permission.x")
			if got := launchGrants(t, conn, imageID); slices.Contains(got, "account "+permAccount) {
				t.Errorf("after destroying aws_ami_launch_permission.account EC2 still lists %v", got)
			}
			if got := snapshotGrants(t, conn, snapshotID); len(got) != 0 {
				t.Errorf("after destroying aws_snapshot_create_volume_permission.x EC2 still lists %v", got)
			}
			tf.mustRun(t, "destroy", "-auto-approve", "-input=false", "-no-color")
		})
	}
}

// TestPermissionSchemasAndKMSKeyValidation checks, through terraform
// validate, what the real provider refuses at validation: a launch
// permission with no principal or two, a group other than "all", and an
// aws_ami_copy kms_key_id that is not an ARN (the real provider validates
// it with verify.ValidARN, so an alias name is refused).
func TestPermissionSchemasAndKMSKeyValidation(t *testing.T) {
	requireTools(t, "terraform")
	tf := newTerraform(t, sharedBuild(t, ShapeV6), "")
	tests := []struct {
		name, config, want string
	}{
		{"valid", `
resource "aws_ami_launch_permission" "x" {
  image_id   = "ami-12345678"
  account_id = "111122223333"
}
resource "aws_snapshot_create_volume_permission" "x" {
  snapshot_id = "snap-12345678"
  account_id  = "111122223333"
  timeouts {
    create = "5m"
  }
}
resource "aws_ami_copy" "x" {
  name              = "x"
  source_ami_id     = "ami-12345678"
  source_ami_region = "us-east-1"
  encrypted         = true
  kms_key_id        = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
}
`, ""},
		{"no principal", `
resource "aws_ami_launch_permission" "x" {
  image_id = "ami-12345678"
}
`, "Invalid Attribute Combination"},
		{"two principals", `
resource "aws_ami_launch_permission" "x" {
  image_id   = "ami-12345678"
  account_id = "111122223333"
  group      = "all"
}
`, "Invalid Attribute Combination"},
		{"group", `
resource "aws_ami_launch_permission" "x" {
  image_id = "ami-12345678"
  group    = "everyone"
}
`, "Invalid Attribute Value Match"},
		{"alias kms_key_id", `
resource "aws_ami_copy" "x" {
  name              = "x"
  source_ami_id     = "ami-12345678"
  source_ami_region = "us-east-1"
  encrypted         = true
  kms_key_id        = "alias/ami-copies"
}
`, "must be an ARN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tf.writeConfig(t, tt.config)
			stdout, stderr, code := tf.run(t, "validate", "-no-color")
			out := string(stdout) + string(stderr)
			switch {
			case tt.want == "" && code != 0:
				t.Errorf("validate exited %d, want 0:\n%s", code, out)
			case tt.want != "" && (code == 0 || !strings.Contains(strings.Join(strings.Fields(out), " "), tt.want)):
				t.Errorf("validate exited %d, want an error saying %q:\n%s", code, tt.want, out)
			}
		})
	}
}

// launchGrants lists an AMI's launch permissions as "KIND VALUE", sorted.
func launchGrants(t *testing.T, conn *ec2.Client, imageID string) []string {
	t.Helper()
	out, err := conn.DescribeImageAttribute(t.Context(), &ec2.DescribeImageAttributeInput{
		ImageId: aws.String(imageID), Attribute: ec2types.ImageAttributeNameLaunchPermission,
	})
	if err != nil {
		t.Fatal(err)
	}
	var grants []string
	for _, p := range out.LaunchPermissions {
		switch {
		case p.UserId != nil:
			grants = append(grants, "account "+aws.ToString(p.UserId))
		case p.Group != "":
			grants = append(grants, "group "+string(p.Group))
		case p.OrganizationArn != nil:
			grants = append(grants, "org "+aws.ToString(p.OrganizationArn))
		case p.OrganizationalUnitArn != nil:
			grants = append(grants, "ou "+aws.ToString(p.OrganizationalUnitArn))
		}
	}
	slices.Sort(grants)
	return grants
}

// snapshotGrants lists the accounts that may create volumes from a
// snapshot, sorted.
func snapshotGrants(t *testing.T, conn *ec2.Client, snapshotID string) []string {
	t.Helper()
	out, err := conn.DescribeSnapshotAttribute(t.Context(), &ec2.DescribeSnapshotAttributeInput{
		SnapshotId: aws.String(snapshotID), Attribute: ec2types.SnapshotAttributeNameCreateVolumePermission,
	})
	if err != nil {
		t.Fatal(err)
	}
	var accounts []string
	for _, p := range out.CreateVolumePermissions {
		accounts = append(accounts, aws.ToString(p.UserId))
	}
	slices.Sort(accounts)
	return accounts
}
