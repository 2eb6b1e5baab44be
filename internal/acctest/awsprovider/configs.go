package awsprovider

import "fmt"

// PermissionAddresses are the resources that PermissionResources declares,
// for tests that take them over (removed blocks) or check them.
var PermissionAddresses = []string{
	"aws_ami_launch_permission.account", "aws_ami_launch_permission.org", "aws_ami_launch_permission.ou",
	"aws_ami_launch_permission.public", "aws_snapshot_create_volume_permission.x",
}

// PermissionResources is the configuration that shares the copy of
// aws_ami_copy.x the ways the AWS provider can: a launch permission for
// account, one for the organization, one for the organizational unit, one
// for the public group "all", and the permission for account to create
// volumes from its root snapshot.
func PermissionResources(account, organizationARN, organizationalUnitARN string) string {
	return fmt.Sprintf(`
resource "aws_ami_launch_permission" "account" {
  image_id   = aws_ami_copy.x.id
  account_id = %[1]q
}

resource "aws_ami_launch_permission" "org" {
  image_id         = aws_ami_copy.x.id
  organization_arn = %[2]q
}

resource "aws_ami_launch_permission" "ou" {
  image_id                = aws_ami_copy.x.id
  organizational_unit_arn = %[3]q
}

resource "aws_ami_launch_permission" "public" {
  image_id = aws_ami_copy.x.id
  group    = "all"
}

resource "aws_snapshot_create_volume_permission" "x" {
  snapshot_id = aws_ami_copy.x.root_snapshot_id
  account_id  = %[1]q
}
`, account, organizationARN, organizationalUnitARN)
}
